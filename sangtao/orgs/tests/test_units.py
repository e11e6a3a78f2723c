import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from conftest import ApiClient, client_for
from sangtao.core.models import AuditEvent
from sangtao.orgs.models import Membership, OrgUnit, Role, UnitKind

CSV = Path(settings.BASE_DIR) / "data" / "vn_admin_units_2025.csv"


@pytest.mark.django_db
def test_import_hcmc_gives_168_units_and_is_idempotent():
    call_command("import_admin_units", "--province", "79")
    city = OrgUnit.objects.get(kind=UnitKind.PROVINCE, code="79")
    children = OrgUnit.objects.filter(parent=city)
    assert children.count() == 168
    assert children.filter(kind=UnitKind.WARD).count() == 113
    assert children.filter(kind=UnitKind.COMMUNE).count() == 54
    assert children.get(kind=UnitKind.SPECIAL_ZONE).name == "Đặc khu Côn Đảo"
    call_command("import_admin_units", "--province", "79")
    assert OrgUnit.objects.count() == 169


@pytest.mark.django_db
def test_import_whole_country_counts_match_the_reform():
    call_command("import_admin_units")
    assert OrgUnit.objects.filter(kind=UnitKind.PROVINCE).count() == 34
    assert OrgUnit.objects.exclude(kind=UnitKind.PROVINCE).count() == 3321


def test_import_refuses_a_file_with_missing_columns(tmp_path, db):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text("province_code,unit_name\n79,X\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("import_admin_units", "--file", str(bad))


@pytest.mark.django_db
def test_dissolved_unit_resolves_to_its_current_successors(city):
    old = OrgUnit.objects.create(kind=UnitKind.DISTRICT, code="769", name="Thành phố Thủ Đức",
                                 valid_to=datetime.date(2025, 6, 30))
    middle = OrgUnit.objects.create(kind=UnitKind.DISTRICT, code="X1", name="Tạm thời", valid_to=datetime.date(2025, 6, 30))
    new_a = OrgUnit.objects.create(kind=UnitKind.WARD, code="26824", name="Phường Thủ Đức", parent=city)
    new_b = OrgUnit.objects.create(kind=UnitKind.WARD, code="26809", name="Phường Hiệp Bình", parent=city)
    old.successors.set([middle, new_a])
    middle.successors.set([new_b])
    assert old.is_dissolved
    assert {u.pk for u in old.current_successors()} == {new_a.pk, new_b.pk}
    assert old not in OrgUnit.objects.current()
    assert old in OrgUnit.objects.current(on=datetime.date(2024, 1, 1))


@pytest.mark.django_db
def test_units_sort_in_vietnamese_collation():
    for name in ["Phường Ưng", "Phường Đa Kao", "Phường Uy", "Phường Ánh", "Phường Anh", "Phường Dương"]:
        OrgUnit.objects.create(kind=UnitKind.WARD, name=name)
    assert list(OrgUnit.objects.values_list("name", flat=True)) == [
        "Phường Anh", "Phường Ánh", "Phường Dương", "Phường Đa Kao", "Phường Uy", "Phường Ưng",
    ]
    api_names = [u["name"] for u in ApiClient().get("/units?kind=ward").json()["results"]]
    assert api_names[0] == "Phường Anh" and api_names[-1] == "Phường Ưng"


@pytest.mark.django_db
def test_dost_creates_a_unit_with_successors_in_the_ui(dost, city, ward):
    response = client_for(dost).post("/manage/units/new/", {
        "kind": "district", "name": "Quận 1", "code": "760", "parent": city.pk,
        "valid_from": "1976-01-01", "valid_to": "2025-06-30", "successors": [ward.pk],
    })
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="760")
    assert list(unit.successors.all()) == [ward]
    assert AuditEvent.objects.filter(action="unit_created", object_id=str(unit.pk)).exists()
    page = client_for(dost).get(f"/manage/units/{unit.pk}/").content.decode()
    assert "Phường Sài Gòn" in page


@pytest.mark.django_db
def test_unit_form_refuses_validity_ending_before_it_starts(dost):
    response = client_for(dost).post("/manage/units/new/", {
        "kind": "district", "name": "Quận X", "valid_from": "2025-01-01", "valid_to": "2024-01-01"})
    assert response.status_code == 200 and "Quận X" in response.content.decode()
    assert not OrgUnit.objects.filter(name="Quận X").exists()


