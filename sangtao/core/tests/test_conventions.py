"""The conventions checker run by `make lint`: each rule reports what breaks it and only that."""

import ast
import textwrap
from pathlib import Path

import pytest

from sangtao.core import conventions

ROOT = Path(__file__).resolve().parents[3]

MODELS = """
from django.db import models

class Proposal(models.Model):
    status = models.CharField(max_length=20, default=ProposalStatus.DRAFT)

class ImportJob(models.Model):
    state = models.CharField(max_length=10, default=State.QUEUED)
"""
ACCESS = """
def visible_proposals(user) -> QuerySet[Proposal]:
    ...

def applicant_organisations(user) -> QuerySet[OrgUnit]:
    ...

def get_proposal_for(user, pk) -> Proposal:
    ...
"""


def check(path: str, code: str, pending: dict | None = None, others: dict | None = None) -> list[str]:
    """The violations found in `code` as if it were at `path`, next to a models.py, an access.py and `others`."""
    files = {"sangtao/proposals/models.py": MODELS, "sangtao/proposals/access.py": ACCESS,
             **{name: textwrap.dedent(text) for name, text in (others or {}).items()}, path: textwrap.dedent(code)}
    sources = [conventions.Source(name, ast.parse(text)) for name, text in files.items()]
    lines = {name: text.splitlines() for name, text in files.items()}
    found = conventions.check_sources(sources, lines, conventions.gather_facts(sources), pending or {})
    return [f"{v.path}:{v.line}: {v.rule}" for v in found if v.path == path]


def test_a_status_set_by_a_service_is_reported_with_file_line_and_rule():
    code = """
    def withdraw(proposal):
        proposal.status = ProposalStatus.WITHDRAWN
        Proposal.objects.filter(pk=1).update(status=ProposalStatus.WITHDRAWN)
        ImportJob.objects.filter(pk=1).update(state=ImportJob.State.DONE)
        _save(job, state=ImportJob.State.FAILED, message="")
    """
    assert check("sangtao/example/services.py", code) == [
        f"sangtao/example/services.py:{line}: status-outside-workflow" for line in (3, 4, 5, 6)
    ]


def test_a_row_created_in_its_initial_state_or_a_move_in_the_workflow_module_is_not_reported():
    created = """
    Proposal.objects.create(status=ProposalStatus.DRAFT, title="x")
    ImportJob.objects.create(state=ImportJob.State.QUEUED)
    Proposal.objects.filter(status=ProposalStatus.SUBMITTED).count()
    Q(status=ProposalStatus.SUBMITTED) | Q(state=ImportJob.State.DONE)
    raise StaleState(current_status=locked.status)
    notice = format_lazy(_("«{title}»: {state}"), state=proposal.get_status_display())
    """
    moved = "def apply(obj, move):\n    obj.status = move.target\n"
    assert check("sangtao/example/services.py", created) == []
    assert check("sangtao/core/workflow.py", moved) == []


def test_a_protected_model_fetched_directly_in_a_view_or_api_is_reported():
    code = """
    def detail(request, pk):
        first = get_object_or_404(Proposal, pk=pk)
        second = get_object_or_404(Proposal.objects.select_related("challenge"), pk=pk)
        third = Proposal.objects.select_related("challenge").get(pk=pk)
    """
    expected = [(name, line) for name in ("views.py", "api.py") for line in (3, 4, 5)]
    found = check("sangtao/example/views.py", code) + check("sangtao/example/api.py", code)
    assert found == [f"sangtao/example/{name}:{line}: unguarded-fetch" for name, line in expected]


def test_a_fetch_through_the_access_helper_or_of_an_unprotected_model_is_not_reported():
    code = """
    def detail(request, pk):
        proposal = get_proposal_for(request.user, pk)
        field = get_object_or_404(Field, pk=1)
        unit = get_object_or_404(OrgUnit, pk=1)  # listed by an access helper, not fetched by one
        version = get_object_or_404(proposal.versions, number=2)
        return Proposal.objects.filter(pk=pk).first()
    """
    assert check("sangtao/example/views.py", code) == []
    # Services fetch what the view already cleared.
    assert check("sangtao/example/services.py", "Proposal.objects.get(pk=1)\n") == []


