"""Stewards' review: a queue of redacted items, decisions stored append-only in SQL, and their application
to published partitions.

- ``items``: the review area (``review/<dataset>/dt=.../items/<item>.json``): redacted items, never raw;
- ``sampling``: the seeded, stratified audit sample drawn from every published partition;
- ``store``: the decision log (SQLAlchemy Core; an Airflow connection or SQLite under ``./data``);
- ``reredact``: a missed value as a deny-list entry, redacted at every mention;
- ``apply``: decisions applied to a partition through ``publish.publish_partition`` (files, then manifest);
- ``leak``: records reviewed, records with missed personal data, and a 95 % upper bound on the leak rate.
"""

from __future__ import annotations

from support_curation.review.names import Action, Kind, State

__all__ = ["Action", "Kind", "State"]
