"""The capacity index per unit and year, from the surveys' sufficient statistics.

Per unit (suppressed when fewer than the rule's minimum respondents answered):
- climate score: the mean of the three FEVS items' % positive (4-5 of 5); 95% interval from the
  variance of the share of positive answers with each respondent as a cluster of answers (equal to
  the score when everyone answers the three items);
- determinant profile: % positive per determinant (purpose, potential, capacity, impact) and over
  the twelve items;
- barometer: the share of the four kinds of innovation the unit's managers report introduced.
Composite (0-10): each component rescaled min-max over the units of the round that have it, then
averaged over the components the unit has, times 10 (COMPOSITE_FORMULA, published on the page).
Its interval holds the minima and maxima fixed and treats the components as independent.
Ranks respect uncertainty: a unit's best rank counts only the units whose interval lies wholly above
its own, its worst rank those wholly below, so units whose intervals overlap share ranks.

Barometer shares of workplaces (city and per kind): the Danish weighting for non-response, a unit's
answer (the mean of its managers') weighted w = N_h / r_h in its stratum h (kind x size band), N_h
held as data (StratumPopulation); the variance is the stratified one with finite-population
correction. Strata with no responding unit are left out (the share is of the strata covered).
"""

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from sangtao.capacity.instruments import FEVS_ITEMS, TYPE_ELEMENT
from sangtao.capacity.models import Round, SizeBand, StratumPopulation, UnitProfile, UnitScore
from sangtao.surveys.ingest import ALL_ELEMENTS, RESPONDENT_STATS
from sangtao.surveys.models import Aggregate, RespondentAggregate
from sangtao.surveys.stats import Z95, RespondentSums

COMPONENTS = ("climate", "determinants", "barometer")
COMPOSITE_FORMULA = _("Điểm tổng hợp = 10 × trung bình, trên các thành phần đơn vị có, của "
                      "(giá trị − nhỏ nhất) / (lớn nhất − nhỏ nhất), nhỏ nhất và lớn nhất lấy trong các đơn vị của "
                      "đợt; thành phần: môi trường đổi mới, tự đánh giá các yếu tố OECD, phong vũ biểu (tỷ lệ loại "
                      "đổi mới đã triển khai).")


def _ratio(values: list[float]) -> tuple[float, float]:
    """% positive over a cell's answers and its respondent-clustered variance (in %^2)."""
    sums = RespondentSums(int(values[0]), *values[1:])
    p = sums.wk / sums.wm
    variance = max(sums.w2_kk - 2 * p * sums.w2_km + p * p * sums.w2_mm, 0.0) / (sums.wm * sums.wm)
    return 100 * p, 10_000 * variance


def _respondents(survey, unit_ids) -> dict[tuple[int, int], list[float]]:
    rows = RespondentAggregate.objects.filter(survey=survey, **_units(unit_ids)).values_list(
        "unit_id", "element", *RESPONDENT_STATS)
    return {(unit_id, element): list(stats) for unit_id, element, *stats in rows}


def _units(unit_ids) -> dict:
    return {} if unit_ids is None else {"unit_id__in": list(unit_ids)}


def _climate(round_: Round, unit_ids, min_n: int) -> dict[int, tuple]:
    """unit -> (n, score, low, high), score None when suppressed."""
    if round_.climate is None:
        return {}
    items: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for unit_id, code, n, satisfied in Aggregate.objects.filter(
            survey=round_.climate, item__code__in=FEVS_ITEMS, **_units(unit_ids)).values_list(
            "unit_id", "item__code", "n", "satisfied"):
        items[unit_id][code] = (n, satisfied)
    respondents = _respondents(round_.climate, unit_ids)
    found: dict[int, tuple] = {}
    for unit_id, codes in items.items():
        cell = respondents.get((unit_id, 1))
        n = int(cell[0]) if cell else 0
        if cell is None or n < min_n or len(codes) < len(FEVS_ITEMS):
            found[unit_id] = (n, None, None, None)
            continue
        score = sum(100 * s / c for c, s in codes.values()) / len(codes)
        _pooled, variance = _ratio(cell)
        half = Z95 * math.sqrt(variance)
        found[unit_id] = (n, score, max(0.0, score - half), min(100.0, score + half))
    return found


def _determinants(round_: Round, unit_ids, min_n: int) -> dict[int, tuple]:
    """unit -> (n, % positive over all items, its se, {determinant element: % positive})."""
    if round_.determinants is None:
        return {}
    by_unit: dict[int, dict[int, list[float]]] = defaultdict(dict)
    for (unit_id, element), cell in _respondents(round_.determinants, unit_ids).items():
        by_unit[unit_id][element] = cell
    found: dict[int, tuple] = {}
    for unit_id, cells in by_unit.items():
        stats = cells.get(ALL_ELEMENTS)
        if stats is None:
            continue
        n = int(stats[0])
        if n < min_n:
            found[unit_id] = (n, None, None, {})
            continue
        value, variance = _ratio(stats)
        profile = {str(e): round(_ratio(s)[0], 4) for e, s in cells.items() if e != ALL_ELEMENTS and s[0] >= min_n}
        found[unit_id] = (n, value, math.sqrt(variance), profile)
    return found


