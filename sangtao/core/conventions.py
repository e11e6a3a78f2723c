"""The project's conventions, checked by `make lint`: `python -m sangtao.core.conventions [root]`.

Ruff and mypy know Python, not this project: these rules catch the ways our own decisions
(README, "Conventions") are most easily broken. One function per rule; each reads one parsed
file and yields (line, message). Standard library only, so it runs before Django is set up.

A justified exception is marked on its line: `# convention: allow <rule> -- <reason>`.
An allowance without a reason does not count.
"""

import ast
import functools
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ALLOW = re.compile(r"#\s*convention:\s*allow\s+([\w-]+)\s+--\s*\S")

# Where a status may be set: the one mechanism that performs every move.
WORKFLOW_HOMES = ("sangtao/core/workflow.py",)
STATUS_FIELDS = {"status", "state"}
# Files not yet brought to a convention, each with what brings it there. An entry whose file keeps
# the convention is reported, so it goes as soon as the file is fixed.
PENDING: dict[tuple[str, str], str] = {}
WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_update"}
LOOKUPS = {"filter", "exclude", "get", "Q", "When"}

# The low-level role readers (orgs/roles.py): rules.py builds named predicates from them.
ROLE_READERS = {"is_dost", "has_role", "roles_of", "units_with_role", "staff_unit_ids"}
# Those whose answer is itself a yes or no on a role.
ROLE_TESTS = {"is_dost", "has_role"}
# Names a move is known by where a branch on it is written (`move == "cancel"`, `move.name in (...)`).
MOVE_NAMES = {"move", "move_name"}

# Exceptions whose message reaches the user (a form error, a flash message, an API error, an
# import's error report), with the position of the message among their arguments.
USER_FACING_ERRORS = {"ValidationError": 0, "ServiceError": 0, "NotAllowed": 0, "StaleState": 0,
                      "InvalidInput": 0, "PermissionDenied": 0, "RowError": 1, "HttpError": 1}
MESSAGE_FUNCTIONS = {"debug", "info", "success", "warning", "error"}
TEXT_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}

DATE_FORMAT_HOMES = ("sangtao/core/formats.py", "sangtao/formats/")
# strftime directives; two or more in one literal make it a date format.
STRFTIME = re.compile(r"%[aAbBdHIjmMpSyYzZ]")
# Template date formats that are not shown to people: ISO 8601 and the value of <input type="date">.
MACHINE_DATE_FORMATS = {"c", "Y-m-d"}
TEMPLATE_DATE = re.compile(r"\|(?:date|time):(?:\"([^\"]*)\"|'([^']*)')")


@dataclass
class Facts:
    """What the rules need to know about the whole tree."""

    protected_models: set[str] = field(default_factory=set)
    initial_states: set[str] = field(default_factory=set)
    # Named predicates (functions decorated with @rules.predicate), each with the files that define it.
    predicates: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Source:
    path: str  # relative to the project root, with forward slashes
    tree: ast.Module

    @functools.cached_property
    def nodes(self) -> list[ast.AST]:
        """Every node of the module, walked once for all the rules (each walking it was 40 % of a check)."""
        return list(ast.walk(self.tree))


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


def _root_name(node: ast.AST) -> str | None:
    """`Proposal` for `Proposal.objects.select_related(...).filter(...)`."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _chain_has(node: ast.AST, attr: str) -> bool:
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Attribute) and node.attr == attr:
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def _operands(compare: ast.Compare) -> Iterator[ast.AST]:
    """Both sides of a comparison, and the members of a literal tuple, list or set among them."""
    for operand in [compare.left, *compare.comparators]:
        yield from operand.elts if isinstance(operand, ast.Tuple | ast.List | ast.Set) else [operand]


def _names_a_state(node: ast.AST) -> bool:
    """`ImportJob.State.DONE`: a constant of a choices class, passed to some helper that saves it."""
    return isinstance(node, ast.Attribute) and node.attr.isupper()


def _is_web_module(path: str) -> bool:
    """Where requests are answered and pages drawn, templates' Python included."""
    return (Path(path).name in {"views.py", "api.py", "forms.py", "context_processors.py"}
            or "/templatetags/" in path)


