"""An initiative's amounts are typed with thousands separators (core.formats.MoneyField), and its dates are typed as the rest of the platform's: DD/MM/YYYY text boxes from
core/formats.py (a browser date picker shows the browser's locale, mm/dd/yyyy in American English)."""

import datetime

import pytest

from conftest import client_for
from sangtao.core.formats import short_date
from sangtao.initiatives.models import Initiative

pytestmark = pytest.mark.django_db


def test_the_application_form_has_dd_mm_yyyy_date_boxes(officer, health):
    page = client_for(officer).get("/initiatives/new/").content.decode()
    assert 'type="date"' not in page
    for name in ("first_applied_on", "deploy-0-since", "deploy-1-since"):
        box = page[page.index(f'name="{name}"') - 300:page.index(f'name="{name}"') + 300]
        assert 'placeholder="dd/mm/yyyy"' in box and 'inputmode="numeric"' in box, name


def test_an_application_is_saved_from_dates_typed_day_first(officer, health):
    response = client_for(officer).post("/initiatives/new/", {
        "unit": health.pk, "title": "Nhắc lịch tiêm chủng qua tin nhắn", "kind": "technical",
        "description": "Gửi tin nhắn nhắc lịch tiêm cho phụ huynh.", "novelty": "Trước đây gọi điện từng nhà.",
        "first_applied_on": "05/03/2026", "benefit_vnd": "", "cost_vnd": "",
        "author-TOTAL_FORMS": 4, "author-INITIAL_FORMS": 0, "author-0-name": officer.full_name,
        "author-0-share": "100", "deploy-TOTAL_FORMS": 2, "deploy-INITIAL_FORMS": 0,
        "deploy-0-unit": health.pk, "deploy-0-kind": "trial", "deploy-0-since": "20/04/2026"})
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Initiative.objects.get(title="Nhắc lịch tiêm chủng qua tin nhắn")
    assert created.first_applied_on == datetime.date(2026, 3, 5)
    assert created.deployments.get().since == datetime.date(2026, 4, 20)


def test_a_draft_shows_its_dates_day_first_and_a_date_that_is_not_one_gets_a_message(officer, draft):
    page = client_for(officer).get(f"/initiatives/{draft.pk}/edit/").content.decode()
    assert f'value="{short_date(draft.first_applied_on)}"' in page
    response = client_for(officer).post(f"/initiatives/{draft.pk}/edit/", {
        "unit": draft.unit_id, "title": draft.title, "kind": draft.kind, "description": draft.description,
        "novelty": draft.novelty, "first_applied_on": "31/02/2026",
        "author-TOTAL_FORMS": 4, "author-INITIAL_FORMS": 0, "author-0-name": "A", "author-0-share": "100",
        "deploy-TOTAL_FORMS": 2, "deploy-INITIAL_FORMS": 0})
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.first_applied_on != datetime.date(2026, 2, 28)


def test_benefits_and_costs_are_typed_and_shown_with_thousands_separators(officer, health, draft):
    page = client_for(officer).get(f"/initiatives/{draft.pk}/edit/").content.decode()
    box = page[page.rindex("<input", 0, page.index('name="benefit_vnd"')):]
    assert box.startswith('<input type="text"') and 'value="120.000.000"' in box[:box.index(">")]
    response = client_for(officer).post("/initiatives/new/", {
        "unit": health.pk, "title": "Nhắc lịch tiêm chủng qua tin nhắn", "kind": "technical",
        "description": "Gửi tin nhắn nhắc lịch tiêm cho phụ huynh.", "novelty": "Trước đây gọi điện từng nhà.",
        "first_applied_on": "05/03/2026", "benefit_vnd": "12.500.000", "cost_vnd": "2.000.000",
        "author-TOTAL_FORMS": 4, "author-INITIAL_FORMS": 0, "author-0-name": officer.full_name,
        "author-0-share": "100", "deploy-TOTAL_FORMS": 2, "deploy-INITIAL_FORMS": 0,
        "deploy-0-unit": health.pk, "deploy-0-kind": "trial", "deploy-0-since": "20/04/2026"})
    assert response.status_code == 302
    created = Initiative.objects.get(title="Nhắc lịch tiêm chủng qua tin nhắn")
    assert (created.benefit_vnd, created.cost_vnd) == (12_500_000, 2_000_000)
