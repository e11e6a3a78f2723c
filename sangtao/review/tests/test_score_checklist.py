"""The expert's scoresheet lists what the submit move still needs (from the scoresheet's move
table): each unscored criterion and each missing comment, linked to its own input."""

import pytest

from conftest import client_for
from sangtao.review import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(selection):
    item = selection["council"].assignments.select_related("expert__user", "council").first()
    services.declare(item, item.expert.user, has_conflict=False)
    return item


def test_the_scoresheet_lists_each_missing_score_and_comment_with_a_link_to_its_input(item):
    leaves = list(item.council.rubric.leaves())
    client = client_for(item.expert.user)
    url = f"/reviews/{item.pk}/score/"
    page = client.get(url).content.decode()
    assert 'id="unmet-submit"' in page and 'aria-describedby="unmet-submit"' in page
    for leaf in leaves:  # nothing saved yet: every criterion is still to score
        assert f'href="{url}#points_{leaf.pk}"' in page

    first, *rest = leaves
    low = first.max_points / 4  # under half the maximum: a comment is needed
    services.save_scores(item, item.expert.user, {first.pk: low}, {})
    page = client.get(url).content.decode()
    assert f'href="{url}#comment_{first.pk}"' in page and f'href="{url}#points_{first.pk}"' not in page
    assert all(f'href="{url}#points_{leaf.pk}"' in page for leaf in rest)

    services.save_scores(item, item.expert.user, {leaf.pk: leaf.max_points for leaf in leaves},
                         {leaf.pk: "ổn" for leaf in leaves})
    page = client.get(url).content.decode()
    assert 'id="unmet-submit"' not in page
    assert "Nộp phiếu (khóa phiếu)" in page
