"""The survey's charts: the index per unit for one period (95% whiskers, highest first, the units
below the minimum number of respondents named with why), the whole survey's index by period, and
the change around deployment (before/after, with the control units and the difference in differences)."""

from django.db.models import Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from sangtao.core import charts, formats
from sangtao.surveys.indices import OVERALL, make_cell
from sangtao.surveys.ingest import RESPONDENT_STATS
from sangtao.surveys.models import Aggregate, Measure, RespondentAggregate


def _bar(label, cell) -> charts.Bar:
    if cell is None:
        return charts.Bar(label, None, hidden=_("chưa có phiếu"))
    if cell.suppressed:
        return charts.Bar(label, None, n=cell.n, hidden=str(format_lazy(_("ẩn: n={n}, dưới ngưỡng"), n=cell.n)))
    return charts.Bar(label, cell.share.estimate, cell.share.low, cell.share.high, cell.n)


def unit_index_chart(survey, period, rows) -> charts.Chart:
    """rows: index_rows(...) for one period; the overall index is each row's first cell."""
    title = str(format_lazy(_("Chỉ số hài lòng chung theo đơn vị, kỳ {period}"), period=period.label))
    chart = charts.interval_bars(title, [_bar(unit.name, cells[0]) for unit, _p, cells in rows],
                                 value_name=_("Tỷ lệ hài lòng"))
    chart.notes.append(str(format_lazy(_("Đường ngang: khoảng tin cậy 95%. Đơn vị có dưới {n} người trả lời được ẩn."),
                                       n=survey.rule.min_n)))
    return chart


def period_cells(survey) -> dict[int, object]:
    """period id -> the cell pooling every unit of the survey (overall index), in two grouped queries."""
    answers = {p: [n, s, 0] for p, n, s in Aggregate.objects.filter(
        survey=survey, item__measure=Measure.SATISFACTION, unit__in=survey.units.all()).order_by()
        .values_list("period_id").annotate(Sum("n"), Sum("satisfied"))}
    respondents = {p: stats for p, *stats in RespondentAggregate.objects.filter(
        survey=survey, element=OVERALL, unit__in=survey.units.all()).order_by()
        .values_list("period_id").annotate(*[Sum(name) for name in RESPONDENT_STATS])}
    return {p: make_cell((0, p, OVERALL), sums, respondents.get(p), survey.rule.min_n) for p, sums in answers.items()}


def trend_chart(survey, periods) -> charts.Chart:
    cells = period_cells(survey)
    title = _("Chỉ số hài lòng chung của cả khảo sát theo kỳ")
    return charts.interval_bars(title, [_bar(p.label, cells.get(p.pk)) for p in periods], sort=False,
                                value_name=_("Tỷ lệ hài lòng"))


def impact_chart(impact) -> charts.Chart:
    bars = [_bar(label, cell) for label, cell in (
        (_("Đơn vị áp dụng, trước"), impact.before), (_("Đơn vị áp dụng, sau"), impact.after),
        (_("Đơn vị đối chứng, trước"), impact.control_before), (_("Đơn vị đối chứng, sau"), impact.control_after))]
    parts = []
    if impact.change:
        parts.append(str(format_lazy(_("Thay đổi ở đơn vị áp dụng: {v} điểm % (95%: {lo} đến {hi})."),
                                     v=formats.number(100 * impact.change.estimate, 1),
                                     lo=formats.number(100 * impact.change.low, 1),
                                     hi=formats.number(100 * impact.change.high, 1))))
    if impact.did:
        parts.append(str(format_lazy(_("Khác biệt trong khác biệt: {v} điểm % (95%: {lo} đến {hi})."),
                                     v=formats.number(100 * impact.did.estimate, 1),
                                     lo=formats.number(100 * impact.did.low, 1),
                                     hi=formats.number(100 * impact.did.high, 1))))
    summary = " ".join(parts) or _("Chưa đủ số liệu trước và sau khi áp dụng.")
    return charts.interval_bars(_("Tỷ lệ hài lòng trước và sau khi áp dụng"), bars, sort=False, summary=summary,
                                value_name=_("Tỷ lệ hài lòng"))
