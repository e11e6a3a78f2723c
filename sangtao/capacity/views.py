from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangtao.capacity import benchmark as bench
from sangtao.capacity import exports, scores, services
from sangtao.capacity import portfolio as folio
from sangtao.capacity.access import capacity_unit_for, get_invitation, get_round_for
from sangtao.capacity.charts import interval_chart
from sangtao.capacity.forms import (
    AnswerForm,
    BarometerFilterForm,
    BenchmarkFilterForm,
    PortfolioFilterForm,
    ReasonForm,
    RoundForm,
)
from sangtao.capacity.impact import ASSUMPTIONS, before_after, staggered_impact
from sangtao.capacity.instruments import DETERMINANTS
from sangtao.capacity.models import Module, Round, RoundInvitation, SizeBand, UnitScore
from sangtao.capacity.rules import is_unit_of_score
from sangtao.capacity.scores import COMPOSITE_FORMULA
from sangtao.capacity.workflow import ROUND
from sangtao.challenges.models import Facet, Field
from sangtao.core import charts
from sangtao.core.errors import ServiceError
from sangtao.core.feedback import form_refused, run_service
from sangtao.core.forms import integer
from sangtao.core.lookup import pk_or_404
from sangtao.core.workflow import move_choices
from sangtao.orgs.models import OrgUnit, UnitKind
from sangtao.surveys.access import managed_surveys
from sangtao.surveys.models import Measure

PORTFOLIO_SHOWN = 200  # lines listed on the page; the export has them all
BENCHMARK_PAGE = 50  # units a page of the benchmark table


@login_required
def index(request):
    if not request.user.has_perm("capacity.see_benchmark"):
        raise Http404
    form = None
    if request.user.has_perm("capacity.run"):
        form = RoundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                created = services.create_round(
                    request.user, year=data["year"], name=data["name"], units=list(data["units"]),
                    opens_on=data["opens_on"], closes_on=data["closes_on"],
                    managers_per_unit=data["managers_per_unit"], staff_per_unit=data["staff_per_unit"])
            except ServiceError as error:  # beside its box (the year taken, the dates the wrong way round)
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                messages.success(request, _("Đã tạo đợt khảo sát."))
                return redirect(created)
    return render(request, "capacity/index.html", {"rounds": Round.objects.all(), "form": form})


def _response_rates(round_: Round) -> list[tuple]:
    """Per unit and module: invitations and answers (counts of people, never of answers' content)."""
    counts: dict[tuple[int, str], list[int]] = {}
    for unit_id, module, used in RoundInvitation.objects.filter(round=round_).values_list(
            "unit_id", "module", "token__used_at"):
        cell = counts.setdefault((unit_id, module), [0, 0])
        cell[0] += 1
        cell[1] += used is not None
    return [(unit, [counts.get((unit.pk, m), [0, 0]) for m in Module.values]) for unit in round_.units.all()]


@login_required
def round_detail(request, pk):
    round_ = get_round_for(request.user, pk)
    shown = BarometerFilterForm(request.GET)
    kind = shown.cleaned_data.get("kind", "") if shown.is_valid() else ""
    return render(request, "capacity/round.html", {
        "round": round_, "moves": move_choices(request.user, round_), "rates": _response_rates(round_),
        "modules": Module.choices, "shares": scores.barometer_shares(round_, kind or None),
        "codes": _item_texts(round_), "kinds": UnitKind.choices, "kind": kind,
        "invitations": RoundInvitation.objects.filter(round=round_).select_related("token", "unit").order_by(
            "unit__sort_name", "module", "pk")[:300],
    })


def _item_texts(round_: Round) -> dict[str, str]:
    if round_.barometer is None:
        return {}
    english = get_language() == "en"
    return {i.code: (i.text_en if english and i.text_en else i.text) for i in round_.barometer.version.items.all()}


