"""Horizontal bar charts as inline SVG: no script, no CDN, readable when printed.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``; the desc lists every
bar's figures, and the same figures are in a table next to it.
"""

from __future__ import annotations

from html import escape

WIDTH = 320  # user units; the chart scales to the width of the page
ROW = 34
BAR_MAX = 240
LABEL_CHARS = 52


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.0f}%"


def bar_chart(chart_id: str, title: str, bars, value_text: str) -> str:
    """``bars`` are ``(label, count, share)`` with share from 0 to 1; ``value_text`` formats one bar for the desc."""
    height = len(bars) * ROW + 6
    desc = "; ".join(value_text.format(label=label, count=count, share=percent(share)) for label, count, share in bars)
    parts = [f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
             f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-t">{escape(title)}</title>', f'<desc id="{chart_id}-d">{escape(desc)}</desc>']
    for index, (label, count, share) in enumerate(bars):
        top = index * ROW + 3
        width = BAR_MAX * max(0.0, min(1.0, share or 0.0))
        parts.append(f'<text x="0" y="{top + 11}" class="chart-label">{escape(_short(label))}</text>')
        parts.append(f'<rect x="0" y="{top + 15}" width="{width:.1f}" height="13" rx="2" class="chart-bar"/>')
        parts.append(f'<text x="{width + 4:.1f}" y="{top + 26}" class="chart-value">{count} · {percent(share)}</text>')
    parts.append("</svg>")
    return "".join(parts)
