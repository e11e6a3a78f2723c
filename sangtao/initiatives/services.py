"""Every change to an initiative, its council and its uses goes through a function here.

Moves of state go through the tables in workflow.py (core.workflow.apply_move); other changes
check their permission here and write an audit row.
"""

import calendar
import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.core.formats import short_date
from sangtao.core.text import clean
from sangtao.core.uploads import check_upload
from sangtao.core.workflow import apply_move
from sangtao.initiatives.models import (
    RECOGNISED_STATES,
    Attachment,
    Author,
    Council,
    CouncilStatus,
    Deployment,
    DeploymentKind,
    DocumentCounter,
    EmulationTitle,
    EmulationUse,
    Initiative,
    InitiativeRules,
    InitiativeStatus,
    InitiativeType,
    Level,
    Seat,
    SeatRole,
    Vote,
)
from sangtao.initiatives.rules import is_unit_head_of
from sangtao.initiatives.workflow import author_users
from sangtao.notifications.services import notify
from sangtao.orgs.models import OrgUnit, UnitKind

User = get_user_model()

TEXT_FIELDS = ("title", "description", "before", "novelty", "confidential", "benefit_text", "cost_text",
               "public_summary")


def _require(actor, permission: str, obj=None) -> None:
    if actor is None or not actor.has_perm(permission, obj):
        raise NotAllowed()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day (31 -> 30)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- the application ------------------------------------------------------------------------

def _clean_authors(authors: list[dict]) -> list[dict]:
    cleaned: list[dict[str, Any]] = []
    for position, author in enumerate(authors):
        name = clean(str(author.get("name") or ""))
        user = author.get("user")
        if user is not None and not name:
            name = user.display_name
        if not name:
            continue
        try:
            share = Decimal(str(author.get("share") or "0")).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise InvalidInput(_("Tỷ lệ đóng góp của %(name)s không phải là số.") % {"name": name},
                               field="authors") from None
        if not Decimal(0) < share <= Decimal(100):
            raise InvalidInput(_("Tỷ lệ đóng góp của %(name)s phải lớn hơn 0 và không quá 100%%.") % {"name": name},
                               field="authors")
        email = str(author.get("email") or (user.email if user is not None else "")).strip().lower()
        cleaned.append({"user": user, "name": name, "email": email, "share": share, "order": position,
                        "position": clean(str(author.get("position") or "")),
                        "union_member": bool(author.get("union_member"))})
    if not cleaned:
        raise InvalidInput(_("Cần ít nhất một tác giả."), field="authors")
    total = sum((a["share"] for a in cleaned), Decimal(0))
    if total != 100:
        raise InvalidInput(_("Tổng tỷ lệ đóng góp của các tác giả là %(total)s%%, phải bằng 100%%.")
                           % {"total": total}, field="authors")
    return cleaned


def _apply_content(initiative: Initiative, data: dict[str, Any]) -> None:
    for name in TEXT_FIELDS:
        if name in data:
            setattr(initiative, name, clean(str(data[name] or "")))
    for name in ("unit", "field", "first_applied_on", "benefit_vnd", "cost_vnd", "publish"):
        if name in data:
            setattr(initiative, name, data[name])
    if "kind" in data:
        if data["kind"] not in InitiativeType.values:
            raise InvalidInput(_("Loại giải pháp không hợp lệ."), field="kind")
        initiative.kind = data["kind"]
    if not initiative.title:
        raise InvalidInput(_("Cần nhập tên sáng kiến."), field="title")
    if initiative.first_applied_on and initiative.first_applied_on > timezone.localdate():
        raise InvalidInput(_("Ngày áp dụng lần đầu không thể ở tương lai."), field="first_applied_on")
    for name in ("benefit_vnd", "cost_vnd"):
        if getattr(initiative, name) is not None and getattr(initiative, name) < 0:
            raise InvalidInput(_("Số tiền không được âm."), field=name)


