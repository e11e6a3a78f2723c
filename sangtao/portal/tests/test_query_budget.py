"""Every page asks the database the same number of times however much data it shows.

The pages are discovered from the URL conf (site, admin and API alike) and fetched as every
standard role, once in a world of size 1 and once in a world of size 3: three times the
challenges, proposals in one council, scoresheets, projects and their reports, councils,
experts, surveys, questions, measurements, units, users and follows (see world.py). A page
whose query count grows with the data (one query per row) fails, named with the role and
both counts.

A page is fetched when every parameter of its route names an object of the world (ARGS);
the rest show one object's leaf that does not grow with the data, or take only POST, and are
listed in NOT_CRAWLED with the reason, so that a new page must be put in one or the other.

The crawl of size 1 fetches the pages under /en/ and also checks that they are English, with no
link to a 404 (sangtao/core/tests/test_english.py): walking every page as every role is the
slowest thing the suite does, so it is done once for both.
"""

import pytest
from django.db import transaction

from sangtao.core.tests.test_english import EnglishPages
from sangtao.portal.tests.world import ARGS, NOT_CRAWLED, build_world, crawl, fill, routes

USERNAMES = {"dost": "dost", "officer": "officer", "leader": "leader", "solver": "solver", "expert": "expert",
             "citizen": "citizen"}


def test_every_page_is_crawled_or_says_why_not():
    world = dict.fromkeys(set(ARGS.values()), 1)
    unfilled = {name for route, name in routes() if fill(route, world) is None}
    assert unfilled == set(NOT_CRAWLED)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_is_english_under_en_and_asks_no_more_queries_as_the_data_grows(roles, field, ward, settings):
    settings.LANGUAGE_CODE = "vi"
    role_names = [user.username if user else None for user in roles.values()]
    with transaction.atomic():
        world = build_world(1, USERNAMES, field, ward)
        english = EnglishPages()
        small = crawl(world, role_names, language="en", inspect=english)
        english.check_links()
        transaction.set_rollback(True)
    assert english.found == {}, english.report()
    shown = {key: queries for key, (status, queries) in small.items() if status == 200}
    assert len({page for page, _role in shown}) > 80, "the crawl reached too few pages"
    with transaction.atomic():
        large = crawl(build_world(3, USERNAMES, field, ward), role_names, only=shown, language="en")
        transaction.set_rollback(True)
    assert {key: status for key, (status, _queries) in large.items()} == dict.fromkeys(shown, 200)
    grows = {f"{page} as {role}": f"{queries} -> {large[(page, role)][1]} queries"
             for (page, role), queries in shown.items() if large[(page, role)][1] > queries}
    assert grows == {}


def test_openapi_schema_is_built_once_per_process(monkeypatch):
    from django.test import Client
    from ninja import NinjaAPI

    from sangtao.api import api

    built = []
    build = NinjaAPI.get_openapi_schema
    monkeypatch.setattr(NinjaAPI, "get_openapi_schema", lambda self, **kw: built.append(kw) or build(self, **kw))
    monkeypatch.setattr(api, "_schemas", {})
    first = Client().get("/api/v1/openapi.json")
    second = Client().get("/api/v1/openapi.json")
    assert first.status_code == 200 and first.content == second.content
    assert len(built) == 1
