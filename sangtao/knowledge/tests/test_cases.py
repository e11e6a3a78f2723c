"""Cases: the completeness rule, the editor's workflow, confidential parts of initiatives, exports."""

import json

import pytest

from conftest import assert_move_matrix, client_for, move_table_test
from sangtao.core.errors import InvalidInput
from sangtao.knowledge import services
from sangtao.knowledge.models import Case, CaseStatus, SectionRule
from sangtao.knowledge.tests.conftest import SECTION_TEXT
from sangtao.knowledge.workflow import CASE


def test_submitting_names_every_unfilled_or_link_only_section_and_changes_nothing(complete_case, officer):
    case = services.do_update_case(complete_case, actor=officer, data={
        "novelty": "", "materials": "https://example.vn/tai-lieu.pdf", "results": "Xem www.soyte.hcm.vn"})
    with pytest.raises(InvalidInput) as refused:
        services.do_submit_case(case, actor=officer)
    unmet = " ".join(refused.value.context["unmet"])
    assert "«Điểm mới» chưa có nội dung." in unmet and "kết quả dự kiến" not in unmet  # that hint is the results'
    assert "«Tài liệu tham khảo» chỉ có đường dẫn" in unmet and "«Kết quả» chỉ có đường dẫn" in unmet
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    # The edit page lists the same problems, each linked to its section, when the unit saves and sends.
    response = client_for(officer).post(f"/cases/{case.pk}/edit/", {
        **{k: getattr(case, k) for k in SECTION_TEXT}, "title": case.title, "stage": "evaluating", "send": "1"})
    page = response.content.decode()
    assert 'class="error-summary"' in page and 'href="#id_novelty"' in page and 'href="#id_materials"' in page


def test_a_placeholder_or_a_pointer_elsewhere_is_no_answer_for_a_section(complete_case, officer):
    case = services.do_update_case(complete_case, actor=officer, data={
        "novelty": "Chưa có.", "replication": "Đang cập nhật.", "partners": "Công an phường",
        "results": "Chi tiết xem tại https://soyte.hcm.vn/bao-cao"})
    with pytest.raises(InvalidInput) as refused:
        services.do_submit_case(case, actor=officer)
    unmet = " ".join(refused.value.context["unmet"])
    assert "«Điểm mới» chưa nói gì về tình huống («Chưa có.»)" in unmet
    assert "«Khả năng nhân rộng» chưa nói gì" in unmet and "«Kết quả» chỉ có đường dẫn" in unmet
    assert "Đối tác" not in unmet  # a short list of partners is an answer


@pytest.mark.parametrize("stage", ["identifying", "ideas", "proposals"])
def test_a_case_not_yet_implemented_even_as_a_pilot_is_not_submitted(complete_case, officer, stage):
    case = services.do_update_case(complete_case, actor=officer, data={"stage": stage})
    with pytest.raises(InvalidInput) as refused:
        services.do_submit_case(case, actor=officer)
    assert "ít nhất là thí điểm" in " ".join(refused.value.context["unmet"])
    case = services.do_update_case(case, actor=officer, data={"stage": "implementing"})
    assert services.do_submit_case(case, actor=officer).status == CaseStatus.SUBMITTED


def test_the_word_limit_of_a_section_is_data(complete_case, officer):
    SectionRule.objects.filter(key="summary").update(word_limit=5)
    with pytest.raises(InvalidInput, match="vượt giới hạn 5 từ"):
        services.do_submit_case(complete_case, actor=officer)
    SectionRule.objects.filter(key="summary").update(word_limit=300)
    services.do_update_case(complete_case, actor=officer, data={"summary_en": "word " * 301})
    with pytest.raises(InvalidInput, match="Bản tiếng Anh"):
        services.do_submit_case(complete_case, actor=officer)


CASE_ALLOWED = move_table_test("case", {
    "submit": {"officer", "leader"}, "request_changes": {"dost"}, "publish_internal": {"dost"},
    "publish_public": {"dost"}, "open_to_public": {"dost"}, "make_internal": {"dost"}})


def test_every_role_tries_every_case_move_from_every_state(complete_case, roles):
    for state in CaseStatus.values:
        Case.objects.filter(pk=complete_case.pk).update(status=state)  # the matrix starts from each state
        case = Case.objects.get(pk=complete_case.pk)
        expected = sum(len(who) for name, who in CASE_ALLOWED.items() if state in CASE.moves[name].sources)
        assert assert_move_matrix(case, roles, CASE_ALLOWED) == expected > 0, state


def test_a_case_sent_back_carries_dost_note_and_a_note_is_required(complete_case, officer, dost):
    submitted = services.do_submit_case(complete_case, actor=officer)
    moved = services.do_request_changes(submitted, actor=dost, note="Bổ sung số liệu kết quả năm 2026.")
    assert moved.status == CaseStatus.CHANGES_REQUESTED and moved.change_note.startswith("Bổ sung")
    with pytest.raises(InvalidInput):
        services.do_request_changes(services.do_submit_case(moved, actor=officer), actor=dost, note="")


