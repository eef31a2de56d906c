"""Representation charts as SVG, built by hand: no plotting library in the image, and byte-stable output.

One chart per dimension: for each group, its share of what was extracted beside its share of what was
published, with the representation ratio written at the end of the row (red when flagged).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

EXTRACTED_COLOUR = "#9aa5b1"
PUBLISHED_COLOUR = "#2f6fad"
FLAGGED_COLOUR = "#c0392b"
ROW_HEIGHT = 34
LABEL_WIDTH = 150
BAR_WIDTH = 320
RATIO_WIDTH = 130
TOP = 52


def chart_name(dimension: str) -> str:
    return f"representation-{dimension}.svg"


def _num(value: float) -> str:
    return f"{value:.1f}"


def representation_svg(dimension: str, rows: Sequence[Mapping[str, Any]], title: str) -> bytes:
    """Grouped bars (extracted vs published share) per value of one dimension."""
    width = LABEL_WIDTH + BAR_WIDTH + RATIO_WIDTH
    height = TOP + ROW_HEIGHT * max(1, len(rows)) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        "<style>text{font-family:sans-serif;font-size:12px;fill:#222}.t{font-size:14px;font-weight:bold}"
        ".s{font-size:11px;fill:#555}</style>",
        f'<text class="t" x="8" y="18">{escape(title)}</text>',
        f'<rect x="{LABEL_WIDTH}" y="28" width="10" height="10" fill="{EXTRACTED_COLOUR}"/>'
        f'<text class="s" x="{LABEL_WIDTH + 14}" y="37">share extracted</text>'
        f'<rect x="{LABEL_WIDTH + 120}" y="28" width="10" height="10" fill="{PUBLISHED_COLOUR}"/>'
        f'<text class="s" x="{LABEL_WIDTH + 134}" y="37">share published</text>'
        f'<text class="s" x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="37">ratio</text>',
    ]
    for i, row in enumerate(rows):
        y = TOP + i * ROW_HEIGHT
        flagged = row.get("status") == "flagged"
        extracted = float(row.get("extracted_share") or 0.0)
        published = float(row.get("published_share") or 0.0)
        label = escape(f"{dimension}={row['value']}")
        out.append(f'<text x="8" y="{y + 16}">{label}</text>')
        out.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{_num(extracted * BAR_WIDTH)}" height="12" '
            f'fill="{EXTRACTED_COLOUR}"/>'
        )
        out.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 15}" width="{_num(published * BAR_WIDTH)}" height="12" '
            f'fill="{FLAGGED_COLOUR if flagged else PUBLISHED_COLOUR}"/>'
        )
        ratio = row.get("ratio")
        shown = "n/a" if ratio is None else f"{ratio:.2f}"
        note = {"flagged": " flagged", "too_small": " (too few)"}.get(str(row.get("status")), "")
        colour = f' style="fill:{FLAGGED_COLOUR}"' if flagged else ""
        out.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 20}"{colour}>{shown}{note}</text>')
    axis_y = TOP + ROW_HEIGHT * max(1, len(rows)) + 4
    out.append(
        f'<line x1="{LABEL_WIDTH}" y1="{axis_y}" x2="{LABEL_WIDTH + BAR_WIDTH}" y2="{axis_y}" stroke="#888"/>'
    )
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        out.append(f'<text class="s" x="{_num(x - 8)}" y="{axis_y + 16}">{tick}%</text>')
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode()
