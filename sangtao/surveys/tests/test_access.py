"""Instrument versions are DoST's: everyone else gets 404."""

import pytest
from django.http import Http404

from conftest import client_for
from sangtao.surveys.access import get_instrument_version_for

pytestmark = pytest.mark.django_db


def test_only_dost_opens_an_instrument_version(survey, dost, officer):
    version = survey.version
    assert get_instrument_version_for(dost, version.pk) == version
    with pytest.raises(Http404):
        get_instrument_version_for(officer, version.pk)
    assert client_for(officer).get(f"/surveys/instruments/{version.pk}/").status_code == 404