def _barometer(round_: Round, unit_ids, min_n: int) -> dict[int, tuple]:
    """unit -> (managers, share of the four kinds introduced, se)."""
    if round_.barometer is None:
        return {}
    found: dict[int, tuple] = {}
    for (unit_id, element), stats in _respondents(round_.barometer, unit_ids).items():
        if element != TYPE_ELEMENT:
            continue
        n = int(stats[0])
        if n < min_n:
            found[unit_id] = (n, None, None)
            continue
        value, variance = _ratio(stats)
        found[unit_id] = (n, value, math.sqrt(variance))
    return found


def refresh(round_: Round, unit_ids=None) -> None:
    """Bring the round's scores up to date: the components of `unit_ids` (all units when None) from
    the stored sums, then every unit's composite and ranks, which depend on the whole round."""
    min_n = round_.rule.min_n
    with transaction.atomic():
        units = round_.units.all() if unit_ids is None else round_.units.filter(pk__in=list(unit_ids))
        bands = dict(UnitProfile.objects.filter(unit__in=units).values_list("unit_id", "size_band"))
        climate = _climate(round_, unit_ids, min_n)
        determinants = _determinants(round_, unit_ids, min_n)
        barometer = _barometer(round_, unit_ids, min_n)
        existing = {s.unit_id: s for s in UnitScore.objects.filter(round=round_, **_units(unit_ids)).only(
            "pk", "unit_id", *UNIT_FIELDS)}
        fresh: list[UnitScore] = []
        changed: list[UnitScore] = []
        for unit in units.only("pk", "kind"):
            score = existing.get(unit.pk) or UnitScore(round=round_, unit=unit)
            before = _values(score, UNIT_FIELDS)
            score.kind, score.size_band = unit.kind, bands.get(unit.pk, SizeBand.SMALL)
            (score.climate_n, score.climate, score.climate_low, score.climate_high) = climate.get(
                unit.pk, (0, None, None, None))
            (score.determinants_n, score.determinants, score.determinants_se, score.profile) = determinants.get(
                unit.pk, (0, None, None, {}))
            (score.barometer_n, score.barometer, score.barometer_se) = barometer.get(unit.pk, (0, None, None))
            if not score.pk:
                fresh.append(score)
            elif _values(score, UNIT_FIELDS) != before:
                changed.append(score)
        UnitScore.objects.bulk_create(fresh, batch_size=1000)
        _update(changed, UNIT_FIELDS)
        _composites(round_)


# A unit's own numbers (refreshed from its sums) and those that depend on the whole round.
UNIT_FIELDS = ("kind", "size_band", "climate_n", "climate", "climate_low", "climate_high", "determinants_n",
               "determinants", "determinants_se", "profile", "barometer_n", "barometer", "barometer_se")
ROUND_FIELDS = ("composite", "composite_low", "composite_high", "rank_best", "rank_worst")


def _values(score: UnitScore, fields) -> tuple:
    return tuple(getattr(score, name) for name in fields)


