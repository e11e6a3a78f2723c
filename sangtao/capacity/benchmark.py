"""The benchmark across units and years, read from the maintained scores only (a fixed number of
queries whatever the number of units): one definition of each column, used by the page and the
exports alike; suppressed values stay empty everywhere."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from sangtao.capacity.models import Round, SizeBand, UnitScore
from sangtao.challenges.models import Challenge, Status
from sangtao.core import formats
from sangtao.surveys.stats import Difference

COLUMNS = [
    ("unit", _("Đơn vị"), _("Đơn vị tham gia đợt khảo sát.")),
    ("kind", _("Loại"), _("Loại đơn vị trong danh mục tổ chức.")),
    ("size_band", _("Quy mô"), _("Nhóm quy mô theo số cán bộ, công chức (dữ liệu do Sở KH&CN cập nhật).")),
    ("composite", _("Điểm tổng hợp (0-10)"), _("Công thức công bố ở đầu trang; trống khi mọi thành phần bị ẩn.")),
    ("composite_low", _("Cận dưới 95%"), _("Khoảng tin cậy 95% của điểm tổng hợp (giữ nhỏ nhất, lớn nhất cố định).")),
    ("composite_high", _("Cận trên 95%"), _("Cận trên của khoảng tin cậy 95% của điểm tổng hợp.")),
    ("rank", _("Thứ hạng (khoảng)"), _("Hạng tốt nhất – kém nhất có thể: đơn vị có khoảng tin cậy chồng nhau không "
                                        "được xếp khác hạng.")),
    ("climate", _("Môi trường đổi mới (%)"), _("Trung bình % tích cực (4-5) của ba câu FEVS; ẩn khi dưới số người "
                                                "tối thiểu.")),
    ("climate_n", _("Số người (môi trường)"), _("Số cán bộ đã trả lời; dưới ngưỡng ghi «<n tối thiểu».")),
    ("determinants", _("Yếu tố OECD (%)"), _("% tích cực trên 12 câu tự đánh giá (4 yếu tố × 3 cấp).")),
    ("barometer", _("Phong vũ biểu (%)"), _("Tỷ lệ trong bốn loại đổi mới (dịch vụ, quy trình, tổ chức, truyền "
                                            "thông) mà lãnh đạo, quản lý cho biết đã triển khai trong 2 năm.")),
]
# What units actually do on the platform, beside the index (to check it against behaviour); the two
# years to the round's year are the barometer's window.
ACTIVITY = [
    ("challenges", _("Bài toán chủ trì"), _("Số bài toán lớn đơn vị chủ trì, đã được phê duyệt trở đi (không tính bản "
                                             "nháp, bị từ chối, đã rút, đã hủy): để đối chiếu chỉ số với việc làm.")),
    ("challenges_completed", _("Bài toán đã hoàn thành"), _("Số bài toán lớn đơn vị chủ trì đã hoàn thành (đã nghiệm "
                                                             "thu và đánh giá kết quả).")),
    ("tasks_done", _("Nhiệm vụ năm hoàn thành"), _("Số nhiệm vụ đổi mới sáng tạo trong kế hoạch năm của đơn vị đã hoàn "
                                                    "thành, năm của đợt khảo sát và năm trước đó.")),
    ("initiatives", _("Sáng kiến được công nhận"), _("Số sáng kiến áp dụng tại đơn vị được hội đồng công nhận (kể cả "
                                                      "phạm vi thành phố), công nhận trong năm của đợt khảo sát và năm "
                                                      "trước đó.")),
]
COLUMNS += ACTIVITY
# The outcomes of the challenges a unit owns (those counted in "challenges"), beside its index: each
# challenge's KPI status and satisfaction change are the portfolio's (portfolio.challenge_results).
OUTCOMES = [
    ("kpi_met", _("Bài toán đạt mục tiêu"), _("Số bài toán đơn vị chủ trì (đã được phê duyệt trở đi) có mọi chỉ số "
                                              "thành công đã đạt mục tiêu ở số đo mới nhất.")),
    ("kpi_on_track", _("Bài toán đúng hướng"), _("Số bài toán đơn vị chủ trì có chỉ số đã đo, chưa đạt hết mục tiêu "
                                                 "nhưng không chỉ số nào chậm so với đường thẳng từ giá trị nền đến "
                                                 "mục tiêu.")),
    ("kpi_off_track", _("Bài toán chưa đạt tiến độ"), _("Số bài toán đơn vị chủ trì có ít nhất một chỉ số chậm so với "
                                                        "đường thẳng từ giá trị nền đến mục tiêu.")),
    ("satisfaction", _("Thay đổi hài lòng (điểm %)"), _("Với mỗi bài toán đơn vị chủ trì có khảo sát trước và sau khi "
                                                        "áp dụng: thay đổi tỷ lệ hài lòng (điểm %) và khoảng tin cậy 95%, "
                                                        "như trên trang kết quả của bài toán; trống khi chưa đo được.")),
]
COLUMNS += OUTCOMES
OUTCOME_STATUS = {"kpi_met": "met", "kpi_on_track": "on_track", "kpi_off_track": "off_track"}


@dataclass(frozen=True)
class Owned:
    """A challenge the unit owns, with its outcome."""

    challenge: Challenge
    kpi_status: str  # portfolio.kpi_summary's code
    change: Difference | None

    @property
    def status_label(self):
        """From the enum: get_status_display translates every choice's label on each call (a few hundred lines)."""
        return Status(self.challenge.status).label

    @property
    def kpi_label(self):
        from sangtao.capacity.portfolio import KPI_LABELS

        return KPI_LABELS[self.kpi_status]

    @property
    def change_text(self) -> str:
        return "" if self.change is None else change_text(self.change)


