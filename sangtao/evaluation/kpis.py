"""KPI status and trajectory, derived from the measurements: never typed in.

met: the latest value has reached the target (in the direction from baseline to target);
on_track: progress so far is at least the share of time elapsed between the baseline and
target dates (a straight-line path); off_track otherwise; no_data without measurements.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from sangtao.challenges.models import KpiDefinition
from sangtao.core import charts


@dataclass
class KpiStatus:
    code: str  # met, on_track, off_track, no_data
    latest: Decimal | None
    progress: float | None  # share of the way from baseline to target


def kpi_status(indicator: KpiDefinition, measurements: list, today: datetime.date,
               due_by_default: datetime.date | None = None) -> KpiStatus:
    """`due_by_default`: the target date of an indicator that names none (an annual task's: its year's end);
    without either, any progress counts as on track."""
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
    end = indicator.target_date or due_by_default
    if end is None or end <= start:
        return KpiStatus("on_track" if progress > 0 else "off_track", latest, progress)
    elapsed = min(max((today - start).days / (end - start).days, 0.0), 1.0)
    return KpiStatus("on_track" if progress >= elapsed else "off_track", latest, progress)


def kpi_chart(indicator: KpiDefinition, measurements: list) -> charts.Chart:
    """Measurements over their dates against the baseline and target lines, with summary and table."""
    name = f"{indicator.name} ({indicator.unit_of_measure})" if indicator.unit_of_measure else indicator.name
    return charts.dated_line(name, [(m.measured_on, m.value) for m in measurements],
                             baseline=indicator.baseline_value, target=indicator.target_value,
                             unit=indicator.unit_of_measure, value_name=indicator.unit_of_measure or "")
