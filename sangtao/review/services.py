"""Every change in step 3 goes through a function here.

Each one checks permission, changes state in a transaction, writes an append-only
row (ConflictDeclaration, SheetEvent, a challenge Transition or an AuditEvent) and
queues notifications.
"""

import datetime
from collections import Counter, defaultdict
from contextlib import suppress
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sangtao.challenges import services as challenge_services
from sangtao.challenges.models import Challenge, SelectionMode, Status
from sangtao.core import formats, workflow
from sangtao.core.audit import record
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.core.progress import JobText, Tracker, job_text, run_failed, start_job
from sangtao.core.tasks import FailureMessage, task
from sangtao.core.text import clean
from sangtao.notifications.services import notify, resolve
from sangtao.orgs.models import OrgUnit
from sangtao.orgs.roles import dost_coordinators
from sangtao.privacy.services import is_restricted, restricted_among
from sangtao.proposals import services as proposal_services
from sangtao.proposals.models import Proposal, ProposalStatus
from sangtao.review.conflicts import (
    APPLICANT_ITSELF,
    APPLICANT_STAFF,
    conflicts_between,
    expert_facts,
    forbidden_mask,
    proposal_facts,
)
from sangtao.review.models import (
    Assignment,
    AssignmentRun,
    Complaint,
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilRole,
    CouncilStatus,
    Decision,
    Expert,
    ExpertRelationship,
    PairRule,
    Score,
    Scoresheet,
    SheetStatus,
)
from sangtao.review.results import council_results

User = get_user_model()


def _require(actor, perm: str, obj=None) -> None:
    if not actor.has_perm(perm, obj):
        raise NotAllowed()


# --- expert registry ------------------------------------------------------------------------

def save_expert(actor, expert: Expert, fields=None) -> Expert:
    _require(actor, "review.edit_expert", expert if expert.pk else None)
    with transaction.atomic():
        created = expert.pk is None
        expert.save()
        if fields is not None:
            expert.fields.set(fields)
        record(actor, "expert_created" if created else "expert_updated", expert)
    return expert


def add_relationship(actor, expert: Expert, relationship: ExpertRelationship) -> ExpertRelationship:
    _require(actor, "review.edit_expert", expert)
    relationship.organisation_name = clean(relationship.organisation_name)
    relationship.tax_code = clean(relationship.tax_code)
    if not (relationship.organisation_id or relationship.organisation_name or relationship.tax_code):
        raise InvalidInput(_("Cho biết tổ chức: chọn trong danh sách, ghi tên hoặc mã số thuế."), field="organisation")
    if relationship.started_on and relationship.ended_on and relationship.ended_on < relationship.started_on:
        raise InvalidInput(_("Ngày kết thúc phải sau ngày bắt đầu."), field="ended_on")
    with transaction.atomic():
        relationship.expert = expert
        relationship.save()
        record(actor, "relationship_declared", expert, kind=relationship.kind,
               organisation=relationship.organisation_name or str(relationship.organisation or ""))
    return relationship


def remove_relationship(actor, relationship: ExpertRelationship) -> None:
    _require(actor, "review.edit_expert", relationship.expert)
    with transaction.atomic():
        record(actor, "relationship_removed", relationship.expert, kind=relationship.kind)
        relationship.delete()


# --- councils -------------------------------------------------------------------------------

def council_proposals(council: Council) -> QuerySet[Proposal]:
    """The proposals that go before the council: eligible after screening."""
    return Proposal.objects.filter(
        challenge__in=council.challenges.all(),
        status__in=[ProposalStatus.ELIGIBLE, ProposalStatus.SELECTED, ProposalStatus.NOT_SELECTED],
    ).select_related("organisation", "challenge")


def applicants(council: Council) -> QuerySet[Proposal]:
    """Everyone who applied to the council's challenges, eligible or not (for composition rules)."""
    return Proposal.objects.filter(challenge__in=council.challenges.all()).exclude(
        status__in=[ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN]
    )


