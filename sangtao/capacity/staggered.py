"""Staggered difference-in-differences (Callaway and Sant'Anna, 2021), in NumPy.

Each unit belongs to a cohort: the first period in which it is treated (the first survey wave
that starts on or after its go-live date), or none. For each cohort g and period t the group-time
average effect ATT(g, t) compares the change of the cohort's mean outcome with the change of the
not-yet-treated units' (units never treated, or treated only after both periods compared):

    ATT(g, t) = mean_{G=g}(Y_t - Y_b) - mean_{C(g,t)}(Y_t - Y_b)

with base b = g - 1 for t >= g (the last period before treatment) and b = t - 1 for t < g (the
pre-trend cells, "varying base" as in the reference R package `did`). Inference is by influence
functions clustered by unit (the analytic form of `did`): each cell's influence on every unit is
kept, so aggregations (an event study by periods since go-live, an overall effect) and the joint
pre-trend test carry the covariance between cells. The weights of the aggregations (cohort sizes)
are treated as known.

A cohort treated from the first period has no period before it and is left out; a cell needs at
least MIN_CONTROLS comparison units. Units with a missing wave (no answer, or a suppressed cell)
are left out: the panel is balanced.

Why not a package: csdid and differences (PyPI) need pandas, statsmodels, polars and plotting
libraries at run time, which the production stack does not carry. The tests compare this with an
independent regression formulation and with planted effects.
"""

from dataclasses import dataclass, field

import numpy as np

Z95 = 1.959963984540054
NEVER = -1  # the cohort of units never treated in the window
MIN_CONTROLS = 2
PER_PARAMETER = 10  # units per pre-period estimate for the joint pre-trend test


@dataclass(frozen=True)
class Cell:
    cohort: int
    period: int
    att: float
    se: float
    treated: int
    controls: int
    months: int | None = None  # calendar months from the cohort's first treated wave to this wave

    @property
    def event(self) -> int:
        return self.period - self.cohort

    @property
    def low(self) -> float:
        return self.att - Z95 * self.se

    @property
    def high(self) -> float:
        return self.att + Z95 * self.se


@dataclass(frozen=True)
class Estimate:
    att: float
    se: float

    @property
    def low(self) -> float:
        return self.att - Z95 * self.se

    @property
    def high(self) -> float:
        return self.att + Z95 * self.se


@dataclass
class Staggered:
    cells: list[Cell]
    event_study: dict[int, Estimate]  # periods since the first treated period -> effect
    overall: Estimate | None  # post-treatment cells weighted by cohort size ("simple" in `did`)
    pretrend_chi2: float | None
    pretrend_df: int
    pretrend_p: float | None
    units: int
    cohorts: dict[int, int]  # cohort -> units
    never_treated: int
    dropped_cohorts: list[int] = field(default_factory=list)  # treated from the first period
    too_few_controls: bool = False
    # months since go-live (month 0: the first wave starting on or after it) -> effect, when the waves'
    # months are known: cells of every cohort the same number of months from their start pooled
    event_months: dict[int, Estimate] = field(default_factory=dict)

    @property
    def estimable(self) -> bool:
        return self.overall is not None


def _aggregate(cells: list[Cell], influence: np.ndarray, chosen: list[int], n: int) -> Estimate | None:
    if not chosen:
        return None
    weights = np.array([cells[k].treated for k in chosen], dtype=float)
    weights /= weights.sum()
    att = float(weights @ np.array([cells[k].att for k in chosen]))
    psi = influence[:, chosen] @ weights
    return Estimate(att, float(np.sqrt(psi @ psi) / n))


