"""The pages and the API of initiatives: who sees what, the register by answer date in a fixed number
of queries, and the public register, open data, feed and person page without any confidential part."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from sangtao.initiatives import services
from sangtao.initiatives.models import DeploymentKind, EmulationTitle, Initiative
from sangtao.initiatives.tests.conftest import initiative_data, seat_council, vote_all

pytestmark = pytest.mark.django_db
SECRET = "BÍ-MẬT-ĐỪNG-CÔNG-BỐ"


def test_an_application_is_seen_by_its_authors_unit_and_dost_only(roles, draft, officer, leader):
    assert client_for(officer).get(draft.get_absolute_url()).status_code == 200
    assert client_for(leader).get(draft.get_absolute_url()).status_code == 404  # a draft is the authors' own
    received = services.submit(draft, officer)
    for role in ("officer", "leader", "dost"):
        response = client_for(roles[role]).get(received.get_absolute_url())
        assert response.status_code == 200 and SECRET in response.content.decode()
    for role in ("other_unit_officer", "expert", "solver", "outsider"):
        assert client_for(roles[role]).get(received.get_absolute_url()).status_code == 404
        assert client_for(roles[role]).get(f"/initiatives/{received.pk}/receipt.pdf").status_code == 404


def test_the_register_orders_open_applications_by_answer_date_in_a_fixed_number_of_queries(officer, leader, health):
    def load():
        with CaptureQueriesContext(connection) as queries:
            response = client_for(leader).get("/initiatives/")
        assert response.status_code == 200
        return response, len(queries)

    for n in range(2):
        services.submit(services.create_draft(officer, initiative_data(health, officer, title=f"Sáng kiến {n}")),
                        officer)
    _response, few = load()
    for n in range(2, 12):
        services.submit(services.create_draft(officer, initiative_data(health, officer, title=f"Sáng kiến {n}")),
                        officer)
    Initiative.objects.filter(title="Sáng kiến 5").update(answer_due_on="2020-01-01")
    response, many = load()
    assert few == many
    page = response.content.decode()
    assert page.index("Sáng kiến 5") < page.index("Sáng kiến 0")  # the overdue one comes first
    assert 'quá hạn' in page


def test_the_public_register_open_data_feed_and_person_page_show_no_confidential_part(received, leader, panel,
                                                                                      officer, api_client):
    anonymous = client_for(None)
    assert anonymous.get("/initiatives/register/").content.decode().count(received.title) == 0
    council = services.form_council(received, leader)
    from sangtao.initiatives.tests.conftest import seat_council

    vote_all(seat_council(council, leader, panel), panel, in_favour=4)
    services.decide(council, leader)
    pages = {url: anonymous.get(url) for url in (
        "/initiatives/register/", f"/initiatives/register/{received.pk}/", f"/initiatives/people/{officer.pk}/",
        "/open-data/initiatives.json", "/initiatives/feed.atom")}
    pages["csv"] = anonymous.get("/open-data/initiatives.csv")
    for url, response in pages.items():
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        assert response.status_code == 200, url
        assert received.title in text and SECRET not in text and "Người bệnh lấy số thủ công" not in text, url
    data = json.loads(pages["/open-data/initiatives.json"].content)
    assert data["initiatives"][0]["authors"] == "Nguyễn Thị Hồng (60%)|Trần Văn Bình (40%)"
    public = api_client().get("/public/initiatives?q=phan luong")
    assert public.json()["count"] == 1 and SECRET not in public.content.decode()
    Initiative.objects.filter(pk=received.pk).update(publish=False)  # the unit withdraws it from the register
    assert anonymous.get(f"/initiatives/register/{received.pk}/").status_code == 404
    assert anonymous.get(f"/initiatives/people/{officer.pk}/").status_code == 404


def test_the_api_creates_submits_and_suggests_similar_initiatives(officer, health, api_client):
    client = api_client(officer)
    payload = {"unit_id": health.pk, "title": "Tra cứu kết quả xét nghiệm bằng mã QR", "kind": "technical",
               "description": "Người bệnh tra cứu kết quả xét nghiệm bằng mã QR in trên phiếu.",
               "novelty": "Không phải chờ tại quầy trả kết quả.", "first_applied_on": "2026-09-01",
               "authors": [{"name": "Nguyễn Thị Hồng", "email": officer.email, "share": "70"},
                           {"name": "Lê Thị Lan", "share": "30"}],
               "deployments": [{"unit_id": health.pk, "kind": "trial"}]}
    created = client.post("/initiatives", payload)
    assert created.status_code == 201, created.content
    bad = client.post("/initiatives", {**payload, "authors": [{"name": "A", "share": "70"}]})
    assert bad.status_code == 422 and bad.json()["field"] == "authors"
    submitted = client.post(f"/initiatives/{created.json()['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["register_number"].startswith("01/")
    twin = client.post("/initiatives", {**payload, "title": "Tra cuu ket qua xet nghiem qua ma QR"})
    similar = client.get(f"/initiatives/{twin.json()['id']}/similar").json()
    assert [m["id"] for m in similar["same_unit"]] == [created.json()["id"]]
    assert api_client(None).get(f"/initiatives/{created.json()['id']}").status_code == 404


def test_members_vote_through_the_api(voting, panel, api_client, officer):
    response = api_client(panel[0]).post(f"/initiative-councils/{voting.pk}/votes", {"in_favour": True})
    assert response.status_code == 201 and response.json()["votes"] == 1
    assert api_client(panel[0]).post(f"/initiative-councils/{voting.pk}/votes",
                                     {"in_favour": True}).status_code == 422
    assert api_client(officer).post(f"/initiative-councils/{voting.pk}/votes",
                                    {"in_favour": True}).status_code in (403, 404)


def test_a_reason_too_long_refuses_the_move_instead_of_making_it_without_one(received, leader):
    from sangtao.initiatives.models import InitiativeStatus

    page = client_for(leader).post(f"/initiatives/{received.pk}/do/return/", {"reason": "ý" * 4001}, follow=True)
    received.refresh_from_db()
    assert received.status == InitiativeStatus.RECEIVED and "4001" in page.content.decode()


def test_submitting_asks_first_and_registers_only_once_confirmed(draft, officer):
    from sangtao.initiatives.models import InitiativeStatus

    client = client_for(officer)
    asked = client.post(f"/initiatives/{draft.pk}/do/submit/").content.decode()
    assert f"Nộp sáng kiến «{draft.title}» để xét công nhận?" in asked and 'class="primary" id="confirm-action"' in asked
    assert Initiative.objects.get(pk=draft.pk).status == InitiativeStatus.DRAFT
    page = client.post(f"/initiatives/{draft.pk}/do/submit/", {"confirmed": "1"}, follow=True).content.decode()
    assert "Số vào sổ" in page and Initiative.objects.get(pk=draft.pk).status == InitiativeStatus.RECEIVED
    assert "đơn vị trả lời chậm nhất ngày" in page  # the answer day is still on time, as the register counts it


def test_a_member_from_outside_the_unit_sees_how_many_sit_on_the_council_not_only_their_own_seat(
        received, leader, panel, expert):
    council = seat_council(services.form_council(received, leader), leader, [*panel[:4], expert])
    vote_all(council, [expert, *panel[:2]], in_favour=3)
    page = client_for(expert).get("/initiatives/councils/").content.decode()
    row = page.split(f'href="{council.get_absolute_url()}"')[1].split("</tr>")[0]
    assert re.findall(r'<td class="num"[^>]*>(\d+)</td>', row) == ["5", "3"]


def test_emulation_titles_and_external_indicators_are_named_in_the_readers_language():
    from django.utils import translation

    from sangtao.annual.models import ExternalIndicator

    title = EmulationTitle.objects.get(code="cstd-co-so")
    indicator = ExternalIndicator.objects.exclude(name_en="").first()
    with translation.override("en"):
        assert str(title) == title.name_en and title.name_en != title.name
        assert str(indicator).endswith(indicator.name_en)
        assert str(DeploymentKind.APPLIED.label) == "Applied"  # not the button's "Apply"
    with translation.override("vi"):
        assert str(title) == title.name and str(indicator).endswith(indicator.name)


def test_the_page_gives_the_authors_minimum_remuneration_from_the_yearly_benefit_and_the_rules(draft, officer):
    from sangtao.initiatives.models import InitiativeRules

    page = client_for(officer).get(draft.get_absolute_url()).content.decode()  # 120.000.000 đ a year, 7 %
    assert "Thù lao tác giả tối thiểu" in page and "8.400.000 đ/năm trong 3 năm áp dụng đầu tiên (7% lợi ích" in page
    InitiativeRules.objects.filter(is_default=True).update(remuneration_percent="7.5", remuneration_years=4)
    page = client_for(officer).get("/en" + draft.get_absolute_url()).content.decode()
    assert "VND 9,000,000 a year for the first 4 years of use (7.5% of the yearly benefit" in page
    Initiative.objects.filter(pk=draft.pk).update(benefit_vnd=None)
    assert "Thù lao tác giả tối thiểu" not in client_for(officer).get(draft.get_absolute_url()).content.decode()


def test_ones_own_applications_come_in_pages(officer, health, settings):
    settings.PAGE_SIZE = 3
    for number in range(4):
        services.create_draft(officer, initiative_data(health, officer, title=f"Sáng kiến số {number}"))
    client = client_for(officer)
    first, second = (client.get(f"/initiatives/mine/?page={n}").content.decode() for n in (1, 2))
    assert "Trang 1 / 2" in first and first.count("Sáng kiến số") == 3 and second.count("Sáng kiến số") == 1
