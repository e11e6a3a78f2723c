from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangtao.core.csv import append_row, csv_response, streamed_csv_response
from sangtao.core.errors import ServiceError
from sangtao.core.feedback import form_refused, run_service
from sangtao.core.forms import chosen
from sangtao.core.ratelimit import RateLimit, client_address
from sangtao.privacy.services import follow_up_allowed_expression, log_survey_email_reads
from sangtao.projects.models import Deployment
from sangtao.surveys import charts as survey_charts
from sangtao.surveys import services
from sangtao.surveys.access import get_instrument_version_for, get_public_survey, get_survey_for, managed_surveys
from sangtao.surveys.exports import response_rows
from sangtao.surveys.forms import ImportForm, ItemForm, NewItemForm, ResponseForm, SurveyForm, TokenForm
from sangtao.surveys.impact import impact
from sangtao.surveys.imports import progress_of as import_progress_of
from sangtao.surveys.imports import retry_import, start_import
from sangtao.surveys.indices import OVERALL, index_cells
from sangtao.surveys.models import Answer, Element, Measure, Survey

# Web responses per hour from one address to one survey, when tokens are not used.
RESPONSES_PER_ADDRESS = RateLimit("survey-response", limit=20, window=3600)


@login_required
def survey_list(request):
    surveys = managed_surveys(request.user)
    if not surveys.exists() and not request.user.has_perm("surveys.create"):
        raise Http404
    return render(request, "surveys/list.html", {"surveys": surveys})