def _update(rows: list[UnitScore], fields) -> None:
    """Write `fields` of rows whose values changed, one prepared statement for all of them (the ORM's
    bulk_update builds a CASE expression per field and row: most of a round's refresh at 3,400 units)."""
    if not rows:
        return
    by_name = {field.name: field for field in UnitScore._meta.concrete_fields}
    columns = [by_name[name] for name in fields]
    table = connection.ops.quote_name(UnitScore._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(c.column)} = %s" for c in columns)
    params = [[c.get_db_prep_save(getattr(row, c.attname), connection) for c in columns] + [row.pk] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", params)  # noqa: S608 -- names only


def _composites(round_: Round) -> None:
    scores = list(UnitScore.objects.filter(round=round_).only("pk", *COMPONENTS, "climate_low", "climate_high",
                                                                   "determinants_se", "barometer_se", *ROUND_FIELDS))
    stored = {score.pk: _values(score, ROUND_FIELDS) for score in scores}
    ranges = {}
    for name in COMPONENTS:
        values = [getattr(s, name) for s in scores if getattr(s, name) is not None]
        if values:
            ranges[name] = (min(values), max(values))
    for score in scores:
        scaled, variance = [], 0.0
        for name in COMPONENTS:
            value = getattr(score, name)
            if value is None:
                continue
            low, high = ranges[name]
            spread = high - low
            scaled.append((value - low) / spread if spread > 0 else 0.5)
            if spread > 0:
                variance += (component_se(score, name) / spread) ** 2
        if not scaled:
            score.composite = score.composite_low = score.composite_high = None
            continue
        k = len(scaled)
        score.composite = 10 * sum(scaled) / k
        half = Z95 * 10 / k * math.sqrt(variance)
        score.composite_low, score.composite_high = max(0.0, score.composite - half), min(10.0, score.composite + half)
    # Best rank: 1 + the units whose interval lies wholly above; worst: all but those wholly below.
    lows = sorted(s.composite_low for s in scores if s.composite_low is not None and s.composite_high is not None)
    highs = sorted(s.composite_high for s in scores if s.composite_low is not None and s.composite_high is not None)
    for score in scores:
        low, high = score.composite_low, score.composite_high
        if low is None or high is None:
            score.rank_best = score.rank_worst = None
            continue
        score.rank_best = 1 + len(lows) - bisect.bisect_right(lows, high)
        score.rank_worst = len(highs) - bisect.bisect_left(highs, low)
    _update([s for s in scores if _values(s, ROUND_FIELDS) != stored[s.pk]], ROUND_FIELDS)


def component_se(score: UnitScore, name: str) -> float:
    if name == "climate":
        low, high = score.climate_low, score.climate_high
        return (high - low) / (2 * Z95) if low is not None and high is not None else 0.0
    return getattr(score, f"{name}_se") or 0.0


@dataclass(frozen=True)
class WeightedShare:
    code: str
    estimate: float | None  # 0-100; None when suppressed
    low: float | None
    high: float | None
    units: int  # responding units


def barometer_shares(round_: Round, kind: str | None = None) -> list[WeightedShare]:
    """The barometer's weighted shares of workplaces per item (see the module's text)."""
    if round_.barometer is None:
        return []
    profile = dict(UnitProfile.objects.filter(unit__in=round_.units.all()).values_list("unit_id", "size_band"))
    population = {(k, b): n for k, b, n in StratumPopulation.objects.filter(year=round_.year).values_list(
        "kind", "size_band", "population")}
    rows = Aggregate.objects.filter(survey=round_.barometer).values_list("unit_id", "unit__kind", "item__code",
                                                                         "item__position", "n", "satisfied")
    by_item: dict[tuple[int, str], dict[tuple, list[float]]] = defaultdict(lambda: defaultdict(list))
    for unit_id, unit_kind, code, position, n, satisfied in rows:
        if n and (kind is None or unit_kind == kind):
            by_item[(position, code)][(unit_kind, profile.get(unit_id, SizeBand.SMALL))].append(satisfied / n)
    shares = []
    for (_position, code), strata in sorted(by_item.items()):
        responding = sum(len(v) for v in strata.values())
        if responding < round_.rule.min_n:
            shares.append(WeightedShare(code, None, None, None, responding))
            continue
        sizes = {h: max(population.get(h, len(v)), len(v)) for h, v in strata.items()}
        total = sum(sizes.values())
        estimate = variance = 0.0
        for h, values in strata.items():
            r, big_n = len(values), sizes[h]
            mean = sum(values) / r
            estimate += big_n / total * mean
            if r > 1:
                s2 = sum((v - mean) ** 2 for v in values) / (r - 1)
                variance += (big_n / total) ** 2 * (1 - r / big_n) * s2 / r
        half = Z95 * math.sqrt(variance)
        shares.append(WeightedShare(code, 100 * estimate, 100 * max(0.0, estimate - half),
                                    100 * min(1.0, estimate + half), responding))
    return shares


@dataclass(frozen=True)
class UnitShare:
    code: str
    text: str
    share: float | None  # 0-100: the unit's managers answering yes; None when fewer than the minimum answered
    n: int


def unit_barometer(round_: Round, unit_id: int, english: bool = False) -> list[UnitShare]:
    """The unit's own barometer: per item of the round's version, in its order, the share of its managers
    answering yes (the workplace's answer, before any weighting), suppressed below the minimum n."""
    if round_.barometer is None:
        return []
    cells: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for item_id, n, satisfied in Aggregate.objects.filter(survey=round_.barometer, unit_id=unit_id).values_list(
            "item_id", "n", "satisfied"):
        cells[item_id][0] += n
        cells[item_id][1] += satisfied
    shares = []
    for item in round_.barometer.version.items.all():
        n, yes = cells.get(item.pk, (0, 0))
        shares.append(UnitShare(item.code, item.text_en if english and item.text_en else item.text,
                                100 * yes / n if n >= round_.rule.min_n and n else None, n))
    return shares