def test_a_case_from_an_initiative_never_holds_its_confidential_part(officer, leader, health, dost, ward_officer):
    from sangtao.initiatives import services as initiative_services
    from sangtao.initiatives.models import Initiative
    from sangtao.initiatives.tests.conftest import initiative_data
    from sangtao.knowledge.opendata import open_data_rows

    initiative = initiative_services.create_draft(officer, initiative_data(health, officer))
    Initiative.objects.filter(pk=initiative.pk).update(status="recognised")  # the council's decision, elsewhere tested
    secret = "BÍ-MẬT-ĐỪNG-CÔNG-BỐ"
    case = services.do_draft_case(actor=officer, source_kind="initiative", source_id=initiative.pk)
    assert initiative.novelty in case.novelty and initiative.description in case.innovation
    every_text = json.dumps({f.name: getattr(case, f.name) for f in case._meta.fields}, ensure_ascii=False, default=str)
    assert secret not in every_text and "Thuật toán ưu tiên" not in every_text
    # Pasting it in is refused, diacritics or not.
    with pytest.raises(InvalidInput, match="bí mật"):
        services.do_update_case(case, actor=officer, data={"conditions": "thuat toan uu tien bi-mat-dung-cong-bo theo "
                                                                          "muc do khan cap"})
    case = services.do_update_case(case, actor=officer, data={**SECTION_TEXT, "stage": "implementing"})
    services.do_submit_case(case, actor=officer)
    services.do_publish_case(case, actor=dost, public=True)
    places = [client_for(None).get(f"/cases/{case.pk}/"), client_for(ward_officer).get(f"/cases/{case.pk}/oecd.json"),
              client_for(None).get(f"/api/v1/cases/{case.pk}"), client_for(None).get("/open-data/cases.json"),
              client_for(None).get("/cases/feed.atom")]
    assert all(r.status_code == 200 for r in places)
    assert not any(secret in r.content.decode() for r in places)
    assert not any(secret in str(row) for row in open_data_rows())
    csv = b"".join(client_for(None).get("/open-data/cases.csv").streaming_content).decode()
    assert case.title in csv and secret not in csv


def test_open_data_neutralises_formulas_and_the_public_page_has_opengraph(published, officer, dost):
    from sangtao.knowledge.models import Case

    Case.objects.filter(pk=published.pk).update(title='=HYPERLINK("http://evil/")')
    csv = b"".join(client_for(None).get("/open-data/cases.csv").streaming_content).decode()
    assert "'=HYPERLINK" in csv
    page = client_for(None).get(f"/cases/{published.pk}/").content.decode()
    assert '<meta property="og:title"' in page and 'og:type" content="article"' in page
    oecd = json.loads(client_for(None).get(f"/cases/{published.pk}/oecd.json").content)
    assert oecd["innovation_status"] == "Evaluation" and len(oecd["answers"]) == 12
    assert "<entry>" in client_for(None).get("/cases/feed.atom").content.decode()


def test_the_oecd_submission_follows_the_librarys_form_as_data_and_as_a_document_linked_from_the_case(
        published, officer, dost):
    import io

    from pypdf import PdfReader

    from sangtao.knowledge.models import Case

    Case.objects.filter(pk=published.pk).update(facet="enhancement", title_en="Online hospital appointments",
                                                summary_en="Patients book a time slot online instead of queueing.")
    page = client_for(officer).get(f"/cases/{published.pk}/").content.decode()
    assert f'href="/cases/{published.pk}/oecd.pdf"' in page and f'href="/cases/{published.pk}/oecd.json"' in page
    assert "Còn 11 mục chưa có bản tiếng Anh" in page  # the unit sees what to put in English before submitting
    assert "chưa có bản tiếng Anh" not in client_for(None).get(f"/cases/{published.pk}/").content.decode()
    oecd = json.loads(client_for(None).get(f"/cases/{published.pk}/oecd.json").content)
    assert (oecd["innovation_title"], oecd["level_of_government"], oecd["innovation_facet"], oecd["country"]) == (
        "Online hospital appointments", "Regional/State government", "Enhancement-oriented innovation", "Viet Nam")
    assert oecd["to_translate"] == [key for key in SECTION_TEXT if key != "summary"]
    assert [a["question"] for a in oecd["answers"]][:2] == [
        "Innovation summary", "What is the problem or opportunity the innovation addresses?"]
    response = client_for(None).get(f"/cases/{published.pk}/oecd.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Online hospital appointments" in text and "Level of government: Regional/State government" in text
    assert "Patients book a time slot online instead of queueing." in text  # English where the unit wrote it
    assert "What is the problem or opportunity the innovation addresses?" in text
    assert " ".join(SECTION_TEXT["problem"].split()) in text  # else the Vietnamese, marked as such
    assert "[In Vietnamese: no English text yet]" in text
    assert client_for(None).get("/cases/999999/oecd.pdf").status_code == 404


@pytest.mark.django_db
def test_a_refused_new_case_keeps_its_title_with_the_form_open_and_the_lists_links_still_work(officer):
    client = client_for(officer)
    page = client.post("/cases/new/", {"title": "Một cửa liên thông tại phường", "unit": ""}).content.decode()
    assert "Nêu tên tình huống và chọn đơn vị." in page and not Case.objects.exists()
    assert 'value="Một cửa liên thông tại phường"' in page and "<details open>" in page
    searched = client.get("/cases/new/", {"q": "một cửa", "page": "2"})  # the list's search and pages, asked from here
    assert searched.status_code == 302 and searched.url == "/cases/?q=m%E1%BB%99t+c%E1%BB%ADa&page=2"


@pytest.mark.django_db
def test_the_case_form_guides_in_english_under_en(complete_case, officer):
    from sangtao.knowledge.models import ProblemKind

    rule = SectionRule.objects.get(key="summary")
    english = client_for(officer).get(f"/en/cases/{complete_case.pk}/edit/").content.decode()
    assert rule.guidance_en and rule.guidance_en in english and rule.guidance not in english
    kind = ProblemKind.objects.filter(active=True).exclude(name_en="").first()
    assert f">{kind.name_en}</option>" in english and f">{kind.name}</option>" not in english
