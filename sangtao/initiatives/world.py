"""Initiatives for the page crawl (sangtao/portal/tests/world.py): a register of size n, built through
the services, with one application at each step whose pages the crawl fills."""

import datetime

from django.utils import timezone

from sangtao.initiatives import services
from sangtao.initiatives.models import InitiativeRules
from sangtao.orgs.models import Membership, Role


def build_initiatives(n: int, officer, leader, dost, ward) -> dict:
    from django.contrib.auth import get_user_model

    health = officer.memberships.get().unit
    people = []
    # The council grows with the register, up to the most members the rules allow (the bench's n is 27).
    for i in range(min(5 + n, InitiativeRules.current().council_max_members)):
        user = get_user_model().objects.create_user(username=f"hdsk{n}.{i}", email=f"hdsk{n}.{i}@example.vn",
                                                    full_name=f"Thành viên hội đồng {n}.{i}")
        Membership.objects.create(user=user, role=Role.OFFICER, unit=health)
        people.append(user)
    roles = ["chair", "vice_chair", "secretary"] + ["expert"] * (len(people) - 3)

    def application(title: str):
        return services.submit(services.create_draft(officer, {
            "unit": health, "title": title, "kind": "management", "description": f"Mô tả giải pháp {title}.",
            "novelty": "Điểm mới.", "confidential": "Bí mật.", "public_summary": "Tóm tắt công bố.",
            "first_applied_on": timezone.localdate() - datetime.timedelta(days=30), "benefit_vnd": 1_000_000,
            "authors": [{"user": officer, "share": 60}, {"name": f"Đồng tác giả {title}", "share": 40}],
            "deployments": [{"unit": health, "kind": "applied"}]}), officer)

    def council_of(initiative, manager, votes: int | None):
        council = services.form_council(initiative, manager)
        for person, role in zip(people, roles, strict=True):
            services.add_seat(council, manager, person, role)
        council = services.open_voting(council, manager)
        for person in people[:votes]:
            services.cast_vote(council, person, True)
        return services.decide(council, manager) if votes == len(people) else council

    for i in range(n):
        application(f"Sáng kiến đang chờ trả lời số {n}.{i}")
        services.create_draft(officer, {"unit": health, "title": f"Bản nháp {n}.{i}", "kind": "technical",
                                        "description": "Mô tả.", "novelty": "Mới."})
    recognised = application(f"Sáng kiến được công nhận {n}")
    council = council_of(recognised, leader, len(people))
    recognised.refresh_from_db()
    services.record_deployment(recognised, leader, ward, note="Nhân rộng")
    voting = council_of(application(f"Sáng kiến đang biểu quyết {n}"), leader, 1)
    return {"initiative": recognised.pk, "initiative_council": council.pk, "public_initiative": recognised.pk,
            "initiative_person": officer.pk, "voting_council": voting.pk}
