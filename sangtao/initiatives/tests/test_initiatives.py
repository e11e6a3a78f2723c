"""Initiatives from application to recognition: the register, the rules as data, councils, documents."""

import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone
from pypdf import PdfReader

from conftest import client_for, make_user
from sangtao.core.errors import InvalidInput, NotAllowed
from sangtao.initiatives import papers, services
from sangtao.initiatives.models import EmulationTitle, Initiative, InitiativeRules, InitiativeStatus
from sangtao.initiatives.tests.conftest import initiative_data, seat_council, vote_all
from sangtao.notifications.models import Notification
from sangtao.orgs.models import Role

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> tuple[str, tuple[float, float]]:
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    return "\n".join(page.extract_text() for page in reader.pages), (round(float(box.width)), round(float(box.height)))


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert services.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert services.add_months(datetime.date(2026, 1, 15), 3) == datetime.date(2026, 4, 15)
    assert services.add_months(datetime.date(2026, 10, 31), 14) == datetime.date(2027, 12, 31)


def test_a_submission_enters_the_units_register_with_a_number_an_answer_date_and_a_receipt(received, officer, draft):
    today = timezone.localdate()
    assert received.status == InitiativeStatus.RECEIVED
    assert received.register_code == f"01/{today.year}"
    assert received.answer_due_on == services.add_months(today, 3)
    receipt = Notification.objects.get(recipient=officer, title__startswith="Giấy biên nhận")
    assert received.register_code in receipt.title
    second = services.create_draft(officer, initiative_data(received.unit, officer, title="Sổ tay điện tử"))
    assert services.submit(second, officer).register_number == 2
    text, size = _pdf_text(papers.receipt_pdf(received))
    assert size == (595, 842) and received.register_code in text and "GIẤY BIÊN NHẬN" in text


def test_the_answer_period_is_data(draft, officer):
    InitiativeRules.objects.filter(is_default=True).update(answer_within_months=2)
    moved = services.submit(draft, officer)
    assert moved.answer_due_on == services.add_months(timezone.localdate(), 2)


def test_authors_shares_must_add_up_to_a_hundred(officer, health):
    with pytest.raises(InvalidInput, match="100"):
        services.create_draft(officer, initiative_data(health, officer, authors=[
            {"user": officer, "share": 60}, {"name": "Trần Văn Bình", "share": 30}]))


def test_an_unapplied_initiative_cannot_be_submitted(officer, health):
    draft = services.create_draft(officer, initiative_data(health, officer, first_applied_on=None))
    with pytest.raises(InvalidInput, match="áp dụng"):
        services.submit(draft, officer)


def test_a_council_of_five_voting_four_to_one_recognises_with_numbered_decision_and_certificate(voting, panel, leader):
    vote_all(voting, panel, in_favour=4)
    council = services.decide(voting, leader)
    initiative = Initiative.objects.get(pk=council.initiative_id)
    assert council.recognised and (council.in_favour, council.members_counted) == (4, 5)
    year = timezone.localdate().year
    assert council.decision_number == "01/QĐ-SOYTE" and council.certificate_number == "01/GCN-SOYTE"
    assert initiative.status == InitiativeStatus.RECOGNISED and initiative.recognised_on == timezone.localdate()
    text, size = _pdf_text(papers.certificate_pdf(council))
    assert size == (595, 842)
    for expected in ("GIẤY CHỨNG NHẬN SÁNG KIẾN", "Số: 01/GCN-SOYTE", "Phân luồng người bệnh bằng mã QR",
                     "Trần Văn Bình", "Độc lập - Tự do - Hạnh phúc", str(year)):
        assert expected in text
    decision, _size = _pdf_text(papers.decision_pdf(council))
    assert "01/QĐ-SOYTE" in decision and "4/5" in decision and "Công nhận" in decision


