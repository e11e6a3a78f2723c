"""A programme of any size built through the services, and every page of the site it fills.

Shared by the query-budget test (sizes 1 and 3) and `make bench` (ten times the demo).
"""

import datetime
import re
from contextlib import contextmanager

from django.db import connection
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from conftest import (
    COUNCIL_ROLES,
    client_for,
    close_call,
    make_expert,
    make_solver_org,
    make_user,
    proposal_data,
    score_all,
)
from sangtao.accounts.models import User
from sangtao.challenges import services as challenge_services
from sangtao.challenges.models import ChallengeRules, SelectionMode
from sangtao.core.models import Holiday
from sangtao.core.tasks import TaskResultRow
from sangtao.orgs.models import OrgUnit, Role, SolverProfile, UnitKind

JOB_ROWS = TaskResultRow._meta  # the task backend's admin pages are named after its model

# (the literal path segment before a parameter, the parameter's name) -> the world's object it names
ARGS = {
    ("challenges", "pk"): "challenge", ("challenges", "challenge_pk"): "challenge",
    ("challenges", "challenge_id"): "challenge",
    ("proposals", "pk"): "proposal", ("proposals", "proposal_pk"): "proposal", ("proposals", "proposal_id"): "proposal",
    ("councils", "pk"): "council", ("councils", "council_id"): "council",
    ("reviews", "review_id"): "assignment", ("reviews", "assignment_id"): "assignment",
    ("projects", "pk"): "project", ("surveys", "pk"): "survey", ("impact", "pk"): "survey", ("surveys", "survey_id"): "survey",
    ("s", "slug"): "survey_slug", ("instruments", "version_id"): "instrument_version",
    ("experts", "pk"): "expert", ("units", "pk"): "unit", ("units", "unit_id"): "unit", ("users", "pk"): "user",
    ("fields", "pk"): "field", ("solvers", "pk"): "solver_org", ("indicators", "indicator_id"): "indicator",
    **{(model, "object_id"): model for model in
       ("projectrules", "rubric", "councilrules", "indexrule", "eligibilitycriterion", "capacityrule",
        "stratumpopulation", "unitprofile", "reportperiod", "externalindicator", "challengerules", "holiday")},
    ("initiatives", "pk"): "initiative", ("initiatives", "initiative_id"): "initiative",
    ("council", "pk"): "initiative_council", ("initiative-councils", "council_id"): "initiative_council",
    ("register", "pk"): "public_initiative", ("people", "user_pk"): "initiative_person",
    ("initiativerules", "object_id"): "initiativerules", ("emulationtitle", "object_id"): "emulationtitle",
    ("annual", "pk"): "annual_plan", ("plans", "plan_id"): "annual_plan", ("reports", "report_pk"): "annual_report",
    ("cases", "pk"): "case", ("cases", "case_id"): "case", ("lessons", "pk"): "lesson", ("lessons", "lesson_id"): "lesson",
    ("notices", "key"): "purpose", ("adoptions", "pk"): "adoption", ("library", "pk"): "resource", ("reviews", "kind"): "review_kind",
    ("reviews", "pk"): "review_subject", ("sectionrule", "object_id"): "sectionrule",
    ("problemkind", "object_id"): "problemkind", ("evidence", "indicator_pk"): "externalindicator",
    ("working-groups", "unit_pk"): "unit", ("advice", "pk"): "advisory_session", ("advice", "session_id"): "advisory_session",
    ("evidence", "indicator_id"): "externalindicator", ("working-groups", "unit_id"): "unit",
}
NOT_CRAWLED = {
    "token_revoke": "POST only", "password_reset_confirm": "needs a reset token",
    "challenges:move": "one move's form", "challenges:diff": "two versions of one challenge",
    "challenges:attachment": "one file", "challenges:attachment_delete": "one file",
    "challenges:moderate": "one question", "challenges:answer": "one question", "challenges:follow": "POST only",
    "orgs:membership_remove": "POST only", "orgs:invitation": "needs an invitation token",
    "proposals:version": "one frozen version", "proposals:attachment": "one file",
    "proposals:attachment_remove": "one file",
    "proposals:team_notice": "one team member's notice, confirmed then sent again (privacy tests)",
    "review:relationship_remove": "POST only", "review:member_remove": "POST only", "review:run": "one run",
    "review:assignment_remove": "POST only", "review:reopen": "POST only",
    "projects:act": "one action's form", "projects:document": "one file",
    "surveys:import": "one import", "surveys:import_errors": "one import's errors",
    "api:move_challenge": "POST only", "api:moderate_question": "POST only", "api:answer_question": "POST only",
    "api:delete_follow": "DELETE only",
    "admin:app_list": "a regular expression route; the admin index lists the same",
    "admin:view_on_site": "a redirect to the site", "admin:admin/auth/group/<path:object_id>/": "a redirect",
    **{f"admin:auth_group_{page}": "Django's groups, which the platform does not use"
       for page in ("change", "delete", "history")},
    f"admin:admin/{JOB_ROWS.app_label}/{JOB_ROWS.model_name}/<path:object_id>/": "a redirect",
    **{f"admin:{JOB_ROWS.app_label}_{JOB_ROWS.model_name}_{page}": "a job result, keyed by a UUID the world does not make"
       for page in ("change", "delete", "history")},
    "admin:admin/(?P<url>.*)$": "the admin's catch-all redirect",
    "capacity:round": "one capacity round (the world has none yet; its page reads the round's invitations, capped)",
    "capacity:move": "POST only", "capacity:remind": "POST only",
    "capacity:answer": "needs an invitation token", "capacity:thanks": "needs an invitation token",
    "api:round_scores": "a year's capacity round (the world has none yet)",
    # accounts and personal data (issue 11)
    "account_confirm_email": "needs a confirmation key", "account_reset_password_from_key": "needs a reset key",
    "openid_connect_login": "a redirect to an identity provider", "openid_connect_callback": "a provider's redirect",
    "privacy:consent": "POST only", "privacy:restriction_lift": "POST only", "privacy:export_download": "one file",
    **{f"admin:admin/{model}/<path:object_id>/": "a redirect" for model in (
        "account/emailaddress", "mfa/authenticator", "socialaccount/socialaccount", "socialaccount/socialapp",
        "socialaccount/socialtoken")},
    **{f"admin:{model}_{page}": "allauth's rows, keyed by objects the world does not make"
       for model in ("account_emailaddress", "mfa_authenticator", "socialaccount_socialaccount",
                     "socialaccount_socialapp", "socialaccount_socialtoken") for page in ("change", "delete", "history")},
    "initiatives:act": "POST only", "initiatives:attachment": "one file", "initiatives:council_act": "POST only",
    "api:move_initiative": "POST only",
    "surveys:import_progress": "one import", "surveys:import_retry": "POST only",
    "job": "one job run, keyed by a UUID", "job_progress": "one job run", "job_result": "one job run's file",
    "job_retry": "POST only",
    "annual:task_edit": "one task's form", "annual:task_delete": "POST only", "annual:move": "one move's form",
    "annual:report_start": "POST only", "annual:report_move": "one move's form",
    "annual:advice_move": "one move's form", "annual:evidence_file": "one file",
    "annual:city_report": "one background report", "annual:city_report_file": "one file",
    "api:move_annual_plan": "POST only", "api:move_advice": "POST only", "api:evidence_download": "one file",
    "knowledge:case_act": "POST only", "knowledge:adoption_act": "POST only", "knowledge:resource_file": "one file",
}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def views(patterns=None, prefix="", namespace=""):
    """(route, name, view) of every URL route, the admin's and the API's included, each route once (the
    API routes one path for several methods); an unnamed route is named by its path."""
    seen = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{pattern.namespace}:" if pattern.namespace else namespace
            found = views(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            found = [(route, namespace + (pattern.name or route), pattern.callback)]
        for route, name, view in found:
            if route not in seen:
                seen.add(route)
                yield route, name, view


def routes():
    """(route, name) of every URL route (see views)."""
    for route, name, _view in views():
        yield route, name


def fill(route: str, world: dict) -> str | None:
    """The route's URL for the world's objects, or None when a parameter names nothing in ARGS."""
    if "(?P<" in route:
        return None
    url, position = "/", 0
    for match in PARAMETER.finditer(route):
        literal = route[position:match.start()]
        segment = [s for s in route[:match.start()].split("/") if s and "<" not in s][-1]
        key = ARGS.get((segment, match.group(1)))
        if key is None:
            return None
        url += literal + str(world[key])
        position = match.end()
    return url + route[position:]


def build_world(n: int, usernames: dict[str, str], field, ward) -> dict:
    """A programme of size n, built through the services as users would build it, beside whatever
    is there already; usernames names the dost, officer, leader, solver, expert and citizen.

    Returns the ids of the objects whose pages ARGS fills.
    """
    from sangtao.evaluation import services as evaluation_services
    from sangtao.projects import services as project_services
    from sangtao.proposals import services as proposal_services
    from sangtao.proposals.models import EligibilityCriterion
    from sangtao.review import services as review_services
    from sangtao.review.models import Council, CouncilRules, Expert, Rubric
    from sangtao.surveys import services as survey_services
    from sangtao.surveys.ingest import Incoming, ingest
    from sangtao.surveys.models import IndexRule, Measure, Source

    # Fresh instances: services cache roles and profiles on the user objects they are given.
    users = {role: User.objects.get(username=username) for role, username in usernames.items()}
    dost, officer, leader, solver = users["dost"], users["officer"], users["leader"], users["solver"]
    User.objects.filter(pk=dost.pk).update(is_staff=True, is_superuser=True)  # the admin, as in the demo
    health = officer.memberships.get().unit
    solver_org = solver.memberships.get().unit
    SolverProfile.objects.get_or_create(unit=solver_org, defaults={
        "org_type": "enterprise", "tax_code": solver_org.code, "address": "Quận 1",
        "legal_representative": "Phạm Văn An", "verified_at": timezone.now()})
    today = timezone.localdate()

    def publish(title, **extra):
        challenge = challenge_services.create_draft(officer, {
            "title": title, "summary": "Tóm tắt.", "problem_statement": "Vấn đề.", "field": field,
            "owner_unit": health, "facet": "enhancement", "call_opens_at": timezone.now() - datetime.timedelta(days=1),
            "call_closes_at": timezone.now() + datetime.timedelta(days=30), "tags": ["thử"],
            "indicators": [{"name": "Thời gian chờ", "unit_of_measure": "phút", "baseline_value": 180,
                            "target_value": 60}], **extra})
        for move, actor in (("submit", officer), ("unit_approve", leader), ("approve", dost), ("publish", dost)):
            challenge = challenge_services.apply_move(challenge, actor, move)
        return challenge

    def plan(decision):
        project = project_services.create_project(decision, dost, {
            "contract_number": "01/HĐ", "contract_value_vnd": 1_000_000_000, "starts_on": today - datetime.timedelta(days=40),
            "ends_on": today + datetime.timedelta(days=300), "report_every_days": 30,
            "partners": [(ward, "Thí điểm")],
            "milestones": [{"title": "Thiết kế", "due_on": today + datetime.timedelta(days=10)},
                           {"title": "Thí điểm", "due_on": today + datetime.timedelta(days=120)}]})
        project_services.add_task(project, dost, ward, "Bố trí điểm hỗ trợ", today + datetime.timedelta(days=20))
        milestones = list(project.milestones.all())
        report = project_services.submit_report(project, solver, today - datetime.timedelta(days=5), "Đang làm.",
                                                {milestones[0].pk: 60, milestones[1].pk: 10})
        project_services.review_report(report, officer, accept=True)
        return project

    others = [publish(f"Bài toán thứ {i}") for i in range(n)]
    challenge = publish("Giảm thời gian chờ khám")
    organisations = [(solver_org, solver)] + [make_solver_org(f"Tổ chức {n}.{i}", f"03{n}{i:07d}", f"solver{n}.{i}")
                                              for i in range(n)]
    proposals = []
    for organisation, member in organisations:
        proposal = proposal_services.start_proposal(challenge, member, organisation, proposal_data(challenge))
        proposal_services.submit(proposal, member)
        proposals.append(proposal)
    for other in others:  # the solver's drafts elsewhere
        proposal_services.start_proposal(other, solver, solver_org, proposal_data(other))
    challenge = close_call(challenge, dost)
    everything = {c.pk: True for c in EligibilityCriterion.objects.all()}
    for proposal in proposals:
        proposal_services.screen(proposal, dost, everything)
    expert, _created = Expert.objects.get_or_create(user=users["expert"], defaults={
        "profile": "y tế", "organisation_name": "Đại học Y"})
    experts = [expert] + [make_expert(f"expert{n}.{i}", f"Chuyên gia {i}", "y tế", fields=[field]) for i in range(6 + n)]
    rules, rubric = CouncilRules.objects.get(is_default=True), Rubric.objects.get(is_default=True)
    council = review_services.save_council(dost, Council(name="Hội đồng Y tế", rules=rules, rubric=rubric), [challenge])
    for member, role in zip(experts, COUNCIL_ROLES, strict=False):
        review_services.add_member(dost, council, member, role)
    review_services.assign_whole_council(dost, council)
    council = review_services.release_assignments(dost, council)
    score_all(council, {p.pk: {"1": 12, "2": 40, "3": 30} for p in proposals})
    decision = review_services.record_decision(challenge, dost, proposal=proposals[0], rationale="Điểm cao nhất",
                                               decided_on=today)
    for proposal, (_organisation, member) in zip(proposals[1:], organisations[1:], strict=True):
        review_services.file_complaint(proposal, member, "Đề nghị xem xét lại điểm của hồ sơ.")
    project = plan(decision)
    for i in range(n):  # more projects, assigned directly
        direct = publish(f"Giao trực tiếp {i}", selection_mode=SelectionMode.DIRECT)
        plan(review_services.record_decision(direct, dost, lead_organisation=solver_org, rationale="Năng lực",
                                             legal_basis="Luật", decided_on=today))
        review_services.save_council(dost, Council(name=f"Hội đồng {i}", rules=rules, rubric=rubric), [others[i]])
    units = [ward] + [OrgUnit.objects.create(kind=UnitKind.WARD, code=f"T{n}-{i}", name=f"Phường thử {n}.{i}",
                                             parent=ward.parent) for i in range(n)]
    for i in range(n):
        make_user(f"staff{n}.{i}", Role.OFFICER, health)
        challenge_services.ask_question(challenge, users["citizen"], f"Câu hỏi số {i} về bài toán?")
        challenge_services.follow(users["citizen"], others[i])
        evaluation_services.record_measurement(challenge.indicators.get(), officer, 100 - i,
                                               today - datetime.timedelta(days=30 * (i + 1)), "Thống kê")
    instrument = survey_services.create_sipas_instrument(dost, "SIPAS")
    periods = [(f"Kỳ {i}/{(today - datetime.timedelta(days=90 * (i + 1))).year}",  # a label carries its year
                today - datetime.timedelta(days=90 * (i + 1)), today - datetime.timedelta(days=90 * i + 1))
               for i in range(n + 1)]
    surveys = [survey_services.create_survey(dost, name=f"Khảo sát {i}", version=instrument.versions.get(),
                                             service="Khám bệnh", units=units, periods=periods,
                                             challenge=challenge if i == 0 else None) for i in range(n)]
    survey = surveys[0]
    items = list(survey.version.items.filter(measure=Measure.SATISFACTION))
    text_item = survey.version.items.get(measure=Measure.TEXT)
    ingest(survey, [Incoming(unit.pk, period.pk, {item.pk: 4 for item in items}, texts={text_item.pk: "Tốt."},
                             external_id=f"r{unit.pk}-{period.pk}")
                    for unit in survey.units.all() for period in survey.periods.all()], Source.PAPER)
    from sangtao.initiatives.defaults import seed_ladder
    from sangtao.initiatives.models import EmulationTitle, InitiativeRules
    from sangtao.initiatives.world import build_initiatives

    seed_ladder(EmulationTitle)
    initiatives = {**build_initiatives(n, officer, leader, dost, ward), "initiativerules": InitiativeRules.current().pk,
                   "emulationtitle": EmulationTitle.objects.first().pk}

    from sangtao.annual.tests.world import build_annual_world

    annual = build_annual_world(n, dost, officer, leader, survey, ward.parent)
    from sangtao.knowledge.tests.world import build_knowledge_world

    knowledge = build_knowledge_world(n, dost, officer, ward)
    return {
        **initiatives,
        **annual,
        **knowledge,
        "challenge": challenge.pk, "proposal": proposals[0].pk, "council": council.pk, "project": project.pk,
        "assignment": council.assignments.get(expert=expert, proposal=proposals[0]).pk, "survey": survey.pk,
        "survey_slug": survey.slug, "instrument_version": survey.version_id, "expert": expert.pk,
        "unit": health.pk, "user": officer.pk, "field": field.pk, "solver_org": solver_org.pk, "purpose": "account",
        "indicator": challenge.indicators.get().pk, "projectrules": project.rules_id, "rubric": rubric.pk,
        "councilrules": rules.pk, "indexrule": IndexRule.objects.get(is_default=True).pk,
        "eligibilitycriterion": EligibilityCriterion.objects.first().pk, **_capacity_rules(health),
        "challengerules": ChallengeRules.objects.get(is_default=True).pk, "holiday": Holiday.objects.first().pk,
    }


def _capacity_rules(unit) -> dict:
    """The capacity context's rule rows (admin pages): the default rule, a stratum size, a unit's size."""
    from sangtao.capacity.models import StratumPopulation, UnitProfile
    from sangtao.capacity.services import default_rule

    stratum, _created = StratumPopulation.objects.get_or_create(year=2026, kind=unit.kind, size_band="large",
                                                                defaults={"population": 20})
    profile, _created = UnitProfile.objects.get_or_create(unit=unit, defaults={"size_band": "large", "staff": 120})
    return {"capacityrule": default_rule().pk, "stratumpopulation": stratum.pk, "unitprofile": profile.pk}


# Routes outside the language prefix (i18n_patterns): the admin, the API and the site's plumbing.
UNTRANSLATED = ("admin/", "api/", "i18n/", "_trivial")


class QueryCount:
    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting_queries():
    """Count the queries run inside, as CaptureQueriesContext does, without keeping each one's SQL:
    on SQLite, writing out a query's parameters is one more query (a tenth of the crawl's time)."""
    counter = QueryCount()
    with connection.execute_wrapper(counter):
        yield counter


def crawl(world: dict, role_names, only=None, language="", inspect=None) -> dict[tuple[str, str], tuple[int, int]]:
    """(page, role) -> (status, queries) of a GET of every page the world fills (or only of the
    (page, role) pairs given). The first role should be DoST's: a page that refuses GET to DoST
    (405) takes only POST, and the other roles are not asked.

    language ("en") fetches the translated pages under its prefix; inspect(url, role, client,
    response) is called with each answer, so one crawl can check more than the query counts."""
    clients = {name or "anonymous": client_for(User.objects.get(username=name) if name else None)
               for name in role_names}
    found = {}
    for route, name in routes():
        url = fill(route, world)
        if url is None:
            continue
        if language and not route.startswith(UNTRANSLATED):
            url = f"/{language}{url}"
        for role, client in clients.items():
            if only is not None and (name, role) not in only or route.startswith("admin/") and role != "dost":
                continue  # the admin is for staff, and DoST is the only staff role
            with counting_queries() as queries:
                response = client.get(url)
            found[(name, role)] = (response.status_code, queries.count)
            if inspect is not None:
                inspect(url, role, client, response)
            if response.status_code == 405:
                break
    return found