def outcome_value(key: str, owned: list[Owned]):
    """The one definition of each OUTCOMES column, for the page and the exports."""
    if key == "satisfaction":
        return "; ".join(f"{o.challenge.title}: {change_text(o.change)}" for o in owned if o.change is not None)
    return sum(1 for o in owned if o.kpi_status == OUTCOME_STATUS[key])


def change_text(change: Difference) -> str:
    """A change in percentage points with its interval: "+5,2 (1,0 – 9,4)"."""
    sign = "+" if change.estimate > 0 else ""
    return (f"{sign}{formats.number(100 * change.estimate, 1)} ({formats.number(100 * change.low, 1)} – "
            f"{formats.number(100 * change.high, 1)})")


def owned_outcomes(unit_ids) -> dict[int, list[Owned]]:
    """unit -> the challenges it owns (those "challenges" counts), newest first, with their outcomes (a
    fixed number of queries however many units and challenges)."""
    from sangtao.capacity.portfolio import EXCLUDED, challenge_results

    challenges = list(Challenge.objects.filter(owner_unit_id__in=list(unit_ids)).exclude(status__in=EXCLUDED)
                      .order_by("-created_at", "-pk"))
    results = challenge_results(challenges)
    found: dict[int, list[Owned]] = defaultdict(list)
    for challenge in challenges:
        found[challenge.owner_unit_id].append(Owned(challenge, *results[challenge.pk]))
    return found


@dataclass
class Row:
    score: UnitScore
    activity: dict[str, int]
    owned: list[Owned] = field(default_factory=list)

    @property
    def outcomes(self) -> dict[str, object]:
        return {key: outcome_value(key, self.owned) for key, _label, _definition in OUTCOMES}

    @property
    def challenges(self) -> int:
        return self.activity["challenges"]

    @property
    def composite(self) -> float | None:
        return self.score.composite

    def value(self, key: str, min_n: int):
        s = self.score
        if key == "unit":
            return s.unit.name
        if key == "kind":
            return s.unit.get_kind_display()
        if key == "size_band":  # the score keeps the band's code as it was that year
            return str(SizeBand(s.size_band).label) if s.size_band in SizeBand.values else s.size_band
        if key == "rank":
            return "" if s.rank_best is None else (
                str(s.rank_best) if s.rank_best == s.rank_worst else f"{s.rank_best}–{s.rank_worst}")
        if key in self.activity:
            return self.activity[key]
        if key in OUTCOME_STATUS or key == "satisfaction":
            return outcome_value(key, self.owned)
        if key == "climate_n":
            return s.climate_n if s.climate_n >= min_n else f"<{min_n}"
        value = getattr(s, key)
        return "" if value is None else round(value, 2)


@dataclass(frozen=True)
class Ranked:
    """A unit's place in the ranking, read for every unit of the round; the full score is read only for
    the units shown (building 3,400 model instances was most of the page's time)."""

    score_id: int
    unit_id: int
    composite: float | None
    sort_name: str
    activity: dict[str, int]


def ranking(round_: Round, kind: str = "", size_band: str = "") -> list[Ranked]:
    """Every unit of the round (of a kind and size band), best first, suppressed last, with what it
    does on the platform (four queries)."""
    scores = UnitScore.objects.filter(round=round_)
    if kind:
        scores = scores.filter(kind=kind)
    if size_band:
        scores = scores.filter(size_band=size_band)
    found = list(scores.values_list("pk", "unit_id", "composite", "unit__sort_name"))
    found.sort(key=lambda s: (s[2] is None, -(s[2] or 0), s[3]))
    done = activity(round_)
    return [Ranked(pk, unit_id, composite, sort_name, {key: done[key].get(unit_id, 0) for key, _l, _d in ACTIVITY})
            for pk, unit_id, composite, sort_name in found]


def rows_of(ranked: list[Ranked]) -> list[Row]:
    """The full rows of these units, in the same order, with the outcomes of the challenges they own
    (one query, and those of owned_outcomes)."""
    scores = UnitScore.objects.select_related("unit").in_bulk([r.score_id for r in ranked])
    owned = owned_outcomes(r.unit_id for r in ranked)
    return [Row(scores[r.score_id], r.activity, owned.get(r.unit_id, [])) for r in ranked]


def rows_for(round_: Round, kind: str = "", size_band: str = "") -> list[Row]:
    return rows_of(ranking(round_, kind, size_band))


