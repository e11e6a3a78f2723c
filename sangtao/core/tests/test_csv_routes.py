"""Every CSV the platform writes, wherever it is offered, quotes formula-like text (issue 10, point 3).

The CSV routes are found, not listed. A route is one when the code its view runs reaches a writer of
core/csv.py, read from the source: the view, the services and background jobs it names, what those
name in turn, and so on through the project's code. A route whose path or name says CSV is one too
(a stored file served as it is, such as an import's error report). The conventions rule `csv-writer`
(core/conventions.py) keeps every CSV writer in core/csv.py, so reaching its writers is reaching
every CSV the platform writes.

One small world (portal/tests/world.py) is built, then every field people type is given text a
spreadsheet would run. Each CSV route is asked by the first role it answers (DoST first) as its page
asks it: a GET, or, for a route that takes only POST, the button's POST; an export written in the
background is run and its file read. No cell may start with = + - @ a tab or a carriage return unless
core/csv quoted it. A number the platform writes as a number (a measured -5) is not text and is
written as it is (core/csv.py's rule).
"""

import ast
import contextlib
import csv as stdlib_csv
import datetime
import functools
import importlib
import inspect
import io
import zipfile
from collections import deque
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.functions import Cast, Concat
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import client_for, make_user
from sangtao.core import csv as safe_csv
from sangtao.core.models import AppendOnlyModel, JobRun
from sangtao.core.tasks import Job, run_pending
from sangtao.portal.tests.world import build_world, fill, views

WRITERS = (safe_csv.csv_response, safe_csv.streamed_csv_response, safe_csv.Writer)

# The exports known when this test was written: the discovery must find at least these.
KNOWN = {"challenges:open_data_csv", "initiatives:open_data_csv", "knowledge:open_data_csv", "audit:csv",
         "surveys:responses_csv", "surveys:responses_export", "surveys:indices_csv", "surveys:tokens",
         "surveys:import_errors", "evaluation:outcome_csv", "evaluation:dashboard_csv", "capacity:benchmark_csv",
         "annual:import", "privacy:export"}

PAYLOADS = ['=HYPERLINK("http://x")', "+1+1", "-1-1", "@SUM(A1)", "\tTAB", "\rCR"]
# The fields people type, by name, in every model of the project; each row gets a payload ending with
# its id (a field unique within a parent stays unique).
TYPED = {"title", "name", "full_name", "summary", "description", "public_summary", "text", "body", "answer",
         "source", "data_source", "service", "label", "note", "comment", "reason", "rationale", "narrative",
         "problem", "unit_of_measure", "organisation_name", "location", "external_id"}
# Routes whose files hold no text anyone typed (the check that a payload reached them does not apply).
NO_TYPED_TEXT = {
    "surveys:tokens": "invitation codes and their links",
    "surveys:import_errors": "a row number, a column of the template and the platform's message",
    "surveys:import_upload": "its error report (surveys:import_errors)",
    "surveys:import_retry": "its error report (surveys:import_errors)",
}
USERNAMES = {"dost": "dost", "officer": "officer", "leader": "leader", "solver": "solver", "expert": "expert",
             "citizen": "citizen"}


# --- finding the CSV routes ------------------------------------------------------------------------

def _dotted(node: ast.AST) -> tuple[str, ...] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return (node.id, *reversed(parts)) if isinstance(node, ast.Name) else None


@functools.cache
def _functions(filename: str) -> dict[int, tuple[set, list]]:
    """A module's functions by their first line (the first decorator's, as their code counts it), each
    with the dotted names it uses (`exports.export_benchmark`) and its own imports, its inner
    functions' included. One walk of the module: walking each function again took seconds."""
    found: dict[int, tuple[set, list]] = {}
    if not filename.endswith(".py"):  # code generated at run time (a dataclass's __init__)
        return found

    def visit(node: ast.AST, enclosing: tuple) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            enclosing = (*enclosing, found.setdefault(
                min([node.lineno, *(d.lineno for d in node.decorator_list)]), (set(), [])))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for _names, imports in enclosing:
                imports.append(node)
        elif isinstance(node, ast.Name | ast.Attribute) and (dotted := _dotted(node)):
            for names, _imports in enclosing:
                names.add(dotted)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, enclosing)

    visit(ast.parse(Path(filename).read_text(encoding="utf-8")), ())
    return found


def _imported(imports: list) -> dict:
    """The project's modules and names a function imports itself (another package cannot lead back)."""
    found = {}
    for node in imports:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sangtao.") and not node.level:
            module = importlib.import_module(node.module)
            for alias in node.names:
                found[alias.asname or alias.name] = getattr(module, alias.name, None)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sangtao."):
                    module = importlib.import_module(alias.name)
                    found[alias.asname or "sangtao"] = module if alias.asname else importlib.import_module("sangtao")
    return found


