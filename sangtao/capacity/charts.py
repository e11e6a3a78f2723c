"""Small SVG charts drawn on the server (no script, no inline style): point estimates with their 95%
intervals. Each chart sits beside a table of the same numbers."""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

ROW, LEFT, WIDTH = 22, 170, 520


def interval_chart(rows: list[tuple], top: float, title: str, zero: float | None = None) -> SafeString:
    """rows: (label, estimate, low, high, highlighted) with values on 0..top (or -top..top when zero)."""
    rows = [r for r in rows if r[1] is not None]
    if not rows:
        return mark_safe("")  # noqa: S308 -- constant
    low_end = -top if zero is not None else 0.0

    def x(value: float) -> float:
        return LEFT + (value - low_end) / (top - low_end) * (WIDTH - LEFT - 10)

    height = ROW * len(rows) + 24
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    if zero is not None:
        parts.append(f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="0" y2="{height - 20}" stroke="#888" '
                     'stroke-dasharray="3 3"/>')
    for i, (label, estimate, low, high, highlighted) in enumerate(rows):
        y = ROW * i + 14
        colour = "#c62828" if highlighted else "#1565c0"
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" font-size="11">{escape(str(label)[:28])}</text>')
        if low is not None and high is not None:
            parts.append(f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{y}" y2="{y}" stroke="{colour}" '
                         'stroke-width="2"/>')
        parts.append(f'<circle cx="{x(estimate):.1f}" cy="{y}" r="4" fill="{colour}"/>')
    axis = height - 6
    for tick in (low_end, (low_end + top) / 2, top):
        parts.append(f'<text x="{x(tick):.1f}" y="{axis}" text-anchor="middle" font-size="10">{tick:g}</text>')
    parts.append("</svg>")
    return format_html("{}", mark_safe("".join(parts)))  # noqa: S308 -- every text above is escaped
