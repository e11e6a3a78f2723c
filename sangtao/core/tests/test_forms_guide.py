"""Forms that guide: refused forms list their errors at the top, linked to the fields; constraint
violations are field messages in both languages; dates read and typed DD/MM/YYYY; amounts grouped
per language; every input of the long forms has a visible label."""

import datetime
import re

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.template import Context, Template
from django.utils import translation

from conftest import client_for, proposal_data
from sangtao.challenges.forms import ChallengeForm
from sangtao.challenges.models import Challenge, Status
from sangtao.core import formats
from sangtao.proposals import services as proposal_services


def test_amounts_are_grouped_per_language_and_read_back_however_they_were_typed():
    with translation.override("vi"):
        assert formats.vnd(1_500_000_000) == "1.500.000.000 đ"
        assert formats.number(11.856, 2) == "11,86"
    with translation.override("en"):
        assert formats.vnd(1_500_000_000) == "VND 1,500,000,000"
        assert formats.number(11.856, 2) == "11.86"
    for language, both, low_only in (("vi", "800.000.000 – 2.500.000.000 đ", "800.000.000 đ"),
                                     ("en", "VND 800,000,000 – 2,500,000,000", "VND 800,000,000")):
        with translation.override(language):
            assert formats.vnd_range(800_000_000, 2_500_000_000) == both
            assert formats.vnd_range(800_000_000, None) == low_only
    for typed in ("1500000", "1.500.000", "1,500,000", "1 500 000 đ", "VND 1,500,000"):
        assert formats.parse_money(typed) == 1_500_000
    with pytest.raises(Exception, match="1.500.000"):
        formats.parse_money("1,5 triệu")
    # A negative amount is read as one, and a money field refuses it for being negative, not for its figures
    assert formats.parse_money("-5.000.000") == formats.parse_money("\u22125000000") == -5_000_000
    field = formats.MoneyField()
    for typed in ("-5000000", "-100,000"):
        with pytest.raises(Exception, match="Số tiền không được âm."):
            field.clean(typed)


def test_dates_are_typed_and_shown_day_first_in_both_languages():
    day = datetime.date(2026, 3, 5)
    for language in ("vi", "en"):
        with translation.override(language):
            assert formats.short_date(day) == "05/03/2026"
            assert formats.parse_date("05/03/2026") == day
            assert formats.parse_date("2026-03-05") == day  # what a script or an old page sends
            html = formats.DateInput().render("on", day)
            assert 'type="text"' in html and 'value="05/03/2026"' in html and "dd/mm/yyyy" in html


@pytest.mark.django_db
def test_a_constraint_violation_is_a_message_on_its_field_in_both_languages(officer, health, field):
    data = {"title": "Bài toán", "field": field.pk, "owner_unit": health.pk, "problem_statement": "x",
            "facet": "enhancement", "selection_mode": "open", "budget_min_vnd": "2.000.000",
            "budget_max_vnd": "1.000.000"}
    for language, expected in (("vi", "Kinh phí tối đa phải lớn hơn"), ("en", "The maximum budget must be")):
        with translation.override(language):
            form = ChallengeForm(data, user=officer)
            assert not form.is_valid()
            assert expected in form.errors["budget_max_vnd"][0]
            assert NON_FIELD_ERRORS not in form.errors
            assert "budget_range_ordered" not in str(form.errors)


@pytest.mark.django_db
def test_a_constraint_without_its_own_message_never_shows_its_name(health):
    from django.core.exceptions import ValidationError

    from sangtao.orgs.models import OrgUnit

    unit = OrgUnit(kind=health.kind, code=health.code, name="Bản sao", parent=health.parent)
    with pytest.raises(ValidationError) as refused:
        unit.validate_constraints()
    assert "unique_unit_code_per_kind" not in str(refused.value)
    assert "code" in refused.value.error_dict


@pytest.mark.django_db
def test_the_error_summary_links_each_error_to_its_field(officer, health, field):
    form = ChallengeForm({"title": "", "owner_unit": health.pk}, user=officer)
    form.is_valid()
    html = Template("{% load guide %}{% error_summary form %}").render(Context({"form": form}))
    assert 'class="error-summary"' in html and 'href="#id_title"' in html and 'href="#id_field"' in html


@pytest.mark.django_db
def test_each_fields_hint_and_error_are_the_ones_its_box_names_for_screen_readers(officer, health, field):
    client = client_for(officer)
    refused = {
        "/challenges/new/": {"title": "", "owner_unit": health.pk},
        "/accounts/password/change/": {"oldpassword": "sai", "password1": "x", "password2": "y"},
        "/accounts/reauthenticate/": {"password": "sai"},
    }
    for path, data in refused.items():
        page = client.post(path, data).content.decode()
        described = {name for names in re.findall(r'aria-describedby="([^"]+)"', page) for name in names.split()}
        assert any(name.endswith("_error") for name in described), path
        assert {name for name in described if f'id="{name}"' not in page} == set(), path
        assert '<span class="visually-hidden">Lỗi: </span>' in page, path