def test_the_two_thirds_rule_is_data(voting, panel, leader):
    InitiativeRules.objects.filter(is_default=True).update(recognition_numerator=9, recognition_denominator=10)
    voting.rules.refresh_from_db()
    vote_all(voting, panel, in_favour=4)
    with pytest.raises(InvalidInput, match="lý do"):
        services.decide(voting, leader)
    council = services.decide(voting, leader, "Chưa chứng minh được lợi ích so với cách làm cũ.")
    initiative = Initiative.objects.get(pk=council.initiative_id)
    assert not council.recognised and not council.certificate_number and council.decision_number
    assert initiative.status == InitiativeStatus.REFUSED
    assert initiative.refusal_reasons == "Chưa chứng minh được lợi ích so với cách làm cũ."
    text, _size = _pdf_text(papers.decision_pdf(council))
    assert "không công nhận" in text and "Chưa chứng minh được lợi ích" in text


def test_three_votes_of_five_fall_short_of_two_thirds(voting, panel, leader):
    vote_all(voting, panel, in_favour=3)
    assert services.tally(voting) == (3, 5, False)


def test_a_council_decides_only_when_every_member_has_voted(voting, panel, leader):
    vote_all(voting, panel[:4], in_favour=4)
    with pytest.raises(InvalidInput, match="chưa biểu quyết"):
        services.decide(voting, leader)
    with pytest.raises(InvalidInput, match="đã biểu quyết"):
        services.cast_vote(voting, panel[0], True)
    with pytest.raises(NotAllowed):
        services.cast_vote(voting, leader, True)


def test_authors_and_above_all_a_unit_head_who_is_an_author_may_not_sit(leader, officer, health, panel):
    initiative = services.submit(services.create_draft(officer, initiative_data(health, officer, authors=[
        {"user": officer, "share": 50}, {"user": leader, "name": leader.full_name, "email": leader.email,
                                         "share": 50}])), officer)
    deputy = make_user("phogiamdoc", Role.LEADER, health)  # the head, an author, runs nothing of it
    council = services.form_council(initiative, deputy)
    with pytest.raises(InvalidInput, match="thủ trưởng đơn vị"):
        services.add_seat(council, deputy, leader, "chair")
    with pytest.raises(InvalidInput, match="nhóm thực hiện|tác giả"):
        services.add_seat(council, deputy, officer, "expert")
    with pytest.raises(InvalidInput, match="Chủ tịch"):
        services.open_voting(council, deputy)  # composition rules: nobody seated yet
    assert seat_council(council, deputy, panel).status == "voting"


def test_a_council_seats_a_chair_a_vice_chair_a_secretary_and_experts_and_a_union_member_for_a_union_author(
        officer, leader, health, panel):
    from sangtao.initiatives.workflow import composition_problems

    authors = [{"user": officer, "share": 60, "union_member": True}, {"name": "Trần Văn Bình", "share": 40}]
    initiative = services.submit(services.create_draft(officer, initiative_data(health, officer, authors=authors)),
                                 officer)
    assert initiative.authors.get(user=officer).union_member
    council = services.form_council(initiative, leader)
    for person, role in zip(panel, ["chair", "secretary", "union"], strict=False):
        services.add_seat(council, leader, person, role)
    problems = " ".join(composition_problems(council))
    assert "Phó Chủ tịch" in problems and "Ủy viên chuyên môn" in problems and "công đoàn" not in problems
    with pytest.raises(InvalidInput, match="Phó Chủ tịch"):
        services.open_voting(council, leader)
    council.seats.filter(role="union").delete()
    for person, role in zip(panel[2:], ["vice_chair", "expert", "expert"], strict=True):
        services.add_seat(council, leader, person, role)
    assert composition_problems(council) == [
        "Có tác giả là đoàn viên công đoàn: hội đồng cần một Đại diện công đoàn."]


def test_an_author_outside_the_platform_is_found_by_name_without_diacritics(received, leader, health):
    from conftest import make_user

    namesake = make_user("binh", full_name="TRAN VAN BINH")
    council = services.form_council(received, leader)
    with pytest.raises(InvalidInput, match="nhóm thực hiện"):
        services.add_seat(council, leader, namesake, "expert")


