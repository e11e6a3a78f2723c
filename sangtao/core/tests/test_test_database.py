"""The test database itself: what a transactional test's flush removes is put back."""
import pytest
from django.core.cache import cache
from django.core.management import call_command

from conftest import restore_after_flush
from sangtao.initiatives.models import InitiativeRules
from sangtao.knowledge.models import SectionRule
from sangtao.privacy.models import Purpose
from sangtao.review.models import CouncilRules


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_rows_the_migrations_seeded_are_put_back_and_the_cache_is_empty(request):
    seeded = [(model, model.objects.count()) for model in (InitiativeRules, SectionRule, Purpose, CouncilRules)]
    assert all(count for _, count in seeded)

    cache.set("allauth-rate-limit", 5)
    call_command("flush", interactive=False, verbosity=0)  # sequences reset too: the worst case
    assert not any(model.objects.exists() for model, _ in seeded)

    restore_after_flush(request.config)
    assert [(model, model.objects.count()) for model, _ in seeded] == seeded
    assert InitiativeRules.current().answer_within_months == 3
    assert cache.get("allauth-rate-limit") is None
    highest = max(CouncilRules.objects.values_list("pk", flat=True))
    assert CouncilRules.objects.create(name="Quy tắc mới").pk > highest  # no id taken twice