def _save_parts(initiative: Initiative, actor, data: dict[str, Any]) -> None:
    if "authors" in data:
        authors = _clean_authors(data["authors"])
        initiative.authors.all().delete()
        Author.objects.bulk_create([Author(initiative=initiative, **a) for a in authors])
    if "deployments" in data:
        initiative.deployments.exclude(kind=DeploymentKind.ADOPTED).delete()
        for item in data["deployments"]:
            kind = item.get("kind") or DeploymentKind.APPLIED
            if kind not in (DeploymentKind.APPLIED, DeploymentKind.TRIAL):
                raise InvalidInput(_("Hình thức áp dụng không hợp lệ."), field="deployments")
            Deployment.objects.create(initiative=initiative, unit=item["unit"], kind=kind, since=item.get("since"),
                                      note=clean(item.get("note") or "")[:300], recorded_by=actor)


def create_draft(actor, data: dict[str, Any]) -> Initiative:
    """A new application, by a civil servant of a unit, for themselves or a team."""
    _require(actor, "initiatives.submit")
    unit = data.get("unit")
    if not isinstance(unit, OrgUnit) or unit.kind in (UnitKind.SOLVER, UnitKind.PROVINCE):
        raise InvalidInput(_("Chọn đơn vị nơi sáng kiến được áp dụng."), field="unit")
    initiative = Initiative(created_by=actor, kind=data.get("kind") or InitiativeType.MANAGEMENT)
    _apply_content(initiative, data)
    with transaction.atomic():
        initiative.save()
        _save_parts(initiative, actor, {"authors": data.get("authors") or [
            {"user": actor, "share": 100}], **({"deployments": data["deployments"]} if "deployments" in data else {})})
        record(actor, "initiative.created", initiative, title=initiative.title)
    return initiative


def update_draft(initiative: Initiative, actor, data: dict[str, Any]) -> Initiative:
    _require(actor, "initiatives.edit", initiative)
    if initiative.status != InitiativeStatus.DRAFT:
        raise InvalidInput(_("Chỉ sửa được đơn ở trạng thái bản nháp (hoặc được trả lại để bổ sung)."))
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        unit = data.get("unit")
        if initiative.register_number and unit is not None and unit.pk != initiative.unit_id:
            # Returned for completion, it keeps its entry in this unit's register (and its number there).
            raise InvalidInput(_("Đơn đã vào sổ của %(unit)s: không đổi được đơn vị nhận đơn.")
                               % {"unit": initiative.unit.name}, field="unit")
        _apply_content(initiative, data)
        initiative.updated_at = timezone.now()
        initiative.save()
        _save_parts(initiative, actor, data)
        record(actor, "initiative.edited", initiative, fields=sorted(k for k in data if k != "unit"))
    return initiative


def add_attachment(initiative: Initiative, actor, upload) -> Attachment:
    _require(actor, "initiatives.edit", initiative)
    checked = check_upload(upload)
    with transaction.atomic():
        attachment = Attachment(initiative=initiative, original_name=clean(upload.name)[:255], kind=checked.kind,
                                size=checked.size, uploaded_by=actor)
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        record(actor, "initiative.attachment_added", initiative, name=attachment.original_name)
    return attachment