def test_novelty_help_finds_a_planted_near_duplicate_in_the_unit_and_elsewhere(officer, health, ward, ward_officer):
    earlier = services.submit(services.create_draft(officer, initiative_data(
        health, officer, title="Phân luồng bệnh nhân bằng mã QR ở khoa khám",
        description="Bệnh nhân quét mã QR tại cổng bệnh viện để xếp hàng theo chuyên khoa.")), officer)
    elsewhere = services.submit(services.create_draft(ward_officer, initiative_data(
        ward, ward_officer, title="Xếp hàng bằng mã QR tại bộ phận một cửa",
        description="Người dân quét mã QR tại cổng để xếp hàng theo lĩnh vực thủ tục.",
        authors=[{"user": ward_officer, "share": 100}], deployments=[])), ward_officer)
    unrelated = services.submit(services.create_draft(officer, initiative_data(
        health, officer, title="Sổ tay điện tử quản lý thuốc", description="Theo dõi tồn kho thuốc hằng ngày.")),
        officer)
    same, other = services_similar("phan luong nguoi benh bang ma qr tai khoa kham benh",
                                   "Nguoi benh quet ma QR tai cong de xep hang theo chuyen khoa", health.pk)
    assert [m.pk for m in same] == [earlier.pk]
    assert [m.pk for m in other] == [elsewhere.pk]
    assert unrelated.pk not in [m.pk for m in same + other]


def services_similar(title, description, unit_id):
    from sangtao.initiatives.novelty import similar

    return similar(title, description, unit_id=unit_id)


def _recognised(voting, panel, leader):
    vote_all(voting, panel, in_favour=5)
    return Initiative.objects.get(pk=services.decide(voting, leader).initiative_id)


def test_a_recognised_initiative_raised_to_city_scope_counts_for_titles_for_three_years(voting, panel, leader, dost,
                                                                                          officer, ward):
    initiative = _recognised(voting, panel, leader)
    services.record_deployment(initiative, leader, ward, note="Phường học tập cách làm")
    initiative = services.move(initiative, leader, "propose_city", "Đã nhân rộng ra phường")
    city = services.form_council(initiative, dost)
    assert city.level == "city"
    spread = client_for(dost).get(city.get_absolute_url()).content.decode().split("Nơi áp dụng và nhân rộng", 1)[1]
    assert f"{ward.name}: Đơn vị khác học tập, nhân rộng" in spread.split("</section>", 1)[0]  # shown to the council
    city = seat_council(city, dost, panel)
    vote_all(city, panel, in_favour=4)
    city = services.decide(city, dost)
    initiative.refresh_from_db()
    today = timezone.localdate()
    assert initiative.status == InitiativeStatus.CITY_RECOGNISED and initiative.scope == "city"
    assert initiative.scope_valid_until == services.add_months(today, 36)
    assert city.decision_number == "01/QĐ-HĐXCNSKCTP"  # numbered as HCMC's council numbers its documents
    champion = EmulationTitle.objects.get(code="cstd-thanh-pho")
    unit_title = EmulationTitle.objects.get(code="cstd-co-so")
    with pytest.raises(InvalidInput, match="3 năm liên tục"):
        services.record_emulation(initiative, leader, officer, champion, today.year)
    for year in range(today.year - 3, today.year):
        services.EmulationUse.objects.create(initiative=initiative, person=officer, title=unit_title, year=year,
                                             recorded_by=leader)
    services.record_emulation(initiative, leader, officer, champion, today.year)
    with pytest.raises(InvalidInput, match="chưa đến"):  # a title not yet awarded would count for the ladder
        services.record_emulation(initiative, leader, officer, unit_title, today.year + 1)
    counts = [year for year in range(today.year - 1, today.year + 6)
              if not any("giá trị" in problem for problem in services.emulation_problems(initiative, officer, champion, year))]
    assert counts == [today.year, today.year + 1, today.year + 2]  # three title years, the last judged within validity
    with pytest.raises(InvalidInput, match="giá trị"):
        services.record_emulation(initiative, leader, officer, champion, today.year + 3)
    for decided in (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30), datetime.date(2026, 12, 31)):
        Initiative.objects.filter(pk=initiative.pk).update(city_recognised_on=decided,
                                                           scope_valid_until=services.add_months(decided, 36))
        initiative.refresh_from_db()
        counts = [year for year in range(2025, 2031) if not any(
            "giá trị" in problem for problem in services.emulation_problems(initiative, officer, champion, year))]
        assert counts == [2026, 2027, 2028], decided


