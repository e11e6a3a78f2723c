"""A council's results per proposal: means, zero counts, the pass rule and the ranking.

The pass rule (default: mean total at least 70 and no criterion scored 0 by more
than one third of the members who scored) is read from the rubric, and uses the
raw scores as the regulation says. Ties are reported, never broken silently.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sangtao.review.calibration import Calibration, calibrate, ranks
from sangtao.review.models import Council, Criterion, Rubric, Scoresheet, SheetStatus

TWO_PLACES = Decimal("0.01")


@dataclass
class ProposalResult:
    proposal_id: int
    sheets: int
    criterion_means: dict[int, Decimal]  # top-level criterion id -> mean
    zero_counts: dict[int, int]
    mean_total: Decimal
    passed: bool
    failed_because: list[str] = field(default_factory=list)
    rank: int | None = None
    tied_with: list[int] = field(default_factory=list)
    adjusted_total: float | None = None
    adjusted_rank: int | None = None


def sheet_totals(sheet_scores: dict[int, Decimal], criteria: list[Criterion]) -> dict[int, Decimal]:
    """Points per top-level criterion: the sum of its scored leaves."""
    by_id = {c.pk: c for c in criteria}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for criterion_id, points in sheet_scores.items():
        totals[by_id[criterion_id].top().pk] += points
    return totals


def evaluate(rubric: Rubric, sheets: dict[int, list[dict[int, Decimal]]],
             required: dict[int, int] | None = None) -> dict[int, ProposalResult]:
    """sheets: proposal id -> one {leaf criterion id: points} per submitted scoresheet; required: the
    sheets a proposal needs before it can pass (the council's quorum of the members assigned to it)."""
    criteria = list(rubric.criteria.all())
    top = [c for c in criteria if c.parent_id is None]
    results = {}
    for proposal_id, proposal_sheets in sheets.items():
        n = len(proposal_sheets)
        totals = [sheet_totals(sheet, criteria) for sheet in proposal_sheets]
        means = {c.pk: _mean([t.get(c.pk, Decimal(0)) for t in totals]) for c in top}
        zeros = {c.pk: sum(1 for t in totals if t.get(c.pk, Decimal(0)) == 0) for c in top}
        sheet_sums = [sum(t.values(), Decimal(0)) for t in totals]
        # The pass rule reads the mean as it is: rounded first, 69.995 would pass.
        exact_total = sum(sheet_sums, Decimal(0)) / n if n else Decimal(0)
        mean_total = _mean(sheet_sums)
        reasons = []
        if n == 0:
            reasons.append("no_scores")
        elif required and n < required.get(proposal_id, 0):
            reasons.append("no_quorum")
        if exact_total < rubric.pass_mean_total:
            reasons.append("mean_below_threshold")
        for c in top:
            # zeros / n > numerator / denominator, in integers.
            if zeros[c.pk] * rubric.zero_share_denominator > rubric.zero_share_numerator * n:
                reasons.append(f"zeros:{c.code}")
        results[proposal_id] = ProposalResult(proposal_id, n, means, zeros, mean_total, not reasons, reasons)
    # Ranked on the mean the results show: two means shown alike are tied, whatever their third decimal.
    passing = {pid: float(r.mean_total) for pid, r in results.items() if r.passed}
    for pid, rank in ranks(passing).items():
        results[pid].rank = rank
    for pid, result in results.items():
        if result.rank is not None:
            result.tied_with = sorted(o for o, other in results.items()
                                      if o != pid and other.rank == result.rank)
    return results


def _mean(values: list[Decimal]) -> Decimal:
    if not values:
        return Decimal(0)
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def submitted_sheets(council: Council):
    return (Scoresheet.objects.filter(assignment__council=council, status=SheetStatus.SUBMITTED)
            .select_related("assignment").prefetch_related("scores"))


def council_results(council: Council) -> tuple[dict[int, ProposalResult], Calibration]:
    """Results of every proposal the council reviews, with the calibrated view alongside."""
    sheets: dict[int, list[dict[int, Decimal]]] = defaultdict(list)
    observations = []
    proposal_ids = set(council.assignments.values_list("proposal_id", flat=True))
    for pid in proposal_ids:
        sheets[pid] = []
    for sheet in submitted_sheets(council):
        points = {score.criterion_id: score.points for score in sheet.scores.all()}
        sheets[sheet.assignment.proposal_id].append(points)
        observations.append((sheet.assignment.expert_id, sheet.assignment.proposal_id, float(sum(points.values()))))
    rules = council.rules
    # The members who can score a proposal: those assigned to it, less those who declared a conflict.
    conflicted = set(council.declarations.filter(has_conflict=True).values_list("expert_id", flat=True))
    assigned = Counter(pid for pid, expert in council.assignments.values_list("proposal_id", "expert_id")
                       if expert not in conflicted)
    required = {pid: -(-rules.quorum_numerator * n // rules.quorum_denominator) for pid, n in assigned.items()}
    results = evaluate(council.rubric, sheets, required)
    calibration = calibrate(observations)
    adjusted_ranks = ranks(calibration.adjusted_mean)
    for pid, result in results.items():
        result.adjusted_total = calibration.adjusted_mean.get(pid)
        result.adjusted_rank = adjusted_ranks.get(pid)
    return results, calibration