def next_number(issuer: OrgUnit, year: int, kind: str) -> int:
    """The next number of a register or a kind of document, per issuer and year, under a row lock."""
    DocumentCounter.objects.get_or_create(issuer=issuer, year=year, kind=kind)
    counter = DocumentCounter.objects.select_for_update().get(issuer=issuer, year=year, kind=kind)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def submit(initiative: Initiative, actor) -> Initiative:
    """The application enters the unit's register: a number, the date the unit must answer by, a receipt.
    One returned for completion keeps its entry: sent again, it is received under the same number."""
    rules = InitiativeRules.current()
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        year = initiative.register_year or today.year
        number = initiative.register_number or next_number(initiative.unit, year, "register")
        due = add_months(today, rules.answer_within_months)
        moved = apply_move(initiative, "submit", actor=actor, changes={
            "register_year": year, "register_number": number, "received_at": now, "answer_due_on": due})
        notify(author_users(moved),
               format_lazy(_("Giấy biên nhận đơn sáng kiến số {code}"), code=moved.register_code),
               format_lazy(_("{unit} đã nhận đơn «{title}» và vào sổ số {code}. Đơn vị trả lời chậm nhất ngày {due}."),
                           unit=moved.unit.name, title=moved.title, code=moved.register_code, due=short_date(due)),
               moved.get_absolute_url())
        from sangtao.initiatives.workflow import answering_leaders

        notify(answering_leaders(moved), format_lazy(_("Đơn sáng kiến mới số {code}: «{title}»"), code=moved.register_code,
                                                title=moved.title), "", moved.get_absolute_url(), exclude=actor)
    return moved


def move(initiative: Initiative, actor, name: str, reason: str = "") -> Initiative:
    """The moves a person makes from a button: withdraw, return, refuse, propose or decline city scope."""
    changes: dict[str, Any] = {}
    if name == "refuse":
        changes = {"refusal_reasons": clean(reason), "answered_on": timezone.localdate()}
    elif name == "decline_city":
        changes = {"city_refusal_reasons": clean(reason)}
    elif name == "return":
        changes = {"answer_due_on": None, "received_at": None}  # the register keeps its entry and number
    if name not in ("withdraw", "return", "refuse", "propose_city", "decline_city"):
        raise InvalidInput(_("Thao tác không hợp lệ."))
    return apply_move(initiative, name, actor=actor, reason=reason, changes=changes)


def record_deployment(initiative: Initiative, actor, unit: OrgUnit, since=None, note: str = "") -> Deployment:
    """Another unit adopts a recognised initiative: evidence that it spread, shown to the city council."""
    _require(actor, "initiatives.record_use", initiative)
    if initiative.status not in RECOGNISED_STATES:
        raise InvalidInput(_("Chỉ ghi nhận nhân rộng cho sáng kiến đã được công nhận."))
    if unit.pk == initiative.unit_id:
        raise InvalidInput(_("Đơn vị nhân rộng phải khác đơn vị có sáng kiến."), field="unit")
    with transaction.atomic():
        deployment = Deployment.objects.create(initiative=initiative, unit=unit, kind=DeploymentKind.ADOPTED,
                                               since=since, note=clean(note)[:300], recorded_by=actor)
        record(actor, "initiative.adopted", initiative, unit=unit.name)
    return deployment


# --- councils -------------------------------------------------------------------------------

def form_council(initiative: Initiative, actor, name: str = "") -> Council:
    """The unit's council for a received application, or the city's council on a proposed scope."""
    level = Level.CITY if initiative.status == InitiativeStatus.CITY_PROPOSED else Level.UNIT
    default = (_("Hội đồng sáng kiến cấp thành phố xét «%(title)s»") if level == Level.CITY
               else _("Hội đồng sáng kiến %(unit)s xét «%(title)s»")) % {"title": initiative.title,
                                                                         "unit": initiative.unit.name}
    with transaction.atomic():
        apply_move(initiative, "city_review" if level == Level.CITY else "to_council", actor=actor)
        council = Council.objects.create(initiative=initiative, level=level, name=clean(name or str(default))[:300],
                                         rules=InitiativeRules.current(), created_by=actor)
        record(actor, "initiative_council.formed", council, initiative=initiative.pk, level=level)
    return council


