"""DoST's portfolio: grand challenges, the units' annual innovation tasks and recognised initiatives,
by OPSI facet, field, unit, stage and outcome, year over year, with one written definition per
counter, used by the page and the export alike."""

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from sangtao.capacity.models import UnitScore
from sangtao.challenges.models import Challenge, Facet, Status
from sangtao.evaluation.outcome import outcomes
from sangtao.surveys.stats import Difference

if TYPE_CHECKING:
    from sangtao.annual.models import AnnualPlan
    from sangtao.initiatives.models import Initiative

# The facet map: directionality (top-down <-> bottom-up) and certainty (known <-> uncertain).
FACET_MAP: dict[str, tuple] = {
    Facet.MISSION: (_("Từ trên xuống"), _("Chắc chắn hơn")),
    Facet.ENHANCEMENT: (_("Từ dưới lên"), _("Chắc chắn hơn")),
    Facet.ADAPTIVE: (_("Từ dưới lên"), _("Bất định hơn")),
    Facet.ANTICIPATORY: (_("Từ trên xuống"), _("Bất định hơn")),
}
KINDS = {"challenge": _("Bài toán lớn"), "annual_task": _("Nhiệm vụ đổi mới sáng tạo hằng năm"),
         "initiative": _("Sáng kiến")}
COUNTERS = {
    "total": (_("Số việc trong danh mục"), _("Bài toán lớn đã được phê duyệt trở đi (không tính bản nháp, bị từ "
                                            "chối, đã rút, đã hủy), nhiệm vụ năm thuộc kế hoạch Sở KH&CN đã tổng hợp "
                                            "và sáng kiến đã được công nhận, thỏa điều kiện lọc.")),
    "challenges": (_("Bài toán lớn"), _("Bài toán lớn đã được phê duyệt trở đi thỏa điều kiện lọc.")),
    "annual_tasks": (_("Nhiệm vụ năm"), _("Nhiệm vụ trong kế hoạch đổi mới sáng tạo năm của các đơn vị mà Sở KH&CN "
                                           "đã tổng hợp (đã tổng hợp, đang thực hiện, hoàn thành).")),
    "initiatives": (_("Sáng kiến được công nhận"), _("Sáng kiến được hội đồng công nhận, kể cả đã đề nghị hoặc đã "
                                                     "được công nhận phạm vi thành phố; năm là năm công nhận.")),
    "implementing": (_("Đang triển khai"), _("Bài toán ở trạng thái «Đang triển khai» và nhiệm vụ năm thuộc kế hoạch "
                                             "«Đang thực hiện».")),
    "measured": (_("Đã đo kết quả"), _("Bài toán hoặc nhiệm vụ năm có ít nhất một chỉ số đã có số đo.")),
    "kpi_met": (_("Đạt mục tiêu"), _("Bài toán hoặc nhiệm vụ năm có mọi chỉ số đã đạt mục tiêu ở số đo mới nhất.")),
    "satisfaction_up": (_("Hài lòng tăng rõ"), _("Bài toán hoặc nhiệm vụ năm có thay đổi mức hài lòng trước/sau "
                                                 "(tính từ khảo sát) với cận dưới của khoảng tin cậy 95% lớn hơn 0.")),
    "city_scope": (_("Sáng kiến phạm vi thành phố"), _("Sáng kiến được công nhận có phạm vi ảnh hưởng cấp thành "
                                                       "phố.")),
}
LIMIT = 500  # lines of each kind, the latest first
KPI_LABELS = {"met": _("Đạt mục tiêu"), "on_track": _("Đúng hướng"), "off_track": _("Chưa đạt tiến độ"),
              "no_data": _("Chưa có số liệu"), "none": _("Không có chỉ số")}
EXCLUDED = [Status.DRAFT, Status.UNIT_REVIEW, Status.DOST_REVIEW, Status.REJECTED, Status.WITHDRAWN,
            Status.CANCELLED]


@dataclass
class Line:
    kind: str  # a key of KINDS
    title: str
    # The object whose page the line links to (its address is made only for the lines shown). A challenge's
    # holds only the columns challenge_lines reads: another column would cost a query a line.
    page: "Challenge | AnnualPlan | Initiative"
    facet: str
    field: str
    unit: str
    unit_id: int
    stage: str
    status: str
    year: int
    kpi_status: str
    change: Difference | None
    capacity: float | None

    @property
    def url(self) -> str:
        return self.page.get_absolute_url()

    @property
    def facet_label(self) -> str:
        return str(Facet(self.facet).label) if self.facet else ""

    @property
    def kpi_label(self):
        return KPI_LABELS[self.kpi_status]

    @property
    def kind_label(self):
        return KINDS[self.kind]