def _ours(thing) -> bool:
    return (getattr(thing, "__module__", None) or "").startswith("sangtao.")


def _runnable(value) -> bool:
    return isinstance(value, Job) or (inspect.isfunction(value) or inspect.isclass(value)) and _ours(value)


@functools.cache
def _named(thing) -> tuple:
    """The project's code one function, job or class names: what it may run."""
    if isinstance(thing, Job):
        return (thing.func,)
    if inspect.isclass(thing):
        return tuple(value for value in vars(thing).values() if inspect.isfunction(value) and _ours(value))
    function = inspect.unwrap(thing)
    names, imports = _functions(function.__code__.co_filename).get(function.__code__.co_firstlineno, ((), ()))
    scope = {**function.__globals__, **_imported(imports)}
    for name, cell in zip(function.__code__.co_freevars, function.__closure__ or (), strict=True):
        with contextlib.suppress(ValueError):  # a cell not bound yet
            scope[name] = cell.cell_contents
    found = []
    for first, *rest in names:
        value = scope.get(first)
        for part in [None, *rest]:  # every prefix of a.b.c may be runnable
            if part is not None:
                try:
                    value = getattr(value, part, None)
                except Exception:  # a descriptor that needs an instance
                    value = None
            value = value.__func__ if inspect.ismethod(value) else value
            if value is not thing and _runnable(value):
                found.append(value)
    return tuple(found)


def _handlers(view) -> list:
    """The project's code a URL pattern runs: the view, a class-based view's class, the API's operations."""
    if isinstance(view, functools.partial):
        view = view.func
    if hasattr(view, "view_class"):
        return [view.view_class]
    for cell in getattr(view, "__closure__", None) or ():
        with contextlib.suppress(ValueError):  # a cell not bound yet
            operations = getattr(cell.cell_contents, "operations", None)  # django-ninja's PathView
            if operations:
                return [operation.view_func for operation in operations]
    return [view if inspect.isfunction(view) else type(view)]  # a callable object: a feed


def reaches_writer(view) -> list[str] | None:
    """How the view reaches a writer of core/csv.py (the names on the way), or None."""
    start = [handler for handler in _handlers(view) if _ours(handler)]
    came_from: dict = dict.fromkeys(start)
    queue = deque(start)
    while queue:
        thing = queue.popleft()
        if thing in WRITERS:
            trail = []
            while thing is not None:
                trail.append(getattr(thing, "__qualname__", None) or getattr(thing, "name", repr(thing)))
                thing = came_from[thing]
            return trail[::-1]
        for named in _named(thing):
            if named not in came_from:
                came_from[named] = thing
                queue.append(named)
    return None


def csv_routes() -> dict[str, str]:
    """name -> route of every route that writes a CSV or serves one."""
    return {name: route for route, name, view in views()
            if "csv" in (route + name).lower() or reaches_writer(view) is not None}


def test_the_csv_routes_are_found_from_the_code_and_include_every_known_export():
    found = csv_routes()
    assert set(found) >= KNOWN, f"not found: {KNOWN - set(found)}"
    assert set(NO_TYPED_TEXT) | set(ASKED) <= set(found), "an entry here names no CSV route any more"


def _page_or_csv(request, pk):
    """A page that offers its table as CSV with ?format=csv, through a helper that imports the writer."""
    if request.GET.get("format") == "csv":
        return _table_as_csv(pk)
    return HttpResponse("<p>…</p>")


def _table_as_csv(pk):
    from sangtao.core.csv import csv_response

    return csv_response([["id"], [pk]], "table.csv")


def test_the_discovery_follows_views_services_and_background_jobs_to_the_writer():
    assert reaches_writer(_page_or_csv) == ["_page_or_csv", "_table_as_csv", "csv_response"]
    by_name = {name: view for _route, name, view in views()}
    trail = reaches_writer(by_name["capacity:benchmark_csv"])  # POST, then a job writes the file
    assert trail[0] == "benchmark_csv" and "write_benchmark" in trail and trail[-1] == "Writer"
    assert reaches_writer(by_name["challenges:list"]) is None


# --- the world, with formula-like text everywhere people type ----------------------------------------

def _hostile_text() -> None:
    """Every field people type, in every row that can change, starts with formula-like text."""
    number = 0
    for model in apps.get_models():
        if not _ours(model) or model._meta.proxy or not model._meta.managed or issubclass(model, AppendOnlyModel):
            continue  # append-only rows cannot change (PostgreSQL refuses it)
        for field in model._meta.concrete_fields:
            if (field.name in TYPED and isinstance(field, models.CharField | models.TextField) and not field.choices
                    and (field.max_length or 1000) >= 40):
                payload = PAYLOADS[number % len(PAYLOADS)]
                number += 1
                model._base_manager.update(**{field.name: Concat(
                    models.Value(payload), Cast("pk", output_field=models.CharField()), output_field=models.TextField())})