def activity(round_: Round) -> dict[str, dict[int, int]]:
    """Each ACTIVITY column: unit -> its count, for the round's units (one grouped query each, the
    two kinds of challenge in one)."""
    from sangtao.annual.models import AnnualTask, PlanStatus
    from sangtao.capacity.portfolio import EXCLUDED
    from sangtao.initiatives.models import RECOGNISED_STATES, Initiative

    years = [round_.year - 1, round_.year]
    found: dict[str, dict[int, int]] = {"challenges": {}, "challenges_completed": {}}
    for unit_id, owned, completed in (
            Challenge.objects.filter(owner_unit__capacity_scores__round=round_).exclude(status__in=EXCLUDED)
            .values("owner_unit_id").annotate(n=Count("id"), done=Count("id", filter=Q(status=Status.COMPLETED)))
            .values_list("owner_unit_id", "n", "done")):
        found["challenges"][unit_id], found["challenges_completed"][unit_id] = owned, completed
    found["tasks_done"] = dict(
        AnnualTask.objects.filter(plan__unit__capacity_scores__round=round_, plan__status=PlanStatus.DONE,
                                  plan__year__in=years)
        .values("plan__unit_id").annotate(n=Count("id")).values_list("plan__unit_id", "n"))
    found["initiatives"] = dict(
        Initiative.objects.filter(unit__capacity_scores__round=round_, status__in=RECOGNISED_STATES,
                                  recognised_on__year__in=years)
        .values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    return found


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    rho: float
    units: int


def behaviour_check(rows: Sequence[Row | Ranked]) -> list[Check]:
    """Spearman's rank correlation between the composite score and each ACTIVITY count, over the units
    with a score; a count is left out with fewer than five units or no spread."""
    found = []
    for key, label, _definition in ACTIVITY:
        pairs = [(row.composite, row.activity[key]) for row in rows if row.composite is not None]
        if len(pairs) < 5 or len({c for _s, c in pairs}) < 2:
            continue
        from scipy.stats import spearmanr

        rho = spearmanr([s for s, _c in pairs], [c for _s, c in pairs]).statistic
        found.append(Check(key, str(label), float(rho), len(pairs)))
    return found


def table(round_: Round, rows: list[Row]) -> list[list]:
    """The export: a header of column names, then one line per unit, suppressed cells empty."""
    min_n = round_.rule.min_n
    return [[str(label) for _key, label, _definition in COLUMNS]] + [
        [row.value(key, min_n) for key, _label, _definition in COLUMNS] for row in rows]


SIMILAR_AROUND = 10
AVERAGED = ("composite", "climate", "determinants", "barometer")


def averages(score: UnitScore) -> dict[str, tuple[float | None, float | None]]:
    """Each score's mean over the round's units, then over the similar ones (same kind and size band), the
    suppressed left out: each agency is read beside the average and beside similar agencies (BRIEF §10,
    as the APS census does). A mean of units, each unit counting once."""
    from django.db.models import Avg

    round_ = UnitScore.objects.filter(round_id=score.round_id)
    city = round_.aggregate(**{name: Avg(name) for name in AVERAGED})
    similar = round_.filter(kind=score.kind, size_band=score.size_band).aggregate(
        **{name: Avg(name) for name in AVERAGED})
    return {name: (city[name], similar[name]) for name in AVERAGED}


@dataclass
class Similar:
    scores: list[UnitScore]  # the units ranked next to this one, best first, suppressed last
    position: int  # this unit's place (1-based) among all similar units
    total: int
    # Its rank as the intervals allow (as the round's ranking gives it): units whose 95 % intervals overlap
    # are not told apart, so the place is a range; None where the score is suppressed.
    rank_best: int | None = None
    rank_worst: int | None = None


def similar_units(score: UnitScore, around: int | None = None) -> Similar:
    """Units of the same kind and size band in the same round: the `around` ranked just above and
    below this one (a band holds a thousand wards at the city's scale), with its place among them all."""
    around = SIMILAR_AROUND if around is None else around
    rows = list(UnitScore.objects.filter(round_id=score.round_id, kind=score.kind, size_band=score.size_band)
                .values_list("pk", "composite", "unit__sort_name", "composite_low", "composite_high"))
    rows.sort(key=lambda s: (s[1] is None, -(s[1] or 0), s[2]))
    at = next(i for i, row in enumerate(rows) if row[0] == score.pk)
    shown = [row[0] for row in rows[max(0, at - around):at + around + 1]]
    found = UnitScore.objects.select_related("unit").in_bulk(shown)
    similar = Similar([found[pk] for pk in shown], at + 1, len(rows))
    mine_low, mine_high = score.composite_low, score.composite_high
    if score.composite is not None and mine_low is not None and mine_high is not None:
        scored: list[tuple[float, float]] = [(low, high) for _pk, composite, _n, low, high in rows
                                             if composite is not None and low is not None and high is not None]
        similar.rank_best = 1 + len([low for low, _high in scored if low > mine_high])
        similar.rank_worst = len(scored) - len([high for _low, high in scored if high < mine_low])
    return similar
