"""Capacity rounds: every change goes through a function here; the surveys themselves, their
one-answer tokens, the ingest of answers and the sufficient statistics are the survey engine's."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangtao.capacity import scores
from sangtao.capacity.instruments import YES, ensure_templates, latest_version
from sangtao.capacity.models import CapacityRule, Module, Round, RoundInvitation
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.core.formats import short_date
from sangtao.core.tasks import FailureMessage, task
from sangtao.core.text import clean
from sangtao.core.workflow import apply_move
from sangtao.orgs.models import Role
from sangtao.orgs.roles import unit_staff
from sangtao.surveys import services as survey_services
from sangtao.surveys.models import IndexRule, Survey, SurveyToken

SERVICE = "Năng lực đổi mới sáng tạo"


def default_rule() -> CapacityRule:
    return CapacityRule.objects.filter(is_default=True).first() or CapacityRule.objects.create(
        name="Mặc định", is_default=True)


def create_round(actor, *, year: int, name: str, units, opens_on: datetime.date, closes_on: datetime.date,
                 managers_per_unit: int = 1, staff_per_unit: int = 10) -> Round:
    if not actor.has_perm("capacity.run"):
        raise NotAllowed()
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("Năm không hợp lệ."), field="year")
    if Round.objects.filter(year=year).exists():
        raise InvalidInput(_("Năm này đã có đợt khảo sát."), field="year")
    if closes_on < opens_on:  # such a round could never be launched, and a year has one round only
        raise InvalidInput(_("Ngày đóng phải sau ngày mở."), field="closes_on")
    if not 1 <= managers_per_unit <= 50 or not 1 <= staff_per_unit <= 500:
        raise InvalidInput(_("Số người được mời mỗi đơn vị không hợp lệ."), field="staff_per_unit")
    with transaction.atomic():
        round_ = Round.objects.create(year=year, name=clean(name) or f"Khảo sát năng lực đổi mới {year}",
                                      opens_on=opens_on, closes_on=closes_on, managers_per_unit=managers_per_unit,
                                      staff_per_unit=staff_per_unit, rule=default_rule(), created_by=actor)
        round_.units.set(units)
        record(actor, "capacity.round_created", round_, year=year)
    return round_


def _index_rule(rule: CapacityRule) -> IndexRule:
    name = f"Năng lực ĐMST (≥{rule.positive_min}, n≥{rule.min_n})"
    return IndexRule.objects.get_or_create(name=name, defaults={"satisfied_min": rule.positive_min,
                                                                "min_n": rule.min_n})[0]


def launch_round(actor, round_: Round) -> Round:
    """Open the round: one survey per module over the round's units for the year, and one
    one-answer invitation per respondent (managers for the barometer, staff for the others),
    addressed to the unit's people where the registry knows them."""
    if not actor.has_perm("capacity.run"):
        raise NotAllowed()
    with transaction.atomic():
        round_ = apply_move(round_, "launch", actor=actor)
        templates = ensure_templates(actor)
        units = list(round_.units.all())
        rule = _index_rule(round_.rule)
        # The period is labelled by the round's year, and by the year it ran when that is another one.
        label = str(round_.year) if round_.opens_on.year <= round_.year <= round_.closes_on.year else \
            f"{round_.year} ({round_.opens_on.year})"
        for module in Module.values:
            survey = survey_services.create_survey(
                actor, name=f"{round_.name}: {templates[module].name}", version=latest_version(templates[module]),
                service=SERVICE, units=units, periods=[(label, round_.opens_on, round_.closes_on)],
                uses_tokens=True)
            survey.rule = rule
            survey.save(update_fields=["rule"])
            setattr(round_, module, survey)
        round_.save(update_fields=Module.values)
        _invite(round_, units)
        scores.refresh(round_)
    return round_


def _invite(round_: Round, units) -> None:
    leaders, staff = {}, {}
    for unit in units:
        leaders[unit.pk] = list(unit_staff([unit.pk], [Role.LEADER]).order_by("pk"))
        staff[unit.pk] = list(unit_staff([unit.pk]).order_by("pk"))
    plan = []
    for unit in units:
        plan += [(Module.BAROMETER, unit, person) for person in _fill(leaders[unit.pk], round_.managers_per_unit)]
        for module in (Module.CLIMATE, Module.DETERMINANTS):
            plan += [(module, unit, person) for person in _fill(staff[unit.pk], round_.staff_per_unit)]
    tokens = SurveyToken.objects.bulk_create(SurveyToken(survey=round_.survey_of(module), unit=unit)
                                             for module, unit, _person in plan)
    RoundInvitation.objects.bulk_create(RoundInvitation(round=round_, module=module, unit=unit, token=token, invitee=person)
                                   for (module, unit, person), token in zip(plan, tokens, strict=True))


def _fill(people: list, count: int) -> list:
    """`count` invitees: the people known, then unaddressed invitations the unit hands out."""
    return (people + [None] * count)[:count]


def answer(invitation: RoundInvitation, values: dict[int, int], *, consent: bool) -> RoundInvitation:
    """A respondent's anonymous answers through the survey engine (the token answers once); then the
    unit's numbers are brought up to date."""
    round_ = invitation.round
    if round_.status != Round.Status.OPEN:
        raise InvalidInput(_("Đợt khảo sát không mở."))
    survey = round_.survey_of(invitation.module)
    if survey is None:
        raise InvalidInput(_("Đợt khảo sát không mở."))
    with transaction.atomic():
        survey_services.respond(survey, unit_id=None, values=values, consent=consent, token=invitation.token.token)
        scores.refresh(round_, [invitation.unit_id])
    return invitation


