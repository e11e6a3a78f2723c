"""Instruments, surveys and web responses: every change goes through a function here."""

import datetime
import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.core.tasks import FailureMessage, task
from sangtao.core.text import clean
from sangtao.privacy import services as privacy
from sangtao.surveys.ingest import Incoming, ingest, recompute, web_response_id
from sangtao.surveys.models import (
    Element,
    IndexRule,
    Instrument,
    InstrumentVersion,
    Item,
    Measure,
    Period,
    Response,
    Source,
    Survey,
    SurveyToken,
)

# The consent purpose of a signed-in respondent's follow-up e-mail (issue 11, point 4).
FOLLOW_UP_PURPOSE = "survey_followup"

MEASURE_TEXTS = {
    Measure.PERCEPTION: ("Ông/Bà đánh giá thế nào về {what}?", "How do you rate {what_en}?"),
    Measure.SATISFACTION: ("Ông/Bà hài lòng thế nào với {what}?", "How satisfied are you with {what_en}?"),
    Measure.EXPECTATION: ("Ông/Bà mong muốn {what} được cải thiện đến mức nào?",
                          "How much do you expect {what_en} to improve?"),
}
ELEMENT_TEXTS = {
    Element.ACCESS: ("việc tiếp cận dịch vụ", "access to the service"),
    Element.PROCEDURES: ("thủ tục hành chính", "the administrative procedure"),
    Element.CIVIL_SERVANT: ("công chức giải quyết công việc", "the civil servant handling your case"),
    Element.RESULT: ("kết quả giải quyết", "the result you received"),
    Element.FEEDBACK: ("việc tiếp nhận, xử lý góp ý, phản ánh", "how feedback and complaints are handled"),
}
CONSENT = ("Phiếu khảo sát ẩn danh, dùng để đo mức độ hài lòng với dịch vụ công và cải thiện dịch vụ. Không thu "
           "thập thông tin cá nhân, trừ khi Ông/Bà tự nguyện để lại email để được liên hệ lại. Tiếp tục là Ông/Bà "
           "đồng ý tham gia.")
CONSENT_EN = ("This survey is anonymous. It measures satisfaction with a public service in order to improve it. "
              "No personal data is collected unless you choose to leave an email for follow-up. By continuing you "
              "agree to take part.")


def create_sipas_instrument(actor, name: str) -> Instrument:
    """The SIPAS-style template: five elements, each measured as perception, satisfaction and
    expectation on 1-5 scales, and an optional free-text question."""
    if not actor.has_perm("surveys.create"):
        raise NotAllowed()
    with transaction.atomic():
        instrument = Instrument.objects.create(name=clean(name) or "SIPAS", created_by=actor)
        version = InstrumentVersion.objects.create(instrument=instrument, number=1, consent_text=CONSENT,
                                                   consent_text_en=CONSENT_EN)
        position = 0
        for element in Element:
            what, what_en = ELEMENT_TEXTS[element]
            for measure, (text, text_en) in MEASURE_TEXTS.items():
                Item.objects.create(version=version, code=f"E{element.value}{measure[0].upper()}", element=element,
                                    measure=measure, text=text.format(what=what), position=position,
                                    text_en=text_en.format(what_en=what_en))
                position += 1
        Item.objects.create(version=version, code="Y_KIEN", measure=Measure.TEXT, position=position,
                            text="Ý kiến khác của Ông/Bà (không bắt buộc)", text_en="Anything else? (optional)")
        record(actor, "instrument_created", instrument)
    return instrument


def edit_item(actor, item: Item, text: str, text_en: str = "") -> Item:
    """Change a question; a frozen version (it has responses) is copied into a new version first."""
    if not actor.has_perm("surveys.create"):
        raise NotAllowed()
    with transaction.atomic():
        version = InstrumentVersion.objects.select_for_update().get(pk=item.version_id)
        if version.frozen_at is not None:
            version = new_version(version)
            item = version.items.get(code=item.code)
        item.text, item.text_en = clean(text), clean(text_en)
        item.save(update_fields=["text", "text_en"])
        record(actor, "item_edited", item, version=version.number)
    return item


def add_item(actor, version: InstrumentVersion, *, code: str, element: int | None, measure: str, text: str,
             text_en: str = "") -> Item:
    """Add a question; to a frozen version it goes into a new version instead."""
    if not actor.has_perm("surveys.create"):
        raise NotAllowed()
    code, text = clean(code or "").upper(), clean(text or "")
    if not code or not text:
        raise InvalidInput(_("Cần mã và nội dung câu hỏi."), field="code")
    if measure not in Measure.values or (measure != Measure.TEXT and element not in Element.values):
        raise InvalidInput(_("Chọn yếu tố và cách đo."), field="measure")
    with transaction.atomic():
        version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
        if version.frozen_at is not None:
            version = new_version(version)
        if version.items.filter(code=code).exists():
            raise InvalidInput(_("Mã câu hỏi đã có trong bộ câu hỏi."), field="code")
        item = Item.objects.create(version=version, code=code, element=element if measure != Measure.TEXT else None,
                                   measure=measure, text=text, text_en=clean(text_en or ""),
                                   position=version.items.count())
        record(actor, "item_added", item, version=version.number)
    return item


