"""The notifications page: those that ask for an action first, then the others, every one on a page."""

import re

import pytest

from conftest import client_for
from sangtao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_every_notice_is_on_a_page_however_many_ask_for_an_action_and_those_come_first(officer):
    Notification.objects.bulk_create([Notification(recipient=officer, title=f"Cần xử lý số {n}", action_needed=True)
                                      for n in range(120)])
    Notification.objects.bulk_create([Notification(recipient=officer, title=f"Để biết số {n}") for n in range(7)])
    client, seen = client_for(officer), []
    first = client.get("/notifications/").content.decode()
    assert "Cần xử lý (120)" in first and 'id="info"' not in first  # a page of action first
    for number in range(1, 6):
        page = client.get(f"/notifications/?page={number}").content.decode()
        seen += re.findall(r"(Cần xử lý số \d+|Để biết số \d+)", page)
    assert len(seen) == len(set(seen)) == 127  # the 100 newest were all the page showed of those that ask
    assert seen.index("Để biết số 0") > max(seen.index(f"Cần xử lý số {n}") for n in range(120))


def test_no_notice_at_all_says_so(officer):
    page = client_for(officer).get("/notifications/").content.decode()
    assert "Không có thông báo nào cần xử lý." in page and "Bạn chưa có thông báo nào." in page