def _capacity(unit_ids) -> dict[int, float | None]:
    """unit -> its latest year's composite capacity score."""
    capacity = {}
    for unit_id, composite in UnitScore.objects.filter(unit_id__in=set(unit_ids)).order_by(
            "round__year").values_list("unit_id", "composite"):
        capacity[unit_id] = composite
    return capacity


def kpi_summary(codes: set[str]) -> str:
    """A piece of work's KPI status from its indicators' (the one definition the portfolio's and the
    benchmark's counters use): met when every indicator met its target at its latest measurement; off
    track when one is behind the straight line to its target; no data when none is measured; on track
    otherwise."""
    return "met" if codes == {"met"} else ("no_data" if not codes or codes == {"no_data"} else
                                           "off_track" if "off_track" in codes else "on_track")


def challenge_results(challenges: list[Challenge]) -> dict[int, tuple[str, Difference | None]]:
    """challenge id -> (its KPI status, its satisfaction change before/after with the 95% interval, the
    first of its surveys that has one), from the outcome functions' batch reader (a fixed number of
    queries however many challenges)."""
    found = {}
    for pk, (kpis, surveys) in outcomes(challenges).items():
        change = next((v.impact.change for v in surveys if v.impact and v.impact.change), None)
        found[pk] = (kpi_summary({k.status.code for k in kpis}), change)
    return found


def challenge_lines(filters: dict) -> list[Line]:
    # Only what a line shows: a challenge's row holds its whole text and search columns, read 500 times here.
    challenges = Challenge.objects.exclude(status__in=EXCLUDED).select_related("field", "owner_unit").only(
        "title", "facet", "status", "created_at", "field__name", "owner_unit__name")
    for key in ("facet", "status"):
        if filters.get(key):
            challenges = challenges.filter(**{key: filters[key]})
    if filters.get("field"):
        challenges = challenges.filter(field_id=filters["field"])
    if filters.get("unit"):
        challenges = challenges.filter(owner_unit_id=filters["unit"])
    if filters.get("year"):
        challenges = challenges.filter(created_at__year=filters["year"])
    found = list(challenges.order_by("-created_at")[:LIMIT])
    results = challenge_results(found)
    capacity = _capacity(c.owner_unit_id for c in found)
    lines = []
    for c in found:  # str(Status(...).label): get_status_display() translates every choice's label on each call
        kpi, change = results[c.pk]
        lines.append(Line("challenge", c.title, c, c.facet, c.field.name, c.owner_unit.name,
                          c.owner_unit_id, str(Status(c.status).label), c.status, c.created_at.year, kpi, change,
                          capacity.get(c.owner_unit_id)))
    return lines


def task_lines(filters: dict) -> list[Line]:
    """The annual tasks of plans DoST consolidated, with their KPI status and computed satisfaction change."""
    from sangtao.annual.models import REPORTING_STATES, AnnualTask, PlanStatus
    from sangtao.annual.results import task_results

    tasks = AnnualTask.objects.filter(plan__status__in=REPORTING_STATES).select_related("plan__unit", "field", "survey")
    if filters.get("facet"):
        tasks = tasks.filter(facet=filters["facet"])
    if filters.get("field"):
        tasks = tasks.filter(field_id=filters["field"])
    if filters.get("unit"):
        tasks = tasks.filter(plan__unit_id=filters["unit"])
    if filters.get("status"):
        tasks = tasks.filter(plan__status=filters["status"])
    if filters.get("year"):
        tasks = tasks.filter(plan__year=filters["year"])
    found = list(tasks.order_by("-plan__year", "plan__unit__sort_name", "plan_id", "position", "id")[:LIMIT])
    results = task_results(found)
    capacity = _capacity(t.plan.unit_id for t in found)
    lines = []
    for t in found:
        result = results[t.pk]
        change = result.impact.change if result.impact else None
        lines.append(Line("annual_task", t.title, t.plan, t.facet, t.field.name if t.field else "",
                          t.plan.unit.name, t.plan.unit_id, str(PlanStatus(t.plan.status).label), t.plan.status, t.plan.year,
                          kpi_summary({k.status.code for k in result.kpis}), change, capacity.get(t.plan.unit_id)))
    return lines


