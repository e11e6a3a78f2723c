"""DoST names the account of a new expert by its e-mail address or username, typed in a box: the page no
longer lists every account of the province in a select."""

import html
import re

import pytest

from conftest import client_for, make_expert, make_user
from sangtao.accounts.models import User
from sangtao.core.models import AuditEvent
from sangtao.privacy.services import erase_account
from sangtao.review.models import Expert

pytestmark = pytest.mark.django_db

NEW = "/experts/new/"


def _create(dost, typed, **extra):
    return client_for(dost).post(NEW, {"user": typed, "organisation_name": "Đại học Y Dược", "active": "on", **extra})


def _field_error(response) -> str:
    """The text of the account box's error, as the page shows it beside the box."""
    page = response.content.decode()
    match = re.search(r'id="id_user_error"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no error beside the account box"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def test_dost_creates_an_expert_from_the_accounts_email_in_any_case_with_spaces_around_it(dost):
    person = make_user("lan.nguyen", full_name="Nguyễn Thị Lan")
    response = _create(dost, "  Lan.Nguyen@Example.VN \t")
    expert = Expert.objects.get(user=person)
    assert response.status_code == 302 and response["Location"] == f"/experts/{expert.pk}/"
    assert expert.organisation_name == "Đại học Y Dược"
    event = AuditEvent.objects.get(action="expert_created", object_id=str(expert.pk))
    assert event.actor == dost and event.object_type == "review.expert"


def test_dost_creates_an_expert_from_the_accounts_username(dost):
    person = make_user("tran.binh", full_name="Trần Bình")
    response = _create(dost, "tran.binh")
    expert = Expert.objects.get(user=person)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="expert_created", object_id=str(expert.pk), actor=dost).exists()


def test_an_email_typed_decomposed_is_read_as_its_nfc_form(dost):
    person = make_user("hoa")
    User.objects.filter(pk=person.pk).update(email="hòa@example.vn")  # stored NFC
    _create(dost, "HÒA@example.vn".replace("Ò", "O\u0300"))  # typed NFD and upper case
    assert Expert.objects.filter(user=person).exists()


def test_an_address_no_account_has_is_told_on_the_box_and_nothing_is_created(dost):
    response = _create(dost, "khong.ai@example.vn")
    assert response.status_code == 200
    assert "Không có tài khoản nào có thư điện tử hoặc tên đăng nhập này" in _field_error(response)
    assert 'href="#id_user"' in response.content.decode()  # the error summary links to the box
    assert not Expert.objects.exists() and not AuditEvent.objects.filter(action="expert_created").exists()


def test_a_username_in_another_case_finds_the_account_as_the_sign_in_does(dost):
    person = make_user("tran.binh")
    _create(dost, "Tran.Binh")
    assert Expert.objects.filter(user=person).exists()


def test_an_empty_box_asks_for_the_address_or_username(dost):
    response = _create(dost, "   ")
    assert "Nhập thư điện tử hoặc tên đăng nhập của tài khoản." in _field_error(response)
    assert not Expert.objects.exists()


def test_an_account_that_already_has_an_expert_profile_is_refused_and_the_expert_named(dost):
    existing = make_expert("le.cuong", full_name="Lê Văn Cường")
    response = _create(dost, "le.cuong@example.vn")
    error = _field_error(response)
    assert "đã có hồ sơ chuyên gia" in error and "Lê Văn Cường" in error
    assert Expert.objects.get() == existing
    assert not AuditEvent.objects.filter(action="expert_created").exists()


def test_an_address_two_accounts_share_asks_for_the_username_and_the_username_then_works(dost):
    first = make_user("pham.an")
    second = make_user("pham.an2")
    # Older accounts may differ only in the case of their address (the database compares it exactly).
    User.objects.filter(pk=first.pk).update(email="An.Pham@example.vn")
    User.objects.filter(pk=second.pk).update(email="an.pham@example.vn")
    response = _create(dost, "an.pham@example.vn")
    assert "Nhập tên đăng nhập" in _field_error(response) and not Expert.objects.exists()
    _create(dost, "pham.an2")
    assert Expert.objects.get().user == second


def test_an_erased_account_is_refused_as_erased(dost):
    person = make_user("xoa.toi")
    erase_account(person, actor=person)
    person.refresh_from_db()
    response = _create(dost, person.username)
    assert "đã bị xóa" in _field_error(response) and not Expert.objects.exists()
    # Its former address no longer names any account.
    assert "Không có tài khoản nào" in _field_error(_create(dost, "xoa.toi@example.vn"))


def test_a_disabled_account_is_refused_as_disabled(dost):
    make_user("khoa.lai", is_active=False)
    response = _create(dost, "khoa.lai@example.vn")
    assert "đang bị khóa" in _field_error(response) and not Expert.objects.exists()


def test_the_new_expert_page_has_a_text_box_and_no_list_of_every_account(dost):
    for n in range(5):
        make_user(f"nguoi.dung{n}", full_name=f"Người dùng {n}")
    response = client_for(dost).get(NEW)
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<input type="text" name="user"[^>]*id="id_user"', page)
    assert "<select" not in page.split('name="user"')[1].split("</div>")[0]
    assert not re.search(r"<option[^>]*>[^<]*nguoi\.dung", page) and "nguoi.dung3" not in page
    assert "Người này phải đã có tài khoản" in page  # the help text beside the box


def test_editing_an_expert_keeps_working_without_the_account_box(dost):
    expert = make_expert("vo.dung", full_name="Võ Dũng")
    client = client_for(dost)
    assert 'name="user"' not in client.get(f"/experts/{expert.pk}/").content.decode()
    response = client.post(f"/experts/{expert.pk}/", {"organisation_name": "Viện Công nghệ", "active": "on"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.organisation_name == "Viện Công nghệ" and expert.user.username == "vo.dung"
    assert AuditEvent.objects.filter(action="expert_updated", object_id=str(expert.pk)).exists()


def test_an_expert_editing_their_own_profile_sees_no_account_box(dost):
    expert = make_expert("tu.sua")
    client = client_for(expert.user)
    assert 'name="user"' not in client.get(f"/experts/{expert.pk}/").content.decode()
    response = client.post(f"/experts/{expert.pk}/", {"organisation_name": "Trường Đại học Mở", "user": "x"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.organisation_name == "Trường Đại học Mở" and expert.user.username == "tu.sua"


def test_a_name_with_an_at_sign_is_read_as_an_address_as_the_sign_in_reads_it(dost):
    owner = make_user("binh")
    User.objects.filter(pk=owner.pk).update(email="le.binh@example.vn")
    make_user("le.binh@example.vn")  # an old account named like the address
    _create(dost, "le.binh@example.vn")
    assert Expert.objects.get().user == owner


def test_usernames_that_differ_only_in_case_ask_for_the_exact_one(dost):
    first, exact = make_user("tran.binh.1"), make_user("tran.binh")
    User.objects.filter(pk=first.pk).update(username="Tran.Binh")
    response = _create(dost, "TRAN.BINH")
    assert "nhiều tài khoản" in _field_error(response) and not Expert.objects.exists()
    _create(dost, "tran.binh")
    assert Expert.objects.get().user == exact
