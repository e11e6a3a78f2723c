"""Search: case-, diacritic- and normalisation-insensitive, every word must match,
exact-diacritic matches first. Run on SQLite and PostgreSQL (CI runs both); on each,
results over the demo data must equal an independent Python reference."""

import re
import unicodedata

import pytest
from django.db import transaction

from conftest import ApiClient, client_for
from sangtao.challenges.access import public_challenges
from sangtao.challenges.models import Challenge, Status
from sangtao.challenges.search import search, snippet


def reference_ids(query: str) -> set[int]:
    """Word-prefix matching of every term on text folded independently of the app's fold()."""

    def strip(text):
        text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
        return "".join(c for c in text if not unicodedata.combining(c))

    terms = re.findall(r"\w+", strip(query))
    found = set()
    for challenge in public_challenges():
        words = re.findall(r"\w+", strip(challenge.search_exact))
        if all(any(word.startswith(term) for word in words) for term in terms):
            found.add(challenge.pk)
    return found


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo's catalogue of challenges in every state, with the units and people who wrote them,
    loaded once for the class in a transaction rolled back after its last test. The rest of the
    demo (selections, projects, the other contexts) takes most of the loading time and adds only
    the three challenges of its selections, which are like the catalogue's.

    Each test's own transaction nests inside it as a savepoint, as in Django's TestCase.setUpTestData.
    """
    from sangtao.portal.demo import load_challenges, load_units, load_users

    with django_db_blocker.unblock(), transaction.atomic():
        units = load_units()
        load_users(units)
        load_challenges(units)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestOnDemoData:
    @pytest.mark.parametrize("query", [
        "thu duc", "Thủ Đức", "duong", "đường", "ngap", "NGẬP", "benh vien", "dữ liệu",
        unicodedata.normalize("NFD", "người cao tuổi"), "sipas", "xe buyt metro", "ho tich truc tuyen",
        "gis", "2028", "không-tồn-tại-xyz",
    ])
    def test_search_matches_reference_on_demo_data(self, demo, query):
        expected = reference_ids(query)
        got = set(search(public_challenges(), query).values_list("pk", flat=True))
        assert got == expected


@pytest.mark.django_db
def test_thu_duc_and_duong_and_nfd(make_challenge):
    a = make_challenge(Status.PUBLISHED, title="Chống ngập đường Thủ Đức", problem_statement="Ngập sâu.")
    b = make_challenge(Status.PUBLISHED, title="Dương và cây xanh", problem_statement="Trồng cây.")
    queryset = Challenge.objects.all()
    assert set(search(queryset, "thu duc").values_list("pk", flat=True)) == {a.pk}
    assert set(search(queryset, "duong").values_list("pk", flat=True)) == {a.pk, b.pk}
    nfd = unicodedata.normalize("NFD", "Thủ Đức")
    assert set(search(queryset, nfd).values_list("pk", flat=True)) == {a.pk}
    assert set(search(queryset, "THỦ ĐỨC").values_list("pk", flat=True)) == {a.pk}


@pytest.mark.django_db
def test_all_words_must_match(make_challenge):
    a = make_challenge(Status.PUBLISHED, title="Chống ngập đường phố")
    make_challenge(Status.PUBLISHED, title="Chống ô nhiễm không khí")
    assert list(search(Challenge.objects.all(), "chong ngap").values_list("pk", flat=True)) == [a.pk]


@pytest.mark.django_db
def test_exact_diacritic_matches_rank_first(make_challenge):
    folded_only = make_challenge(Status.PUBLISHED, title="Cây dương ven sông")
    exact = make_challenge(Status.PUBLISHED, title="Sửa đường ven sông")
    assert list(search(Challenge.objects.all(), "đường").values_list("pk", flat=True))[0] == exact.pk
    assert list(search(Challenge.objects.all(), "dương").values_list("pk", flat=True))[0] == folded_only.pk


@pytest.mark.django_db
def test_search_updates_when_a_draft_is_edited(make_challenge, officer):
    from sangtao.challenges import services

    challenge = make_challenge(Status.DRAFT, title="Tiêu đề cũ")
    data = {"title": "Quản lý bãi đỗ xe thông minh", "summary": "s", "problem_statement": "p",
            "field": challenge.field, "owner_unit": challenge.owner_unit, "facet": "enhancement",
            "selection_mode": "open", "indicators": []}
    services.update_draft(challenge, officer, data, expected_version=1)
    assert list(search(Challenge.objects.all(), "bai do xe").values_list("pk", flat=True)) == [challenge.pk]
    assert list(search(Challenge.objects.all(), "tieu de cu")) == []


def test_snippet_highlights_and_escapes():
    html = snippet("<b>Đường</b> ngập ở Thủ Đức", "duong thu duc")
    assert "<mark>Đường</mark>" in html and "&lt;b&gt;" in html and "<mark>Thủ</mark>" in html


@pytest.mark.django_db
def test_search_page_and_api_agree_and_highlight(make_challenge):
    challenge = make_challenge(Status.PUBLISHED, title="Chống ngập Thủ Đức", summary="Ngập ở Thủ Đức mỗi mùa mưa.")
    page = client_for(None).get("/challenges/?q=thu+duc").content.decode()
    assert "<mark>Thủ</mark>" in page and challenge.title in page
    body = ApiClient().get("/challenges?q=thu%20duc").json()
    assert [item["id"] for item in body["results"]] == [challenge.pk]
    assert "<mark>" in body["results"][0]["snippet"]


@pytest.mark.django_db
def test_search_never_returns_hidden_challenges(make_challenge):
    make_challenge(Status.DRAFT, title="Chống ngập bản nháp")
    assert "Chống ngập bản nháp" not in client_for(None).get("/challenges/?q=chong+ngap").content.decode()
    assert ApiClient().get("/challenges?q=chong%20ngap").json()["count"] == 0


@pytest.mark.django_db
def test_query_with_only_punctuation_or_quotes_is_safe(make_challenge):
    make_challenge(Status.PUBLISHED)
    for query in ['"', "' OR 1=1 --", "*", "()", "AND OR NOT", "ngập\" OR \""]:
        assert client_for(None).get("/challenges/", {"q": query}).status_code == 200


@pytest.mark.django_db
def test_field_and_owning_unit_names_are_searchable_and_follow_renames(make_challenge, dost, field):
    from sangtao.challenges import services

    challenge = make_challenge(Status.PUBLISHED, title="Số hóa sổ khám")
    assert list(search(Challenge.objects.all(), "so y te").values_list("pk", flat=True)) == [challenge.pk]
    field.name = "Sức khỏe cộng đồng"
    services.save_field(dost, field)
    assert list(search(Challenge.objects.all(), "suc khoe cong dong").values_list("pk", flat=True)) == [challenge.pk]


@pytest.mark.django_db
def test_a_refused_filter_is_said_beside_its_box_and_the_search_still_applies(make_challenge, ward):
    make_challenge(Status.PUBLISHED, title="Giảm thời gian chờ khám bệnh")
    make_challenge(Status.PUBLISHED, title="Chống ngập đường phố")
    page = client_for(None).get("/challenges/", {"q": "khám bệnh", "unit": ward.pk}).content.decode()
    assert 'id="id_unit_error"' in page  # the ward owns nothing public: not a choice of the list
    assert "thời gian chờ" in page.lower() and "Chống ngập đường phố" not in page  # the search kept
