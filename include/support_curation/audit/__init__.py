"""Dataset audits: who a training set represents, whether its metadata singles people out, what auditors read.

- ``groups``: counts per group (segment, language, channel, source) as the stages see them, XCom-safe;
- ``representation``: extracted against published shares, ratios, bounds run as expectations, drift;
- ``risk``: k-anonymity over the published quasi-identifiers, enforced by generalising or suppressing;
- ``aggregates``: counts by topic x channel x segment x day with small cells suppressed;
- ``charts`` and ``datacard``: SVG charts and the ``_datacard.md`` (Hugging Face card conventions);
- ``publication``: the one call the publish step makes; ``pack``: ``curate audit-pack``.
"""

from __future__ import annotations
