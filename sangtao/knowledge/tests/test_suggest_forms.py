"""The suggestion panel is on the annual task and initiative forms as on the challenge form: a form
sent back with what was typed lists another unit's similar published work, linked, before any script runs."""

import pytest

from conftest import client_for
from sangtao.annual import services as annual_services
from sangtao.challenges.models import Status

pytestmark = pytest.mark.django_db

TYPED = {"title": "Rút ngắn thời gian chờ khám bệnh", "problem": "Người bệnh chờ khám quá lâu ở bệnh viện."}


@pytest.fixture
def published(make_challenge):
    return make_challenge(Status.PUBLISHED, title="Giảm thời gian chờ khám tại bệnh viện")


def test_the_annual_task_form_lists_another_units_similar_challenge(published, ward, ward_officer):
    plan = annual_services.create_plan(ward_officer, ward, 2026, "Kế hoạch đổi mới sáng tạo năm 2026")
    page = client_for(ward_officer).post(f"/annual/{plan.pk}/tasks/new/", {
        **TYPED, "kpi-TOTAL_FORMS": 0, "kpi-INITIAL_FORMS": 0, "ms-TOTAL_FORMS": 0, "ms-INITIAL_FORMS": 0,
    }).content.decode()
    panel = page.split('class="panel suggestions"', 1)[1].split("</section>", 1)[0]
    assert 'data-kind="task"' in panel and f'href="{published.get_absolute_url()}"' in panel
    assert published.title in panel


def test_the_initiative_form_lists_another_units_similar_challenge(published, ward_officer):
    page = client_for(ward_officer).post("/initiatives/new/", {
        "title": TYPED["title"], "before": TYPED["problem"], "description": TYPED["problem"],
    }).content.decode()
    panel = page.split('class="panel suggestions"', 1)[1].split("</section>", 1)[0]
    assert 'data-kind="initiative"' in panel and f'href="{published.get_absolute_url()}"' in panel
