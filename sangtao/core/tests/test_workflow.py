"""The move machinery finds every workflow's table, even in a process that has not imported it yet."""

import sys

from sangtao.core import workflow
from sangtao.review.models import Council


def test_a_workflow_table_is_loaded_on_first_use(monkeypatch):
    # As in a worker that recorded a decision without importing review's pages: no council table yet.
    monkeypatch.setattr(workflow, "REGISTRY", {})
    monkeypatch.delitem(sys.modules, "sangtao.review.workflow", raising=False)
    imported_before = set(sys.modules)
    try:
        flow = workflow.workflow_of(Council())
        assert flow.name == "council" and set(flow.moves) == {"release", "decide"}
    finally:  # tables first loaded here went into the throw-away registry: load them again when next used
        for name in set(sys.modules) - imported_before:
            if name.endswith(".workflow"):
                del sys.modules[name]


def test_every_registered_workflow_has_a_role_by_state_matrix_test():
    """Each test module declares with conftest.move_table_test the who-may-move map it checks with
    assert_move_matrix; a workflow added without such a test fails here."""
    from importlib import import_module
    from pathlib import Path

    from django.apps import apps

    from conftest import MATRIX_TESTS

    for app in apps.get_app_configs():
        if app.name.startswith("sangtao.") and (Path(app.path) / "workflow.py").exists():
            import_module(f"{app.name}.workflow")
    root = Path(__file__).resolve().parents[3]
    for path in sorted(root.glob("sangtao/*/tests/test_*.py")):
        if "move_table_test(" in path.read_text(encoding="utf-8"):
            import_module(".".join(path.relative_to(root).with_suffix("").parts))
    registered = {flow.name: flow for flow in workflow.REGISTRY.values()}
    assert len(registered) >= 21
    assert sorted(set(registered) - set(MATRIX_TESTS)) == [], "workflows without a matrix test"
    for name, (module, allowed) in MATRIX_TESTS.items():
        assert set(allowed) == set(registered[name].moves), f"{module} names who may make every move of {name}"
        assert "assert_move_matrix(" in Path(sys.modules[module].__file__).read_text(encoding="utf-8"), module


def test_a_reason_longer_than_the_api_takes_is_refused_for_every_move_whichever_page_sent_it(make_challenge, officer):
    import pytest

    from sangtao.challenges.models import Status
    from sangtao.core.errors import InvalidInput

    challenge = make_challenge(Status.DRAFT)
    moves = challenge.transitions.count()
    with pytest.raises(InvalidInput) as refused:
        workflow.apply_move(challenge, "submit", actor=officer, reason="ý" * (workflow.REASON_MAX + 1))
    assert str(refused.value.message) == "Lý do dài quá: tối đa 4000 ký tự."
    challenge.refresh_from_db()
    assert challenge.status == Status.DRAFT and challenge.transitions.count() == moves
