"""DoST's portfolio: grand challenges (and, through a loose interface, other contexts' work) by OPSI
facet, field, unit, stage and outcome, with one written definition per counter, used by the page
and the export alike."""

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sangtao.capacity.models import UnitScore
from sangtao.challenges.models import Challenge, Facet, Status
from sangtao.evaluation.outcome import outcomes
from sangtao.surveys.stats import Difference

# The facet map: directionality (top-down <-> bottom-up) and certainty (known <-> uncertain).
FACET_MAP: dict[str, tuple] = {
    Facet.MISSION: (_("Từ trên xuống"), _("Chắc chắn hơn")),
    Facet.ENHANCEMENT: (_("Từ dưới lên"), _("Chắc chắn hơn")),
    Facet.ADAPTIVE: (_("Từ dưới lên"), _("Bất định hơn")),
    Facet.ANTICIPATORY: (_("Từ trên xuống"), _("Bất định hơn")),
}
COUNTERS = {
    "total": (_("Số việc trong danh mục"), _("Bài toán lớn đã được phê duyệt trở đi (không tính bản nháp, bị từ "
                                            "chối, đã rút, đã hủy) thỏa điều kiện lọc.")),
    "implementing": (_("Đang triển khai"), _("Bài toán ở trạng thái «Đang triển khai».")),
    "measured": (_("Đã đo kết quả"), _("Bài toán có ít nhất một chỉ số thành công đã có số đo.")),
    "kpi_met": (_("Đạt mục tiêu"), _("Bài toán có mọi chỉ số thành công đã đạt mục tiêu ở số đo mới nhất.")),
    "satisfaction_up": (_("Hài lòng tăng rõ"), _("Bài toán có thay đổi mức hài lòng trước/sau với cận dưới của "
                                                 "khoảng tin cậy 95% lớn hơn 0.")),
}
KPI_LABELS = {"met": _("Đạt mục tiêu"), "on_track": _("Đúng hướng"), "off_track": _("Chưa đạt tiến độ"),
              "no_data": _("Chưa có số liệu")}
EXCLUDED = [Status.DRAFT, Status.UNIT_REVIEW, Status.DOST_REVIEW, Status.REJECTED, Status.WITHDRAWN,
            Status.CANCELLED]


@dataclass
class Line:
    kind: str  # "challenge", or another context's key
    title: str
    url: str
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
    def kpi_label(self):
        return KPI_LABELS[self.kpi_status]


def challenge_lines(filters: dict) -> list[Line]:
    challenges = Challenge.objects.exclude(status__in=EXCLUDED).select_related("field", "owner_unit")
    for key in ("facet", "status"):
        if filters.get(key):
            challenges = challenges.filter(**{key: filters[key]})
    if filters.get("field"):
        challenges = challenges.filter(field_id=filters["field"])
    if filters.get("unit"):
        challenges = challenges.filter(owner_unit_id=filters["unit"])
    if filters.get("year"):
        challenges = challenges.filter(created_at__year=filters["year"])
    found = list(challenges.order_by("-created_at")[:500])
    measured = outcomes(found)
    capacity = {}
    for unit_id, composite in UnitScore.objects.filter(unit_id__in={c.owner_unit_id for c in found}).order_by(
            "round__year").values_list("unit_id", "composite"):
        capacity[unit_id] = composite  # the latest year's
    lines = []
    for c in found:
        kpis, surveys = measured[c.pk]
        codes = {k.status.code for k in kpis}
        status = "met" if codes == {"met"} else ("no_data" if not codes or codes == {"no_data"} else
                                                 "off_track" if "off_track" in codes else "on_track")
        change = next((v.impact.change for v in surveys if v.impact and v.impact.change), None)
        lines.append(Line("challenge", c.title, c.get_absolute_url(), c.facet, c.field.name, c.owner_unit.name,
                          c.owner_unit_id, c.get_status_display(), c.status, c.created_at.year, status, change,
                          capacity.get(c.owner_unit_id)))
    return lines


def counters(lines: list[Line]) -> dict[str, int]:
    return {
        "total": len(lines),
        "implementing": sum(1 for line in lines if line.status == Status.IMPLEMENTING),
        "measured": sum(1 for line in lines if line.kpi_status != "no_data"),
        "kpi_met": sum(1 for line in lines if line.kpi_status == "met"),
        "satisfaction_up": sum(1 for line in lines if line.change is not None and line.change.low > 0),
    }


def by_facet(lines: list[Line]) -> list[tuple]:
    count = Counter(line.facet for line in lines)
    return [(value, label, FACET_MAP[value], count.get(value, 0)) for value, label in Facet.choices]