def _capacity_round(dost, unit):
    """A launched round (the world has none), so that the benchmark has rows."""
    from sangtao.capacity import scores, services

    today = timezone.localdate()
    round_ = services.create_round(dost, year=today.year, name="", units=[unit], opens_on=today - datetime.timedelta(days=1),
                                   closes_on=today + datetime.timedelta(days=30))
    round_ = services.launch_round(dost, round_)
    scores.refresh(round_)
    return round_


@pytest.fixture
def hostile_world(roles, field, ward, dost):
    """The world of the page crawl with a capacity round, a measured -5, a user name a spreadsheet would
    run in the audit trail, and formula-like text in every field people type."""
    from sangtao.capacity.models import UnitProfile
    from sangtao.challenges.models import Indicator
    from sangtao.core.audit import record
    from sangtao.evaluation.models import Measurement

    world = build_world(1, USERNAMES, field, ward)
    _capacity_round(dost, UnitProfile.objects.get().unit)
    indicator = Indicator.objects.get(pk=world["indicator"])
    Measurement.objects.create(indicator=indicator, value=-5, measured_on=timezone.localdate(), source="x",
                               recorded_by=dost)
    record(make_user("@evil"), "viewed", indicator)  # Django's user names may start with @, + or -
    _hostile_text()
    return world


# --- asking for each route ------------------------------------------------------------------------

def _delivers(response) -> bool:
    """A file, or a background export's job page."""
    if response.status_code == 302:
        return urlsplit(response.url).path.startswith("/jobs/")
    return response.status_code == 200 and not response["Content-Type"].startswith("text/html")


class Visitor:
    """Asks as the first role that gets an answer (DoST first), and follows a background export to its file."""

    def __init__(self):
        from sangtao.accounts.models import User

        self.clients = {role: client_for(User.objects.get(username=name)) for role, name in USERNAMES.items()}
        self.client = None

    def ask(self, method: str, url: str, data: Callable[[], dict] | None = None, answered=_delivers):
        for client in self.clients.values():
            response = getattr(client, method)(url, data() if data else None)
            if response.status_code == 405 and method == "get":  # a button's POST
                return self.ask("post", url, data, answered)
            if answered(response):
                self.client = client
                return response
        if method == "get" and "?" not in url:  # a page that offers its table as CSV
            return self.ask(method, f"{url}?format=csv", data, answered)
        raise AssertionError(f"no role gets a file from {method.upper()} {url} ({response.status_code}): "
                             "say how to ask for it in ASKED")

    def download(self, response) -> bytes:
        if response.status_code == 302:  # a background export: run it, then fetch its file from its job
            run_pending()
            job = urlsplit(response.url).path
            response = self.client.get(f"{job}result/")
            assert response.status_code == 200, JobRun.objects.filter(pk=job.split("/")[2]).values(
                "title", "state", "message", "errors").first()
        return b"".join(response.streaming_content) if response.streaming else response.content


def _survey_import(world, visitor: Visitor) -> bytes:
    """A file with bad rows is refused with an error report: the import's page links it."""
    from sangtao.surveys.models import ImportJob, Survey

    survey = Survey.objects.get(pk=world["survey"])
    codes = [item.code for item in survey.version.items.all()]
    text = io.StringIO()
    safe_csv.Writer(text).writerows([["response_id", "unit_code", "period", *codes],
                                     ["-1", "@nowhere", "=1", *["9"] * len(codes)]])
    started = visitor.ask("post", reverse("surveys:import_upload", args=[survey.pk]), lambda: {
        "source": "paper", "file": SimpleUploadedFile("phieu.csv", text.getvalue().encode())},
        answered=lambda response: response.status_code == 302 and "/imports/" in response.url)
    run_pending()
    job = ImportJob.objects.get(pk=started.url.rstrip("/").rsplit("/", 1)[-1])
    return visitor.download(visitor.ask("get", reverse("surveys:import_errors", args=[survey.pk, job.pk])))


def _tokens(world, visitor: Visitor) -> bytes:
    from sangtao.surveys.models import Survey

    survey = Survey.objects.get(pk=world["survey"])
    return visitor.download(visitor.ask("post", reverse("surveys:tokens", args=[survey.pk]),
                                        lambda: {"unit": survey.units.first().pk, "count": 2}))