@login_required
@require_POST
def round_move(request, pk, move):
    round_ = get_round_for(request.user, pk)
    form = ReasonForm(request.POST)
    actions = {"launch": lambda: services.launch_round(request.user, round_),
               "close": lambda: services.close_round(request.user, round_),
               "reopen": lambda: services.reopen_round(request.user, round_, form.cleaned_data["reason"])}
    if move not in actions or move not in ROUND.moves:
        raise Http404
    if form_refused(request, form):
        return redirect(round_)
    run_service(request, actions[move], success=_("Đã thực hiện: %(move)s.") % {"move": ROUND.moves[move].label})
    return redirect(round_)


@login_required
@require_POST
def round_remind(request, pk):
    round_ = get_round_for(request.user, pk)
    count = run_service(request, services.remind, request.user, round_)
    if count is not None:
        messages.success(request, _("Đã nhắc %(n)s người chưa trả lời.") % {"n": count})
    return redirect(round_)


def _benchmark_filters(request):
    """The round (of the year asked for, else the latest) and the filters; None when none was launched."""
    if not request.user.has_perm("capacity.see_benchmark"):
        raise Http404
    rounds = list(Round.objects.exclude(barometer=None))
    if not rounds:
        return None, {}
    year = integer(request.GET.get("year"), min_value=2000, max_value=2100)
    round_ = next((r for r in rounds if r.year == year), rounds[0])
    asked = BenchmarkFilterForm(request.GET)
    asked.is_valid()  # a kind or a size the page does not offer is dropped
    return round_, {"rounds": rounds, "kind": asked.cleaned_data.get("kind", ""),
                    "size": asked.cleaned_data.get("size", "")}


def _benchmark_context(request):
    round_, filters = _benchmark_filters(request)
    if round_ is None:
        return None, [], {}
    return round_, bench.ranking(round_, filters["kind"], filters["size"]), filters


@login_required
def benchmark(request):
    """The ranked table a page at a time (3,400 units on one page took seconds to draw); the chart shows
    the leading units, the behaviour check and the exports use every unit."""
    round_, ranked, filters = _benchmark_context(request)
    page = Paginator(ranked, BENCHMARK_PAGE).get_page(request.GET.get("page"))
    full = {row.score.pk: row for row in bench.rows_of(list({r.score_id: r for r in [*ranked[:60], *page]}.values()))}
    leading, rows = [full[r.score_id] for r in ranked[:60]], [full[r.score_id] for r in page]
    mine = {row.score.unit_id for row in full.values() if is_unit_of_score.test(request.user, row.score.unit)}
    chart = interval_chart([(r.score.unit.name, r.score.composite, r.score.composite_low, r.score.composite_high,
                             r.score.unit_id in mine) for r in leading], 10, _("Điểm tổng hợp và khoảng tin cậy 95%"))
    querystring = urlencode({"year": round_.year, "kind": filters["kind"], "size": filters["size"]}) if round_ else ""
    return render(request, "capacity/benchmark.html", {"chart": chart, "mine": mine, "check": bench.behaviour_check(ranked),
        "round": round_, "rows": rows, "page": page, "querystring": querystring,
        "see_all": request.user.has_perm("capacity.see_all"), "formula": COMPOSITE_FORMULA, "columns": bench.COLUMNS,
        "activity": bench.ACTIVITY, "outcome_columns": bench.OUTCOMES, "kinds": UnitKind.choices, "sizes": SizeBand.choices, **filters,
        "min_n": round_.rule.min_n if round_ else 5,
    })


def _benchmark_export(request, fmt: str):
    round_, filters = _benchmark_filters(request)
    if round_ is None:
        raise Http404
    run = run_service(request, exports.export_benchmark, request.user, round_, filters["kind"], filters["size"], fmt)
    return redirect(run or "capacity:benchmark")


@login_required
@require_POST
def benchmark_csv(request):
    """The benchmark as CSV, written in the background: the requester follows it and downloads the file."""
    return _benchmark_export(request, "csv")


@login_required
@require_POST
def benchmark_xlsx(request):
    return _benchmark_export(request, "xlsx")