def yes_no(value: bool) -> int:
    return YES if value else 1


def remind(actor, round_: Round) -> int:
    """Remind every addressed invitee who has not answered yet; returns how many were reminded."""
    if not actor.has_perm("capacity.run"):
        raise NotAllowed()
    if round_.status != Round.Status.OPEN:
        raise InvalidInput(_("Chỉ nhắc khi đợt khảo sát đang mở."))
    from sangtao.notifications.services import notify

    pending = list(RoundInvitation.objects.select_related("invitee", "token").filter(
        round=round_, token__used_at__isnull=True, invitee__isnull=False))
    now = timezone.now()
    with transaction.atomic():
        for invitation in pending:
            notify([invitation.invitee], _("Nhắc trả lời khảo sát năng lực đổi mới"),
                   _("Phiếu khảo sát của Ông/Bà chưa được trả lời; hạn chót %(date)s.") % {
                       "date": short_date(round_.closes_on)}, reverse("capacity:answer", args=[invitation.token.token]))
            invitation.reminders += 1
            invitation.last_reminded_at = now
        RoundInvitation.objects.bulk_update(pending, ["reminders", "last_reminded_at"])
        record(actor, "capacity.reminded", round_, count=len(pending))
    return len(pending)


def close_round(actor, round_: Round) -> Round:
    with transaction.atomic():
        round_ = apply_move(round_, "close", actor=actor)
        Survey.objects.filter(pk__in=[round_.barometer_id, round_.climate_id, round_.determinants_id]).update(
            is_open=False)
    return round_


def reopen_round(actor, round_: Round, reason: str) -> Round:
    with transaction.atomic():
        round_ = apply_move(round_, "reopen", actor=actor, reason=reason)
        Survey.objects.filter(pk__in=[round_.barometer_id, round_.climate_id, round_.determinants_id]).update(
            is_open=True)
    return round_


def recompute(round_: Round) -> None:
    """Rebuild the round's surveys' sums from the stored answers, then its scores."""
    from sangtao.surveys.ingest import recompute as recompute_survey

    for survey in (round_.barometer, round_.climate, round_.determinants):
        if survey is not None:
            recompute_survey(survey)
    scores.refresh(round_)


def rule_changed(actor, rule: CapacityRule):
    """The rule's rounds move to the survey engine's index rule of the new levels and are recomputed
    in the background (the positive level is inside the stored sums), as one job the DoST user who
    changed the rule follows (core.progress: its page, and a line on their home when it ends or fails).
    Returns the JobRun, or None when no launched round uses the rule."""
    from sangtao.core.progress import job_text, start_job

    if not actor.has_perm("capacity.edit_rules"):
        raise NotAllowed()
    index_rule = _index_rule(rule)
    with transaction.atomic():
        rounds = list(Round.objects.filter(rule=rule).exclude(barometer=None).order_by("pk"))
        for round_ in rounds:
            Survey.objects.filter(pk__in=[round_.barometer_id, round_.climate_id, round_.determinants_id]).update(
                rule=index_rule)
        if not rounds:
            return None
        return start_job(recompute_rounds, actor,
                         job_text(_("Tính lại điểm năng lực theo quy tắc «%(name)s»"), name=rule.name),
                         back_url=reverse("admin:capacity_capacityrule_change", args=[rule.pk]),
                         total=RECOMPUTE_STEPS * len(rounds), round_ids=[round_.pk for round_ in rounds])


def profile_changed(profile) -> None:
    """A unit's size band moves it to another stratum: its rounds' scores are refreshed."""
    for round_ in Round.objects.filter(units=profile.unit_id).exclude(barometer=None):
        scores.refresh(round_, [profile.unit_id])


RECOMPUTE_STEPS = 4  # per round: its three surveys' sums, then its scores


def _recompute_failed(message: FailureMessage, run_id: str, **_arguments) -> None:
    from sangtao.core.progress import run_failed

    run_failed(message, run_id)


@task(on_failure=_recompute_failed)
def recompute_rounds(run_id: str, round_ids: list[int]) -> None:
    """Recompute the rounds one survey at a time, telling how far through core.progress."""
    from sangtao.core.progress import Tracker, job_text
    from sangtao.surveys.ingest import recompute as recompute_survey

    tracker = Tracker(run_id)
    tracker.begin(total=RECOMPUTE_STEPS * len(round_ids))
    done = 0
    rounds = Round.objects.select_related("rule", "barometer", "climate", "determinants").filter(pk__in=round_ids)
    for round_ in rounds.order_by("pk"):
        for survey in (round_.barometer, round_.climate, round_.determinants):
            if survey is not None:
                recompute_survey(survey)
            done += 1
            tracker.advance(done, message=round_.name)
        scores.refresh(round_)
        done += 1
        tracker.advance(done, message=round_.name, force=True)
    tracker.finish(job_text(_("Đã tính lại điểm năng lực của %(n)s đợt khảo sát."), n=len(round_ids)))


@task
def recompute_round(round_id: int) -> None:
    """Kept for recomputes queued before they became jobs with a run (recompute_rounds); not queued any more."""
    found = Round.objects.select_related("rule", "barometer", "climate", "determinants").filter(pk=round_id).first()
    if found is not None:
        recompute(found)