def _unlabelled(page: str) -> list[str]:
    labels = set(re.findall(r'<label[^>]* for="([^"]+)"', page))
    missing = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
        if re.search(r'type="(hidden|submit)"', tag) or 'name="csrfmiddlewaretoken"' in tag:
            continue
        found = re.search(r'id="([^"]+)"', tag)
        if not found or found.group(1) not in labels:
            missing.append(tag)
    return missing


@pytest.mark.django_db
def test_every_input_of_the_proposal_form_has_a_visible_label(make_challenge, solver, solver_org):
    challenge = make_challenge(Status.PUBLISHED)
    proposal = proposal_services.start_proposal(challenge, solver, solver_org, proposal_data(challenge))
    page = client_for(solver).get(f"/proposals/{proposal.pk}/edit/").content.decode()
    main = page.split('<main', 1)[1]
    assert _unlabelled(main) == []
    assert 'data-sum="budget"' in main and 'data-total-of="budget"' in main


@pytest.mark.django_db
def test_a_refused_proposal_lists_row_errors_at_the_top(make_challenge, solver, solver_org):
    challenge = make_challenge(Status.PUBLISHED)
    proposal = proposal_services.start_proposal(challenge, solver, solver_org, {"title": "Bản đầu"})
    form = {"title": "Bản sửa", "revision": "1", "save": "1", "budget-0-amount_vnd": "nhiều",
            **{f"{p}-TOTAL_FORMS": "2" for p in ("team", "plan", "budget")},
            **{f"{p}-INITIAL_FORMS": "0" for p in ("team", "plan", "budget")}}
    page = client_for(solver).post(f"/proposals/{proposal.pk}/edit/", form).content.decode()
    assert 'class="error-summary"' in page and 'href="#id_budget-0-amount_vnd"' in page
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_budget-0-amount_vnd">Khoản chi 1 — ' in summary  # which row of which table, as the form heads it
    assert "<legend>Khoản chi 1</legend>" in page and "<legend>Thành viên 2</legend>" in page


@pytest.mark.django_db
def test_the_challenge_form_types_dates_day_first(officer):
    page = client_for(officer).get("/challenges/new/").content.decode()
    assert 'type="date"' not in page and 'type="datetime-local"' not in page
    # the indicator rows are headed as the error summary names them (IndicatorForm.row_name)
    assert "<legend>Chỉ số 1</legend>" in page
    assert "<legend>Indicator 1</legend>" in client_for(officer).get("/en/challenges/new/").content.decode()
    assert 'name="timeline_start"' in page
    assert Challenge.objects.count() == 0


@pytest.mark.django_db
def test_the_challenge_form_is_in_sections_with_what_is_filled_and_the_officers_unit_chosen(officer, health):
    page = client_for(officer).get("/challenges/new/").content.decode()
    assert page.count("data-section>") == 5 and 'href="#s-budget"' in page
    assert "Đã điền 0/" in page or "Đã điền 1/" in page
    selected = re.search(r'<select name="owner_unit"[^>]*>.*?</select>', page, re.S).group(0)
    assert f'value="{health.pk}" selected' in selected
    assert "data-searchable" in selected


@pytest.mark.django_db
def test_a_survey_lists_only_units_that_serve_the_public(dost, health, solver_org):
    from sangtao.surveys.forms import SurveyForm

    units = list(SurveyForm().fields["units"].queryset)
    assert health in units and solver_org not in units


@pytest.mark.django_db
def test_the_public_survey_asks_consent_once_before_the_questions_with_anchors_per_kind(open_survey):
    page = client_for(None).get(f"/s/{open_survey.slug}/").content.decode()
    assert page.count('name="consent"') == 1
    assert page.index('name="consent"') < page.index('type="radio"')
    assert "Rất không hài lòng" in page and "Rất mong đợi" in page


@pytest.mark.django_db
def test_a_section_whose_required_fields_are_filled_says_so_and_not_that_it_is_complete(officer):
    page = client_for(officer).get("/challenges/new/").content.decode()
    budget = page.split('href="#s-budget"')[1].split("</li>")[0]
    assert "Đủ mục bắt buộc</span>" in budget  # only the mode of selection is required there, and it has its default
    assert "Đã điền đủ" not in page


@pytest.mark.django_db
def test_a_workplan_row_ending_before_it_starts_is_said_beside_the_row_and_in_the_summary(make_challenge, solver,
                                                                                          solver_org):
    challenge = make_challenge(Status.PUBLISHED)
    proposal = proposal_services.start_proposal(challenge, solver, solver_org, {"title": "Bản đầu"})
    form = {"title": "Bản sửa", "revision": "1", "save": "1", "plan-0-milestone": "Thí điểm",
            "plan-0-start": "01/03/2027", "plan-0-end": "01/01/2027",
            **{f"{p}-TOTAL_FORMS": "2" for p in ("team", "plan", "budget")},
            **{f"{p}-INITIAL_FORMS": "0" for p in ("team", "plan", "budget")}}
    page = client_for(solver).post(f"/proposals/{proposal.pk}/edit/", form).content.decode()
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_plan-0-end">Mốc 1 — Kết thúc: Ngày kết thúc không thể trước ngày bắt đầu.' in summary
    row = page.split("<legend>Mốc 1</legend>")[1].split("</fieldset>")[0]
    assert "Ngày kết thúc không thể trước ngày bắt đầu." in row and 'value="Thí điểm"' in row