def initiative_lines(filters: dict) -> list[Line]:
    """Recognised initiatives: they carry no OPSI facet and no KPI, so a facet filter leaves them out."""
    from sangtao.initiatives.models import RECOGNISED_STATES, Initiative, InitiativeStatus

    if filters.get("facet"):
        return []
    items = Initiative.objects.filter(status__in=RECOGNISED_STATES).select_related("unit", "field")
    if filters.get("field"):
        items = items.filter(field_id=filters["field"])
    if filters.get("unit"):
        items = items.filter(unit_id=filters["unit"])
    if filters.get("status"):
        items = items.filter(status=filters["status"])
    if filters.get("year"):
        items = items.filter(recognised_on__year=filters["year"])
    found = list(items.order_by("-recognised_on", "-id")[:LIMIT])
    capacity = _capacity(i.unit_id for i in found)
    return [Line("initiative", i.title, i, "", i.field.name if i.field else "", i.unit.name,
                 i.unit_id, str(InitiativeStatus(i.status).label), i.status, (i.recognised_on or i.created_at).year, "none", None,
                 capacity.get(i.unit_id)) for i in found]


def stages() -> list[tuple[str, object, list[tuple[str, object]]]]:
    """The stage filter's choices, by kind: (kind, its label, [("kind:state", the state's label)]) for the
    states a kind's work is in the portfolio in."""
    from sangtao.annual.models import REPORTING_STATES, PlanStatus
    from sangtao.initiatives.models import RECOGNISED_STATES, InitiativeStatus

    states: dict[str, list[tuple[str, object]]] = {
        "challenge": [(s.value, s.label) for s in Status if s not in EXCLUDED],
        "annual_task": [(s, PlanStatus(s).label) for s in REPORTING_STATES],
        "initiative": [(s, InitiativeStatus(s).label) for s in RECOGNISED_STATES]}
    return [(kind, KINDS[kind], [(f"{kind}:{value}", label) for value, label in states[kind]]) for kind in KINDS]


def portfolio_lines(filters: dict) -> list[Line]:
    """Every kind's lines (or the one kind asked for), at a stage ("kind:state") and with a KPI status
    (a key of KPI_LABELS) when asked."""
    makers = {"challenge": challenge_lines, "annual_task": task_lines, "initiative": initiative_lines}
    kinds = [filters["kind"]] if filters.get("kind") in makers else list(makers)
    if filters.get("stage"):
        kind, filters = filters["stage"].split(":")[0], {**filters, "status": filters["stage"].split(":")[1]}
        kinds = [k for k in kinds if k == kind]
    lines = [line for kind in kinds for line in makers[kind](filters)]
    if filters.get("outcome"):
        lines = [line for line in lines if line.kpi_status == filters["outcome"]]
    return lines


def counters(lines: list[Line]) -> dict[str, int]:
    from sangtao.annual.models import PlanStatus
    from sangtao.initiatives.models import InitiativeStatus

    return {
        "total": len(lines),
        "challenges": sum(1 for line in lines if line.kind == "challenge"),
        "annual_tasks": sum(1 for line in lines if line.kind == "annual_task"),
        "initiatives": sum(1 for line in lines if line.kind == "initiative"),
        "implementing": sum(1 for line in lines if (line.kind, line.status) in {
            ("challenge", Status.IMPLEMENTING), ("annual_task", PlanStatus.IN_PROGRESS)}),
        "measured": sum(1 for line in lines if line.kpi_status not in ("no_data", "none")),
        "kpi_met": sum(1 for line in lines if line.kpi_status == "met"),
        "satisfaction_up": sum(1 for line in lines if line.change is not None and line.change.low > 0),
        "city_scope": sum(1 for line in lines if line.kind == "initiative"
                          and line.status == InitiativeStatus.CITY_RECOGNISED),
    }


def by_facet(lines: list[Line]) -> list[tuple]:
    count = Counter(line.facet for line in lines)
    rows = [(value, label, FACET_MAP[value], count.get(value, 0)) for value, label in Facet.choices]
    if count.get(""):
        rows.append(("", _("Chưa phân loại (sáng kiến)"), ("—", "—"), count[""]))
    return rows


YEAR_COLUMNS = ["challenges", "annual_tasks", "initiatives", "measured", "kpi_met", "satisfaction_up", "total"]


def by_year(lines: list[Line]) -> list[dict]:
    """Year over year, newest first: each year's counters, and the change of the total from the year before."""
    years = sorted({line.year for line in lines}, reverse=True)
    table: list[dict[str, int | None]] = [
        {"year": year, **counters([line for line in lines if line.year == year])} for year in years]
    for index, row in enumerate(table):
        before = table[index + 1] if index + 1 < len(table) else None
        row["change"] = None if before is None else (row["total"] or 0) - (before["total"] or 0)
    return table
