"""Optimal reviewer assignment as a min-cost flow (OR-Tools).

Network: a source feeds each expert up to their maximum load; each expert sends at
most one unit to each proposal they may review; each proposal absorbs exactly k.
Minimum loads are lower bounds on the source->expert arcs, removed the standard
way: the expert node supplies its minimum itself and the source supplies the rest.
Pinned pairs are fixed first and taken out of the demand and the loads.
Costs are negated affinities, so the minimum-cost flow is the maximum-affinity
assignment, and it is exact.

For large rounds the graph keeps, for each proposal, its top-K experts and, for
each expert, their top-K proposals (the union: a per-proposal cut alone can leave
an expert with no arcs and make a feasible round infeasible); if that graph is
infeasible the dense one is solved instead.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ortools.graph.python import min_cost_flow

from sangtao.core.progress import JobText, job_text

SCALE = 100_000  # affinities become integer costs with five decimals kept


@dataclass
class Problem:
    affinity: np.ndarray  # proposals x experts
    k: int
    min_load: np.ndarray  # per expert
    max_load: np.ndarray  # per expert
    forbidden: np.ndarray  # bool, proposals x experts: conflicts and pairs DoST forbids
    pinned: list[tuple[int, int]] = field(default_factory=list)  # (proposal, expert)
    proposal_names: list[str] | None = None
    expert_names: list[str] | None = None

    @classmethod
    def uniform(cls, affinity: np.ndarray, k: int, min_load: int, max_load: int, forbidden=None, pinned=None,
                **names) -> "Problem":
        n_proposals, n_experts = affinity.shape
        return cls(
            affinity=affinity, k=k, min_load=np.full(n_experts, min_load), max_load=np.full(n_experts, max_load),
            forbidden=np.zeros((n_proposals, n_experts), bool) if forbidden is None else forbidden,
            pinned=list(pinned or []), **names,
        )

    def proposal_name(self, i: int) -> str:
        return self.proposal_names[i] if self.proposal_names else f"#{i + 1}"

    def expert_name(self, j: int) -> str:
        return self.expert_names[j] if self.expert_names else f"#{j + 1}"


@dataclass
class Solution:
    pairs: list[tuple[int, int]]
    objective: float
    arcs: int
    sparse: bool
    fell_back: bool = False


class Infeasible(Exception):
    def __init__(self, messages: list[JobText]):
        self.messages = messages
        super().__init__("; ".join(map(str, messages)))


def feasibility_problems(problem: Problem) -> list[JobText]:
    """What makes the round impossible, each with what to change; empty if none is found. Each is kept
    as a msgid with its values, so the run's page says it in its reader's language."""
    n_proposals, n_experts = problem.affinity.shape
    k = problem.k
    messages = []
    demand = n_proposals * k
    capacity = int(problem.max_load.sum())
    if capacity < demand:
        messages.append(job_text(_("Cần thêm %(n)s lượt chấm: %(d)s hồ sơ × %(k)s người chấm = %(need)s lượt, nhưng "
                                   "tải tối đa của các chuyên gia chỉ cộng được %(cap)s. Hãy tăng tải tối đa hoặc bổ sung "
                                   "chuyên gia."), n=demand - capacity, d=n_proposals, k=k, need=demand, cap=capacity))
    floor = int(problem.min_load.sum())
    if floor > demand:
        messages.append(job_text(_("Tải tối thiểu của các chuyên gia cộng lại %(floor)s lượt, nhiều hơn %(need)s lượt "
                                   "cần chấm: hãy giảm tải tối thiểu (thừa %(n)s lượt)."),
                                 floor=floor, need=demand, n=floor - demand))
    if (problem.min_load > problem.max_load).any():
        messages.append(job_text(_("Có chuyên gia có tải tối thiểu lớn hơn tải tối đa.")))
    pinned_per_proposal = np.zeros(n_proposals, int)
    pinned_per_expert = np.zeros(n_experts, int)
    for i, j in problem.pinned:
        pinned_per_proposal[i] += 1
        pinned_per_expert[j] += 1
        if problem.forbidden[i, j]:
            messages.append(job_text(_("Cặp bắt buộc %(e)s – %(p)s lại bị cấm hoặc xung đột lợi ích: bỏ một trong hai."),
                                     e=problem.expert_name(j), p=problem.proposal_name(i)))
    for row in np.flatnonzero(pinned_per_proposal > k).tolist():
        messages.append(job_text(_("Hồ sơ %(p)s có %(n)s cặp bắt buộc, nhiều hơn %(k)s người chấm."),
                                 p=problem.proposal_name(row), n=int(pinned_per_proposal[row]), k=k))
    for column in np.flatnonzero(pinned_per_expert > problem.max_load).tolist():
        messages.append(job_text(_("Chuyên gia %(e)s có %(n)s cặp bắt buộc, vượt tải tối đa %(m)s."),
                                 e=problem.expert_name(column), n=int(pinned_per_expert[column]),
                                 m=int(problem.max_load[column])))
    if n_experts < k:
        messages.append(job_text(_("Hội đồng chỉ có %(n)s chuyên gia, ít hơn %(k)s người chấm mỗi hồ sơ: bổ sung chuyên "
                                   "gia hoặc giảm số người chấm."), n=n_experts, k=k))
    eligible = (~problem.forbidden).sum(axis=1)
    # A proposal short of reviewers because of its conflicts or forbidden pairs (not only because the
    # council is small, said once above).
    for row in np.flatnonzero((eligible < k) & (eligible < n_experts)).tolist():
        messages.append(job_text(_("Hồ sơ %(p)s chỉ còn %(n)s chuyên gia được phép chấm (do xung đột lợi ích hoặc cặp "
                                   "bị cấm), cần %(k)s: bổ sung chuyên gia hoặc bỏ bớt cặp cấm."),
                                 p=problem.proposal_name(row), n=int(eligible[row]), k=k))
    reachable = (~problem.forbidden).sum(axis=0)
    for column in np.flatnonzero(np.minimum(reachable, n_proposals) < problem.min_load).tolist():
        messages.append(job_text(_("Chuyên gia %(e)s chỉ được phép chấm %(n)s hồ sơ, ít hơn tải tối thiểu %(m)s."),
                                 e=problem.expert_name(column), n=int(reachable[column]),
                                 m=int(problem.min_load[column])))
    return messages


def candidate_mask(problem: Problem, top_k: int | None) -> np.ndarray:
    """Allowed pairs, cut to the union of per-proposal and per-expert top-K when top_k is set.

    Each side's K-th best affinity is found by partitioning values (not indices), and a pair is
    kept if it reaches either threshold; ties at a threshold keep a few more arcs, never fewer.
    """
    allowed = ~problem.forbidden
    if top_k is None:
        return allowed
    # float32 halves the memory traffic of the partitions; ranks need no more precision.
    score = np.where(allowed, problem.affinity.astype(np.float32), np.float32(-np.inf))
    n_proposals, n_experts = score.shape
    keep = np.zeros_like(allowed)
    if top_k < n_experts:
        per_proposal = np.partition(score, n_experts - top_k, axis=1)[:, n_experts - top_k]
        keep |= score >= per_proposal[:, None]
    else:
        keep[:] = True
    if top_k < n_proposals:
        # Partition contiguous rows of the transposed copy: much faster than along axis 0.
        per_expert = np.partition(np.ascontiguousarray(score.T), n_proposals - top_k, axis=1)[:, n_proposals - top_k]
        keep |= score >= per_expert[None, :]
    else:
        keep[:] = True
    for i, j in problem.pinned:
        keep[i, j] = True
    return keep & allowed


def _solve_on(problem: Problem, mask: np.ndarray) -> tuple[list[tuple[int, int]], int] | None:
    n_proposals, n_experts = problem.affinity.shape
    demand = np.full(n_proposals, problem.k)
    min_load = problem.min_load.astype(np.int64).copy()
    max_load = problem.max_load.astype(np.int64).copy()
    mask = mask.copy()
    for i, j in problem.pinned:
        demand[i] -= 1
        max_load[j] -= 1
        min_load[j] = max(0, min_load[j] - 1)
        mask[i, j] = False
    source = 0
    expert_node = 1 + np.arange(n_experts)
    proposal_node = 1 + n_experts + np.arange(n_proposals)
    rows, cols = np.nonzero(mask)
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(n_experts, source), expert_node[cols]])
    heads = np.concatenate([expert_node, proposal_node[rows]])
    capacities = np.concatenate([max_load - min_load, np.ones(len(rows), np.int64)])
    costs = np.concatenate([np.zeros(n_experts, np.int64),
                            -np.rint(problem.affinity[rows, cols] * SCALE).astype(np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.concatenate([[int(demand.sum() - min_load.sum())], min_load, -demand])
    flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
    if flow.solve() != flow.OPTIMAL:
        return None
    used = flow.flows(np.arange(n_experts, n_experts + len(rows))) > 0
    pairs = list(problem.pinned) + list(zip(rows[used].tolist(), cols[used].tolist(), strict=True))
    return pairs, len(rows) + n_experts


def solve(problem: Problem, top_k: int | None = None,
          progress: Callable[[Promise, int], None] | None = None) -> Solution:
    """The maximum-affinity assignment, or Infeasible with what to change; `progress` is told each stage
    as a lazy translation, which the job's run keeps as its msgid (core.progress)."""
    report = progress or (lambda stage, percent: None)
    report(_("Kiểm tra tính khả thi"), 5)
    messages = feasibility_problems(problem)
    if messages:
        raise Infeasible(messages)
    fell_back = False
    result = None
    if top_k is not None:
        report(_("Giải trên đồ thị rút gọn"), 20)
        result = _solve_on(problem, candidate_mask(problem, top_k))
        fell_back = result is None
    if result is None:
        report(_("Giải trên đồ thị đầy đủ"), 50)
        result = _solve_on(problem, ~problem.forbidden)
    if result is None:
        raise Infeasible([job_text(_("Xung đột lợi ích và cặp bị cấm khiến không thể phân đủ %(k)s người chấm cho mọi "
                                     "hồ sơ trong giới hạn tải: hãy tăng tải tối đa, giảm tải tối thiểu hoặc bổ sung "
                                     "chuyên gia."), k=int(problem.k))])
    pairs, arcs = result
    report(_("Hoàn tất"), 100)
    rows, cols = np.array(pairs, dtype=np.intp).T
    objective = float(problem.affinity[rows, cols].sum())
    return Solution(pairs=sorted(pairs), objective=objective, arcs=arcs, sparse=top_k is not None and not fell_back,
                    fell_back=fell_back)
