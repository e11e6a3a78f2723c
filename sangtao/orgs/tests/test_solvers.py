"""Solver organisations: registration with a checked tax code, invitations, DoST verification."""

import pytest
from django.core import mail

from conftest import client_for, make_user
from sangtao.core.errors import InvalidInput, NotAllowed, StaleState
from sangtao.orgs import services
from sangtao.orgs.models import Invitation, Membership, Role, SolverProfile

pytestmark = pytest.mark.django_db

VALID = {"name": "Công ty TNHH Sáng Kiến", "org_type": "startup", "address": "Phường Sài Gòn",
         "legal_representative": "Nguyễn Văn Bình"}


@pytest.mark.parametrize(("code", "ok"), [
    ("0312345678", True), ("0312345678-001", True), ("031234567", False), ("03123456789", False),
    ("0312345678-01", False), ("0312345678001", False), ("abc", False), ("", False),
])
def test_tax_code_form(code, ok):
    if ok:
        assert services.check_tax_code(f" {code} ") == code
    else:
        with pytest.raises(InvalidInput):
            services.check_tax_code(code)


def test_registration_makes_the_registrant_a_member_and_tells_dost(outsider, dost):
    unit = services.register_solver(outsider, {**VALID, "tax_code": "0311223344"})
    assert Membership.objects.filter(user=outsider, unit=unit, role=Role.SOLVER).exists()
    assert not unit.solver_profile.is_verified
    assert dost.notifications.filter(title__contains="chờ xác minh").exists()


def test_a_tax_code_registers_once(outsider):
    services.register_solver(outsider, {**VALID, "tax_code": "0311223344"})
    with pytest.raises(InvalidInput, match="đã đăng ký"):
        services.register_solver(outsider, {**VALID, "name": "Khác", "tax_code": "0311223344"})


def test_registration_page_keeps_input_on_error(outsider):
    response = client_for(outsider).post("/solvers/register/", {**VALID, "tax_code": "12345"})
    page = response.content.decode()
    assert response.status_code == 200 and "10 chữ số" in page and "Công ty TNHH Sáng Kiến" in page
    assert not SolverProfile.objects.exists()


def test_invitation_by_email_is_accepted_by_the_invitee_only(solver, solver_org, process_tasks):
    invitation = services.invite_member(solver_org, solver, "moi@example.vn")
    process_tasks()
    assert any(invitation.token in message.body for message in mail.outbox)
    stranger = make_user("stranger")
    with pytest.raises(NotAllowed):
        services.accept_invitation(invitation.token, stranger)
    invitee = make_user("moi")
    response = client_for(invitee).post(f"/invitations/{invitation.token}/")
    assert response.status_code == 302
    assert Membership.objects.filter(user=invitee, unit=solver_org, role=Role.SOLVER).exists()
    with pytest.raises(StaleState):
        services.accept_invitation(invitation.token, invitee)


def test_only_members_and_dost_invite(solver_org, outsider):
    with pytest.raises(NotAllowed):
        services.invite_member(solver_org, outsider, "x@example.vn")
    assert not Invitation.objects.exists()


def test_dost_verifies_and_the_badge_shows(solver, dost, outsider):
    unit = services.register_solver(outsider, {**VALID, "tax_code": "0311223344"})
    with pytest.raises(NotAllowed):
        services.verify_solver(unit, outsider)
    client_for(dost).post(f"/solvers/{unit.pk}/verify/")
    unit.solver_profile.refresh_from_db()
    assert unit.solver_profile.is_verified
    assert "Đã xác minh" in client_for(None).get(f"/solvers/{unit.pk}/").content.decode()
    # Members' e-mails are for insiders only.
    assert outsider.email in client_for(outsider).get(f"/solvers/{unit.pk}/").content.decode()
    assert outsider.email not in client_for(None).get(f"/solvers/{unit.pk}/").content.decode()


@pytest.mark.django_db
def test_the_tax_code_and_the_phone_are_checked_with_the_other_fields(outsider):
    posted = {**VALID, "tax_code": "12345", "phone": "abc-5", "address": ""}
    page = client_for(outsider).post("/solvers/register/", posted).content.decode()
    assert "Mã số thuế gồm 10 chữ số" in page and "Số điện thoại gồm 3 đến 15 chữ số" in page
    assert "Địa chỉ" in page.split('class="error-summary"')[1].split("</div>")[0]
    assert not SolverProfile.objects.exists()
    for phone in ("028 3829 1234", "+84 912 345 678", "(028) 3829-1234", "0912.345.678", "1022"):
        assert "Số điện thoại gồm" not in client_for(outsider).post(
            "/solvers/register/", {**VALID, "tax_code": "12", "phone": phone}).content.decode(), phone


@pytest.mark.django_db
def test_a_phone_number_is_checked_by_the_service_too_in_ascii_digits_on_one_line(outsider):
    from sangtao.core.text import is_phone_number

    assert not any(is_phone_number(value) for value in ("abc-5", "12", "0912\n345678", "٠٩١٢٣٤٥٦٧٨", "1" * 16))
    with pytest.raises(InvalidInput) as refused:
        services.register_solver(outsider, {**VALID, "tax_code": "0311223344", "phone": "abc-5"})
    assert refused.value.field == "phone"