def new_version(version: InstrumentVersion) -> InstrumentVersion:
    number = version.instrument.versions.count() + 1
    copy = InstrumentVersion.objects.create(instrument=version.instrument, number=number,
                                            consent_text=version.consent_text, consent_text_en=version.consent_text_en)
    Item.objects.bulk_create(Item(version=copy, code=i.code, element=i.element, measure=i.measure, text=i.text,
                                  text_en=i.text_en, position=i.position) for i in version.items.all())
    return copy


def period_label_problem(label: str, starts, ends) -> str | None:
    """Why a period's label cannot be shown, or None. A label carries its year ("Quý 4/2026"), the year
    of its dates: a chart or an export that shows "Quý 4" alone cannot be read, nor one that says 2025
    for 2026. Every way a period is made (the form, the API, the demo, a command) comes through here."""
    years = {int(year) for year in re.findall(r"(?<!\d)(\d{4})(?!\d)", label)}
    if years & set(range(starts.year, ends.year + 1)):
        return None
    return str(_("nhãn «%(label)s» cần ghi năm của kỳ (ví dụ «Quý 1/%(year)s»), trùng với năm của ngày bắt đầu "
                 "hoặc kết thúc.") % {"label": label, "year": starts.year})


def create_survey(actor, *, name: str, version: InstrumentVersion, service: str, units, periods, challenge=None,
                  uses_tokens: bool = False) -> Survey:
    if not actor.has_perm("surveys.create"):
        raise NotAllowed()
    if not units:
        raise InvalidInput(_("Chọn ít nhất một đơn vị."), field="units")
    if not periods:
        raise InvalidInput(_("Cần ít nhất một kỳ khảo sát."), field="periods")
    for label, starts, ends in periods:
        if ends < starts:
            raise InvalidInput(_("Kỳ %(label)s: ngày kết thúc phải sau ngày bắt đầu.") % {"label": label},
                               field="periods")
        if problem := period_label_problem(clean(label), starts, ends):
            raise InvalidInput(problem, field="periods")
    with transaction.atomic():
        survey = Survey.objects.create(name=clean(name), version=version, service=clean(service), challenge=challenge,
                                       rule=IndexRule.objects.get(is_default=True), uses_tokens=uses_tokens,
                                       created_by=actor)
        survey.units.set(units)
        Period.objects.bulk_create(Period(survey=survey, label=clean(label), starts_on=starts, ends_on=ends)
                                   for label, starts, ends in periods)
        record(actor, "survey_created", survey, name=survey.name)
    return survey


def issue_tokens(survey: Survey, actor, unit, count: int) -> list[SurveyToken]:
    if not actor.has_perm("surveys.manage", survey):
        raise NotAllowed()
    if not 1 <= count <= 10_000:
        raise InvalidInput(_("Số mã mời từ 1 đến 10.000."), field="count")
    tokens = SurveyToken.objects.bulk_create(SurveyToken(survey=survey, unit=unit) for _ in range(count))
    record(actor, "survey_tokens_issued", survey, unit=unit.pk, count=count)
    return tokens


def current_period(survey: Survey, on: datetime.date) -> Period | None:
    return survey.periods.filter(starts_on__lte=on, ends_on__gte=on).first()


def respond(survey: Survey, *, unit_id: int | None, values: dict[int, int], text: str = "", consent: bool,
            follow_up_email: str = "", token: str = "", respondent=None) -> None:
    """A citizen's anonymous web response; with tokens, each token answers once. A signed-in
    `respondent` who leaves a follow-up e-mail gives the survey_followup consent as a record (with the
    notice version); the response points at it, so withdrawing the consent stops the e-mail's use."""
    if not survey.is_open:
        raise InvalidInput(_("Khảo sát đã đóng."))
    if not consent:
        raise InvalidInput(_("Cần đồng ý tham gia trước khi gửi."), field="consent")
    period = current_period(survey, timezone.localdate())
    if period is None:
        raise InvalidInput(_("Hiện không có kỳ khảo sát nào đang mở."))
    scale = {item.pk: item for item in survey.version.items.all() if item.is_scale}
    text_item = next((item for item in survey.version.items.all() if not item.is_scale), None)
    if any(item_id not in scale or value not in range(1, 6) for item_id, value in values.items()):
        raise InvalidInput(_("Câu trả lời không hợp lệ."))
    if not values:
        raise InvalidInput(_("Hãy trả lời ít nhất một câu hỏi."))
    with transaction.atomic():
        if survey.uses_tokens:
            row = SurveyToken.objects.select_for_update().filter(survey=survey, token=token).first()
            if row is None:
                raise InvalidInput(_("Mã mời không hợp lệ."))
            if row.used_at is not None:
                raise StaleState(_("Mã mời này đã được dùng để trả lời."))
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            unit_id = row.unit_id
        if unit_id is None or not survey.units.filter(pk=unit_id).exists():
            raise InvalidInput(_("Chọn nơi Ông/Bà đã sử dụng dịch vụ."), field="unit")
        texts = {text_item.pk: clean(text)[:2000]} if text_item and clean(text or "") else {}
        follow_up_email = clean(follow_up_email or "")[:254]
        external_id = web_response_id()
        ingest(survey, [Incoming(unit_id=unit_id, period_id=period.pk, values=values, texts=texts,
                                 external_id=external_id, follow_up_email=follow_up_email)], Source.WEB)
        if follow_up_email and getattr(respondent, "is_authenticated", False):
            record_of_consent = privacy.give_consent(respondent, FOLLOW_UP_PURPOSE)
            Response.objects.filter(survey=survey, external_id=external_id).update(follow_up_consent=record_of_consent)