def _pretrend(cells: list[Cell], influence: np.ndarray, n: int) -> tuple[float | None, int, float | None]:
    """A Wald test that the effects before go-live are zero: jointly over the event-study estimates
    before go-live when there are at least PER_PARAMETER units per estimate (a covariance from few
    units is near singular and the joint test would reject everything), else on their average (1 df)."""
    pre_events = sorted({c.event for c in cells if c.event < 0})
    if not pre_events:
        return None, 0, None
    columns = []
    for e in pre_events:
        chosen = [k for k, c in enumerate(cells) if c.event == e]
        weights = np.array([cells[k].treated for k in chosen], dtype=float)
        weights /= weights.sum()
        columns.append((float(weights @ np.array([cells[k].att for k in chosen])), influence[:, chosen] @ weights))
    atts = np.array([att for att, _psi in columns])
    psi = np.column_stack([column for _att, column in columns])
    if n < PER_PARAMETER * len(pre_events):
        atts, psi = np.array([atts.mean()]), psi.mean(axis=1, keepdims=True)
    covariance = psi.T @ psi / (n * n)
    statistic = float(atts @ np.linalg.pinv(covariance) @ atts)
    from scipy.stats import chi2  # here: scipy.stats takes a second to import, in every process that loads the URLs

    return statistic, len(atts), float(chi2.sf(statistic, len(atts)))


def att_gt(outcome: np.ndarray, cohort: np.ndarray, months=None) -> Staggered:
    """outcome: units x periods (NaN where missing); cohort: first treated period per unit, or NEVER;
    months: each period's start as a count of calendar months (year * 12 + month), for an event
    study in months since go-live when the waves are not a month apart (or not evenly spaced)."""
    outcome = np.asarray(outcome, dtype=float)
    cohort = np.asarray(cohort, dtype=int)
    keep = ~np.isnan(outcome).any(axis=1)
    y, g_of = outcome[keep], cohort[keep]
    n, periods = y.shape
    dropped = sorted({int(g) for g in g_of if g == 0})
    cohorts = sorted({int(g) for g in g_of if 0 < g < periods})
    sizes = {g: int((g_of == g).sum()) for g in cohorts}
    cells: list[Cell] = []
    columns: list[np.ndarray] = []
    too_few = False
    for g in cohorts:
        treated = g_of == g
        n_t = sizes[g]
        for t in range(1, periods):
            base = g - 1 if t >= g else t - 1
            latest = max(t, base)
            controls = ((g_of == NEVER) | (g_of > latest)) & ~treated
            n_c = int(controls.sum())
            if n_c < MIN_CONTROLS:
                too_few = too_few or t >= g
                continue
            change = y[:, t] - y[:, base]
            mean_t, mean_c = change[treated].mean(), change[controls].mean()
            psi = np.zeros(n)
            psi[treated] = (n / n_t) * (change[treated] - mean_t)
            psi[controls] = -(n / n_c) * (change[controls] - mean_c)
            cells.append(Cell(g, t, float(mean_t - mean_c), float(np.sqrt(psi @ psi) / n), n_t, n_c,
                              None if months is None else int(months[t]) - int(months[g])))
            columns.append(psi)
    influence = np.column_stack(columns) if columns else np.zeros((n, 0))
    events = sorted({cell.event for cell in cells})
    study = {}
    for e in events:
        estimate = _aggregate(cells, influence, [k for k, c in enumerate(cells) if c.event == e], n)
        if estimate is not None:
            study[e] = estimate
    by_months = {}
    for m in sorted({cell.months for cell in cells if cell.months is not None}):
        estimate = _aggregate(cells, influence, [k for k, c in enumerate(cells) if c.months == m], n)
        if estimate is not None:
            by_months[m] = estimate
    overall = _aggregate(cells, influence, [k for k, c in enumerate(cells) if c.event >= 0], n)
    statistic, df, p_value = _pretrend(cells, influence, n)
    return Staggered(cells, study, overall, statistic, df, p_value, n, sizes,
                     int((g_of == NEVER).sum()), dropped, too_few and overall is None, by_months)


def twfe(outcome: np.ndarray, cohort: np.ndarray) -> float:
    """The naive pooled estimate: Y_it = a_i + l_t + beta D_it + e, D_it = 1 once treated (balanced
    panel, by double demeaning). Biased when effects differ by cohort or grow with time: shown for
    contrast only."""
    outcome = np.asarray(outcome, dtype=float)
    cohort = np.asarray(cohort, dtype=int)
    keep = ~np.isnan(outcome).any(axis=1)
    y, g_of = outcome[keep], cohort[keep]
    periods = np.arange(y.shape[1])
    d = ((g_of[:, None] != NEVER) & (periods[None, :] >= g_of[:, None])).astype(float)

    def demean(a: np.ndarray) -> np.ndarray:
        return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()

    dd = demean(d)
    return float((dd * demean(y)).sum() / (dd * dd).sum())