@login_required
def unit_detail(request, pk):
    unit = capacity_unit_for(request.user, pk)
    history = list(UnitScore.objects.filter(unit=unit).select_related("round").order_by("round__year"))
    latest = history[-1] if history else None
    similar = bench.similar_units(latest) if latest else None
    english = get_language() == "en"
    profile = [(label_en if english else label_vi, latest.profile.get(str(e)))
               for e, (_k, label_vi, label_en) in DETERMINANTS.items()] if latest else []
    chart = interval_chart([(s.unit.name, s.composite, s.composite_low, s.composite_high, s.unit_id == unit.pk)
                            for s in (similar.scores if similar else [])], 10,
                           _("Điểm tổng hợp của các đơn vị tương tự"))
    trend = interval_chart([(str(s.round.year), s.composite, s.composite_low, s.composite_high, s is latest)
                            for s in history], 10, _("Điểm tổng hợp qua các năm"))
    owned = bench.owned_outcomes([unit.pk]).get(unit.pk, [])
    return render(request, "capacity/unit.html", {
        "unit": unit, "history": history, "latest": latest, "similar": similar, "formula": COMPOSITE_FORMULA,
        "profile": profile, "similar_chart": chart, "trend_chart": trend, "owned": owned,
        "outcome_columns": bench.OUTCOMES,
        "outcomes": [(label, definition, bench.outcome_value(key, owned)) for key, label, definition in bench.OUTCOMES
                     if key != "satisfaction"],
        "barometer": scores.unit_barometer(latest.round, unit.pk, english) if latest else [],
        "min_n": latest.round.rule.min_n if latest else 5,
        "averages": bench.averages(latest) if latest else {},
    })


@login_required
def impact_list(request):
    if not request.user.has_perm("capacity.see_impact"):
        raise Http404
    surveys = managed_surveys(request.user).exclude(challenge=None).filter(challenge__project__deployments__isnull=False)
    return render(request, "capacity/impacts.html", {"surveys": surveys.distinct()})


@login_required
def impact_detail(request, pk):
    if not request.user.has_perm("capacity.see_impact"):
        raise Http404
    survey = managed_surveys(request.user).filter(pk=pk_or_404(pk)).exclude(challenge=None).first()
    if survey is None:
        raise Http404
    view = staggered_impact(survey)
    labels = [p.label for p in view.panel.periods]
    study = sorted(view.result.event_study.items())
    months = sorted(view.result.event_months.items())
    chart = interval_chart([(str(m), est.att, est.low, est.high, m >= 0) for m, est in months], 30,
                           _("Tác động theo số tháng kể từ khi áp dụng (điểm %)"), zero=0)
    return render(request, "capacity/impact.html", {"chart": chart,
        "survey": survey, "view": view, "result": view.result, "assumptions": ASSUMPTIONS, "labels": labels,
        "cohorts": [(labels[g], n) for g, n in sorted(view.result.cohorts.items())],
        "study": study, "months": months, "deployments": before_after(view.panel),
    })


def _portfolio_filters(request) -> dict:
    filters: dict = PortfolioFilterForm(request.GET).filters()  # a value the page does not offer is dropped
    for key, queryset in (("field", Field.objects.all()), ("unit", OrgUnit.objects.all())):
        pk = integer(request.GET.get(key), min_value=1)
        if pk is not None and queryset.filter(pk=pk).exists():
            filters[key] = pk
    year = integer(request.GET.get("year"), min_value=2000, max_value=2100)
    if year:
        filters["year"] = year
    return filters


def _portfolio(request) -> tuple[dict, list, list, dict, list]:
    """The filters, every year's lines (for the year-over-year table), the lines of the year asked for,
    their counters and the year-over-year rows."""
    filters = _portfolio_filters(request)
    every_year = folio.portfolio_lines({k: v for k, v in filters.items() if k != "year"})
    lines = [line for line in every_year if not filters.get("year") or line.year == filters["year"]]
    return filters, every_year, lines, folio.counters(lines), folio.by_year(every_year)


