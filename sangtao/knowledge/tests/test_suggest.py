"""Reuse before reinvention: the index follows its records, ranks folded Vietnamese, and shows each
person only what they may see."""

import pytest

from sangtao.challenges.models import Status
from sangtao.knowledge.suggest import suggest


@pytest.mark.django_db
def test_a_published_challenge_is_suggested_to_another_unit(make_challenge, ward_officer, ward):
    challenge = make_challenge(Status.PUBLISHED, title="Giảm thời gian chờ khám tại bệnh viện")
    found = suggest(ward_officer, "Rút ngắn thoi gian cho kham benh", "", unit_id=ward.pk)
    assert [s.document.object_id for s in found] == [challenge.pk]
