"""Fixtures of the initiatives context: an application of the Department of Health by its officer
and a colleague, and a council of five (the minimum data each test needs)."""

import datetime

import pytest
from django.utils import timezone

from conftest import make_user
from sangtao.initiatives import services
from sangtao.orgs.models import Role


def initiative_data(unit, officer, **overrides):
    data = {
        "unit": unit, "title": "Phân luồng người bệnh bằng mã QR tại khoa khám bệnh",
        "kind": "management",
        "description": "Người bệnh quét mã QR tại cổng để được xếp hàng theo chuyên khoa, giảm ùn tắc quầy tiếp đón.",
        "before": "Người bệnh lấy số thủ công tại một quầy chung.",
        "novelty": "Lần đầu đơn vị xếp hàng theo chuyên khoa trước khi người bệnh vào sảnh.",
        "confidential": "Thuật toán ưu tiên BÍ-MẬT-ĐỪNG-CÔNG-BỐ theo mức độ khẩn cấp.",
        "public_summary": "Xếp hàng theo chuyên khoa bằng mã QR, giảm thời gian chờ.",
        "first_applied_on": timezone.localdate() - datetime.timedelta(days=60),
        "benefit_vnd": 120_000_000, "benefit_text": "Giảm 40 phút chờ mỗi lượt khám.",
        "authors": [{"user": officer, "name": officer.full_name, "share": 60, "position": "Chuyên viên"},
                    {"name": "Trần Văn Bình", "email": "binh@example.vn", "share": 40}],
        "deployments": [{"unit": unit, "kind": "applied", "since": timezone.localdate() - datetime.timedelta(days=60)}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(officer, health):
    return services.create_draft(officer, initiative_data(health, officer))


@pytest.fixture
def received(draft, officer):
    return services.submit(draft, officer)


@pytest.fixture
def panel(health):
    """Five people who may sit on the Department of Health's council."""
    return [make_user(f"hd{i}", Role.OFFICER, health, full_name=f"Thành viên Hội đồng {i}") for i in range(5)]


ROLES = ["chair", "vice_chair", "secretary", "expert", "expert"]


def seat_council(council, manager, people):
    for person, role in zip(people, ROLES, strict=False):
        services.add_seat(council, manager, person, role)
    return services.open_voting(council, manager)


@pytest.fixture
def voting(received, leader, panel):
    council = services.form_council(received, leader)
    return seat_council(council, leader, panel)


def vote_all(council, people, in_favour: int):
    for position, person in enumerate(people):
        services.cast_vote(council, person, position < in_favour, "ý kiến")
