"""The milestone timeline as inline SVG: drawn on the server, no script or network asset."""

import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sangtao.core import formats

WIDTH, ROW, LEFT = 760, 28, 10
CHAR = 6.6  # px a character of the 12 px label takes at most on average (Vietnamese with its marks)


def _fitted(title: str, day: str, room: float) -> str:
    """The label in the room beside its dot: a long title is shortened (its whole text is the dot's tooltip
    and the milestones' table), the date always kept."""
    suffix = f" ({day})"
    fits = max(int(room / CHAR) - len(suffix), 8)
    return (title if len(title) <= fits else title[:fits - 1].rstrip() + "…") + suffix


def timeline_svg(project, today: datetime.date) -> SafeString:
    milestones = list(project.milestones.all())
    start, end = project.starts_on, max([project.ends_on, *(m.due_on for m in milestones)])
    span = max((end - start).days, 1)

    def x(day: datetime.date) -> float:
        return LEFT + (WIDTH - 2 * LEFT) * min(max((day - start).days, 0), span) / span

    height = ROW * (len(milestones) + 2)
    parts = [f'<svg class="timeline" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
             f'aria-label="{escape(project.challenge.title)}">',
             f'<line x1="{LEFT}" y1="{ROW // 2}" x2="{WIDTH - LEFT}" y2="{ROW // 2}" stroke="#888"/>',
             f'<text x="{LEFT}" y="{ROW - 2}" font-size="11">{formats.short_date(start)}</text>',
             f'<text x="{WIDTH - LEFT}" y="{ROW - 2}" font-size="11" text-anchor="end">{formats.short_date(end)}</text>']
    for row, milestone in enumerate(milestones, start=1):
        y = ROW * row + ROW // 2
        done = milestone.completed_on is not None
        colour = "#2e7d32" if done else ("#c62828" if milestone.due_on < today else "#1565c0")
        cx = x(milestone.due_on)
        parts.append(f'<circle cx="{cx:.1f}" cy="{y}" r="6" fill="{colour}"><title>{escape(milestone.title)} — '
                     f'{formats.short_date(milestone.due_on)}</title></circle>')
        anchor = "end" if cx > WIDTH / 2 else "start"  # on the side with more room
        offset = -10 if anchor == "end" else 10
        room = (cx - 10 - LEFT) if anchor == "end" else (WIDTH - LEFT - cx - 10)
        parts.append(f'<text x="{cx + offset:.1f}" y="{y + 4}" font-size="12" text-anchor="{anchor}">'
                     f'{escape(_fitted(milestone.title, formats.day_month(milestone.due_on), room))}</text>')
    tx = x(today)
    parts.append(f'<line x1="{tx:.1f}" y1="0" x2="{tx:.1f}" y2="{height}" stroke="#f9a825" stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every interpolated text is escaped above
