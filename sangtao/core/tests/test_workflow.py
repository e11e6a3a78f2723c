"""The move machinery finds every workflow's table, even in a process that has not imported it yet."""

import sys

from sangtao.core import workflow
from sangtao.review.models import Council


def test_a_workflow_table_is_loaded_on_first_use(monkeypatch):
    # As in a worker that recorded a decision without importing review's pages: no council table yet.
    monkeypatch.setattr(workflow, "REGISTRY", {})
    monkeypatch.delitem(sys.modules, "sangtao.review.workflow", raising=False)
    flow = workflow.workflow_of(Council())
    assert flow.name == "council" and set(flow.moves) == {"release", "decide"}
