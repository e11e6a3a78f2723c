"""A notification's link leads to the page in the language of the page that lists it, whatever the
language of whoever acted when it was stored."""

import pytest

from conftest import client_for
from sangtao.challenges.models import Status
from sangtao.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_a_notification_links_to_the_page_in_the_readers_language(make_challenge, officer):
    challenge = make_challenge(Status.PUBLISHED)
    notify([officer], "Có câu hỏi mới", "", url=f"/challenges/{challenge.pk}/?tab=questions#questions",
           action_needed=True)
    notify([officer], "Bài toán đã công bố", "", url=f"/en/challenges/{challenge.pk}/")  # stored by an English actor
    client = client_for(officer)
    for page in ("/en/notifications/", "/en/my-work/"):
        html = client.get(page).content.decode()
        assert f'href="/en/challenges/{challenge.pk}/?tab=questions#questions"' in html
        assert f'href="/en/challenges/{challenge.pk}/"' in html and f'href="/challenges/{challenge.pk}/' not in html
    for page in ("/notifications/", "/my-work/"):
        html = client.get(page).content.decode()
        assert f'href="/challenges/{challenge.pk}/?tab=questions#questions"' in html
        assert f'href="/challenges/{challenge.pk}/"' in html and f'href="/en/challenges/{challenge.pk}/' not in html
