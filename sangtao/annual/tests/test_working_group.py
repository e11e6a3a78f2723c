"""A unit's working group for public-sector innovation (brief §8, HCMC's plan 2701): the unit's staff
declare it with its founding decision and members, DoST follows which units have one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from sangtao.annual import services
from sangtao.annual.models import PlanStatus, WorkingGroup
from sangtao.core.errors import InvalidInput
from sangtao.core.models import AuditEvent


def _post(client, unit, decision="05/QĐ-UBND", decided_on="10/01/2026", members=(("Lê Văn Tám", "Phó Chủ tịch", "lead"),)):
    data = {"decision_number": decision, "decided_on": decided_on, "tasks": "Đề xuất nhiệm vụ đổi mới sáng tạo",
            "member-TOTAL_FORMS": str(len(members) + 1), "member-INITIAL_FORMS": "0"}
    for i, (name, title, role) in enumerate(members):
        data.update({f"member-{i}-full_name": name, f"member-{i}-job_title": title, f"member-{i}-role": role})
    data[f"member-{len(members)}-role"] = "member"  # a blank row, left as the page gives it
    return client.post(reverse("annual:working_group_edit", args=[unit.pk]), data)


def test_the_ward_declares_its_group_and_dost_sees_it_on_the_plan_and_in_the_rollup(ward, plan_roles, make_plan):
    plan = make_plan(PlanStatus.CONSOLIDATED)
    dost = client_for(plan_roles["dost"])
    rollup = dost.get("/annual/rollup/?year=2026").content.decode()
    assert "0/" in rollup.split("đã khai báo tổ công tác")[0].rsplit("<p>", 1)[1]
    assert "Chưa khai báo tổ công tác đổi mới sáng tạo" in dost.get(plan.get_absolute_url()).content.decode()

    response = _post(client_for(plan_roles["officer"]), ward, members=(
        ("Lê Văn Tám", "Phó Chủ tịch UBND phường", "lead"), ("Ngô Thị Hoa", "Công chức Văn phòng", "secretary")))
    assert response.status_code == 302 and response.url == reverse("annual:working_group", args=[ward.pk])
    group = WorkingGroup.objects.get(unit=ward)
    assert [(m.full_name, m.role) for m in group.members.all()] == [("Lê Văn Tám", "lead"), ("Ngô Thị Hoa", "secretary")]
    page = dost.get(reverse("annual:working_group", args=[ward.pk])).content.decode()
    assert "05/QĐ-UBND" in page and "Ngô Thị Hoa" in page and "Thư ký" in page
    assert "quyết định số 05/QĐ-UBND, 2 thành viên" in dost.get(plan.get_absolute_url()).content.decode()
    rollup = dost.get("/annual/rollup/?year=2026").content.decode()
    assert "1/" in rollup.split("đã khai báo tổ công tác")[0].rsplit("<p>", 1)[1]
    assert reverse("annual:working_group", args=[ward.pk]) in rollup


def test_a_new_composition_replaces_the_members_and_the_audit_log_keeps_each(ward, plan_roles):
    client = client_for(plan_roles["officer"])
    _post(client, ward)
    _post(client_for(plan_roles["leader"]), ward, decision="09/QĐ-UBND", members=(("Trần Minh", "Chủ tịch", "lead"),))
    group = WorkingGroup.objects.get(unit=ward)
    assert group.decision_number == "09/QĐ-UBND" and [m.full_name for m in group.members.all()] == ["Trần Minh"]
    saved = AuditEvent.objects.filter(action="annual_working_group.saved", object_id=str(group.pk)).order_by("id")
    assert [event.data["members"][0][0] for event in saved] == ["Lê Văn Tám", "Trần Minh"]
    assert [event.actor for event in saved] == [plan_roles["officer"], plan_roles["leader"]]


def test_a_group_without_a_leader_or_decided_in_the_future_is_refused_and_nothing_saved(ward, plan_roles):
    client = client_for(plan_roles["officer"])
    no_leader = _post(client, ward, members=(("Lê Văn Tám", "Phó Chủ tịch", "member"),))
    assert no_leader.status_code == 200 and "Tổ cần có đúng một tổ trưởng." in no_leader.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert "Ngày quyết định không thể sau hôm nay." in _post(client, ward, decided_on=future).content.decode()
    assert not WorkingGroup.objects.exists()
    with pytest.raises(InvalidInput):
        services.save_working_group(ward, plan_roles["officer"], "01", datetime.date(2026, 1, 1), "",
                                    [{"full_name": "A", "role": "chair-of-everything"}, {"full_name": "B", "role": "lead"}])


@pytest.mark.parametrize("role", ["dost", "officer", "leader", "other_unit_officer", "expert", "outsider", "anonymous"])
def test_every_role_reads_and_keeps_exactly_the_groups_the_rules_give_it(role, ward, plan_roles):
    services.save_working_group(ward, plan_roles["officer"], "05/QĐ-UBND", datetime.date(2026, 1, 10), "",
                                [{"full_name": "Lê Văn Tám", "role": "lead"}])
    client = client_for(plan_roles[role])
    reads, keeps = role in {"dost", "officer", "leader"}, role in {"officer", "leader"}
    expected = {True: 200, False: 302 if role == "anonymous" else 404}
    assert client.get(reverse("annual:working_group", args=[ward.pk])).status_code == expected[reads]
    assert client.get(reverse("annual:working_group_edit", args=[ward.pk])).status_code == expected[keeps]
    _post(client, ward, decision="99/QĐ")
    assert (WorkingGroup.objects.get().decision_number == "99/QĐ") == keeps


def test_the_officers_home_asks_for_the_group_until_it_is_declared(ward, plan_roles):
    from sangtao.core.workitems import work_for

    def asked():
        return [item for item in work_for(plan_roles["officer"]) if item.kind == "annual.working_group"]

    [item] = asked()
    assert item.count == 1 and item.url == reverse("annual:working_group", args=[ward.pk])
    _post(client_for(plan_roles["officer"]), ward)
    assert asked() == []  # nothing left to do: not shown


def test_two_leaders_too_many_rows_or_a_row_without_a_name_are_refused(ward, plan_roles):
    from sangtao.annual.forms import GROUP_MAX

    client = client_for(plan_roles["officer"])
    two = _post(client, ward, members=(("Lê Văn Tám", "", "lead"), ("Ngô Thị Hoa", "", "lead")))
    assert "Tổ cần có đúng một tổ trưởng." in two.content.decode()
    crowd = _post(client, ward, members=[(f"Người {i}", "", "lead" if i == 0 else "member") for i in range(GROUP_MAX + 5)])
    assert crowd.status_code == 200 and 'data-form-error="true"' in crowd.content.decode()
    nameless = _post(client, ward, members=(("Lê Văn Tám", "", "lead"), ("", "Công chức Văn phòng", "member")))
    assert "Cần nhập họ và tên." in nameless.content.decode()
    assert not WorkingGroup.objects.exists()


def test_dost_lists_only_the_units_still_without_a_group(ward, health, plan_roles):
    _post(client_for(plan_roles["officer"]), ward)
    page = client_for(plan_roles["dost"]).get("/annual/rollup/", {"nogroup": "1"}).content.decode()
    units = page.split('id="units"')[1]
    assert health.name in units and ward.name not in units


def test_the_api_reads_and_replaces_the_group_whole_for_whom_the_pages_let(ward, plan_roles, api_client):
    address = f"/annual/working-groups/{ward.pk}"
    assert api_client(plan_roles["dost"]).get(address).json()["declared"] is False
    body = {"decision_number": "05/QĐ-UBND", "decided_on": "2026-01-10", "tasks": "Tham mưu kế hoạch ĐMST",
            "members": [{"full_name": "Lê Văn Tám", "job_title": "Phó Chủ tịch UBND phường", "role": "lead"},
                        {"full_name": "Ngô Thị Hoa", "role": "secretary"}]}
    saved = api_client(plan_roles["officer"]).put(address, body)
    assert saved.status_code == 200, saved.content
    assert [(m["full_name"], m["role"]) for m in saved.json()["members"]] == [("Lê Văn Tám", "lead"),
                                                                            ("Ngô Thị Hoa", "secretary")]
    read = api_client(plan_roles["dost"]).get(address).json()
    assert read["declared"] and read["decision_number"] == "05/QĐ-UBND" and read["decided_on"] == "2026-01-10"
    group = WorkingGroup.objects.get(unit=ward)
    assert AuditEvent.objects.get(action="annual_working_group.saved", object_id=str(group.pk)).data["members"][1] == [
        "Ngô Thị Hoa", "", "secretary"]

    two_leads = {**body, "members": [{"full_name": "A", "role": "lead"}, {"full_name": "B", "role": "lead"}]}
    refused = api_client(plan_roles["leader"]).put(address, two_leads)
    assert refused.status_code == 422 and refused.json()["field"] == "members"
    blank_name = {**body, "members": [{"full_name": "  ", "role": "lead"}, {"full_name": "B"}]}
    refused = api_client(plan_roles["leader"]).put(address, blank_name)
    assert refused.status_code == 422 and "full_name" in refused.json()["field"]  # not "no lead"
    too_long = api_client(plan_roles["leader"]).put(address, {**body, "tasks": "x" * 4001})  # the page's limit
    assert too_long.status_code == 422 and too_long.json()["field"] == "tasks"
    assert api_client(plan_roles["dost"]).put(address, body).status_code == 403  # reads it, does not keep it
    for role in ("other_unit_officer", "expert", "outsider"):
        assert api_client(plan_roles[role]).get(address).status_code == 404
        assert api_client(plan_roles[role]).put(address, body).status_code == 404
    assert api_client(None).get(address).status_code == 404
    assert [m.full_name for m in WorkingGroup.objects.get(unit=ward).members.all()] == ["Lê Văn Tám", "Ngô Thị Hoa"]
