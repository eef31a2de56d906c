"""The project's custom Presidio recognizers, one per module; the policy names which ones run."""