def save_council(actor, council: Council, challenges) -> Council:
    _require(actor, "review.manage")
    if not challenges:
        raise InvalidInput(_("Chọn ít nhất một bài toán."), field="challenges")
    if any(c.selection_mode != SelectionMode.OPEN for c in challenges):
        raise InvalidInput(_("Hội đồng tuyển chọn chỉ dành cho bài toán tuyển chọn."), field="challenges")
    if council.pk and council.status != CouncilStatus.FORMING:
        raise StaleState(_("Hội đồng đã bắt đầu đánh giá; không đổi được thành phần và phạm vi."))
    council.name, council.location = clean(council.name), clean(council.location)
    with transaction.atomic():
        created = council.pk is None
        if created:
            council.created_by = actor
        council.save()
        council.challenges.set(challenges)
        record(actor, "council_created" if created else "council_updated", council, name=council.name)
    return council


def _forming(council: Council) -> Council:
    locked = Council.objects.select_for_update().get(pk=council.pk)
    if locked.status != CouncilStatus.FORMING:
        raise StaleState(_("Hội đồng đã bắt đầu đánh giá; không thay đổi được nữa."), current_status=locked.status)
    return locked


def add_member(actor, council: Council, expert: Expert, role: str) -> CouncilMember:
    _require(actor, "review.manage")
    if role not in CouncilRole.values:
        raise InvalidInput(_("Chọn vai trò trong hội đồng."), field="role")
    if is_restricted(expert.user):  # their data is kept, not processed further: no new council
        raise InvalidInput(_("Chuyên gia này đã yêu cầu hạn chế xử lý dữ liệu cá nhân; không thể mời vào hội đồng."),
                           field="expert")
    try:
        with transaction.atomic():
            _forming(council)
            member = CouncilMember.objects.create(council=council, expert=expert, role=role)
            record(actor, "council_member_added", council, expert=expert.pk, role=role)
    except IntegrityError:
        raise InvalidInput(_("Chuyên gia này đã có trong hội đồng."), field="expert") from None
    return member


def remove_member(actor, member: CouncilMember) -> None:
    _require(actor, "review.manage")
    with transaction.atomic():
        _forming(member.council)
        record(actor, "council_member_removed", member.council, expert=member.expert_id, role=member.role)
        member.delete()


def composition_problems(council: Council) -> list[str]:
    """Every rule of the council's rules that its membership breaks, in words."""
    rules = council.rules
    members = list(council.members.select_related("expert__user"))
    problems = []
    n = len(members)
    if not rules.min_members <= n <= rules.max_members:
        problems.append(str(_("Hội đồng có %(n)s thành viên; quy tắc «%(rules)s» yêu cầu từ %(min)s đến %(max)s.")
                            % {"n": n, "rules": rules.name, "min": rules.min_members, "max": rules.max_members}))
    roles = Counter(m.role for m in members)
    # A chair, a vice-chair, a scientific secretary and the reviewers the rules ask (brief, section 2).
    for role, wanted in ((CouncilRole.CHAIR, 1), (CouncilRole.VICE_CHAIR, 1), (CouncilRole.SECRETARY, 1),
                         (CouncilRole.REVIEWER, rules.reviewers)):
        if roles[role] != wanted:
            problems.append(str(_("Cần đúng %(wanted)s «%(role)s»; hiện có %(n)s.")
                                % {"wanted": wanted, "role": CouncilRole(role).label, "n": roles[role]}))
    by_expert = {m.expert_id: m for m in members}
    proposals = {p.pk: p for p in applicants(council).select_related("organisation")}
    found = conflicts_between(Expert.objects.filter(pk__in=by_expert), Proposal.objects.filter(pk__in=proposals),
                              rules.relationship_years)
    staff_by_org: dict[int, set[int]] = defaultdict(set)
    for (expert_id, proposal_id), reasons in found.items():
        member, proposal = by_expert[expert_id], proposals[proposal_id]
        codes = {code for code, _text in reasons}
        name = member.expert.user.display_name
        if codes & APPLICANT_ITSELF:
            problems.append(str(_("%(name)s là người đăng ký (thành viên hoặc nhóm thực hiện của «%(org)s»), "
                                  "không được ngồi hội đồng.") % {"name": name, "org": proposal.organisation.name}))
        elif codes & APPLICANT_STAFF:
            staff_by_org[proposal.organisation_id].add(expert_id)
            if member.role != CouncilRole.MEMBER:
                problems.append(str(_("%(name)s đến từ tổ chức đăng ký «%(org)s» nên chỉ được là ủy viên, "
                                      "không được là %(role)s.")
                                    % {"name": name, "org": proposal.organisation.name,
                                       "role": member.get_role_display()}))
    for org_id, experts in staff_by_org.items():
        if len(experts) > rules.max_from_applicant:
            org = OrgUnit.objects.get(pk=org_id)
            problems.append(str(_("%(n)s thành viên đến từ tổ chức đăng ký «%(org)s»; tối đa %(max)s.")
                                % {"n": len(experts), "org": org.name, "max": rules.max_from_applicant}))
    return sorted(set(problems), key=problems.index)