def _annual_import(world, visitor: Visitor) -> bytes:
    """The platform's own template, its example row given formula-like text, imported."""
    from sangtao.challenges.models import Field

    template = visitor.download(visitor.ask("get", reverse("annual:import_template")))
    book = load_workbook(io.BytesIO(template))
    sheet = book.active
    columns = [cell.value for cell in sheet[1]]
    example = sheet[3]
    for column, payload in (("ten_ke_hoach", "@SUM(A1)"), ("ten_nhiem_vu", "+1+1"), ("van_de", "-1-1")):
        example[columns.index(column)].value = payload
    example[columns.index("linh_vuc")].value = Field.objects.get(pk=world["field"]).slug  # the world's field
    buffer = io.BytesIO()
    book.save(buffer)
    return visitor.download(visitor.ask("post", reverse("annual:import"), lambda: {
        "file": SimpleUploadedFile("ke-hoach.xlsx", buffer.getvalue())}))


def _privacy_export(world, visitor: Visitor) -> bytes:
    """The person's own data, a ZIP of one CSV per table, downloaded from their page once the job has run."""
    from sangtao.privacy.models import DataExport

    visitor.ask("post", reverse("privacy:export"), answered=lambda response: response.status_code == 302)
    run_pending()
    export = DataExport.objects.latest("pk")
    return visitor.download(visitor.ask("get", reverse("privacy:export_download", args=[export.pk])))


def _evidence_zip(world, visitor: Visitor) -> bytes:
    """The register's button posts the year it shows: the world's plans' year. Its ZIP lists the files in a CSV."""
    from sangtao.annual.models import AnnualPlan

    year = AnnualPlan.objects.get(pk=world["annual_plan"]).year
    return visitor.download(visitor.ask("post", reverse("annual:evidence_register_zip"), lambda: {"year": year}))


# Routes asked otherwise than by a plain GET (or POST) of their URL; one way may serve several routes.
ASKED = {"surveys:import_upload": _survey_import, "surveys:import_errors": _survey_import,
         "surveys:import_retry": _survey_import,  # runs the same import again: the same error report
         "surveys:tokens": _tokens, "annual:import": _annual_import, "privacy:export": _privacy_export,
         "annual:evidence_register_zip": _evidence_zip}


# --- reading the files ------------------------------------------------------------------------------

def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _csv_cells(text: str) -> list[tuple[str, bool]]:
    """(cell, whether a spreadsheet would run it) for each cell of a CSV."""
    return [(cell, cell.startswith(safe_csv.TRIGGERS) and not _number(cell))
            for row in stdlib_csv.reader(io.StringIO(text, newline="")) for cell in row]


def _cells(content: bytes) -> list[tuple[str, bool]]:
    """Every text cell of a downloaded file: a CSV, each CSV of a ZIP, or each sheet of a workbook
    (where text stays text and only a cell of type "f" runs)."""
    if not content.startswith(b"PK"):
        assert content.startswith(safe_csv.BOM.encode()), "a CSV not written by core/csv (no BOM)"
        return _csv_cells(content.decode("utf-8-sig"))
    archive = zipfile.ZipFile(io.BytesIO(content))
    if "xl/workbook.xml" not in archive.namelist():
        return [cell for name in archive.namelist() if name.endswith(".csv")
                for cell in _csv_cells(archive.read(name).decode("utf-8-sig"))]
    return [(str(cell.value), cell.data_type == "f") for sheet in load_workbook(io.BytesIO(content))
            for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


def _carries_a_payload(cell: str) -> bool:
    """Formula-like text, as core/csv quotes it (or as a workbook keeps it, as text)."""
    return cell.lstrip("'").startswith(safe_csv.TRIGGERS) and not _number(cell)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_csv_route_quotes_formula_like_text_and_keeps_numbers(hostile_world):
    visitor, files, asked = Visitor(), {}, {}
    for name, route in csv_routes().items():
        way = ASKED.get(name)
        if way is None:
            url = fill(route, hostile_world)
            assert url is not None, f"{name}: name its parameters in world.ARGS or say how to ask it in ASKED"
            files[name] = visitor.download(visitor.ask("get", url))
        else:
            if way not in asked:
                asked[way] = way(hostile_world, visitor)
            files[name] = asked[way]
    runs, untouched, negatives = {}, [], []
    for name, content in files.items():
        cells = _cells(content)
        assert len(cells) > 1, f"{name}: an empty file"
        if any(run for _cell, run in cells):
            runs[name] = [cell for cell, run in cells if run][:3]
        if name not in NO_TYPED_TEXT and not any(_carries_a_payload(cell) for cell, _run in cells):
            untouched.append(name)
        negatives += [cell for cell, _run in cells if cell.startswith("-") and _number(cell)]
    assert runs == {}
    assert untouched == [], "no formula-like text reached these exports: the world misses what they show"
    assert negatives, "a negative number (the measured -5) is written as a number"