def test_an_inline_role_check_in_a_view_is_reported():
    code = """
    def portfolio(request):
        if request.user.is_superuser:
            pass
        if is_dost(request.user):
            pass
        if request.user.memberships.filter(role=Role.LEADER).exists():
            pass
        if membership.role == Role.OFFICER or membership.role in (Role.LEADER,):
            pass
    """
    assert check("sangtao/example/views.py", code) == [
        f"sangtao/example/views.py:{line}: inline-role-check" for line in (3, 5, 7, 9)
    ]
    assert check("sangtao/example/context_processors.py", "flags = {'dost': is_dost(user)}\n") == [
        "sangtao/example/context_processors.py:1: inline-role-check"
    ]


def test_a_named_predicate_in_a_view_or_a_role_read_in_rules_is_not_reported():
    view = """
    def portfolio(request):
        if request.user.has_perm("challenges.view_portfolio") or is_dost_coordinator(request.user):
            pass
    """
    predicate = "@rules.predicate\ndef is_dost_coordinator(user):\n    return is_dost(user)\n"
    assert check("sangtao/example/views.py", view) == []
    assert check("sangtao/example/rules.py", predicate) == []


def test_a_role_decided_inline_in_a_service_is_reported_and_units_read_for_a_query_are_not():
    code = """
    def invite_member(unit, actor):
        if not (unit.pk in units_with_role(actor, Role.SOLVER) or is_dost(actor)):
            raise NotAllowed()
        allowed = unit.pk in staff_unit_ids(actor)
        if actor.is_superuser:
            pass
        mine = Case.objects.filter(unit_id__in=staff_unit_ids(actor))
        own = {unit_id} if unit_id else staff_unit_ids(actor)
        if actor.has_perm("orgs.invite_member", unit) and is_staff_of(actor, unit):
            pass
    """
    assert check("sangtao/example/services.py", code) == [
        f"sangtao/example/services.py:{line}: inline-role-check" for line in (3, 5, 6)
    ]
    assert check("sangtao/example/jobs.py", code) == []  # services, views, the API, forms and templates' Python


def test_a_second_function_named_as_a_predicate_is_reported_in_either_place():
    rules_module = "@rules.predicate\ndef is_solver_member(user):\n    return bool(units_with_role(user, 'solver'))\n"
    service = """
    def is_solver_member(user, unit):
        return unit.pk in units_with_role(user, Role.SOLVER)

    def invite_member(unit, actor):
        return is_solver_member(actor, unit)
    """
    assert check("sangtao/orgs/services.py", service, others={"sangtao/orgs/rules.py": rules_module}) == [
        "sangtao/orgs/services.py:2: predicate-redefined", "sangtao/orgs/services.py:3: inline-role-check"]
    assert check("sangtao/projects/rules.py", rules_module, others={"sangtao/orgs/rules.py": rules_module}) == [
        "sangtao/projects/rules.py:2: predicate-redefined"]
    # Used, imported or defined once: nothing to report.
    assert check("sangtao/orgs/rules.py", rules_module) == []
    assert check("sangtao/orgs/services.py", "def invite_member(unit, actor):\n    return is_solver_member(actor)\n",
                 others={"sangtao/orgs/rules.py": rules_module}) == []


def test_a_branch_on_a_move_name_is_reported_and_a_table_field_is_not():
    code = """
    def move_plan(plan, actor, move, reason=""):
        if move in ("return", "dost_return"):
            return PLAN_ACTIONS[move](plan, actor, reason)
        if PLAN.moves[move].reason_required:
            return PLAN_ACTIONS[move](plan, actor, reason)

    def _notice(project, move, reason):
        if move.name == "cancel" or "cancel" != move_name:
            return move.label
        return PROJECT.moves["cancel"] in available_moves(user, project)
    """
    assert check("sangtao/example/services.py", code) == [
        f"sangtao/example/services.py:{line}: move-name-branch" for line in (3, 9)
    ]
    assert check("sangtao/core/workflow.py", "found = move.name == 'cancel'\n") == []