# --- reviewer assignment ------------------------------------------------------------------

def _open_for_assignment(council: Council) -> Council:
    locked = Council.objects.select_for_update().get(pk=council.pk)
    if locked.assignments_released_at is not None:
        raise StaleState(_("Phân công đã được công bố tới các thành viên; không sửa được nữa."))
    return locked


def _pool(council: Council) -> list[Expert]:
    experts = list(Expert.objects.filter(council_seats__council=council, active=True)
                   .select_related("user").prefetch_related("fields").order_by("pk"))
    restricted = restricted_among(e.user_id for e in experts)
    for expert in experts:
        expert.cv_restricted = expert.user_id in restricted  # type: ignore[attr-defined]
    return experts


def _conflicted(council: Council, experts: list[Expert], proposals: list[Proposal]) -> dict:
    return conflicts_between(Expert.objects.filter(pk__in=[e.pk for e in experts]),
                             Proposal.objects.filter(pk__in=[p.pk for p in proposals]), council.rules.relationship_years)


def assign_whole_council(actor, council: Council) -> int:
    """Every member reviews every eligible proposal they have no conflict with (small councils)."""
    _require(actor, "review.manage")
    with transaction.atomic():
        _open_for_assignment(council)
        experts, proposals = _pool(council), list(council_proposals(council))
        conflicts = _conflicted(council, experts, proposals)
        council.assignments.filter(scoresheet__isnull=True).delete()
        rows = [Assignment(council=council, expert=e, proposal=p, source=Assignment.Source.COUNCIL,
                           why=str(_("Toàn bộ hội đồng chấm mọi hồ sơ")))
                for p in proposals for e in experts if (e.pk, p.pk) not in conflicts]
        Assignment.objects.bulk_create(rows, ignore_conflicts=True)
        record(actor, "assigned_whole_council", council, pairs=len(rows))
    return len(rows)


def start_assignment_run(actor, council: Council, k: int, min_load: int, max_load: int) -> AssignmentRun:
    _require(actor, "review.manage")
    if k < 1 or max_load < 1 or min_load > max_load:
        raise InvalidInput(_("Số người chấm mỗi hồ sơ và tải tối đa phải từ 1; tải tối thiểu không vượt tải tối đa."),
                           field="reviewers_per_proposal")
    with transaction.atomic():
        _open_for_assignment(council)
        run = AssignmentRun.objects.create(council=council, reviewers_per_proposal=k, min_load=min_load,
                                           max_load=max_load, created_by=actor)
        record(actor, "assignment_run_started", council, run=run.pk, k=k, min_load=min_load, max_load=max_load)
        job = start_job(run_assignment, actor, job_text(_("Phân công tối ưu: %(name)s"), name=council.name),
                        back_url=council.get_absolute_url(), total=100, assignment_run=run.pk)
        AssignmentRun.objects.filter(pk=run.pk).update(job=job)
        run.job = job
    return run


def _run_move(run: AssignmentRun, move: str, **changes) -> AssignmentRun:
    return workflow.apply_move(run, move, actor=workflow.SYSTEM, changes=changes)


def proposal_text(proposal: Proposal) -> str:
    challenge = proposal.challenge
    return " ".join([challenge.title, challenge.summary, proposal.title, proposal.summary, proposal.approach])


def expert_text(expert: Expert) -> str:
    """What the assignment matches against proposals: the expert's title, CV and fields. The CV of an expert
    who restricted the processing of their data is kept but not used (set by _pool): their fields only."""
    if getattr(expert, "cv_restricted", False):
        return " ".join(f.name for f in expert.fields.all())
    return " ".join([expert.title, expert.profile, *(f.name for f in expert.fields.all())])