def _is_service_module(path: str) -> bool:
    """Where actions are performed: a service checks who may act as a page does."""
    return Path(path).name == "services.py"


def _tested(tree: ast.AST) -> set[int]:
    """The ids of the nodes whose value is used as a yes or no: compared, negated, combined with
    and/or, or the test of an if, a conditional expression, a while or an assert."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            found |= {id(operand) for operand in [node.left, *node.comparators]}
        elif isinstance(node, ast.BoolOp):
            found |= {id(value) for value in node.values}
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            found.add(id(node.operand))
        elif isinstance(node, ast.If | ast.IfExp | ast.While | ast.Assert):
            found.add(id(node.test))
    return found


def _untranslated_text(node: ast.AST | None) -> bool:
    """A literal with words in it, not passed through gettext first."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(char.isalpha() for char in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_untranslated_text(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _untranslated_text(node.left) or _untranslated_text(node.right)
    if isinstance(node, ast.IfExp):
        return _untranslated_text(node.body) or _untranslated_text(node.orelse)
    if isinstance(node, ast.Dict):
        return any(_untranslated_text(value) for value in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _untranslated_text(node.func.value)
    if isinstance(node, ast.Call) and _called_name(node) == "format_lazy":
        return _untranslated_text(node.args[0] if node.args else None)
    return False


def status_outside_workflow(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """A status changes only through its workflow's table of moves, which checks who may make the
    move, writes the audit row and notifies. Creating a row in its initial state is not a move."""
    if source.path.startswith(WORKFLOW_HOMES):
        return
    for node in source.nodes:
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in STATUS_FIELDS:
                    yield node.lineno, f"`.{target.attr} =` outside the workflow: make a move instead"
        elif isinstance(node, ast.Call) and _called_name(node) not in LOOKUPS:
            for keyword in node.keywords:
                if (keyword.arg in STATUS_FIELDS and ast.unparse(keyword.value) not in facts.initial_states
                        and (_called_name(node) in WRITES or _names_a_state(keyword.value))):
                    yield node.lineno, f"`{_called_name(node)}({keyword.arg}=...)` outside the workflow"


def unguarded_fetch(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """A view or API fetches a protected model only through its access helper, so a user who may
    not see it gets the same 404 as for one that does not exist."""
    if Path(source.path).name not in {"views.py", "api.py"}:
        return
    for node in source.nodes:
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        if name == "get_object_or_404" and node.args:
            model = _root_name(node.args[0])
        elif name == "get" and isinstance(node.func, ast.Attribute) and _chain_has(node.func.value, "objects"):
            model = _root_name(node.func.value)
        else:
            continue
        if model in facts.protected_models:
            yield node.lineno, f"{model} fetched directly: use its helper in access.py"


def inline_role_check(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """Who may do what is decided by named django-rules predicates (rules.py), defined once, so a
    change of policy is one edit and the same rule guards the page, the API and the button.
    Services may read a user's units to build a query (`unit__in=staff_unit_ids(user)`), not to decide."""
    web = _is_web_module(source.path)
    if not (web or _is_service_module(source.path)):
        return
    tested = set() if web else _tested(source.tree)
    for node in source.nodes:
        if isinstance(node, ast.Attribute) and node.attr in {"is_superuser", "is_staff"}:
            yield node.lineno, f"`.{node.attr}` checked inline: use a predicate from rules.py"
        elif isinstance(node, ast.Call) and _called_name(node) in ROLE_READERS and (
            web or _called_name(node) in ROLE_TESTS or id(node) in tested
        ):
            yield node.lineno, f"`{_called_name(node)}()` read inline: use a predicate from rules.py"
        elif isinstance(node, ast.Call) and _chain_has(node.func, "memberships") and any(
            keyword.arg and keyword.arg.startswith("role") for keyword in node.keywords
        ):
            yield node.lineno, "memberships filtered by role inline: use a predicate from rules.py"
        elif isinstance(node, ast.Compare) and any(
            _root_name(operand) == "Role" for operand in _operands(node)
        ):
            yield node.lineno, "role compared inline: use a predicate from rules.py"


def predicate_redefined(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """A role predicate is defined once: a function of the same name elsewhere (a second
    `is_solver_member` in a service) drifts from it, and a reader cannot tell which one decides."""
    for node in source.tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            elsewhere = [path for path in facts.predicates.get(node.name, []) if path != source.path]
            if elsewhere:
                yield node.lineno, f"`{node.name}` is the name of the predicate in {elsewhere[0]}: use that one"


def move_name_branch(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """What differs between moves (a reason, a notice, a guard) is declared in the move table
    (core/workflow.py: Move's fields), not in if-chains keyed by the move's name."""
    if source.path.startswith(WORKFLOW_HOMES):
        return
    for node in source.nodes:
        if not isinstance(node, ast.Compare):
            continue
        operands = list(_operands(node))
        if any(_names_a_move(operand) for operand in [node.left, *node.comparators]) and any(
            isinstance(operand, ast.Constant) and isinstance(operand.value, str) for operand in operands
        ):
            yield node.lineno, "branch on a move's name: declare the difference in the move table"


def _names_a_move(node: ast.AST) -> bool:
    """`move`, `move_name` or `move.name`."""
    if isinstance(node, ast.Attribute) and node.attr == "name":
        node = node.value
        return isinstance(node, ast.Name) and node.id in MOVE_NAMES
    return isinstance(node, ast.Name) and node.id in MOVE_NAMES


def untranslated_string(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """Vietnamese first, English complete: every string a person reads goes through gettext, or the
    English interface shows it in Vietnamese (or the reverse)."""
    for node in source.nodes:
        if isinstance(node, ast.ClassDef) and any(ast.unparse(base).endswith("Choices") for base in node.bases):
            for statement in node.body:
                if (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple)
                        and len(statement.value.elts) > 1 and _untranslated_text(statement.value.elts[-1])):
                    yield statement.lineno, "choice label without translation"
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        texts: list[ast.AST] = [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS | {"error_messages"}]
        if name in USER_FACING_ERRORS:
            position = USER_FACING_ERRORS[name]
            texts += node.args[position:position + 1] + [k.value for k in node.keywords if k.arg == "message"]
        elif name == "notify":
            texts += node.args[1:3] + [k.value for k in node.keywords if k.arg in {"title", "body"}]
        elif name and name.startswith("HttpResponse"):
            texts += node.args[:1] + [k.value for k in node.keywords if k.arg == "content"]
        elif name in MESSAGE_FUNCTIONS and _root_name(node.func) == "messages":
            texts += node.args[1:2] + [k.value for k in node.keywords if k.arg == "message"]
        elif name == "add_message" and _root_name(node.func) == "messages":
            texts += node.args[2:3] + [k.value for k in node.keywords if k.arg == "message"]
        if any(_untranslated_text(text) for text in texts):
            yield node.lineno, f"user-facing text in `{name}(...)` without gettext"


def inline_date_format(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """Dates are shown in one format per language, kept in core/formats.py and the format modules
    (sangtao/formats/): a format written inline drifts from them and ignores the language."""
    if source.path.startswith(DATE_FORMAT_HOMES):
        return
    for node in source.nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if len(STRFTIME.findall(node.value)) >= 2:
                yield node.lineno, f"date format {node.value!r} inline: use sangtao.core.formats"
        elif isinstance(node, ast.Call) and _called_name(node) in {"strftime", "date_format", "time_format"}:
            formats = node.args[-1:] if _called_name(node) == "strftime" else node.args[1:2]
            if any(isinstance(arg, ast.Constant) and not str(arg.value).endswith("_FORMAT") for arg in formats):
                yield node.lineno, f"`{_called_name(node)}` with an inline format: use sangtao.core.formats"


# Django's fields that pass a posted id to the database as it is (10**30: OverflowError on SQLite), or
# take any day a date can hold (0001-01-01, whose day before overflows), and where the bounded ones that
# replace them live.
UNBOUNDED_CHOICES = {"ModelChoiceField", "ModelMultipleChoiceField", "ModelForm", "modelform_factory", "DateField",
                     "DateTimeField"}
CHOICE_HOMES = ("sangtao/core/forms.py",)
# Where a redirect to a place named by the request is checked (a local path or the view's default).
REDIRECT_HOMES = ("sangtao/core/redirects.py",)
REQUEST_VALUES = {"GET", "POST", "META", "COOKIES", "headers"}


def unbounded_choice(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """A form picks objects and days with the fields of core/forms.py (and a model form derives from its
    ModelForm), which refuse an id or a year out of range before querying; Django's own are not used."""
    if source.path.startswith(CHOICE_HOMES):
        return
    for node in source.nodes:
        if isinstance(node, ast.Attribute) and node.attr in UNBOUNDED_CHOICES and _root_name(node) == "forms":
            yield node.lineno, (f"`forms.{node.attr}` lets a value out of range through: "
                                f"use sangtao.core.forms.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module in {"django.forms", "django.forms.models"}:
            for alias in node.names:
                if alias.name in UNBOUNDED_CHOICES:
                    yield node.lineno, (f"`{alias.name}` from Django lets a value out of range through: "
                                        "use sangtao.core.forms")


def _reads_request(node: ast.AST) -> bool:
    return any(isinstance(inner, ast.Attribute) and inner.attr in REQUEST_VALUES and _root_name(inner) == "request"
               for inner in ast.walk(node))


def unchecked_redirect(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """A redirect to a place the request names (`next`, `back`) goes through core/redirects.py's
    safe_redirect: `redirect("abc")` is a view name (a 500), `//host` another site."""
    if source.path.startswith(REDIRECT_HOMES):
        return
    for node in source.nodes:
        if isinstance(node, ast.Call) and _called_name(node) in {"redirect", "HttpResponseRedirect"}:
            if any(_reads_request(arg) for arg in node.args[:1]):
                yield node.lineno, f"`{_called_name(node)}` to a value from the request: use safe_redirect"
        elif isinstance(node, ast.Call) and _called_name(node) == "url_has_allowed_host_and_scheme":
            yield node.lineno, "a redirect target checked inline: use sangtao.core.redirects.safe_redirect"


# What may take a value straight from a request: core/forms.py's readers, which refuse what is not
# an id or a number in range, Django's paginator (any page it cannot read is the first or the last) and
# safe_redirect. A form (a class named ...Form or ...Filter) takes the whole of request.POST or .GET.
CHECKED_READERS = {"chosen", "ids", "integer", "is_id", "get_page", "safe_redirect"}
REQUEST_DATA = {"GET", "POST"}


def _request_data(node: ast.AST) -> bool:
    """`request.POST` or `request.GET`, whatever the request is called (`r.POST` in a table of actions)."""
    return isinstance(node, ast.Attribute) and node.attr in REQUEST_DATA


def _aliases(function: ast.AST) -> set[str]:
    """The names a function gives a request's data (`data = request.POST`, `... if request.method == "POST"
    else None`) and nothing else."""
    given: dict[str, bool] = {}  # name -> given only the request's data
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            parts = [node.value.body, node.value.orelse] if isinstance(node.value, ast.IfExp) else [node.value]
            for target in node.targets:
                if isinstance(target, ast.Name):
                    given[target.id] = given.get(target.id, True) and any(map(_request_data, parts))
    return {name for name, only_data in given.items() if only_data}


def _reads_a_value(node: ast.AST, aliases: set[str]) -> bool:
    """`request.POST["x"]`, `request.GET.get("x")`, `request.POST.getlist("x")`, `.dict()` or `.items()`,
    of the request's data or of a name given it."""
    def data(value: ast.AST) -> bool:
        return _request_data(value) or (isinstance(value, ast.Name) and value.id in aliases)

    if isinstance(node, ast.Subscript):
        return data(node.value)
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"get", "getlist", "dict", "items", "values", "lists"} and data(node.func.value))


def _yes_or_no(tree: ast.AST) -> set[int]:
    """The ids of the nodes only used as a yes or no: compared, negated, or the test of an if, a
    conditional expression, a while or an assert, directly or through and/or whose value is itself so
    used (`x or ""` gives x's value on: not a yes or no)."""
    found: set[int] = set()

    def mark(node: ast.AST) -> None:
        found.add(id(node))
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                mark(value)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            mark(node.operand)

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                mark(operand)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            mark(node.operand)
        elif isinstance(node, ast.If | ast.IfExp | ast.While | ast.Assert):
            mark(node.test)
    return found


def unchecked_input(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """Every value read from a request passes a form or a checked reader first (issue 10): a text taken
    as it comes has no length limit, a date or a number taken as it comes is a 500 when it is not one.
    A value only tested (`== "1"`, `in Kind.values`, `if request.POST.get("x")`) is a yes or no and
    needs no check. Every module is read: a feed or a mixin answers requests as a view does."""
    passed = _yes_or_no(source.tree)  # or given to a form or a checked reader (below)
    for node in source.nodes:
        if isinstance(node, ast.Call):
            name = _called_name(node) or ""
            if name in CHECKED_READERS or name.endswith(("Form", "Filter")):
                passed |= {id(arg) for arg in [*node.args, *(k.value for k in node.keywords)]}
    functions = [node for node in source.nodes if isinstance(node, ast.FunctionDef | ast.Lambda)]
    scopes: list[tuple[ast.AST, set[str]]] = [(function, _aliases(function)) for function in functions]
    scopes.append((source.tree, set()))
    for scope, aliases in scopes:
        for node in ast.walk(scope):
            if isinstance(node, ast.expr) and _reads_a_value(node, aliases) and id(node) not in passed:
                passed.add(id(node))  # once, though nested functions are walked again
                yield node.lineno, f"`{ast.unparse(node)}` used as it came: read it through a form or a checked reader"


# Where CSV is written: the one writer that quotes text a spreadsheet would run as a formula.
CSV_HOME = "sangtao/core/csv.py"
CSV_WRITERS = {"writer", "DictWriter"}


def csv_writer(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """Every CSV the platform writes goes through core/csv.py, which quotes a cell starting with =, +,
    -, @, a tab or a carriage return: a title typed as `=HYPERLINK(...)` would otherwise run on the
    computer of whoever opens the export. The standard library's csv module is used directly only to
    read (reader, DictReader, Sniffer), whatever name it is imported under."""
    if source.path == CSV_HOME:
        return
    modules = set()  # the names the csv module is bound to here
    for node in source.nodes:
        if isinstance(node, ast.Import):
            modules |= {alias.asname or alias.name for alias in node.names if alias.name == "csv"}
        elif isinstance(node, ast.ImportFrom) and node.module == "csv" and not node.level:
            for alias in node.names:
                if alias.name in CSV_WRITERS or alias.name == "*":
                    yield node.lineno, f"`from csv import {alias.name}` writes around core/csv: use sangtao.core.csv"
    for node in source.nodes:
        if (isinstance(node, ast.Attribute) and node.attr in CSV_WRITERS and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            yield node.lineno, f"`{node.value.id}.{node.attr}` writes around core/csv: use sangtao.core.csv"


# Where the task API's backport is named; everything else takes the names from there.
TASK_BACKPORT_HOMES = ("sangtao/core/taskbackend.py",)
TASK_BACKPORT = re.compile(r"(?<![\w.])django_tasks\w*")  # convention: allow task-backport-named -- its pattern


def task_backport_named(source: Source, facts: Facts) -> Iterator[tuple[int, str]]:
    """Jobs use Django's task API through its backport until Django 6: the backport's names (its packages,
    backends, models, app labels) are written in core/taskbackend.py alone, so that the move changes one
    line there. Tests are held to this too; migrations keep the labels they were made with."""
    if source.path.startswith(TASK_BACKPORT_HOMES):
        return
    for node in source.nodes:
        if isinstance(node, ast.Import):
            named = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            named = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            named = [node.value]
        else:
            continue
        for text in named:
            found = TASK_BACKPORT.search(text)
            if found:
                yield node.lineno, (f"`{found.group()}` named outside core/taskbackend.py: take it from there "
                                    "(a queued job's row: sangtao.core.tasks.TaskResultRow)")


RULES: dict[str, Callable[[Source, Facts], Iterator[tuple[int, str]]]] = {
    "status-outside-workflow": status_outside_workflow,
    "unguarded-fetch": unguarded_fetch,
    "inline-role-check": inline_role_check,
    "predicate-redefined": predicate_redefined,
    "move-name-branch": move_name_branch,
    "untranslated-string": untranslated_string,
    "inline-date-format": inline_date_format,
    "unbounded-choice": unbounded_choice,
    "unchecked-redirect": unchecked_redirect,
    "csv-writer": csv_writer,
    "unchecked-input": unchecked_input,
    "task-backport-named": task_backport_named,
}
# The rules that read the tests as well: a test that names the backport breaks at the move as code would.
TEST_RULES = {"task-backport-named"}


def template_date_formats(path: str, text: str) -> Iterator[Violation]:
    """inline-date-format in templates: `|date:` takes a named format (SHORT_DATE_FORMAT...)."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in TEMPLATE_DATE.finditer(line):
            fmt = match.group(1) if match.group(1) is not None else match.group(2)
            if not fmt.endswith("_FORMAT") and fmt not in MACHINE_DATE_FORMATS and not _allowed(
                line, "inline-date-format"
            ):
                yield Violation(path, number, "inline-date-format",
                                f"|date:{fmt!r} inline: use a named format such as SHORT_DATE_FORMAT")


TABLE = re.compile(r"<table\b[^>]*>")
SCROLL_BOX = re.compile(r'<div class="scroll-x"[^>]*>\s*(?:\{%[^%]*%\}\s*)*$')


def template_tables(path: str, text: str) -> Iterator[Violation]:
    """table-without-scroll-box: a table wider than a 320 px screen (a phone, or 1280 px at 400 % zoom) makes
    the whole page scroll both ways, unless it sits in a box that scrolls alone (<div class="scroll-x">)
    or becomes one block per row on a phone (class "stacked")."""
    for match in TABLE.finditer(text):
        if "stacked" in match.group(0) or SCROLL_BOX.search(text, 0, match.start()):
            continue
        line = text.count("\n", 0, match.start()) + 1
        if not _allowed(text.splitlines()[line - 1], "table-without-scroll-box"):
            yield Violation(path, line, "table-without-scroll-box",
                            'a table outside <div class="scroll-x" tabindex="0">: on a phone the page scrolls sideways')


def _allowed(line: str, rule: str) -> bool:
    return any(match.group(1) == rule for match in ALLOW.finditer(line))


def gather_facts(sources: list[Source]) -> Facts:
    """Protected models are those an access.py fetches one by one (`get_*`); initial states are status
    fields' defaults."""
    facts = Facts()
    models = {node.name for source in sources if source.path.endswith("models.py")
              for node in source.tree.body if isinstance(node, ast.ClassDef)}
    for source in sources:
        for node in source.nodes:
            if isinstance(node, ast.FunctionDef) and any(
                ast.unparse(decorator) in {"rules.predicate", "predicate"} for decorator in node.decorator_list
            ):
                facts.predicates.setdefault(node.name, []).append(source.path)
            if source.path.endswith("access.py") and isinstance(node, ast.FunctionDef) and node.name.startswith("get_"):
                facts.protected_models |= _returned_model(node)
            elif source.path.endswith("models.py") and isinstance(node, ast.Assign):
                default = _status_default(node)
                if default:
                    # Written bare in its model (`State.QUEUED`), through the model elsewhere.
                    facts.initial_states |= {default} | {f"{model}.{default}" for model in models}
    return facts


def _returned_model(function: ast.FunctionDef) -> set[str]:
    """{'Proposal'} for `-> Proposal`."""
    returned = function.returns
    if isinstance(returned, ast.Name) and returned.id[:1].isupper() and returned.id != "QuerySet":
        return {returned.id}
    return set()


def _status_default(assign: ast.Assign) -> str | None:
    """'Status.DRAFT' for `status = models.CharField(..., default=Status.DRAFT)`."""
    if not (isinstance(assign.value, ast.Call)
            and any(isinstance(t, ast.Name) and t.id in STATUS_FIELDS for t in assign.targets)):
        return None
    return next((ast.unparse(k.value) for k in assign.value.keywords if k.arg == "default"), None)


def _is_test(path: str) -> bool:
    parts = path.split("/")
    return "tests" in parts or parts[-1].startswith(("test_", "conftest"))


def _is_read(path: str) -> bool:
    """Every module but migrations (history, kept as it was made); tests only for TEST_RULES."""
    return "migrations" not in path.split("/")


def check_sources(sources: list[Source], lines_of: dict[str, list[str]], facts: Facts,
                  pending: dict[tuple[str, str], str] = PENDING) -> list[Violation]:
    found: dict[tuple[str, int, str], Violation] = {}  # one report per line and rule
    for source in sources:
        lines = lines_of[source.path]
        for rule, check in RULES.items():
            if _is_test(source.path) and rule not in TEST_RULES:
                continue
            for line, message in check(source, facts):
                if not _allowed(lines[line - 1], rule):
                    found.setdefault((source.path, line, rule), Violation(source.path, line, rule, message))
    broken = {(v.path, v.rule) for v in found.values()}
    kept = [Violation(path, 1, rule, "keeps this convention now (or is gone): remove its entry from PENDING")
            for (path, rule) in pending if (path, rule) not in broken]
    return sorted([v for v in found.values() if (v.path, v.rule) not in pending] + kept,
                  key=lambda v: (v.path, v.line, v.rule))


def check_tree(root: Path) -> list[Violation]:
    """Every convention over the project's Python modules and templates under root/sangtao."""
    sources, lines_of = [], {}
    for file in sorted((root / "sangtao").rglob("*.py")):
        path = file.relative_to(root).as_posix()
        if _is_read(path):
            text = file.read_text(encoding="utf-8")
            sources.append(Source(path, ast.parse(text, filename=path)))
            lines_of[path] = text.splitlines()
    facts = gather_facts([source for source in sources if not _is_test(source.path)])
    found = check_sources(sources, lines_of, facts)
    for file in sorted((root / "sangtao").rglob("*.html")):
        path, text = file.relative_to(root).as_posix(), file.read_text(encoding="utf-8")
        found += [*template_date_formats(path, text), *template_tables(path, text)]
    return found


def main(argv: list[str]) -> int:
    violations = check_tree(Path(argv[0]) if argv else Path.cwd())
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} convention(s) broken; see sangtao/core/conventions.py for why.")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
