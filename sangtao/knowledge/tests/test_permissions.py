"""Who sees which case and lesson, on the pages, the OECD exports and in the API: every role against
every visibility.

Decided (rules.py): public cases for everyone; internal cases for the staff of any unit and DoST;
cases being written for their unit's staff (and DoST once submitted); lessons for staff and DoST.
"""

from conftest import ApiClient, client_for
from sangtao.core.workflow import apply_move
from sangtao.knowledge import services
from sangtao.knowledge.models import Lesson
from sangtao.knowledge.tests.conftest import SECTION_TEXT

STAFF = {"dost", "officer", "leader", "other_unit_officer"}
EVERYONE = STAFF | {"expert", "solver", "outsider", "anonymous"}


def _case(officer, health, title, dost=None, publish=None):
    case = services.do_create_case(actor=officer, unit=health, title=title)
    case = services.do_update_case(case, actor=officer, data={**SECTION_TEXT, "stage": "implementing"})
    if dost is not None:
        case = services.do_submit_case(case, actor=officer)
        if publish is not None:
            case = services.do_publish_case(case, actor=dost, public=publish)
    return case


def test_cases_and_lessons_are_seen_by_exactly_the_roles_the_rules_name(roles, officer, health, dost):
    cases = {
        "public": (_case(officer, health, "Công khai", dost, publish=True), EVERYONE),
        "internal": (_case(officer, health, "Nội bộ", dost, publish=False), STAFF),
        "draft": (_case(officer, health, "Bản nháp"), {"officer", "leader"}),
        "submitted": (_case(officer, health, "Đã gửi", dost), {"officer", "leader", "dost"}),
    }
    lesson = Lesson.objects.create(subject_kind="case", case=cases["public"][0], unit=health, title="Bài học",
                                   expected="a", actual="b", went_well="c", to_change="d")
    apply_move(lesson, "answer", actor=officer)
    seen = {}
    for role, user in roles.items():
        client, api = client_for(user), ApiClient(user)
        for name, (case, _who) in cases.items():
            page = client.get(f"/cases/{case.pk}/").status_code
            answer = api.get(f"/cases/{case.pk}").status_code
            assert page == answer, f"{role} {name}: page {page}, API {answer}"
            kinds = ("json", "pdf") if name == "draft" else ("json",)  # a document is costly: one case
            exports = [client.get(f"/cases/{case.pk}/oecd.{kind}").status_code for kind in kinds]
            assert exports == [page] * len(kinds), f"{role} {name}: page {page}, OECD exports {exports}"
            seen[(role, name)] = page == 200
        listed = {c["title"] for c in api.get("/cases").json()["results"]}
        assert listed == {case.title for name, (case, who) in cases.items() if role in who}, role
        lesson_page = client.get(f"/knowledge/lessons/{lesson.pk}/").status_code
        lesson_api = api.get(f"/lessons/{lesson.pk}").status_code
        seen[(role, "lesson")] = lesson_page == 200
        assert (lesson_api == 200) == (lesson_page == 200), role
        assert api.get("/lessons").json()["count"] == (1 if role in STAFF else 0), role
    expected = {(role, name): role in who for role in roles for name, (_c, who) in cases.items()}
    expected |= {(role, "lesson"): role in STAFF for role in roles}
    assert seen == expected
    # Internal and unpublished cases are in no public file.
    public_files = client_for(None).get("/open-data/cases.json").content.decode() + \
        client_for(None).get("/cases/feed.atom").content.decode()
    assert "Công khai" in public_files and not any(t in public_files for t in ("Nội bộ", "Bản nháp", "Đã gửi"))