@login_required
def survey_create(request):
    if not request.user.has_perm("surveys.create"):
        raise Http404
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = data["version"] or services.create_sipas_instrument(
                request.user, f"SIPAS — {data['service']}").versions.get()
            survey = services.create_survey(request.user, name=data["name"], version=version, service=data["service"],
                                            units=data["units"], periods=data["periods"], challenge=data["challenge"],
                                            uses_tokens=data["uses_tokens"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("Đã tạo khảo sát."))
            return redirect(survey)
    return render(request, "generic_form.html", {"form": form, "heading": _("Khảo sát mới"),
                                                 "back": "surveys:list"})


# What 1 and 5 mean, per kind of question: a perception is judged, a satisfaction felt, an expectation held.
SCALE_ANCHORS = {
    Measure.PERCEPTION: (gettext_lazy("Rất kém"), gettext_lazy("Rất tốt")),
    Measure.SATISFACTION: (gettext_lazy("Rất không hài lòng"), gettext_lazy("Rất hài lòng")),
    Measure.EXPECTATION: (gettext_lazy("Hoàn toàn không mong đợi"), gettext_lazy("Rất mong đợi")),
}
ELEMENTS = [(OVERALL, gettext_lazy("Chung (5 yếu tố)")), *Element.choices]


def index_rows(survey: Survey, periods=None, units=None):
    """Rows for the index table: one per unit and period, cells per element."""
    periods = list(periods if periods is not None else survey.periods.all())
    units = list(units if units is not None else survey.units.order_by("sort_name"))
    cells = index_cells(survey, period_id__in=[p.pk for p in periods], unit_id__in=[u.pk for u in units])
    return [(unit, period, [cells.get((unit.pk, period.pk, key)) for key, _label in ELEMENTS])
            for unit in units for period in periods]


def _impacts(survey: Survey):
    return impact(survey, Deployment.objects.filter(project__challenge_id=survey.challenge_id)) \
        if survey.challenge_id else None


@login_required
def survey_detail(request, pk):
    """The index table for one period at a time (the latest with answers by default), 50 units a page."""
    survey = get_survey_for(request.user, pk)
    periods = list(survey.periods.all())
    with_data = set(survey.aggregates.values_list("period_id", flat=True).distinct())
    chosen = next((p for p in periods if str(p.pk) == request.GET.get("period")), None) or next(
        (p for p in reversed(periods) if p.pk in with_data), periods[-1] if periods else None)
    page = Paginator(survey.units.order_by("sort_name"), 50).get_page(request.GET.get("page"))
    rows = index_rows(survey, [chosen] if chosen else [], page.object_list)
    impact = _impacts(survey)
    return render(request, "surveys/detail.html", {
        "survey": survey, "rows": rows,
        "unit_chart": survey_charts.unit_index_chart(survey, chosen, rows) if chosen else None,
        "trend_chart": survey_charts.trend_chart(survey, periods) if periods else None,
        "can_see_instrument": request.user.has_perm("surveys.create"),  # as get_instrument_version_for
        "periods": periods, "chosen": chosen, "page": page,
        "querystring": f"period={chosen.pk}" if chosen else "", "elements": ELEMENTS, "impact": impact,
        "imports": survey.imports.all()[:10], "import_form": ImportForm(), "token_form": TokenForm(survey=survey),
        "public_url": request.build_absolute_uri(survey.public_url()), "responses": survey.response_count,
    })


@login_required
def import_upload(request, pk):
    survey = get_survey_for(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not form_refused(request, form):  # no file, an empty file: said as such
        try:
            job = start_import(survey, request.user, form.cleaned_data["file"], form.cleaned_data["source"])
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            return redirect("surveys:import", survey.pk, job.pk)
    return redirect(survey)


@login_required
def import_status(request, pk, job_id):
    survey = get_survey_for(request.user, pk)
    job = get_object_or_404(survey.imports.select_related("run"), pk=job_id)
    return render(request, "surveys/import.html", {"survey": survey, "job": job, "progress": import_progress_of(job)})


@login_required
def import_progress(request, pk, job_id):
    """The import's progress as JSON, for core's progress.js."""
    survey = get_survey_for(request.user, pk)
    return JsonResponse(import_progress_of(get_object_or_404(survey.imports.select_related("run"), pk=job_id)).as_json())


@login_required
@require_POST
def import_retry(request, pk, job_id):
    survey = get_survey_for(request.user, pk)
    job = get_object_or_404(survey.imports, pk=job_id)
    again = run_service(request, retry_import, job, request.user, success=_("Đã xếp lịch nhập lại tệp."))
    return redirect("surveys:import", survey.pk, (again or job).pk)


@login_required
@require_POST
def responses_export(request, pk):
    """Prepare the responses file in the background, with a progress bar, for surveys too large to stream."""
    survey = get_survey_for(request.user, pk)
    run = run_service(request, services.export_responses, survey, request.user)
    return redirect(run or survey)


@login_required
def import_errors(request, pk, job_id):
    survey = get_survey_for(request.user, pk)
    job = get_object_or_404(survey.imports, pk=job_id)
    if not job.error_report:
        raise Http404
    return FileResponse(job.error_report.open("rb"), as_attachment=True, filename=f"loi-nhap-{job.pk}.csv",
                        content_type="text/csv")


@login_required
def tokens_issue(request, pk):
    survey = get_survey_for(request.user, pk)
    if request.method != "POST":
        raise Http404
    form = TokenForm(request.POST, survey=survey)
    if form_refused(request, form):  # a count that is not a number from 1 to the most, a unit not offered
        return redirect(survey)
    try:
        tokens = services.issue_tokens(survey, request.user, form.cleaned_data["unit"], form.cleaned_data["count"])
    except ServiceError as error:
        messages.error(request, str(error.message))
        return redirect(survey)
    return csv_response([["token", "link"], *([token.token, f"{settings.SITE_URL}{survey.public_url()}?t={token.token}"]
                                              for token in tokens)], f"ma-moi-{survey.pk}.csv")


def _index_table(survey: Survey) -> list[list]:
    header = ["unit_code", "unit", "period", "element", "n", "index", "ci_low", "ci_high", "mean", "suppressed"]
    table = [header]
    labels = [str(label) for _key, label in ELEMENTS]  # translated once, not on each of thousands of rows
    for unit, period, cells in index_rows(survey):
        for label, cell in zip(labels, cells, strict=True):
            if cell is None:
                continue
            share = cell.share
            table.append([unit.code, unit.name, period.label, label, cell.n,
                          round(share.estimate, 4) if share else "", round(share.low, 4) if share else "",
                          round(share.high, 4) if share else "", round(cell.mean.estimate, 3) if cell.mean else "",
                          "yes" if cell.suppressed else "no"])
    return table


@login_required
def indices_csv(request, pk):
    survey = get_survey_for(request.user, pk)
    return csv_response(_index_table(survey), f"chi-so-{survey.pk}.csv")


@login_required
def indices_xlsx(request, pk):
    from openpyxl import Workbook

    survey = get_survey_for(request.user, pk)
    workbook = Workbook(write_only=True)  # rows go straight to the file: an ordinary sheet made 47,000 cells first
    sheet = workbook.create_sheet("Chỉ số")
    for row in _index_table(survey):
        append_row(sheet, row)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="chi-so-{survey.pk}.xlsx"'
    return response


@login_required
def responses_csv(request, pk):
    """Every stored response, streamed, in the import format; follow-up e-mails are never included."""
    survey = get_survey_for(request.user, pk)
    return streamed_csv_response(response_rows(survey), f"phieu-{survey.pk}.csv")


@login_required
def comments(request, pk):
    """The free-text answers, newest first, by unit and period, 50 a page."""
    survey = get_survey_for(request.user, pk)
    answers = (Answer.objects.filter(response__survey=survey).exclude(text="")
               .select_related("response__unit", "response__period").order_by("-response__submitted_at", "-pk"))
    units, periods = list(survey.units.order_by("sort_name")), list(survey.periods.all())
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    period = next((p for p in periods if str(p.pk) == request.GET.get("period")), None)
    if unit:
        answers = answers.filter(response__unit=unit)
    if period:
        answers = answers.filter(response__period=period)
    chosen = "&".join(f"{name}={value.pk}" for name, value in (("unit", unit), ("period", period)) if value)
    answers = answers.annotate(follow_up_allowed=follow_up_allowed_expression("response__follow_up_consent"))
    page = Paginator(answers, 50).get_page(request.GET.get("page"))
    for answer in page.object_list:
        if not answer.follow_up_allowed:
            answer.response.follow_up_email = ""  # the respondent withdrew their consent: neither shown nor read
    # The follow-up e-mails shown on this page are personal data: each read is logged.
    log_survey_email_reads(request.user, [answer.response for answer in page.object_list])
    return render(request, "surveys/comments.html", {
        "survey": survey, "page": page, "units": units,
        "periods": periods, "unit": unit, "period": period, "querystring": chosen})


@login_required
def instrument(request, version_id):
    """The instrument builder: edit questions or add one; a frozen version changes into a new version."""
    version = get_instrument_version_for(request.user, version_id)
    if request.method == "POST":
        editing = chosen(version.items.all(), request.POST["item"]) if request.POST.get("item") else None
        form = ItemForm(request.POST) if editing is not None else NewItemForm(request.POST)
        item = None if form_refused(request, form) else run_service(request, _save_item, request.user, version,
                                                                    editing, form.cleaned_data)
        if item is not None:
            if item.version_id != version.pk:
                messages.info(request, _("Phiên bản này đã có phiếu trả lời nên được giữ nguyên; thay đổi nằm ở phiên bản "
                                         "%(n)s.") % {"n": item.version.number})
            else:
                messages.success(request, _("Đã lưu câu hỏi."))
            return redirect("surveys:instrument", item.version_id)
    return render(request, "surveys/instrument.html", {
        "version": version, "items": version.items.all(), "elements": Element.choices, "measures": Measure.choices,
        "others": version.instrument.versions.exclude(pk=version.pk)})


def _save_item(actor, version, editing, data):
    """The edited question (editing), or the question added to version."""
    if editing is not None:
        return services.edit_item(actor, editing, data["text"], data["text_en"])
    return services.add_item(actor, version, code=data["code"], element=data["element"], measure=data["measure"],
                             text=data["text"], text_en=data["text_en"])


# --- the public response page ----------------------------------------------------------------

def respond(request, slug):
    survey = get_public_survey(slug)
    items = list(survey.version.items.all())
    language = get_language()
    groups = []
    for value, label in Element.choices:
        groups.append((label, [i for i in items if i.element == value and i.measure != Measure.TEXT]))
    text_item = next((i for i in items if i.measure == Measure.TEXT), None)
    summary: list[tuple[str | None, str]] = []
    refused_field = {}  # a service's refusal, beside its box
    chosen = {}
    # An invitation link's ?t= is cleaned by the form, which carries it in the page's hidden field t.
    form = ResponseForm(request.POST if request.method == "POST" else None, survey=survey, items=items,
                        link_token=request.GET.get("t", ""))
    if request.method == "POST":
        valid = form.is_valid()
        chosen = form.answers()
        key = f"{survey.pk}:{client_address(request)}"
        if not valid:
            summary = form.summary()
        elif not survey.uses_tokens and RESPONSES_PER_ADDRESS.reached(key):
            summary = [(None, _("Đã nhận nhiều phiếu từ thiết bị này; vui lòng thử lại sau."))]
        else:
            data = form.cleaned_data
            try:
                services.respond(survey, unit_id=data["unit"].pk if data["unit"] else None, values=chosen,
                                 text=data["text"], consent=data["consent"],
                                 follow_up_email=data["email"] if data["follow_up"] else "", token=data["t"],
                                 respondent=request.user)
            except ServiceError as refused:
                anchor = refused.field if refused.field in form.fields else None
                summary = [(anchor, str(refused.message))]
                refused_field = {anchor: str(refused.message)} if anchor else {}
            else:
                RESPONSES_PER_ADDRESS.count(key)
                return redirect("surveys:thanks", survey.slug)
    for item in items:
        item.chosen = chosen.get(item.pk)  # a refused submission shows the answers again
        item.anchors = SCALE_ANCHORS.get(item.measure, SCALE_ANCHORS[Measure.SATISFACTION])
    consent = survey.version.consent_text_en if language == "en" and survey.version.consent_text_en else \
        survey.version.consent_text
    return render(request, "surveys/respond.html", {
        "survey": survey, "groups": groups, "text_item": text_item, "summary": summary, "chosen": chosen,
        "token": form.token(), "units": survey.units.order_by("sort_name"), "consent": consent, "english": language == "en",
        "period": services.current_period(survey, timezone.localdate()), "scale": range(1, 6),
        "chosen_unit": form.cleaned_data["unit"].pk if form.is_bound and form.cleaned_data.get("unit") else None,
        "typed": form.typed() if form.is_bound else {},
        "field_errors": {**({name: errors[0] for name, errors in form.errors.items()} if form.is_bound else {}),
                         **refused_field},
    })


def thanks(request, slug):
    survey = get_public_survey(slug)
    return render(request, "surveys/thanks.html", {"survey": survey})