SPARSE_ABOVE = 200_000  # pairs; below this the dense graph is solved directly
TOP_K = 30


def _run_failed(message: FailureMessage, run_id: str, assignment_run: int, **_arguments) -> None:
    """The run ended in an error or its worker died: whoever started it reads why on its job's page
    and on their home (core.progress.run_failed), and the run itself is failed through its table."""
    run_failed(message, run_id)
    run = AssignmentRun.objects.filter(pk=assignment_run).first()
    if run is not None:
        with suppress(StaleState):  # it had already ended
            _run_move(run, "fail", finished_at=timezone.now())


@task(on_failure=_run_failed)
def run_assignment(run_id: str, assignment_run: int) -> None:
    """`run_id` is the core JobRun the progress is told through; a retry of a failed job runs the same
    assignment again under the new JobRun."""
    # The solver and the text model (ortools, scipy) are loaded by the job that uses them, not by every
    # process that imports this module when Django starts.
    from sangtao.review import affinity, assignment

    run = AssignmentRun.objects.select_related("council__rules").get(pk=assignment_run)
    council = run.council
    tracker = Tracker(run_id)
    tracker.begin(total=100)
    run = _run_move(run, "start", job_id=tracker.run.pk, finished_at=None)

    def progress(stage: Promise, percent: int) -> None:
        tracker.advance(percent, message=stage, force=True)

    def infeasible(messages: list[JobText]) -> None:
        _run_move(run, "find_infeasible", finished_at=timezone.now(), messages=[m.kept() for m in messages])
        # The job failed in the sense that matters to its starter: nothing was assigned; they fix and retry.
        tracker.fail(job_text(_("Không thể phân công. Cần thay đổi: %(why)s"), why=messages))

    progress(_("Đọc dữ liệu"), 1)
    experts, proposals = _pool(council), list(council_proposals(council).order_by("pk"))
    if not experts or not proposals:
        infeasible([job_text(_("Cần ít nhất một chuyên gia trong hội đồng và một hồ sơ hợp lệ."))])
        return
    progress(_("Tính độ phù hợp"), 10)
    scores = affinity.affinity_matrix(
        [proposal_text(p) for p in proposals], [expert_text(e) for e in experts],
        [p.challenge.field_id for p in proposals], [{f.pk for f in e.fields.all()} for e in experts],
        float(council.rules.field_bonus),
    )
    progress(_("Phát hiện xung đột lợi ích"), 30)
    p_index = {p.pk: i for i, p in enumerate(proposals)}
    e_index = {e.pk: j for j, e in enumerate(experts)}
    forbidden = forbidden_mask(expert_facts(Expert.objects.filter(pk__in=e_index).order_by("pk"),
                                            council.rules.relationship_years),
                               proposal_facts(Proposal.objects.filter(pk__in=p_index).order_by("pk")))
    pinned = []
    for rule in council.pair_rules.filter(expert_id__in=e_index, proposal_id__in=p_index):
        if rule.kind == PairRule.Kind.FORBID:
            forbidden[p_index[rule.proposal_id], e_index[rule.expert_id]] = True
        else:
            pinned.append((p_index[rule.proposal_id], e_index[rule.expert_id]))
    problem = assignment.Problem.uniform(
        scores, run.reviewers_per_proposal, run.min_load, run.max_load, forbidden, pinned,
        proposal_names=[f"«{p.title}»" for p in proposals], expert_names=[e.user.display_name for e in experts],
    )
    top_k = TOP_K if scores.size > SPARSE_ABOVE else None
    try:
        solution = assignment.solve(problem, top_k, progress=lambda stage, pct: progress(stage, 30 + pct // 2))
    except assignment.Infeasible as none:
        infeasible(none.messages)
        return
    progress(_("Lưu kết quả"), 90)
    texts = {p.pk: proposal_text(p) for p in proposals}
    with transaction.atomic():
        _open_for_assignment(council)
        council.assignments.filter(scoresheet__isnull=True).delete()
        rows = []
        for i, j in solution.pairs:
            proposal, expert = proposals[i], experts[j]
            shared = affinity.shared_terms(texts[proposal.pk], expert_text(expert))
            reasons = [str(_("độ phù hợp %(a).3f") % {"a": scores[i, j]})]
            if proposal.challenge.field_id in {f.pk for f in expert.fields.all()}:
                reasons.append(str(_("cùng lĩnh vực")))
            if shared:
                reasons.append(str(_("từ khóa chung: %(terms)s") % {"terms": ", ".join(shared)}))
            if (i, j) in pinned:
                reasons.append(str(_("DoST chỉ định")))
            rows.append(Assignment(council=council, expert=expert, proposal=proposal, affinity=float(scores[i, j]),
                                   why="; ".join(reasons)[:500], source=Assignment.Source.SOLVER))
        Assignment.objects.bulk_create(rows, ignore_conflicts=True)
        _run_move(run, "finish", finished_at=timezone.now(), messages=[], objective=solution.objective,
                  stats={"pairs": len(rows), "arcs": solution.arcs, "sparse": solution.sparse,
                         "fell_back": solution.fell_back})
        tracker.advance(100)
        tracker.finish(job_text(_("Đã tạo %(n)s cặp chuyên gia – hồ sơ."), n=len(rows)))


def set_pair_rule(actor, council: Council, expert: Expert, proposal: Proposal, kind: str | None) -> None:
    """Pin or forbid a pair for the next automatic assignment; kind None clears it."""
    _require(actor, "review.manage")
    with transaction.atomic():
        _open_for_assignment(council)
        PairRule.objects.filter(council=council, expert=expert, proposal=proposal).delete()
        if kind:
            PairRule.objects.create(council=council, expert=expert, proposal=proposal, kind=kind)
        record(actor, "pair_rule_set", council, expert=expert.pk, proposal=proposal.pk, kind=kind or "")


def add_assignment(actor, council: Council, expert: Expert, proposal: Proposal) -> Assignment:
    """DoST adds a pair by hand before release; conflicted pairs are refused."""
    _require(actor, "review.manage")
    if not council_proposals(council).filter(pk=proposal.pk).exists():
        raise InvalidInput(_("Hồ sơ này không thuộc phạm vi của hội đồng hoặc chưa hợp lệ."), field="proposal")
    if not council.members.filter(expert=expert).exists():
        raise InvalidInput(_("Chuyên gia này không phải thành viên hội đồng."), field="expert")
    reasons = _conflicted(council, [expert], [proposal]).get((expert.pk, proposal.pk))
    if reasons:
        raise InvalidInput(_("Xung đột lợi ích: %(why)s.") % {"why": "; ".join(t for _c, t in reasons)},
                           field="expert")
    with transaction.atomic():
        _open_for_assignment(council)
        item, _created = Assignment.objects.get_or_create(
            council=council, expert=expert, proposal=proposal,
            defaults={"source": Assignment.Source.MANUAL, "why": str(_("DoST chỉ định"))},
        )
        record(actor, "assignment_added", council, expert=expert.pk, proposal=proposal.pk)
    return item


def remove_assignment(actor, item: Assignment) -> None:
    _require(actor, "review.manage")
    with transaction.atomic():
        _open_for_assignment(item.council)
        record(actor, "assignment_removed", item.council, expert=item.expert_id, proposal=item.proposal_id)
        item.delete()


def release_assignments(actor, council: Council) -> Council:
    """Send the assignment to the members: the council starts reviewing."""
    return workflow.apply_move(council, "release", actor=actor,
                               changes={"assignments_released_at": timezone.now()})


# --- conflict declarations and scoring -------------------------------------------------------

def _released(item: Assignment) -> None:
    if not Council.objects.filter(pk=item.council_id, assignments_released_at__isnull=False).exists():
        raise NotAllowed(_("Phân công chưa được công bố."))


def declaration_for(item: Assignment) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(council_id=item.council_id, expert_id=item.expert_id,
                                              proposal_id=item.proposal_id).first()


def declare(item: Assignment, actor, has_conflict: bool, note: str = "") -> ConflictDeclaration:
    """The member signs a declaration on one proposal before seeing any of its content.

    A conflict found in the data cannot be declared away: the declaration records it.
    """
    _require(actor, "review.review_assignment", item)
    _released(item)
    detected = _conflicted(item.council, [item.expert], [item.proposal]).get((item.expert_id, item.proposal_id), [])
    try:
        with transaction.atomic():
            declaration = ConflictDeclaration.objects.create(
                council=item.council, expert=item.expert, proposal=item.proposal,
                has_conflict=bool(has_conflict or detected), detected=[t for _c, t in detected], note=clean(note),
            )
            if declaration.has_conflict:
                notify(dost_coordinators(), format_lazy(_("Thành viên hội đồng khai có xung đột lợi ích với một hồ sơ ({name})"),
                                                  name=item.council.name),
                       "; ".join([*declaration.detected, declaration.note]), item.council.get_absolute_url())
    except IntegrityError:
        raise StaleState(_("Bạn đã ký bản khai cho hồ sơ này.")) from None
    return declaration


def _cleared_sheet(item: Assignment, actor) -> Scoresheet:
    _require(actor, "review.review_assignment", item)
    _released(item)
    declaration = declaration_for(item)
    if declaration is None or declaration.has_conflict:
        raise NotAllowed(_("Chỉ chấm được sau khi ký bản khai không có xung đột lợi ích."))
    sheet, _created = Scoresheet.objects.get_or_create(assignment=item)
    return Scoresheet.objects.select_for_update().get(pk=sheet.pk)


def _parse_points(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return Decimal("NaN")


def points_out_of_range(criterion) -> str:
    """What a scoresheet says of points a criterion cannot take, its maximum written as the page writes
    numbers (15, or 7,50 in Vietnamese)."""
    top = criterion.max_points
    return _("Tiêu chí %(code)s: điểm phải từ 0 đến %(max)s.") % {
        "code": criterion.code, "max": formats.number(top, 0 if top == top.to_integral_value() else 2)}


def save_scores(item: Assignment, actor, points: dict[int, Any], comments: dict[int, str],
                general_comment: str = "") -> Scoresheet:
    """Save a draft scoresheet; any value may still be missing."""
    criteria = {c.pk: c for c in item.council.rubric.leaves()}
    parsed, cleared = {}, []
    for criterion_id, raw in points.items():
        criterion = criteria.get(int(criterion_id))
        value = _parse_points(raw)
        if criterion is None:
            continue
        if value is None:  # no points: a comment alone has nowhere to go, and points taken out are cleared
            if clean(comments.get(criterion.pk, "") or ""):
                raise InvalidInput(_("Tiêu chí %(code)s: cho điểm để lưu nhận xét.") % {"code": criterion.code},
                                   field=f"points_{criterion.pk}")
            cleared.append(criterion.pk)
            continue
        if value.is_nan() or not Decimal(0) <= value <= criterion.max_points:
            raise InvalidInput(points_out_of_range(criterion), field=f"points_{criterion.pk}")
        parsed[criterion.pk] = value
    with transaction.atomic():
        sheet = _cleared_sheet(item, actor)
        if sheet.status == SheetStatus.SUBMITTED:
            raise StaleState(_("Phiếu đã nộp và bị khóa; chỉ thư ký hội đồng mở lại được."))
        Score.objects.filter(scoresheet=sheet, criterion_id__in=cleared).delete()
        # Every criterion in one statement (an insert that updates the sheet's existing score), not four
        # round trips each: the sheet is locked (_cleared_sheet), so no other save races this one.
        Score.objects.bulk_create(
            [Score(scoresheet=sheet, criterion_id=criterion_id, points=value,
                   comment=clean(comments.get(criterion_id, "") or "")) for criterion_id, value in parsed.items()],
            update_conflicts=True, unique_fields=["scoresheet", "criterion"], update_fields=["points", "comment"])
        sheet.general_comment = clean(general_comment or "")
        sheet.updated_at = timezone.now()
        sheet.save(update_fields=["general_comment", "updated_at"])
        record(actor, "scores_saved", sheet, points={str(k): str(v) for k, v in parsed.items()})
    return sheet


def submit_scoresheet(item: Assignment, actor) -> Scoresheet:
    with transaction.atomic():
        sheet = _cleared_sheet(item, actor)
        sheet = workflow.apply_move(sheet, "submit", actor=actor, changes={"submitted_at": timezone.now()})
        if not _open_pairs(item).exists():  # the member's last sheet: the release notice asks nothing more
            resolve(f"council:{item.council_id}", recipient=actor)
        return sheet


def _open_pairs(item: Assignment):
    """The member's other pairs in the council still to declare or to score (a conflict closes a pair)."""
    return (Assignment.objects.filter(council_id=item.council_id, expert_id=item.expert_id)
            .exclude(scoresheet__status=SheetStatus.SUBMITTED)
            .exclude(proposal__declarations__council_id=item.council_id,
                     proposal__declarations__expert_id=item.expert_id, proposal__declarations__has_conflict=True))


def reopen_scoresheet(sheet: Scoresheet, actor, reason: str) -> Scoresheet:
    """Only the council's scientific secretary reopens a submitted sheet, with a reason."""
    _require(actor, "review.reopen_sheet", sheet.assignment.council)
    if not clean(reason or ""):
        raise InvalidInput(_("Cần nêu lý do mở lại phiếu."), field="reason")
    return workflow.apply_move(sheet, "reopen", actor=actor, reason=reason, changes={"submitted_at": None})


# --- decision, publication and complaints ----------------------------------------------------

def _best_or_departing(proposal: Proposal, results: dict, departs_from_ranking: bool) -> bool:
    """Whether DoST departs from the council's ranking: the highest-scoring passing proposal of the challenge
    still in the running is the one proposed (brief, section 2; tied ones are each one); another is chosen
    only when DoST says it does so, and why (the rationale), which the audit trail keeps."""
    running = set(Proposal.objects.filter(pk__in=results, challenge_id=proposal.challenge_id)  # a council may
                  .exclude(status=ProposalStatus.WITHDRAWN).values_list("pk", flat=True))  # review several calls
    ranked = {pk: r.rank for pk, r in results.items() if r.passed and r.rank is not None and pk in running}
    best = min(ranked.values(), default=None)
    if best is None or ranked.get(proposal.pk) == best:
        return False
    if not departs_from_ranking:
        leaders = Proposal.objects.filter(pk__in=[pk for pk, rank in ranked.items() if rank == best])
        raise InvalidInput(_("Hồ sơ được đề xuất là hồ sơ đạt có điểm cao nhất: %(titles)s. Để chọn hồ sơ khác, đánh "
                             "dấu ô chọn hồ sơ khác và nêu lý do.")
                           % {"titles": "; ".join(f"«{p.title}»" for p in leaders)}, field="proposal")
    return True


def record_decision(challenge: Challenge, actor, *, rationale: str, decided_on: datetime.date,
                    proposal: Proposal | None = None, lead_organisation: OrgUnit | None = None,
                    legal_basis: str = "", decision_number: str = "", departs_from_ranking: bool = False) -> Decision:
    """DoST decides the lead organisation; the challenge moves on to implementation.

    Open selection names a proposal that passed the council; direct assignment
    (giao trực tiếp) names an organisation and the legal basis, without a call.
    """
    _require(actor, "review.manage")
    rationale, legal_basis = clean(rationale or ""), clean(legal_basis or "")
    if not rationale:
        raise InvalidInput(_("Cần nêu lý do lựa chọn."), field="rationale")
    council = None
    if challenge.selection_mode == SelectionMode.OPEN:
        if proposal is None or proposal.challenge_id != challenge.pk:
            raise InvalidInput(_("Chọn hồ sơ được đề xuất trong số các hồ sơ của bài toán."), field="proposal")
        if challenge.status != Status.CLOSED:
            raise InvalidInput(_("Chỉ quyết định sau khi đã đóng nhận hồ sơ."))
        council = challenge.councils.filter(assignments__proposal=proposal).distinct().first()
        if council is None:
            raise InvalidInput(_("Hồ sơ này chưa được hội đồng đánh giá."), field="proposal")
        results = council_results(council)[0]
        result = results.get(proposal.pk)
        if result is None or not result.passed:
            raise InvalidInput(_("Hồ sơ này không đạt theo quy tắc xét đạt của hội đồng."), field="proposal")
        departs_from_ranking = _best_or_departing(proposal, results, departs_from_ranking)
        lead_organisation = proposal.organisation
    else:
        if lead_organisation is None:
            raise InvalidInput(_("Chọn đơn vị chủ trì."), field="lead_organisation")
        if not legal_basis:
            raise InvalidInput(_("Giao trực tiếp cần nêu căn cứ pháp lý."), field="legal_basis")
    with transaction.atomic():
        Challenge.objects.select_for_update().get(pk=challenge.pk)
        if Decision.objects.filter(challenge=challenge).exists():
            raise StaleState(_("Bài toán đã có quyết định lựa chọn đơn vị chủ trì."))
        window = council.rules.complaint_window_days if council else None
        decision = Decision.objects.create(
            challenge=challenge, mode=challenge.selection_mode, council=council, proposal=proposal,
            lead_organisation=lead_organisation, legal_basis=legal_basis, rationale=rationale,
            decision_number=clean(decision_number or ""), decided_on=decided_on, decided_by=actor,
            complaints_close_at=timezone.now() + datetime.timedelta(days=window) if window else None,
        )
        challenge_services.apply_move(challenge, actor, "select_lead", rationale)
        proposal_services.settle_after_decision(challenge, actor, proposal)
        if council is not None and not workflow.unmet_preconditions(actor, council, "decide"):
            workflow.apply_move(council, "decide", actor=actor, reason=rationale)
        record(actor, "decision_recorded", challenge, lead=lead_organisation.name, mode=decision.mode,
               **({"departs_from_ranking": True} if departs_from_ranking else {}))
        _notify_applicants(challenge, decision)
    return decision


def _notify_applicants(challenge: Challenge, decision: Decision) -> None:
    for proposal in Proposal.objects.filter(challenge=challenge).exclude(status=ProposalStatus.DRAFT):
        title = (_("Hồ sơ «{title}» được chọn làm đơn vị chủ trì") if decision.proposal_id == proposal.pk
                 else _("Kết quả tuyển chọn bài toán «{challenge}»"))
        notify(proposal_services.members_of(proposal.organisation_id),
               format_lazy(title, title=proposal.title, challenge=challenge.title),
               format_lazy(_("Đơn vị chủ trì: {org}."), org=decision.lead_organisation.name),
               proposal.get_absolute_url())


def file_complaint(proposal: Proposal, actor, body: str) -> Complaint:
    if not actor.has_perm("proposals.edit_proposal", proposal):
        raise NotAllowed()
    body = clean(body or "")
    if len(body) < 10:
        raise InvalidInput(_("Nội dung khiếu nại quá ngắn."), field="body")
    decision = Decision.objects.filter(challenge_id=proposal.challenge_id).first()
    if decision is None or not decision.complaints_open:
        raise InvalidInput(_("Không trong thời hạn khiếu nại."))
    with transaction.atomic():
        complaint = Complaint.objects.create(decision=decision, proposal=proposal, filed_by=actor, body=body)
        record(actor, "complaint_filed", complaint)
        notify(dost_coordinators(), format_lazy(_("Khiếu nại mới về kết quả tuyển chọn «{title}»"),
                                          title=proposal.challenge.title), body[:500], reverse("review:complaints"),
               action_needed=True, subject=f"complaint:{complaint.pk}")
    return complaint


def answer_complaint(complaint: Complaint, actor, answer: str) -> Complaint:
    _require(actor, "review.manage")
    answer = clean(answer or "")
    if not answer:
        raise InvalidInput(_("Câu trả lời không được để trống."), field="answer")
    with transaction.atomic():
        if not Complaint.objects.filter(pk=complaint.pk, answered_at__isnull=True).update(
                answer=answer, answered_by=actor, answered_at=timezone.now()):
            raise StaleState(_("Khiếu nại đã được trả lời."))
        complaint.refresh_from_db()
        record(actor, "complaint_answered", complaint)
        resolve(f"complaint:{complaint.pk}")
        notify(proposal_services.members_of(complaint.proposal.organisation_id),
               _("Sở KH&CN đã trả lời khiếu nại của bạn"), answer[:500], complaint.proposal.get_absolute_url())
    return complaint
