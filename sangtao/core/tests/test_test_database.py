"""The test database itself: what a transactional test's flush removes is put back."""
import pytest
from django.core.management import call_command

from conftest import put_back_seeded_rows
from sangtao.initiatives.models import InitiativeRules
from sangtao.knowledge.models import SectionRule
from sangtao.privacy.models import Purpose
from sangtao.review.models import CouncilRules


@pytest.mark.django_db(transaction=True)
def test_the_rows_the_migrations_seeded_are_put_back_after_a_flush(request):
    seeded = [(model, model.objects.count()) for model in (InitiativeRules, SectionRule, Purpose, CouncilRules)]
    assert all(count for _, count in seeded)

    call_command("flush", interactive=False, verbosity=0)
    assert not any(model.objects.exists() for model, _ in seeded)

    put_back_seeded_rows(request.config)
    assert [(model, model.objects.count()) for model, _ in seeded] == seeded
    assert InitiativeRules.current().answer_within_months == 3
