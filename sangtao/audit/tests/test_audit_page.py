"""The audit log speaks the reader's language (actions named, not coded), records the client's
address as the rate limit reads it behind a trusted proxy, and fits a phone without sideways scrolling."""

import ast
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

from conftest import CHROMEDRIVER, CHROMIUM, PASSWORD, client_for, set_viewport
from sangtao.audit.labels import ACTION_LABELS, OBJECT_LABELS, _moves, action_label
from sangtao.core.audit import record
from sangtao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_logins_record_the_client_behind_a_trusted_proxy_not_the_proxy(officer, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    def proxied():
        return Client(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.9, 10.0.0.5")

    assert proxied().post("/accounts/login/", {"username": "officer", "password": PASSWORD}).status_code == 302
    proxied().post("/accounts/login/", {"username": "officer", "password": "sai"})
    # A client that is not a trusted proxy cannot choose its address with the header.
    Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.1").post(
        "/accounts/login/", {"username": "officer", "password": "sai"})
    assert [event.data["ip"] for event in AuditEvent.objects.filter(action__startswith="login").order_by("pk")] == [
        "198.51.100.9", "198.51.100.9", "203.0.113.7"]


def test_the_log_names_actions_in_the_readers_language(dost, officer, health, make_challenge):
    record(officer, "unit_updated", health, name="Sở Y tế")
    make_challenge("unit_review")  # a workflow move: named from its table
    page = client_for(dost).get("/audit/").content.decode()
    assert ">Sửa đơn vị</a>" in page and 'title="unit_updated"' in page and ">unit_updated<" not in page
    moves = [code for code in AuditEvent.objects.values_list("action", flat=True) if code != "unit_updated"]
    for code in moves:
        assert action_label(code) != code and f">{action_label(code)}</a>" in page
    english = client_for(dost).get("/en/audit/").content.decode()
    assert ">Edit a unit</a>" in english
    assert action_label("something_new") == "something_new"
    assert len(ACTION_LABELS) >= 50


def test_the_log_names_object_types_in_the_readers_language(dost, officer, health, make_challenge):
    record(officer, "unit_updated", health, name="Sở Y tế")
    challenge = make_challenge("unit_review")
    page = client_for(dost).get("/audit/").content.decode()
    assert f">Đơn vị #{health.pk}</a>" in page and f">Bài toán #{challenge.pk}</a>" in page
    assert "orgs.orgunit #" not in page and "challenges.challenge #" not in page
    english = client_for(dost).get("/en/audit/").content.decode()
    assert f">Unit #{health.pk}</a>" in english and f">Challenge #{challenge.pk}</a>" in english
    assert all(apps.get_model(code) for code in OBJECT_LABELS)  # each names a model that is


def _given_action(node: ast.Call) -> ast.expr | None:
    """The action code a call writes: record()'s second argument, or the action= of an AuditEvent made
    directly (AuditEvent(...), AuditEvent.objects.create(...))."""
    if getattr(node.func, "id", getattr(node.func, "attr", None)) == "record" and len(node.args) >= 2:
        return node.args[1]
    if ast.unparse(node.func).startswith("AuditEvent"):
        return next((keyword.value for keyword in node.keywords if keyword.arg == "action"), None)
    return None


def _recorded_codes() -> dict[str, str]:
    """Every action code the application's code writes as a literal (or either branch of a conditional),
    with where; the moves' codes are built from their tables."""
    codes = {}
    for path in Path("sangtao").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named = {}  # the module's constants, NAME = "code" or A, B = ..., "code"
        for node in tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    pairs = (zip(target.elts, node.value.elts, strict=False) if isinstance(target, ast.Tuple)
                             and isinstance(node.value, ast.Tuple) else [(target, node.value)])
                    named |= {name.id: value.value for name, value in pairs if isinstance(name, ast.Name)
                              and isinstance(value, ast.Constant) and isinstance(value.value, str)}
        for node in ast.walk(tree):
            given = _given_action(node) if isinstance(node, ast.Call) else None
            for value in (given.body, given.orelse) if isinstance(given, ast.IfExp) else (given,):
                if isinstance(value, ast.Name) and value.id in named:
                    codes[named[value.id]] = f"{path}:{node.lineno}"
                elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                    codes[value.value] = f"{path}:{node.lineno}"
    return codes


def test_every_action_the_code_records_is_named_in_vietnamese_and_english():
    codes = _recorded_codes()
    assert {"login", "login_failed", "audit_chain_broken", "case.created", "resource.added"} <= set(codes)
    named = set(ACTION_LABELS) | set(_moves())
    assert {code: where for code, where in codes.items() if code not in named} == {}
    def words(code: str, language: str) -> str:
        with translation.override(language):
            return action_label(code)

    assert {code: words(code, "vi") for code in codes if words(code, "en") == words(code, "vi")} == {}


@pytest.mark.django_db
def test_the_first_row_of_a_challenge_or_proposal_is_named_as_their_creation(make_challenge, solver, solver_org):
    from conftest import proposal_data
    from sangtao.audit.trail import logged_workflows
    from sangtao.challenges.models import Status
    from sangtao.proposals.services import start_proposal

    challenge = make_challenge(Status.PUBLISHED)
    start_proposal(challenge, solver, solver_org, proposal_data(challenge))
    recorded = {f"{flow.name}.{move}" for flow in logged_workflows() if flow.records_creation
                for move in flow.transitions._base_manager.values_list("move", flat=True)}
    assert {"challenge.create", "proposal.create"} <= recorded
    with translation.override("en"):
        assert [action_label(code) for code in ("challenge.create", "proposal.create")] == [
            "Challenge: Created", "Proposal: Created"]
    with translation.override("vi"):
        assert action_label("challenge.create") == "Bài toán: Tạo mới"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("REQUIRE_BROWSER"),
                    reason="chromium and chromedriver are not installed")
def test_the_log_has_no_sideways_scrolling_on_a_phone(live_server, browser, dost, officer, health):
    from conftest import log_in

    for n in range(3):
        record(officer, "unit_updated", health, name="Sở Y tế " * 8, hash_of_a_file="f" * 64, note=n)
    log_in(browser, live_server.url, "dost")
    set_viewport(browser, 390, 844)
    browser.get(live_server.url + "/audit/")
    assert "Sửa đơn vị" in browser.page_source
    if folder := os.environ.get("SCREENSHOTS"):  # looked at: one block per event, labels in bold
        browser.execute_script("document.querySelector('table.stacked').scrollIntoView()")
        browser.save_screenshot(os.path.join(folder, "audit-390.png"))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390


def test_a_long_detail_is_shortened_on_the_page_and_kept_whole_in_the_csv(dost):
    """The daily chain check names the last row of every chain that grew: a row thousands of pixels tall."""
    from sangtao.audit.jobs import VERIFIED

    AuditEvent.objects.create(action=VERIFIED, object_type="core.auditevent", object_id="",
                              data={"heads": {f"chain-{n}": "f" * 64 for n in range(200)}})
    page = client_for(dost).get("/audit/").content.decode()
    assert page.count("f" * 64) <= 4 and "…" in page
    assert '<a href="?object_type=core.auditevent">Nhật ký kiểm toán</a>' in page  # no "#" before a missing id
    csv = b"".join(client_for(dost).get("/audit/export.csv").streaming_content).decode("utf-8-sig")
    assert csv.count("f" * 64) == 200
