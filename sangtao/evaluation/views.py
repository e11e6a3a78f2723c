from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sangtao.challenges.access import get_challenge_for, public_challenges
from sangtao.challenges.counters import breakdowns
from sangtao.challenges.models import Indicator, Status
from sangtao.core import charts
from sangtao.core.counters import Counter
from sangtao.core.csv import append_row, csv_response
from sangtao.core.documents import AdministrativeDocument
from sangtao.core.feedback import form_refused, run_service, section_or_top
from sangtao.core.formats import long_date
from sangtao.core.forms import chosen
from sangtao.core.uploads import check_size
from sangtao.evaluation import services
from sangtao.evaluation.forms import MeasurementForm
from sangtao.evaluation.outcome import challenge_outcome, outcomes

STATUS_LABELS = {"met": gettext_lazy("Đạt mục tiêu"), "on_track": gettext_lazy("Đúng hướng"), "off_track": gettext_lazy("Chưa đạt tiến độ"),
                 "no_data": gettext_lazy("Chưa có số liệu")}


@login_required
@require_POST
def measurement_add(request, pk):
    challenge = get_challenge_for(request.user, pk)
    indicator = chosen(Indicator.objects.filter(challenge=challenge), request.POST.get("indicator"))
    form = MeasurementForm(request.POST)
    if not form_refused(request, form):
        data = form.cleaned_data
        run_service(request, services.record_measurement, indicator, request.user, data["value"],
                    data["measured_on"], data["source"], data["evidence_url"], success=_("Đã ghi số đo."))
    return redirect(section_or_top(request, challenge.get_absolute_url(), "ket-qua-do"))


@login_required
@require_POST
def measurement_import(request, pk):
    challenge = get_challenge_for(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Chọn một tệp CSV."))
    else:
        count = run_service(request, _import_measurements, challenge, request.user, upload)
        if count is not None:
            messages.success(request, _("Đã nhập %(n)s số đo.") % {"n": count})
    return redirect(section_or_top(request, challenge.get_absolute_url(), "ket-qua-do"))


def _import_measurements(challenge, user, upload) -> int:
    check_size(upload, settings.ATTACHMENT_MAX_BYTES)  # the upload checks of every attachment
    return services.import_measurements(challenge, user, upload.read())


def _outcome_rows(request, pk) -> tuple[object, list[list]]:
    """The data behind a challenge's outcome: KPI series and satisfaction around deployment."""
    challenge = get_challenge_for(request.user, pk)
    if not challenge.is_public:
        raise Http404
    kpis, surveys = challenge_outcome(challenge)
    rows: list[list] = [["kind", "name", "date_or_period", "value", "baseline", "target", "low", "high", "n", "source"]]
    for kpi in kpis:
        for m in kpi.measurements:
            rows.append(["kpi", kpi.indicator.name, m.measured_on.isoformat(), float(m.value),
                         kpi.indicator.baseline_value, kpi.indicator.target_value, "", "", "", m.source])
    for view in surveys:
        result = view.impact
        if result is None:
            continue
        for label, cell in (("before", result.before), ("after", result.after),
                            ("control_before", result.control_before), ("control_after", result.control_after)):
            if cell and cell.share:
                rows.append(["satisfaction", view.survey.service, label, round(cell.share.estimate, 4), "", "",
                             round(cell.share.low, 4), round(cell.share.high, 4), cell.n, view.survey.name])
    return challenge, rows


def outcome_csv(request, pk):
    challenge, rows = _outcome_rows(request, pk)
    return csv_response(rows, f"ket-qua-{challenge.pk}.csv")


def outcome_xlsx(request, pk):
    from openpyxl import Workbook

    challenge, rows = _outcome_rows(request, pk)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả"
    for row in rows:
        append_row(sheet, [float(v) if hasattr(v, "as_tuple") else v for v in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{challenge.pk}.xlsx"'
    return response


def outcome_report(request, pk):
    """A PDF outcome report per challenge, in the administrative-document layout."""
    challenge = get_challenge_for(request.user, pk)
    if not challenge.is_public:
        raise Http404
    kpis, surveys = challenge_outcome(challenge)
    doc = AdministrativeDocument(f"Báo cáo kết quả {challenge.title}")
    doc.header_block(["SỞ KHOA HỌC VÀ CÔNG NGHỆ"], ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    doc.paragraph(f"Thành phố Hồ Chí Minh, {long_date(timezone.localdate())}")
    doc.heading(f"BÁO CÁO KẾT QUẢ\n{challenge.title}")
    doc.paragraph("1. Chỉ số thành công", "B")
    doc.data_table(["Chỉ số", "Nền", "Mục tiêu", "Mới nhất", "Đánh giá"], [
        [k.indicator.name, f"{k.indicator.baseline_value or ''}", f"{k.indicator.target_value or ''}",
         f"{k.status.latest if k.status.latest is not None else '—'}", str(STATUS_LABELS[k.status.code])]
        for k in kpis], [60, 25, 25, 25, 30])
    doc.paragraph("2. Mức độ hài lòng trước và sau khi áp dụng", "B")
    for view in surveys:
        result = view.impact
        if result and result.change:
            doc.paragraph(f"{view.survey.service}: thay đổi {100 * result.change.estimate:.1f} điểm phần trăm "
                          f"(khoảng tin cậy 95%: {100 * result.change.low:.1f} đến {100 * result.change.high:.1f}).")
        else:
            doc.paragraph(f"{view.survey.service}: chưa đủ số liệu trước và sau khi áp dụng.")
    response = HttpResponse(doc.render(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-ket-qua-{challenge.pk}.pdf"'
    return response


def dashboard(request):
    """The city's public outcomes: challenges by stage, and the measured change for those deployed."""
    challenges = public_challenges()
    by_status = dict(challenges.values_list("status").annotate(n=Count("id")))
    stages = [(value, label, by_status.get(value, 0)) for value, label in Status.choices if value in by_status]
    finished = list(challenges.filter(status__in=[Status.EVALUATING, Status.COMPLETED]).order_by("-updated_at")[:50])
    measured = outcomes(finished)
    rows = []
    for challenge in finished:
        kpis, surveys = measured[challenge.pk]
        change = next((v.impact.change for v in surveys if v.impact and v.impact.change), None)
        rows.append((challenge, kpis, change))
    return render(request, "evaluation/dashboard.html", {"stages": stages, "rows": rows, "labels": STATUS_LABELS,
                                                         "breakdowns": counter_charts(challenges, public=True)})


def counter_charts(challenges, *, public: bool) -> list[tuple[Counter, charts.Chart]]:
    """Each counter of the page with its chart (challenges/counters.py defines what each counts)."""
    return [(c, charts.counts(str(c.label), items, noun=_("Số bài toán")))
            for c, items in breakdowns(challenges, public=public)]


def dashboard_csv(request):
    """The outcomes page's counters as a table, each with its definition (the same text as the page)."""
    rows = [["counter", "item", "count", "definition"]]
    for c, items in breakdowns(public_challenges(), public=True):
        rows += c.csv_rows(items)
    return csv_response(rows, "ket-qua-thanh-pho.csv")