def seat_conflicts(council: Council, user) -> list[str]:
    """Why this person may not sit on this council for its initiative (the review context's conflict
    detection over the authors, and the unit-head rule of Decree 13)."""
    from sangtao.review.conflicts import ExpertFacts, ProposalFacts, find_conflicts

    initiative = council.initiative
    authors = list(initiative.authors.all())
    facts = ProposalFacts(key=initiative.pk, organisation_id=initiative.unit_id,
                          team_emails={a.email for a in authors if a.email},
                          team_names={_folded_name(a.name) for a in authors})
    expert = ExpertFacts(key=user.pk, email=user.email, name=user.full_name or user.username)
    if hasattr(user, "expert"):
        for relation in user.expert.relationships.all():
            if relation.organisation_id and relation.ended_on is None:
                expert.related_orgs[relation.organisation_id] = str(relation.get_kind_display())
    reasons = find_conflicts([expert], [facts]).get((user.pk, initiative.pk), [])
    found = [text for _code, text in reasons]
    author = any(a.user_id == user.pk for a in authors) or any(code == "team" for code, _text in reasons)
    if author and is_unit_head_of.test(user, initiative.unit_id):
        found.insert(0, str(_("là thủ trưởng đơn vị đồng thời là tác giả: không được tham gia hội đồng")))
    elif author and not found:
        found.append(str(_("là tác giả sáng kiến")))
    return found


def _folded_name(name: str) -> str:
    from sangtao.core.text import fold

    return fold(name).strip()


def add_seat(council: Council, actor, user, role: str) -> Seat:
    _require(actor, "initiatives.manage_council", council)
    if council.status != CouncilStatus.FORMING:
        raise InvalidInput(_("Chỉ thay đổi thành phần khi hội đồng đang thành lập."))
    if role not in SeatRole.values:
        raise InvalidInput(_("Vai trò không hợp lệ."), field="role")
    if council.seats.filter(user=user).exists():
        raise InvalidInput(_("%(name)s đã là thành viên hội đồng.") % {"name": user.display_name}, field="user")
    conflicts = seat_conflicts(council, user)
    if conflicts:
        raise InvalidInput(_("%(name)s không thể tham gia hội đồng: %(why)s.")
                           % {"name": user.display_name, "why": "; ".join(conflicts)}, field="user")
    with transaction.atomic():
        seat = Seat.objects.create(council=council, user=user, role=role)
        record(actor, "initiative_council.seat_added", council, user=user.pk, role=role)
    return seat


def remove_seat(council: Council, actor, seat: Seat) -> None:
    _require(actor, "initiatives.manage_council", council)
    if council.status != CouncilStatus.FORMING or seat.council_id != council.pk:
        raise InvalidInput(_("Chỉ thay đổi thành phần khi hội đồng đang thành lập."))
    with transaction.atomic():
        record(actor, "initiative_council.seat_removed", council, user=seat.user_id, role=seat.role)
        seat.delete()


def open_voting(council: Council, actor) -> Council:
    return apply_move(council, "open_voting", actor=actor)


def cast_vote(council: Council, actor, in_favour: bool, comment: str = "") -> Vote:
    """A member's vote, once; who voted how is kept, the council's page shows the count."""
    _require(actor, "initiatives.vote", council)
    with transaction.atomic():
        locked = Council.objects.select_for_update().get(pk=council.pk)
        if locked.status != CouncilStatus.VOTING:
            raise InvalidInput(_("Hội đồng không ở giai đoạn biểu quyết."))
        seat = locked.seats.get(user=actor)
        if locked.votes.filter(seat=seat).exists():
            raise InvalidInput(_("Bạn đã biểu quyết."))
        return Vote.objects.create(council=locked, seat=seat, in_favour=bool(in_favour), comment=clean(comment))


def tally(council: Council) -> tuple[int, int, bool]:
    """(in favour, members, recognised?) under the council's rule: at least numerator/denominator of members."""
    rules = council.rules
    members = council.seats.count()
    in_favour = council.votes.filter(in_favour=True).count()
    return in_favour, members, members > 0 and in_favour * rules.recognition_denominator >= (
        rules.recognition_numerator * members)


