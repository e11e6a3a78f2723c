import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from sangtao.core import workitems
from sangtao.core.workitems import WorkItem, provider, work_for


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(workitems, "_providers", {})


def test_work_for_lists_items_of_every_provider_overdue_first_then_by_due_date(registry, django_user_model):
    user = django_user_model(username="u")
    user.is_active = True
    soon = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    later = datetime.date(2026, 12, 20)

    @provider("a")
    def first(person):
        return [WorkItem("a.later", "Later", 1, "/a", due=later), WorkItem("a.none", "None", 0, "/x")]

    @provider("b")
    def second(person):
        assert person is user
        return [
            WorkItem("b.undated", "Undated", 3, "/b"),
            WorkItem("b.soon", "Soon", 2, "/c", due=soon),
            WorkItem("b.late", "Late", 1, "/d", due=later, overdue=True),
        ]

    kinds = [item.kind for item in work_for(user)]

    assert kinds == ["b.late", "b.soon", "a.later", "b.undated"]  # empty items are left out


def test_anonymous_visitors_have_no_work_and_no_provider_is_asked(registry):
    @provider("boom")
    def fails(person):
        raise AssertionError("asked for an anonymous visitor")

    assert work_for(AnonymousUser()) == []


def test_registering_a_name_again_replaces_the_provider(registry, django_user_model):
    user = django_user_model(username="u")
    provider("a")(lambda person: [WorkItem("a.old", "Old", 1, "/")])
    provider("a")(lambda person: [WorkItem("a.new", "New", 1, "/")])

    assert [item.kind for item in work_for(user)] == ["a.new"]
