import datetime
import unicodedata

import pytest

from conftest import client_for
from sangtao.challenges import services
from sangtao.challenges.models import Challenge, Status, Version
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState


def form_data(challenge, **overrides):
    data = {
        "title": challenge.title, "field": challenge.field_id, "owner_unit": challenge.owner_unit_id,
        "summary": challenge.summary, "problem_statement": challenge.problem_statement, "facet": challenge.facet,
        "selection_mode": challenge.selection_mode, "expected_version": challenge.version,
        "call_opens_at": "2030-01-01T08:00", "call_closes_at": "2030-02-01T17:00",
        "ind-TOTAL_FORMS": "1", "ind-INITIAL_FORMS": "0", "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "30",
        "ind-0-name": "Thời gian chờ", "ind-0-unit_of_measure": "phút", "ind-0-baseline_value": "180",
        "ind-0-target_value": "60",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_officer_creates_draft_through_the_form(officer, health, field):
    response = client_for(officer).post("/challenges/new/", {
        "title": "Giảm ùn tắc", "field": field.pk, "owner_unit": health.pk, "summary": "Tóm tắt",
        "problem_statement": "Vấn đề", "facet": "mission", "selection_mode": "open", "tags_text": "Giao thông, ùn tắc",
        "ind-TOTAL_FORMS": "1", "ind-INITIAL_FORMS": "0", "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "30",
        "ind-0-name": "Thời gian", "ind-0-unit_of_measure": "phút",
    })
    assert response.status_code == 302
    challenge = Challenge.objects.get(title="Giảm ùn tắc")
    assert challenge.status == Status.DRAFT and challenge.tags == ["giao thông", "ùn tắc"]
    assert challenge.indicators.count() == 1 and challenge.versions.count() == 1


@pytest.mark.django_db
def test_every_edit_is_a_new_version_with_a_viewable_diff(make_challenge, officer):
    challenge = make_challenge(Status.DRAFT)
    client = client_for(officer)
    response = client.post(f"/challenges/{challenge.pk}/edit/", form_data(challenge, problem_statement="Chờ 4 giờ."))
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.version == 2
    assert list(Version.objects.filter(challenge=challenge).values_list("number", flat=True)) == [1, 2]
    diff = client.get(f"/challenges/{challenge.pk}/versions/1/2/").content.decode()
    assert "+Chờ 4 giờ." in diff and "-Thời gian chờ trung bình 3 giờ." in diff


@pytest.mark.django_db
def test_concurrent_edit_is_refused_and_keeps_what_the_user_typed(make_challenge, officer, leader):
    challenge = make_challenge(Status.DRAFT)
    stale = form_data(challenge, problem_statement="Nội dung của chuyên viên")
    client_for(leader).post(f"/challenges/{challenge.pk}/edit/", form_data(challenge, title="Lãnh đạo sửa"))
    response = client_for(officer).post(f"/challenges/{challenge.pk}/edit/", stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nội dung của chuyên viên" in page and "phiên bản 2" in page
    challenge.refresh_from_db()
    assert challenge.version == 2 and challenge.title == "Lãnh đạo sửa"


@pytest.mark.django_db
def test_form_with_errors_keeps_everything_typed(officer, health, field):
    response = client_for(officer).post("/challenges/new/", {
        "title": "Tiêu đề giữ lại", "field": field.pk, "owner_unit": health.pk, "summary": "Tóm tắt giữ lại",
        "problem_statement": "", "facet": "mission", "selection_mode": "open",
        "call_opens_at": "2030-03-01T08:00", "call_closes_at": "2030-02-01T08:00",
        "ind-TOTAL_FORMS": "1", "ind-INITIAL_FORMS": "0", "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "30",
        "ind-0-name": "Chỉ số giữ lại", "ind-0-unit_of_measure": "%",
    })
    page = response.content.decode()
    assert response.status_code == 200
    for kept in ("Tiêu đề giữ lại", "Tóm tắt giữ lại", "Chỉ số giữ lại"):
        assert kept in page
    assert "Hạn nhận hồ sơ phải sau thời điểm mở nhận hồ sơ." in page
    assert not Challenge.objects.exists()


@pytest.mark.django_db
def test_impossible_dates_and_budget_are_refused(officer, health, field):
    from conftest import challenge_data

    data = challenge_data(field, health)
    with pytest.raises(InvalidInput) as error:
        services.create_draft(officer, {**data, "call_closes_at": data["call_opens_at"]})
    assert error.value.field == "call_closes_at"
    with pytest.raises(InvalidInput) as error:
        services.create_draft(officer, {**data, "budget_min_vnd": 10, "budget_max_vnd": 5})
    assert error.value.field == "budget_max_vnd"
    with pytest.raises(InvalidInput, match="Ngày kết thúc dự kiến không thể trước ngày bắt đầu.") as error:
        services.create_draft(officer, {**data, "timeline_start": datetime.date(2027, 3, 1),
                                        "timeline_end": datetime.date(2027, 1, 1)})
    assert error.value.field == "timeline_end"
    with pytest.raises(InvalidInput) as error:  # the API's way in too, not only the form's
        services.create_draft(officer, {**data, "contact_phone": "abc-5"})
    assert error.value.field == "contact_phone"


@pytest.mark.django_db
def test_text_is_stored_in_nfc(officer, health, field):
    from conftest import challenge_data

    nfd_title = unicodedata.normalize("NFD", "Nguyễn Huệ ngập")
    challenge = services.create_draft(officer, challenge_data(field, health, title=nfd_title))
    assert challenge.title == unicodedata.normalize("NFC", nfd_title)


@pytest.mark.django_db
def test_html_in_user_text_is_escaped_on_pages(make_challenge):
    challenge = make_challenge(Status.PUBLISHED, title="<script>alert(1)</script> ngập")
    page = client_for(None).get(f"/challenges/{challenge.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.django_db
def test_editing_is_refused_outside_draft(make_challenge, officer):
    challenge = make_challenge(Status.UNIT_REVIEW)
    with pytest.raises(NotAllowed):
        services.update_draft(challenge, officer, {}, expected_version=1)


@pytest.mark.django_db
def test_officer_cannot_create_for_another_unit(officer, ward, field):
    from conftest import challenge_data

    with pytest.raises(InvalidInput) as error:
        services.create_draft(officer, challenge_data(field, ward))
    assert error.value.field == "owner_unit"


@pytest.mark.django_db
def test_a_unit_merged_away_orders_no_new_challenge_and_the_message_names_its_successor(
        make_challenge, dost, health, city, field):
    import datetime

    from conftest import challenge_data
    from sangtao.challenges.forms import ChallengeForm
    from sangtao.orgs.models import OrgUnit, UnitKind

    old = OrgUnit.objects.create(kind=UnitKind.WARD, code="26737", name="Phường Bến Nghé", parent=city,
                                 valid_to=datetime.date(2025, 6, 30))
    new = OrgUnit.objects.create(kind=UnitKind.WARD, code="26734", name="Phường Sài Gòn", parent=city)
    old.successors.add(new)
    with pytest.raises(InvalidInput, match="Phường Bến Nghé» đã ngừng hoạt động sau ngày 30/06/2025; đơn vị kế thừa: "
                                           "Phường Sài Gòn") as error:
        services.create_draft(dost, challenge_data(field, old))
    assert error.value.field == "owner_unit"
    # A challenge it ordered before stays editable under it.
    earlier = make_challenge(Status.DRAFT)
    Challenge.objects.filter(pk=earlier.pk).update(owner_unit=old)
    services.update_draft(Challenge.objects.get(pk=earlier.pk), dost, {**challenge_data(field, old)}, expected_version=1)
    form = ChallengeForm(instance=Challenge.objects.get(pk=earlier.pk), user=dost)  # and on its page
    assert old in form.fields["owner_unit"].queryset and old not in ChallengeForm(user=dost).fields["owner_unit"].queryset


@pytest.mark.django_db
def test_stale_version_is_refused_by_the_service(make_challenge, officer):
    challenge = make_challenge(Status.DRAFT)
    with pytest.raises(StaleState):
        services.update_draft(challenge, officer, {}, expected_version=5)
