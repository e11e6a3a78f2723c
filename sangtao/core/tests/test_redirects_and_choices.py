"""A place or an id posted by hand gets a clear answer: a `next` that is not a local path sends the
user to the view's own default (never a view-name lookup, never another site), and an id out of any
column's range is a field error before any query, never an OverflowError."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from sangtao.challenges.models import Status
from sangtao.core.api_input import BIGINT_MAX
from sangtao.core.forms import (
    DAYS_MESSAGE,
    DateField,
    DateTimeField,
    ModelChoiceField,
    ModelForm,
    ModelMultipleChoiceField,
    is_id,
)
from sangtao.core.redirects import local_path, safe_redirect
from sangtao.orgs.models import OrgUnit

HOSTILE_NEXT = ["abc", "notifications", "//evil.example/x", "https://evil.example/", "http://testserver/x",
                "/\\evil.example", "javascript:alert(1)", "/a\nb", "/a\x00b", "", None]


@pytest.mark.parametrize("value", HOSTILE_NEXT)
def test_a_next_that_is_not_a_local_path_is_not_followed(value):
    request = RequestFactory().post("/")
    assert local_path(request, value) is None
    assert safe_redirect(request, value, "/fallback/")["Location"] == "/fallback/"


def test_a_local_path_with_its_query_is_followed_and_a_view_name_default_is_reversed():
    request = RequestFactory().post("/")
    assert safe_redirect(request, "/challenges/?page=2", "notifications")["Location"] == "/challenges/?page=2"
    assert safe_redirect(request, "abc", "notifications")["Location"] == "/notifications/"


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "lands_on"), [("abc", "/notifications/"), ("//evil.example/", "/notifications/"),
                                                 ("/my/", "/my/")])
def test_marking_notifications_read_with_a_hand_written_next_redirects_safely(officer, value, lands_on):
    response = client_for(officer).post("/notifications/read/", {"next": value})
    assert response.status_code == 302 and response["Location"] == lands_on


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "https://evil.example/"])
def test_following_a_challenge_with_a_hand_written_next_goes_back_to_the_challenge(make_challenge, outsider, value):
    challenge = make_challenge(Status.PUBLISHED)
    response = client_for(outsider).post(f"/follow/challenge/{challenge.pk}/", {"next": value})
    assert response.status_code == 302 and response["Location"] == challenge.get_absolute_url()


@pytest.mark.parametrize("value", ["abc", "1e9", str(10**30), "-1", "0", "1.5", " ", "١٢", True, 10**30,
                                   str(BIGINT_MAX + 1)])
def test_a_value_that_is_not_an_id_is_not_an_id(value):
    assert not is_id(value)


@pytest.mark.parametrize("value", ["1", " 42 ", str(BIGINT_MAX), 7])
def test_a_whole_number_in_range_is_an_id(value):
    assert is_id(value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "1e9", str(10**30), "-1", 10**30])
def test_an_id_out_of_range_is_an_invalid_choice_before_any_query(health, value):
    single, multiple = ModelChoiceField(OrgUnit.objects.all()), ModelMultipleChoiceField(OrgUnit.objects.all())
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(ValidationError) as one:
            single.clean(value)
        with pytest.raises(ValidationError) as many:
            multiple.clean([str(health.pk), value])
    assert one.value.code == "invalid_choice" and many.value.code == "invalid_pk_value"
    assert len(queries) == 0
    assert single.clean(str(health.pk)) == health and list(multiple.clean([str(health.pk)])) == [health]


def test_a_model_form_picks_its_relations_with_the_bounded_fields():
    class UnitForm(ModelForm):
        class Meta:
            model = OrgUnit
            fields = ["parent", "name"]

    assert type(UnitForm.base_fields["parent"]) is ModelChoiceField


@pytest.mark.parametrize("field", [DateField(), DateTimeField()])
def test_a_day_before_1900_or_after_9998_is_refused_and_those_years_are_taken(field):
    for typed in ("01/01/0001", "31/12/9999"):
        with pytest.raises(ValidationError) as refused:
            field.clean(typed)
        assert refused.value.messages == [str(DAYS_MESSAGE)]
    assert field.clean("01/01/1900") and field.clean("31/12/9998")


def test_a_model_form_takes_its_days_with_the_bounded_fields():
    from sangtao.challenges.forms import ChallengeForm

    assert type(ChallengeForm.base_fields["call_opens_at"]) is DateTimeField


@pytest.mark.django_db
def test_a_capacity_round_opening_in_year_0001_is_refused_beside_its_box(dost):
    response = client_for(dost).post("/capacity/", {"year": "2026", "opens_on": "01/01/0001", "closes_on": "31/12/2026"})
    assert response.status_code == 200 and str(DAYS_MESSAGE) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [str(10**30), "abc"])
def test_creating_a_challenge_with_an_id_beyond_any_column_is_a_form_error(officer, health, value):
    response = client_for(officer).post("/challenges/new/", {"title": "T", "field": value, "owner_unit": value,
                                                             "co_owner_units": [value]})
    assert response.status_code == 200 and response.context["form"].errors


@pytest.mark.django_db
def test_capacity_and_survey_forms_refuse_an_id_beyond_any_column(dost):
    client = client_for(dost)
    for url, data in (("/capacity/", {"units": [str(10**30)], "year": "2026"}),
                      ("/surveys/new/", {"units": [str(10**30)], "version": str(10**30), "challenge": str(10**30)}),
                      ("/councils/new/", {"challenges": [str(10**30)], "name": "H"}),
                      ("/manage/units/new/", {"successors": [str(10**30)], "parent": str(10**30)})):
        response = client.post(url, data)
        assert response.status_code < 500, url


@pytest.mark.django_db
def test_the_admin_refuses_ids_and_numbers_out_of_range_in_forms_editable_rows_and_actions(dost):
    from sangtao.accounts.models import User

    User.objects.filter(pk=dost.pk).update(is_staff=True, is_superuser=True)
    client = client_for(User.objects.get(pk=dost.pk))
    huge = str(10**30)
    for url, data in (
            ("/admin/auth/group/add/", {"name": "G", "permissions": [huge]}),
            ("/admin/annual/reportperiod/add/", {"code": "q", "name": "Q", "due_month": huge, "due_day": huge,
                                                 "covers_to_month": huge, "remind_days_before": "1", "position": "0"}),
            ("/admin/annual/reportperiod/", {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": huge,
                                             "_save": "1"}),
            ("/admin/annual/reportperiod/", {"action": "delete_selected", "_selected_action": [huge], "index": "0"})):
        response = client.post(url, data)
        assert response.status_code in (200, 302), url
