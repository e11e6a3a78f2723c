"""Charts people can read: drawn on the server as SVG (no script, no network), each with a text
summary and its data table, so a screen reader and a printout get the same facts as the eye.

A chart is a `Chart` (title, svg, summary, columns, rows); templates show it with
includes/chart.html. Numbers and dates are formatted through core.formats, in the page's language."""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from sangtao.core import formats

INK, MUTED, GRID, BAR, GOOD, TARGET = "#1b2430", "#5b6675", "#d7dde5", "#0b5cab", "#1e7b34", "#a15c00"


@dataclass
class Chart:
    title: str
    svg: SafeString
    summary: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


@dataclass
class Bar:
    """One row of a bar chart: a value with an optional 95% interval, or a reason it is not shown."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    hidden: str = ""  # why the value is not shown (suppressed below the minimum n)


def percent(value: float | None, decimals: int = 0) -> str:
    return "" if value is None else f"{formats.number(100 * value, decimals)}%"


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 -- every text interpolated into body is escaped where it is made
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        + "".join(body) + "</svg>")


def interval_bars(title: str, bars: Sequence[Bar], *, share: bool = True, sort: bool = True,
                  value_name: str = "", summary: str = "") -> Chart:
    """Horizontal bars (0-100% for shares) with 95% whiskers, highest first; hidden rows listed last with why."""
    shown = [b for b in bars if b.value is not None and not b.hidden]
    hidden = [b for b in bars if b.value is None or b.hidden]
    if sort:
        shown.sort(key=lambda b: -(b.value or 0))
    top = 1.0 if share else max([b.high if b.high is not None else b.value or 0 for b in shown] + [1]) * 1.1
    label_w, plot_w, row = 230, 330, 26
    width = label_w + plot_w + 120
    height = 30 + row * (len(shown) + len(hidden)) + 10

    def x(value: float) -> float:
        return label_w + plot_w * max(0.0, min(value, top)) / top

    def show(value: float | None) -> str:
        return percent(value) if share else formats.number(value, 1)

    body = []
    for step in range(5):  # the value axis: 0, 25, 50, 75, 100 %
        tick = top * step / 4
        body.append(f'<line x1="{x(tick):.1f}" y1="22" x2="{x(tick):.1f}" y2="{height - 8}" stroke="{GRID}"/>'
                    f'<text x="{x(tick):.1f}" y="14" font-size="11" fill="{MUTED}" text-anchor="middle">'
                    f'{escape(show(tick))}</text>')
    y = 30
    for bar in shown:
        value = bar.value or 0.0
        body.append(f'<text x="{label_w - 8}" y="{y + 13}" font-size="12" fill="{INK}" text-anchor="end">'
                    f'<title>{escape(bar.label)}</title>{escape(_short(bar.label))}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{x(value) - label_w:.1f}" height="14" fill="{BAR}"/>')
        end = x(value)
        if bar.low is not None and bar.high is not None:
            lo, hi = x(bar.low), x(bar.high)
            body.append(f'<line x1="{lo:.1f}" y1="{y + 10}" x2="{hi:.1f}" y2="{y + 10}" stroke="{INK}" stroke-width="1.5"/>'
                        f'<line x1="{lo:.1f}" y1="{y + 4}" x2="{lo:.1f}" y2="{y + 16}" stroke="{INK}"/>'
                        f'<line x1="{hi:.1f}" y1="{y + 4}" x2="{hi:.1f}" y2="{y + 16}" stroke="{INK}"/>')
            end = max(end, hi)
        body.append(f'<text x="{end + 6:.1f}" y="{y + 14}" font-size="12" fill="{INK}">{escape(show(value))}</text>')
        y += row
    for bar in hidden:
        body.append(f'<text x="{label_w - 8}" y="{y + 13}" font-size="12" fill="{MUTED}" text-anchor="end">'
                    f'{escape(_short(bar.label))}</text><text x="{label_w + 4}" y="{y + 13}" font-size="12" '
                    f'fill="{MUTED}" font-style="italic">{escape(bar.hidden or _("không có số liệu"))}</text>')
        y += row
    columns = [_("Mục"), value_name or (_("Tỷ lệ") if share else _("Giá trị")), _("Khoảng tin cậy 95%"), "n"]
    rows = [[b.label, show(b.value), f"{show(b.low)} – {show(b.high)}" if b.low is not None else "",
             formats.number(b.n) if b.n is not None else ""] for b in shown]
    rows += [[b.label, b.hidden or _("không có số liệu"), "", formats.number(b.n) if b.n is not None else ""]
             for b in hidden]
    if not summary:
        if shown:
            summary = str(format_lazy(_("Cao nhất: {top} ({v}); thấp nhất: {bottom} ({w})."),
                                      top=shown[0].label, v=show(shown[0].value), bottom=shown[-1].label,
                                      w=show(shown[-1].value)))
        else:
            summary = _("Chưa có số liệu để vẽ.")
        if hidden:
            summary += " " + str(format_lazy(_("{n} mục không hiển thị (dưới ngưỡng số người trả lời)."),
                                             n=len(hidden)))
    return Chart(title, _svg(width, height, title, body), summary, columns, rows)


def counts(title: str, items: Sequence[tuple[str, int]], *, noun: str = "") -> Chart:
    """Bars of counts (challenges by stage, field, unit): in the given order, zeros kept."""
    label_w, plot_w, row = 230, 330, 24
    width = label_w + plot_w + 70
    height = 12 + row * max(len(items), 1)
    top = max([n for _l, n in items] + [1])
    body = []
    for index, (label, n) in enumerate(items):
        y = 6 + row * index
        w = plot_w * n / top
        body.append(f'<text x="{label_w - 8}" y="{y + 13}" font-size="12" fill="{INK}" text-anchor="end">'
                    f'<title>{escape(label)}</title>{escape(_short(label))}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="14" fill="{BAR}"/>'
                    f'<text x="{label_w + w + 6:.1f}" y="{y + 14}" font-size="12" fill="{INK}">'
                    f'{escape(formats.number(n))}</text>')
    total = sum(n for _l, n in items)
    ranked = sorted(items, key=lambda item: -item[1])
    summary = str(format_lazy(_("Tổng {total}; nhiều nhất: {label} ({n})."), total=formats.number(total),
                              label=ranked[0][0], n=formats.number(ranked[0][1]))) if total else _("Chưa có số liệu.")
    return Chart(title, _svg(width, height, title, body), summary, [_("Mục"), noun or _("Số lượng")],
                 [[label, formats.number(n)] for label, n in items])


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values (1, 2, 2.5 or 5 times a power of ten apart) covering low..high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    value = math.floor(low / step) * step
    ticks = []
    while value < high + step * 0.999:
        ticks.append(round(value, 6))
        value += step
    return ticks


def dated_line(title: str, points: Sequence[tuple[datetime.date, float]], *, baseline=None, target=None,
               unit: str = "", value_name: str = "") -> Chart:
    """Values over dates, with the baseline and the target as labelled lines; axes with dates and values."""
    points = sorted((d, float(v)) for d, v in points)
    values = [v for _d, v in points] + [float(v) for v in (baseline, target) if v is not None]
    left, right, top_m, bottom_m, width, height = 64, 110, 14, 40, 640, 240
    ticks = _nice_ticks(min(values + [0.0]) if values else 0.0, max(values) if values else 1.0)
    y_low, y_high = ticks[0], ticks[-1]
    days = [d for d, _v in points] or [timezone.localdate()]
    start, end = days[0], days[-1]
    if start == end:
        start, end = start - datetime.timedelta(days=15), end + datetime.timedelta(days=15)
    span = (end - start).days

    def x(day: datetime.date) -> float:
        return left + (width - left - right) * (day - start).days / span

    def y(value: float) -> float:
        return top_m + (height - top_m - bottom_m) * (1 - (value - y_low) / ((y_high - y_low) or 1))

    body = []
    for tick in ticks:
        body.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" stroke="{GRID}"/>'
                    f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" fill="{MUTED}" text-anchor="end">'
                    f'{escape(formats.number(tick, 0 if float(tick).is_integer() else 1))}</text>')
    date_ticks = [start + datetime.timedelta(days=round(span * i / 3)) for i in range(4)]
    for day in date_ticks:
        body.append(f'<line x1="{x(day):.1f}" y1="{height - bottom_m}" x2="{x(day):.1f}" y2="{height - bottom_m + 5}" '
                    f'stroke="{MUTED}"/><text x="{x(day):.1f}" y="{height - bottom_m + 18}" font-size="11" '
                    f'fill="{MUTED}" text-anchor="middle">{escape(formats.short_date(day))}</text>')
    body.append(f'<line x1="{left}" y1="{height - bottom_m}" x2="{width - right}" y2="{height - bottom_m}" '
                f'stroke="{MUTED}"/>')
    labels: list[tuple[float, str, str]] = []  # (y, text, colour) of the reference lines
    for value, name, colour in ((baseline, _("Mức cơ sở"), MUTED), (target, _("Mục tiêu"), TARGET)):
        if value is None:
            continue
        at = y(float(value))
        body.append(f'<line x1="{left}" y1="{at:.1f}" x2="{width - right}" y2="{at:.1f}" stroke="{colour}" '
                    f'stroke-dasharray="6 4" stroke-width="1.5"/>')
        labels.append((at, f"{name}: {formats.number(value, 0 if float(value).is_integer() else 1)}", colour))
    labels.sort()
    placed: list[float] = []  # moved apart so that the two labels never overlap
    for at, text, colour in labels:
        at = max(at, placed[-1] + 14) if placed else at
        placed.append(at)
        body.append(f'<text x="{width - right + 6}" y="{at + 4:.1f}" font-size="11" fill="{colour}">{escape(text)}</text>')
    if points:
        path = " ".join(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(v):.1f}" for i, (d, v) in enumerate(points))
        body.append(f'<path d="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>')
        for d, v in points:
            body.append(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="4" fill="{BAR}"><title>'
                        f'{escape(formats.short_date(d))}: {escape(formats.number(v, 2))}</title></circle>')
    if points:
        last_day, last = points[-1]
        summary = str(format_lazy(_("{n} số đo từ {start} đến {end}; gần nhất {value}{unit}."),
                                  n=len(points), start=formats.short_date(points[0][0]),
                                  end=formats.short_date(last_day), value=formats.number(last, 2),
                                  unit=f" {unit}" if unit else ""))
        if baseline is not None and target is not None:
            summary += " " + str(format_lazy(_("Mức cơ sở {b}, mục tiêu {t}."), b=formats.number(baseline, 2),
                                             t=formats.number(target, 2)))
    else:
        summary = _("Chưa có số đo.")
    rows = [[formats.short_date(d), formats.number(v, 2)] for d, v in points]
    return Chart(title, _svg(width, height, title, body), summary, [_("Ngày đo"), value_name or _("Giá trị")], rows)


def as_float(value) -> float | None:
    return None if value is None else float(value) if isinstance(value, Decimal | int | float) else None