def issuer_of(council: Council) -> OrgUnit:
    """Who issues the decision: the unit, or for the city's council the city (the unit's province)."""
    unit = council.initiative.unit
    if council.level == Level.CITY:
        while unit.parent is not None and unit.kind != UnitKind.PROVINCE:
            unit = unit.parent
    return unit


def issuer_code(issuer: OrgUnit, level: str) -> str:
    if level == Level.CITY:
        return settings.CITY_INITIATIVE_COUNCIL_CODE
    return (issuer.short_name or issuer.code or "ĐV").upper()


def decide(council: Council, actor, reasons: str = "") -> Council:
    """Count the votes against the rule: recognition with a decision and a certificate, or a written refusal."""
    reasons = clean(reasons or "")
    in_favour, members, recognised = tally(council)
    if not recognised and not reasons:
        raise InvalidInput(_("Không đủ số phiếu để công nhận: cần nêu lý do không công nhận bằng văn bản."),
                           field="reason")
    today = timezone.localdate()
    issuer = issuer_of(council)
    code = issuer_code(issuer, council.level)
    with transaction.atomic():
        changes: dict[str, Any] = {"in_favour": in_favour, "members_counted": members, "recognised": recognised,
                                   "decided_on": today, "reasons": reasons}
        changes["decision_number"] = f"{next_number(issuer, today.year, 'decision'):02d}/QĐ-{code}"
        if recognised and council.level == Level.UNIT:  # the city's council recognises a scope, not a new initiative
            changes["certificate_number"] = f"{next_number(issuer, today.year, 'certificate'):02d}/GCN-{code}"
        council = apply_move(council, "decide", actor=actor, reason=reasons, changes=changes)
        initiative = council.initiative
        if council.level == Level.CITY:
            if recognised:
                valid = add_months(today, 12 * council.rules.scope_valid_years)
                apply_move(initiative, "city_recognise", actor=actor, changes={
                    "city_recognised_on": today, "scope_valid_until": valid})
            else:
                apply_move(initiative, "city_refuse", actor=actor, reason=reasons,
                           changes={"city_refusal_reasons": reasons})
        elif recognised:
            apply_move(initiative, "recognise", actor=actor, changes={"recognised_on": today, "answered_on": today})
        else:
            apply_move(initiative, "not_recognise", actor=actor, reason=reasons,
                       changes={"refusal_reasons": reasons, "answered_on": today})
    return council


# --- emulation ------------------------------------------------------------------------------

def emulation_problems(initiative: Initiative, person, title: EmulationTitle, year: int) -> list[str]:
    """What the ladder (data) says against using this initiative for this title in this year."""
    problems = []
    if year > timezone.localdate().year:  # a title is recorded once awarded; a later year's would count for the ladder
        problems.append(str(_("Năm %(year)s chưa đến: chỉ ghi nhận danh hiệu đã được tặng.") % {"year": year}))
    if not any(a.user_id == person.pk for a in initiative.authors.all()):
        problems.append(str(_("%(name)s không phải tác giả của sáng kiến.") % {"name": person.display_name}))
    if initiative.status not in RECOGNISED_STATES:
        problems.append(str(_("Sáng kiến chưa được công nhận.")))
    elif initiative.recognised_on and year < initiative.recognised_on.year:
        problems.append(str(_("Sáng kiến được công nhận sau năm xét danh hiệu.")))
    if title.needs_scope == Level.CITY:
        if initiative.status != InitiativeStatus.CITY_RECOGNISED:
            problems.append(str(_("Danh hiệu cần sáng kiến có phạm vi ảnh hưởng cấp thành phố.")))
        # A year's titles are judged at its end: the recognition must still hold past it (the validity ends
        # on its anniversary, so three years count for three title years, whatever the day it was decided).
        elif not (initiative.city_recognised_on and initiative.scope_valid_until
                  and initiative.city_recognised_on.year <= year
                  and datetime.date(year, 12, 31) < initiative.scope_valid_until):
            problems.append(str(_("Công nhận phạm vi thành phố chỉ có giá trị xét danh hiệu đến ngày %(day)s.")
                                % {"day": short_date(initiative.scope_valid_until) if initiative.scope_valid_until
                                   else "—"}))
    elif title.needs_scope == Level.NATIONAL:
        if not initiative.national_recognised_on:
            problems.append(str(_("Danh hiệu cần sáng kiến có phạm vi ảnh hưởng toàn quốc; chưa có quyết định công "
                                  "nhận phạm vi toàn quốc được ghi nhận.")))
        elif year < initiative.national_recognised_on.year:
            problems.append(str(_("Phạm vi ảnh hưởng toàn quốc được công nhận sau năm xét danh hiệu.")))
    if title.lower_title_id and title.consecutive_lower:
        years = set(EmulationUse.objects.filter(person=person, title_id=title.lower_title_id,
                                                year__range=(year - title.consecutive_lower, year - 1))
                    .values_list("year", flat=True))
        if len(years) < title.consecutive_lower:
            problems.append(str(_("Cần %(n)s năm liên tục đạt danh hiệu «%(lower)s» trước năm %(year)s.")
                                % {"n": title.consecutive_lower, "lower": title.lower_title, "year": year}))
    return problems


