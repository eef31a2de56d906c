"""Consent lifecycle after publication: revocations, erasure requests and retention reach every area.

One job per module:

- :mod:`.ledger`: who must go (revocations, erasure requests), by the consent rules of
  :mod:`support_curation.consent`;
- :mod:`.rewrite`: remove subjects' records from published partitions (through publish's atomic switch);
- :mod:`.quarantine`: remove erased subjects' items from the quarantine area;
- :mod:`.retention`: expire old partitions in every area;
- :mod:`.audit`: audit entries, the watermark, the policy reference;
- :mod:`.enforcement`: one enforcement run, step by step (the DAG wires these steps);
- :mod:`.customer`: one customer, now (``curate locate`` and ``curate erase``).

Nothing here logs or returns raw customer ids: callers get partitions and counts.
"""