def _portfolio_units():
    from sangtao.annual.models import AnnualPlan
    from sangtao.challenges.models import Challenge
    from sangtao.initiatives.models import Initiative

    return OrgUnit.objects.filter(Q(pk__in=Challenge.objects.values("owner_unit_id"))
                                  | Q(pk__in=AnnualPlan.objects.values("unit_id"))
                                  | Q(pk__in=Initiative.objects.values("unit_id"))).order_by("sort_name")


@login_required
def portfolio(request):
    if not request.user.has_perm("capacity.see_portfolio"):
        raise Http404
    filters, _every_year, lines, counts, years = _portfolio(request)
    facets = folio.by_facet(lines)
    kinds = Counter(line.kind for line in lines)
    facet_chart = charts.counts(_("Việc theo loại đổi mới (OPSI)"), [(str(label), n) for _v, label, _p, n in facets],
                                noun=_("Số việc"))
    year_chart = charts.counts(_("Việc trong danh mục theo năm"), [(str(row["year"]), row["total"]) for row in years],
                               noun=_("Số việc"))
    return render(request, "capacity/portfolio.html", {
        "lines": lines[:PORTFOLIO_SHOWN], "shown": min(len(lines), PORTFOLIO_SHOWN), "counters": [
            (key, label, definition, counts[key]) for key, (label, definition) in folio.COUNTERS.items()],
        "facets": facets, "facet_choices": Facet.choices, "fields": Field.objects.all(), "kind_choices": [
            (key, label, kinds.get(key, 0)) for key, label in folio.KINDS.items()],
        "filters": filters, "units": _portfolio_units(), "stages": folio.stages(),
        "outcome_choices": folio.KPI_LABELS.items(),
        "facet_chart": facet_chart, "year_chart": year_chart, "years": years,
        "capped": [label for key, label in folio.KINDS.items() if kinds.get(key, 0) >= folio.LIMIT],
        "limit": folio.LIMIT,
    })


@login_required
@require_POST
def portfolio_xlsx(request):
    """The portfolio as Excel, written in the background with the page's filters."""
    if not request.user.has_perm("capacity.see_portfolio"):
        raise Http404
    run = run_service(request, exports.export_portfolio, request.user, _portfolio_filters(request))
    return redirect(run or "capacity:portfolio")


def answer(request, token):
    """A respondent's page: the invitation's token is the key (one answer), nothing identifies the person."""
    invitation = get_invitation(token)
    round_ = invitation.round
    survey = round_.survey_of(invitation.module)
    items = [i for i in survey.version.items.all() if i.measure != Measure.TEXT]
    binary = (lambda item: item.measure == Measure.PERCEPTION or item.code.startswith("B_")) \
        if invitation.module == Module.BAROMETER else (lambda item: False)
    form = AnswerForm(request.POST or None, items=items, binary=binary)
    error = None
    if invitation.token.used_at is not None:
        error = _("Phiếu này đã được trả lời. Cảm ơn Ông/Bà.")
    elif request.method == "POST":
        if not form.is_valid():
            error = _("Câu trả lời không hợp lệ.")
        else:
            done = run_service(request, services.answer, invitation, form.values(),
                               consent=form.cleaned_data["consent"])
            if done is not None:
                return redirect("capacity:thanks", token)
    english = get_language() == "en"
    questions = [(item, form[f"q{item.pk}"], item.text_en if english and item.text_en else item.text) for item in items]
    return render(request, "capacity/answer.html", {
        "invitation": invitation, "round": round_, "form": form, "questions": questions, "error": error,
        "consent": survey.version.consent_text_en if english and survey.version.consent_text_en
        else survey.version.consent_text, "scale": invitation.module != Module.BAROMETER,
    })


def thanks(request, token):
    invitation = get_invitation(token)
    return render(request, "capacity/thanks.html", {"invitation": invitation})