def record_national_scope(initiative: Initiative, actor, decision: str, decided_on: datetime.date) -> Initiative:
    """DoST records the decision (number, issuing body) that recognised an initiative's nationwide effect,
    taken outside the platform, for an initiative already of city scope; the authors are told."""
    _require(actor, "initiatives.city", initiative)
    decision = clean(decision or "").strip()
    if not decision:
        raise InvalidInput(_("Nhập số và cơ quan ban hành quyết định."), field="decision")
    if initiative.status != InitiativeStatus.CITY_RECOGNISED:
        raise InvalidInput(_("Chỉ ghi nhận phạm vi toàn quốc cho sáng kiến đã có phạm vi ảnh hưởng cấp thành phố."),
                           field="decision")
    if decided_on > timezone.localdate():
        raise InvalidInput(_("Ngày quyết định không thể ở sau hôm nay."), field="decided_on")
    if initiative.city_recognised_on and decided_on < initiative.city_recognised_on:
        raise InvalidInput(_("Ngày quyết định không thể trước ngày công nhận phạm vi thành phố (%(day)s).")
                           % {"day": short_date(initiative.city_recognised_on)}, field="decided_on")
    with transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(national_recognised_on=decided_on,
                                                           national_decision=decision, updated_at=timezone.now())
        initiative.refresh_from_db()
        record(actor, "initiative.national_scope", initiative, decision=decision, decided_on=decided_on.isoformat())
        notify(author_users(initiative),
               format_lazy(_("Sáng kiến «{title}» được công nhận phạm vi ảnh hưởng toàn quốc"), title=initiative.title),
               format_lazy(_("Quyết định {decision} ngày {day}."), decision=decision, day=short_date(decided_on)),
               initiative.get_absolute_url())
    return initiative


def record_emulation(initiative: Initiative, actor, person, title: EmulationTitle, year: int) -> EmulationUse:
    _require(actor, "initiatives.record_use", initiative)
    problems = emulation_problems(initiative, person, title, year)
    if problems:
        raise InvalidInput(" ".join(problems), field="title")
    if EmulationUse.objects.filter(person=person, title=title, year=year).exists():
        raise InvalidInput(_("Danh hiệu này của năm %(year)s đã được ghi nhận.") % {"year": year}, field="year")
    with transaction.atomic():
        use = EmulationUse.objects.create(initiative=initiative, person=person, title=title, year=year,
                                          recorded_by=actor)
        record(actor, "initiative.emulation_title", initiative, person=person.pk, title=title.code, year=year)
    return use