def test_the_validity_window_is_data(voting, panel, leader, dost):
    InitiativeRules.objects.filter(is_default=True).update(scope_valid_years=5)
    initiative = services.move(_recognised(voting, panel, leader), leader, "propose_city")
    city = seat_council(services.form_council(initiative, dost), dost, panel)
    vote_all(city, panel, in_favour=5)
    services.decide(city, dost)
    initiative.refresh_from_db()
    assert initiative.scope_valid_until == services.add_months(timezone.localdate(), 60)


def test_the_national_package_has_the_record_and_the_pdfs_but_no_confidential_part(voting, panel, leader):
    initiative = _recognised(voting, panel, leader)
    archive = zipfile.ZipFile(io.BytesIO(papers.national_package(initiative)))
    assert set(archive.namelist()) == {"initiative.json", "decision-unit.pdf", "certificate.pdf"}
    record = json.loads(archive.read("initiative.json"))
    assert record["recognition"]["certificate_number"] == "01/GCN-SOYTE"
    assert [a["share_percent"] for a in record["authors"]] == ["60.00", "40.00"]
    assert "BÍ-MẬT" not in archive.read("initiative.json").decode()


def test_work_items_ask_the_leader_to_answer_and_members_to_vote(voting, leader, panel):
    from sangtao.core.workitems import work_for

    leader_items = {item.kind: item for item in work_for(leader)}
    assert leader_items["initiatives.answer"].count == 1
    assert leader_items["initiatives.answer"].due == voting.initiative.answer_due_on
    assert {item.kind for item in work_for(panel[0])} >= {"initiatives.vote"}
    services.cast_vote(voting, panel[0], True)
    assert "initiatives.vote" not in {item.kind for item in work_for(panel[0])}


def test_a_city_council_member_sees_the_unit_councils_decision_named_but_not_linked_to_a_page_they_cannot_open(
        voting, panel, leader, dost, expert, ward):
    initiative = _recognised(voting, panel, leader)
    services.record_deployment(initiative, leader, ward, note="Phường học tập cách làm")
    initiative = services.move(initiative, leader, "propose_city", "Đã nhân rộng ra phường")
    city = services.form_council(initiative, dost)
    services.add_seat(city, dost, expert, "expert")  # from outside the Department of Health
    unit_council = initiative.councils.get(level="unit")
    client = client_for(expert)
    page = client.get(initiative.get_absolute_url()).content.decode()
    for address in (unit_council.get_absolute_url(), f"/initiatives/council/{unit_council.pk}/decision.pdf",
                    f"/initiatives/council/{unit_council.pk}/certificate.pdf"):
        assert f'href="{address}"' not in page and client.get(address).status_code == 404
    assert unit_council.decision_number in page and f'href="{city.get_absolute_url()}"' in page
    assert client.get(city.get_absolute_url()).status_code == 200


def test_an_application_returned_for_completion_keeps_its_register_entry_and_number(received, leader, officer, health,
                                                                                   ward):
    code = received.register_code
    returned = services.move(received, leader, "return", "Bổ sung số liệu hiệu quả")
    assert returned.register_code == code and returned.answer_due_on is None
    again = services.submit(returned, officer)
    assert again.register_code == code and again.answer_due_on is not None
    other = services.submit(services.create_draft(officer, initiative_data(health, officer)), officer)
    assert other.register_number == again.register_number + 1  # no number skipped, none given twice

    back = services.move(again, leader, "return", "Bổ sung lần nữa")
    with pytest.raises(InvalidInput, match="đã vào sổ"):
        services.update_draft(back, officer, {"unit": ward})  # its register is the first unit's