def test_user_facing_text_without_gettext_is_reported():
    code = """
    def view(request):
        messages.success(request, "Đã lưu.")
        raise ValidationError(f"Sai {x}")
    name = forms.CharField(label="Tên", help_text=_("Tên đầy đủ"), error_messages={"required": "Bắt buộc"})
    raise HttpError(404, "Không tìm thấy")
    notify(users, "Tiêu đề", "")
    raise RowError("weight", "trọng số không phải là số")
    class Kind(models.TextChoices):
        A = "a", "Loại A"
    raise InvalidInput(format_lazy("Phiếu {n} sai", n=1))
    """
    assert check("sangtao/example/views.py", code) == [
        f"sangtao/example/views.py:{line}: untranslated-string" for line in (3, 4, 5, 6, 7, 8, 10, 11)
    ]


def test_text_passed_through_gettext_or_without_words_is_not_reported():
    code = """
    def view(request):
        messages.success(request, _("Đã lưu."))
        raise ValidationError(_("Sai %(x)s") % {"x": x})
    name = forms.CharField(label=_("Tên"), help_text=gettext_lazy("Tên đầy đủ"), empty_label="—")
    raise HttpError(404, pgettext("api", "Không tìm thấy"))
    notify(users, format_lazy(_("Hồ sơ «{t}»"), t=title), body)
    raise RowError("weight", _("trọng số không phải là số"))
    class Kind(models.TextChoices):
        A = "a", _("Loại A")
    """
    assert check("sangtao/example/views.py", code) == []


def test_an_inline_date_format_is_reported():
    code = """
    when = day.strftime("%d/%m/%Y")
    label = f"{day:%d/%m}"
    text = date_format(day, "d/m/Y")
    """
    assert check("sangtao/example/services.py", code) == [
        f"sangtao/example/services.py:{line}: inline-date-format" for line in (2, 3, 4)
    ]


def test_a_named_format_or_a_format_in_its_home_is_not_reported():
    code = """
    when = formats.short_date(day)
    text = date_format(day, "SHORT_DATE_FORMAT")
    share = "%d%%" % percent
    """
    assert check("sangtao/example/services.py", code) == []
    assert check("sangtao/core/formats.py", 'HTML_DATE = "%Y-%m-%d"\n') == []


def test_a_template_date_with_a_literal_format_is_reported_and_a_named_one_is_not():
    template = ('<p>{{ at|date:"H:i d/m/Y" }}</p>\n<p>{{ at|date:"SHORT_DATETIME_FORMAT" }}</p>\n'
                "<time datetime=\"{{ at|date:'c' }}\"></time>\n")
    found = list(conventions.template_date_formats("sangtao/x/templates/x.html", template))
    assert [f"{v.path}:{v.line}: {v.rule}" for v in found] == ["sangtao/x/templates/x.html:1: inline-date-format"]


def test_a_template_table_outside_a_scroll_box_is_reported_unless_it_stacks_on_a_phone():
    template = ('<table><tr><td>1</td></tr></table>\n'
                '<div class="scroll-x" tabindex="0">{% if rows %}<table class="kpis"></table>{% endif %}</div>\n'
                '<table class="stacked"></table>\n<div class="scroll-x"><p>x</p></div><table></table>\n')
    found = list(conventions.template_tables("sangtao/x/templates/x.html", template))
    assert [f"{v.line}: {v.rule}" for v in found] == ["1: table-without-scroll-box", "4: table-without-scroll-box"]


def test_a_form_picking_objects_with_djangos_unbounded_fields_is_reported():
    code = """
    from django import forms
    from django.forms import ModelChoiceField

    class PickForm(forms.ModelForm):
        unit = forms.ModelChoiceField(queryset=OrgUnit.objects.all())
        units = forms.ModelMultipleChoiceField(queryset=OrgUnit.objects.all())
        since = forms.DateField()
        at = forms.DateTimeField()
    """
    assert check("sangtao/example/forms.py", code) == [
        f"sangtao/example/forms.py:{line}: unbounded-choice" for line in (3, 5, 6, 7, 8, 9)
    ]