@pytest.mark.django_db
def test_unit_list_search_is_diacritic_insensitive(dost, ward, health):
    page = client_for(dost).get("/manage/units/?q=sai+gon").content.decode()
    assert "Phường Sài Gòn" in page and "Sở Y tế" not in page


@pytest.mark.django_db
def test_dost_manages_users_and_memberships_in_the_ui(dost, health):
    client = client_for(dost)
    response = client.post("/manage/users/new/", {"username": "cv.moi", "email": "CV.Moi@Example.vn",
                                                   "full_name": "Cán bộ Mới", "language": "vi", "is_active": "on"})
    assert response.status_code == 302
    from sangtao.accounts.models import User

    user = User.objects.get(username="cv.moi")
    assert user.email == "cv.moi@example.vn" and not user.has_usable_password()
    client.post(f"/manage/users/{user.pk}/memberships/", {"role": Role.OFFICER, "unit": health.pk})
    membership = Membership.objects.get(user=user)
    duplicate = client.post(f"/manage/users/{user.pk}/memberships/", {"role": Role.OFFICER, "unit": health.pk}, follow=True)
    assert "đã có vai trò này" in duplicate.content.decode()
    no_unit = client.post(f"/manage/users/{user.pk}/memberships/", {"role": Role.LEADER}, follow=True)
    assert "cần chọn đơn vị" in no_unit.content.decode()
    client.post(f"/manage/users/{user.pk}/memberships/{membership.pk}/delete/")
    assert not Membership.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="membership_removed").exists()


@pytest.mark.django_db
def test_a_role_is_given_only_in_a_unit_of_its_kind_and_never_in_a_dissolved_one(dost, health, city):
    from conftest import make_user

    user = make_user("nguoi.moi")
    company = OrgUnit.objects.create(kind=UnitKind.SOLVER, code="0319999999", name="Công ty Thử")
    old = OrgUnit.objects.create(kind=UnitKind.WARD, code="99999", name="Phường Cũ", parent=city,
                                 valid_to=datetime.date(2025, 6, 30))
    client = client_for(dost)
    refused = client.post(f"/manage/users/{user.pk}/memberships/", {"role": Role.OFFICER, "unit": company.pk},
                          follow=True).content.decode()
    assert "không nhận vai trò" in refused and not Membership.objects.filter(user=user).exists()
    client.post(f"/manage/users/{user.pk}/memberships/", {"role": Role.SOLVER, "unit": health.pk})
    client.post(f"/manage/users/{user.pk}/memberships/", {"role": Role.DOST_COORDINATOR, "unit": health.pk})
    client.post(f"/manage/users/{user.pk}/memberships/", {"role": Role.LEADER, "unit": old.pk})
    assert not Membership.objects.filter(user=user).exists()
    assert f'value="{old.pk}"' not in client.get(f"/manage/users/{user.pk}/").content.decode()
    english = client.post(f"/en/manage/users/{user.pk}/memberships/", {"role": Role.OFFICER, "unit": company.pk},
                          follow=True).content.decode()
    assert "does not take the role" in english
    client.post(f"/manage/users/{user.pk}/memberships/", {"role": Role.SOLVER, "unit": company.pk})
    client.post(f"/manage/users/{user.pk}/memberships/", {"role": Role.OFFICER, "unit": health.pk})
    assert Membership.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_a_user_search_longer_than_200_characters_is_told_beside_the_box_and_lists_every_user(dost, officer):
    client = client_for(dost)
    found = client.get("/manage/users/", {"q": officer.username}).content.decode()
    assert officer.username in found and f">{dost.username}</a>" not in found
    response = client.get("/manage/users/", {"q": "ý" * 201})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="uq-error"' in page and "201" in page.split('id="uq-error"')[1]
    assert officer.username in page and f">{dost.username}</a>" in page


@pytest.mark.django_db
def test_the_users_search_is_kept_from_one_page_to_the_next(dost):
    from conftest import make_user

    for n in range(55):
        make_user(f"dang{n:02}", full_name=f"Đặng Văn {n:02}")
    make_user("khac", full_name="Người Khác")
    page = client_for(dost).get("/manage/users/?q=Đặng").content.decode()
    assert "Trang 1 / 2" in page and 'href="?q=%C4%90%E1%BA%B7ng&amp;page=2"' in page