def save_index_rule(actor, rule: IndexRule, changed: list[str]) -> int:
    """Save an index rule an administrator edited. The satisfied level is inside the stored sums, so
    a new level has every survey under the rule recomputed in the background, as one job its editor
    follows (core.progress: its page, and a line on their home when it ends); returns how many."""
    if not actor.has_perm("surveys.edit_rules"):
        raise NotAllowed()
    with transaction.atomic():
        rule.save()
        record(actor, "surveys.index_rule_saved", rule, changed=changed, satisfied_min=rule.satisfied_min,
               min_n=rule.min_n)
        if "satisfied_min" not in changed:
            return 0
        surveys = list(Survey.objects.filter(rule=rule).order_by("pk").values_list("pk", flat=True))
        if surveys:
            from sangtao.core.progress import job_text, start_job

            start_job(recompute_surveys, actor, job_text(_("Tính lại chỉ số theo quy tắc «%(name)s»"), name=rule.name),
                      back_url=reverse("admin:surveys_indexrule_change", args=[rule.pk]), total=len(surveys),
                      survey_ids=surveys)
    return len(surveys)


def _recompute_failed(message: FailureMessage, run_id: str, **_arguments) -> None:
    from sangtao.core.progress import run_failed

    run_failed(message, run_id)


@task(on_failure=_recompute_failed)
def recompute_surveys(run_id: str, survey_ids: list[int]) -> None:
    """Recompute the surveys' indices one by one, telling how far through core.progress."""
    from sangtao.core.progress import Tracker, job_text

    tracker = Tracker(run_id)
    tracker.begin(total=len(survey_ids))
    for done, survey in enumerate(Survey.objects.select_related("rule").filter(pk__in=survey_ids).order_by("pk"),
                                  start=1):
        recompute(survey)
        tracker.advance(done)
    tracker.advance(len(survey_ids), force=True)
    tracker.finish(job_text(_("Đã tính lại chỉ số của %(n)s khảo sát."), n=len(survey_ids)))


def export_responses(survey: Survey, actor):
    """Write every stored response to a file in the background (the import format, as the streamed
    CSV); the person follows a progress bar and downloads the file when it is ready."""
    from sangtao.core.progress import job_text, start_job

    if not actor.has_perm("surveys.manage", survey):
        raise NotAllowed()
    record(actor, "surveys.responses_exported", survey)
    return start_job(write_responses_file, actor, job_text(_("Xuất phiếu: %(name)s"), name=survey.name),
                     back_url=survey.get_absolute_url(), total=survey.response_count, survey_id=survey.pk)


def _export_failed(message: FailureMessage, run_id: str, **_arguments) -> None:
    from sangtao.core.progress import run_failed

    run_failed(message, run_id)


@task(on_failure=_export_failed)
def write_responses_file(run_id: str, survey_id: int) -> None:
    import tempfile

    from django.core.files import File

    from sangtao.core import csv as safe_csv
    from sangtao.core.formats import file_stamp
    from sangtao.core.progress import Tracker, job_text
    from sangtao.surveys.exports import response_rows

    tracker = Tracker(run_id)
    survey = Survey.objects.select_related("version").get(pk=survey_id)
    tracker.begin(total=survey.response_count)
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as handle:
        handle.write(safe_csv.BOM)
        writer = safe_csv.Writer(handle)
        rows = response_rows(survey)
        writer.writerow(next(rows))
        written = 0
        for written, row in enumerate(rows, start=1):
            writer.writerow(row)
            if written % 1000 == 0:
                tracker.advance(written)
        tracker.advance(written, force=True)
        handle.seek(0)
        tracker.finish(job_text(_("Đã xuất %(n)s phiếu."), n=written), File(handle),
                       f"phieu-{survey.pk}-{file_stamp(timezone.now())}.csv")
