"""The min-cost-flow assignment: optimal against brute force, precise when infeasible."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sangtao.review.assignment import Infeasible, Problem, candidate_mask, solve


def brute_force(problem: Problem) -> float | None:
    """The best total affinity over every assignment, by enumeration (small instances only)."""
    n_proposals, n_experts = problem.affinity.shape
    options = []
    for i in range(n_proposals):
        allowed = [j for j in range(n_experts) if not problem.forbidden[i, j]]
        pinned = {j for p, j in problem.pinned if p == i}
        options.append([c for c in itertools.combinations(allowed, problem.k) if pinned <= set(c)])
    best = None
    for choice in itertools.product(*options):
        loads = np.zeros(n_experts, int)
        for experts in choice:
            loads[list(experts)] += 1
        if (loads < problem.min_load).any() or (loads > problem.max_load).any():
            continue
        total = sum(problem.affinity[i, j] for i, experts in enumerate(choice) for j in experts)
        best = total if best is None else max(best, total)
    return best


@st.composite
def small_problems(draw):
    n_proposals = draw(st.integers(1, 4))
    n_experts = draw(st.integers(2, 5))
    k = draw(st.integers(1, min(2, n_experts)))
    values = draw(st.lists(st.integers(0, 100), min_size=n_proposals * n_experts, max_size=n_proposals * n_experts))
    affinity = np.array(values, float).reshape(n_proposals, n_experts) / 100
    forbidden = np.array(draw(st.lists(st.booleans(), min_size=affinity.size, max_size=affinity.size))).reshape(
        affinity.shape) & (np.array(draw(st.lists(st.integers(0, 3), min_size=affinity.size,
                                                   max_size=affinity.size))).reshape(affinity.shape) == 0)
    max_load = draw(st.integers(1, n_proposals))
    min_load = draw(st.integers(0, max_load))
    pinned = []
    if draw(st.booleans()):
        i, j = draw(st.integers(0, n_proposals - 1)), draw(st.integers(0, n_experts - 1))
        if not forbidden[i, j]:
            pinned.append((i, j))
    return Problem.uniform(affinity, k, min_load, max_load, forbidden, pinned)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_solver_matches_brute_force(problem):
    expected = brute_force(problem)
    try:
        solution = solve(problem)
    except Infeasible as infeasible:
        assert expected is None, f"solver said infeasible ({infeasible.messages}) but {expected} exists"
        assert infeasible.messages
        return
    assert expected is not None
    assert solution.objective == pytest.approx(expected, abs=1e-4)
    counts = np.zeros(problem.affinity.shape[0], int)
    loads = np.zeros(problem.affinity.shape[1], int)
    for i, j in solution.pairs:
        assert not problem.forbidden[i, j]
        counts[i] += 1
        loads[j] += 1
    assert (counts == problem.k).all()
    assert (loads >= problem.min_load).all() and (loads <= problem.max_load).all()
    assert set(problem.pinned) <= set(solution.pairs)


def test_too_few_review_slots_says_how_many_more_are_needed():
    problem = Problem.uniform(np.ones((30, 5)), k=3, min_load=0, max_load=12)
    with pytest.raises(Infeasible) as refused:
        solve(problem)
    assert "Cần thêm 30 lượt chấm" in str(refused.value.messages[0])
    assert "tăng tải tối đa hoặc bổ sung chuyên gia" in str(refused.value.messages[0])


def test_minimum_loads_above_demand_are_named():
    problem = Problem.uniform(np.ones((2, 6)), k=2, min_load=1, max_load=3)
    with pytest.raises(Infeasible) as refused:
        solve(problem)
    assert any("giảm tải tối thiểu" in str(m) and "thừa 2" in str(m) for m in refused.value.messages)


def test_a_proposal_without_enough_eligible_experts_is_named():
    forbidden = np.zeros((3, 4), bool)
    forbidden[1, :3] = True
    problem = Problem.uniform(np.ones((3, 4)), k=2, min_load=0, max_load=3, forbidden=forbidden,
                              proposal_names=["A", "B", "C"])
    with pytest.raises(Infeasible) as refused:
        solve(problem)
    assert any("B chỉ còn 1 chuyên gia" in str(m) for m in refused.value.messages)


def test_a_pinned_pair_that_is_also_forbidden_is_named():
    forbidden = np.zeros((2, 3), bool)
    forbidden[0, 0] = True
    problem = Problem.uniform(np.ones((2, 3)), k=1, min_load=0, max_load=2, forbidden=forbidden, pinned=[(0, 0)])
    with pytest.raises(Infeasible, match="bị cấm"):
        solve(problem)


def test_union_sparsification_keeps_a_round_feasible_where_per_proposal_top_k_would_not():
    # Every proposal prefers experts 0 and 1; expert 2 is nobody's top-2 but is needed for capacity.
    affinity = np.array([[0.9, 0.8, 0.1]] * 3)
    problem = Problem.uniform(affinity, k=2, min_load=0, max_load=2)
    per_proposal_only = np.zeros_like(affinity, bool)
    per_proposal_only[:, :2] = True
    assert per_proposal_only.sum(axis=0)[:2].tolist() == [3, 3]  # 6 slots needed, only 4 reachable
    assert candidate_mask(problem, top_k=2)[:, 2].sum() >= 2  # expert 2 keeps (at least) its top two proposals
    solution = solve(problem, top_k=2)
    assert solution.sparse and not solution.fell_back
    assert solution.objective == pytest.approx(brute_force(problem))


def test_falls_back_to_the_dense_graph_when_the_sparse_one_is_infeasible():
    # Everyone's favourite pairs crowd onto expert 0 and proposal 0; exact loads need the other arcs.
    affinity = np.full((4, 4), 0.1)
    affinity[0, :] = 0.9
    affinity[:, 0] = 0.9
    problem = Problem.uniform(affinity, k=1, min_load=1, max_load=1)
    solution = solve(problem, top_k=1)
    assert solution.fell_back and not solution.sparse
    assert solution.objective == pytest.approx(brute_force(problem))


def test_sparse_solution_is_close_to_dense_on_a_realistic_round():
    rng = np.random.default_rng(7)
    topics_p, topics_e = rng.integers(0, 20, 300), rng.integers(0, 20, 150)
    affinity = 0.6 * (topics_p[:, None] == topics_e[None, :]) + 0.4 * rng.random((300, 150))
    forbidden = rng.random(affinity.shape) < 0.01
    problem = Problem.uniform(affinity, 3, 4, 8, forbidden)
    dense, sparse = solve(problem), solve(problem, top_k=20)
    assert sparse.arcs < dense.arcs / 5
    assert sparse.objective >= 0.985 * dense.objective


def test_a_council_smaller_than_the_reviewers_asked_is_said_once_without_blaming_conflicts():
    problem = Problem.uniform(np.ones((4, 3)), k=5, min_load=0, max_load=10, proposal_names=list("ABCD"))
    with pytest.raises(Infeasible) as refused:
        solve(problem)
    said = [str(m) for m in refused.value.messages]
    assert said == ["Hội đồng chỉ có 3 chuyên gia, ít hơn 5 người chấm mỗi hồ sơ: bổ sung chuyên gia hoặc giảm số "
                    "người chấm."]