def test_the_bounded_fields_of_core_forms_are_not_reported():
    code = """
    from django import forms
    from sangtao.core.forms import ModelChoiceField, ModelForm

    class PickForm(ModelForm):
        unit = ModelChoiceField(queryset=OrgUnit.objects.all())
        name = forms.CharField()
    """
    assert check("sangtao/example/forms.py", code) == []
    assert check("sangtao/core/forms.py", "class ModelForm(forms.ModelForm):\n    pass\n") == []


def test_a_redirect_to_a_value_from_the_request_is_reported_unless_through_safe_redirect():
    code = """
    def back(request):
        if url_has_allowed_host_and_scheme(request.POST["next"], allowed_hosts=None):
            return redirect(request.POST.get("next"))
        return HttpResponseRedirect(request.GET["back"] or "/")

    def fine(request, challenge):
        redirect(challenge.get_absolute_url() + "#tep")
        return safe_redirect(request, request.POST.get("next"), "notifications")
    """
    redirects = [found for found in check("sangtao/example/views.py", code) if found.endswith("unchecked-redirect")]
    assert redirects == [f"sangtao/example/views.py:{line}: unchecked-redirect" for line in (3, 4, 5)]


def test_a_value_from_the_request_used_as_it_came_in_a_view_is_reported():
    view = """
    def reply(request, pk):
        services.answer(request.user, request.POST.get("answer", ""))
        note = request.POST["note"]
        day = parse_date(request.GET.get("day"))
        names = request.POST.getlist("name")
        query = request.GET.get("q") or ""
        shown = not request.GET.get("hidden") and request.GET.get("title")
    """
    assert check("sangtao/example/views.py", view) == [
        f"sangtao/example/views.py:{line}: unchecked-input" for line in (3, 4, 5, 6, 7, 8)]


def test_a_value_from_the_request_tested_or_read_through_a_form_or_a_checked_reader_is_not_reported():
    view = """
    def reply(request, pk):
        form = AnswerForm(request.POST)
        filters = ReadLogFilter(request.GET or None)
        expert = chosen(visible_experts(request.user), request.POST.get("expert"))
        year = integer(request.GET.get("year"), min_value=2000, max_value=2100)
        page = paginator.get_page(request.GET.get("page"))
        marked = ids(request.POST.getlist("id"))
        if request.POST.get("give") == "1" or "submit" in request.POST:
            return safe_redirect(request, request.POST.get("next"), "home")
        unverified = request.GET.get("unverified") == "1"
        if request.GET.get("task"):
            pass
        data = request.POST if request.method == "POST" else None
    """
    assert check("sangtao/example/views.py", view) == []


def test_a_value_read_through_a_name_given_the_requests_data_or_all_at_once_is_reported():
    view = """
    def reply(request):
        data = request.POST if request.method == "POST" else None
        services.answer(data["answer"], request.GET.dict())
        form = AnswerForm(data)

    def other(request, form):
        data = form.cleaned_data
        return data["answer"]
    """
    assert check("sangtao/example/views.py", view) == ["sangtao/example/views.py:4: unchecked-input"]


def test_a_request_value_is_checked_in_any_module_and_whatever_the_request_is_called():
    feed = "class Feed:\n    def get_object(self, r):\n        return r.GET.get('field')\n"
    assert check("sangtao/example/opendata.py", feed) == ["sangtao/example/opendata.py:3: unchecked-input"]


@pytest.mark.parametrize(("code", "line"), [
    ("import csv\nrows = csv.writer(buffer)\n", 2),
    ("import csv\nrows = csv.DictWriter(buffer, fieldnames=names)\n", 2),
    ("import csv as table\nwrite = table.writer\n", 2),
    ("from csv import writer\n", 1),
    ("from csv import DictWriter as Rows\n", 1),
    ("from csv import reader, writer\n", 1),
    ("from csv import *\n", 1),
    ("def export(buffer):\n    import csv\n    return csv.writer(buffer)\n", 3),
])
def test_csv_written_with_the_standard_library_in_any_import_form_is_reported(code, line):
    assert check("sangtao/example/exports.py", code) == [f"sangtao/example/exports.py:{line}: csv-writer"]


