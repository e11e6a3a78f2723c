"""KPI status and trajectory, derived from the measurements: never typed in.

met: the latest value has reached the target (in the direction from baseline to target);
on_track: progress so far is at least the share of time elapsed between the baseline and
target dates (a straight-line path); off_track otherwise; no_data without measurements.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from sangtao.challenges.models import Indicator
from sangtao.core import formats


@dataclass
class KpiStatus:
    code: str  # met, on_track, off_track, no_data
    latest: Decimal | None
    progress: float | None  # share of the way from baseline to target


def kpi_status(indicator: Indicator, measurements: list, today: datetime.date) -> KpiStatus:
    if not measurements:
        return KpiStatus("no_data", None, None)
    latest = measurements[-1].value
    baseline, target = indicator.baseline_value, indicator.target_value
    if baseline is None or target is None or baseline == target:
        return KpiStatus("no_data", latest, None)
    progress = float((latest - baseline) / (target - baseline))
    if progress >= 1:
        return KpiStatus("met", latest, progress)
    start = indicator.baseline_date or measurements[0].measured_on
    end = indicator.target_date
    if end is None or end <= start:
        return KpiStatus("on_track" if progress > 0 else "off_track", latest, progress)
    elapsed = min(max((today - start).days / (end - start).days, 0.0), 1.0)
    return KpiStatus("on_track" if progress >= elapsed else "off_track", latest, progress)


def chart_svg(indicator: Indicator, measurements: list, width: int = 420, height: int = 160) -> SafeString:
    """Measurements against baseline and target as a small inline SVG line chart."""
    values = [float(m.value) for m in measurements]
    marks = [float(v) for v in (indicator.baseline_value, indicator.target_value) if v is not None]
    everything = values + marks
    if not everything:
        return mark_safe("")  # noqa: S308 -- empty
    low, high = min(everything), max(everything)
    span = (high - low) or 1.0
    pad = 24

    def y(value: float) -> float:
        return height - pad - (height - 2 * pad) * (value - low) / span

    dates = [m.measured_on for m in measurements]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    days = max(((last - first).days if first and last else 0), 1)

    def x(day) -> float:
        return pad + (width - 2 * pad) * ((day - first).days / days if first else 0.5)

    parts = [f'<svg class="kpi-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{escape(indicator.name)}">']
    for value, colour, label in ((indicator.baseline_value, "#999", gettext("nền")),
                                 (indicator.target_value, "#2e7d32", gettext("mục tiêu"))):
        if value is not None:
            parts.append(f'<line x1="{pad}" x2="{width - pad}" y1="{y(float(value)):.1f}" y2="{y(float(value)):.1f}" '
                         f'stroke="{colour}" stroke-dasharray="5 4"/><text x="{width - pad}" '
                         f'y="{y(float(value)) - 3:.1f}" font-size="10" text-anchor="end">{label} {float(value):g}</text>')
    points = " ".join(f"{x(m.measured_on):.1f},{y(float(m.value)):.1f}" for m in measurements)
    if points:
        parts.append(f'<polyline points="{points}" fill="none" stroke="#1565c0" stroke-width="2"/>')
        for m in measurements:
            parts.append(f'<circle cx="{x(m.measured_on):.1f}" cy="{y(float(m.value)):.1f}" r="3" fill="#1565c0">'
                         f'<title>{formats.short_date(m.measured_on)}: {float(m.value):g}</title></circle>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- the only text is escaped or numeric
