"""Indicators are reached only through a challenge the user may see."""

import pytest
from django.http import Http404

from sangtao.challenges.access import get_indicator_for
from sangtao.challenges.models import Status

pytestmark = pytest.mark.django_db


def test_an_indicator_of_a_draft_is_not_found_for_outsiders_and_not_found_under_another_challenge(
        make_challenge, officer, outsider):
    draft, published = make_challenge(Status.DRAFT), make_challenge(Status.PUBLISHED)
    indicator = draft.indicators.get()
    assert get_indicator_for(officer, indicator.pk) == indicator
    with pytest.raises(Http404):
        get_indicator_for(outsider, indicator.pk)
    with pytest.raises(Http404):
        get_indicator_for(officer, indicator.pk, challenge=published)
    assert get_indicator_for(outsider, published.indicators.get().pk).challenge == published