def test_csv_read_with_the_standard_library_or_written_through_core_csv_is_not_reported():
    reading = """
    import csv
    import csv as table
    from csv import DictReader, Sniffer, reader

    rows = csv.reader(handle)
    named = table.DictReader(handle)
    dialect = csv.Sniffer().sniff(sample)
    """
    writing = """
    from sangtao.core import csv
    from sangtao.core import csv as safe_csv

    csv.Writer(buffer).writerows(rows)
    safe_csv.Writer(buffer).writerow(row)
    response = csv.csv_response(rows, "x.csv")
    """
    assert check("sangtao/example/imports.py", reading) == []
    assert check("sangtao/example/exports.py", writing) == []
    assert check("sangtao/core/csv.py", "import csv\nwriter = csv.writer(stream)\n") == []


# Written in two pieces: this file is checked too, and only its samples may name the backport.
BACKPORT = "django" + "_tasks"


def test_the_task_backport_named_outside_core_taskbackend_is_reported_in_code_and_tests():
    code = f"""
    import {BACKPORT}
    from {BACKPORT}_db.models import DBTaskResult
    BACKEND = "{BACKPORT}.backends.immediate.ImmediateBackend"
    OPTIONS = ["--job-class={BACKPORT}_rq.Job", "admin:{BACKPORT}_database_dbtaskresult_change"]
    """
    for path in ("sangtao/example/services.py", "sangtao/example/tests/test_jobs.py", "sangtao/settings.py"):
        assert check(path, code) == [f"{path}:{line}: task-backport-named" for line in (2, 3, 4, 5)]


def test_the_backports_names_in_core_taskbackend_or_through_it_are_not_reported():
    names = f"""
    API = "{BACKPORT}"
    BACKENDS = {{"database": f"{{API}}_db.DatabaseBackend"}}
    """
    assert check("sangtao/core/taskbackend.py", names) == []
    through = """
    from django.tasks import task
    from sangtao.core import taskbackend
    from sangtao.core.tasks import TaskResultRow
    BACKEND = taskbackend.BACKENDS["immediate"]
    NAME = "my_django_tasks_notes"
    """
    assert check("sangtao/example/tests/test_jobs.py", through) == []


def test_tests_are_read_for_the_task_backport_only_and_migrations_not_at_all(tmp_path):
    named = f'BACKEND = "{BACKPORT}_db.DatabaseBackend"\nproposal.status = ProposalStatus.WITHDRAWN\n'
    for path in ("sangtao/example/tests/test_jobs.py", "sangtao/example/migrations/0002_jobs.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(named)
    assert [str(v).split(":")[:3] for v in conventions.check_tree(tmp_path)] == [
        ["sangtao/example/tests/test_jobs.py", "1", " task-backport-named"]]


def test_an_exception_with_a_reason_on_its_line_is_allowed_and_one_without_a_reason_is_not():
    code = """
    a = day.strftime("%Y%m%d")  # convention: allow inline-date-format -- a file name, read by no person
    b = day.strftime("%Y%m%d")  # convention: allow inline-date-format
    c = day.strftime("%Y%m%d")  # convention: allow untranslated-string -- wrong rule
    """
    assert check("sangtao/example/services.py", code) == [
        f"sangtao/example/services.py:{line}: inline-date-format" for line in (3, 4)
    ]


def test_a_pending_file_is_not_reported_until_it_keeps_the_convention_and_then_its_entry_is():
    pending = {("sangtao/example/services.py", "inline-date-format"): "moving to core/formats.py"}
    assert check("sangtao/example/services.py", 'day.strftime("%d/%m/%Y")\n', pending) == []
    assert check("sangtao/example/services.py", "formats.short_date(day)\n", pending) == [
        "sangtao/example/services.py:1: inline-date-format"
    ]


def test_the_project_keeps_its_conventions():
    """Fails when a change breaks a convention: `make lint` prints where and why."""
    violations = conventions.check_tree(ROOT)
    assert not violations, "\n".join(map(str, violations))
