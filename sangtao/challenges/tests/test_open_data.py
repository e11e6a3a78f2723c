import csv
import io
import json

import pytest
from django.test import Client

from sangtao.challenges.models import Field, Status


@pytest.mark.django_db
def test_atom_feed_lists_only_public_challenges_and_filters_by_field(make_challenge):
    published = make_challenge(Status.PUBLISHED, title="Công bố A")
    make_challenge(Status.DRAFT, title="Nháp B")
    body = Client().get("/challenges/feed.atom").content.decode()
    assert "Công bố A" in body and "Nháp B" not in body and 'xmlns="http://www.w3.org/2005/Atom"' in body
    Field.objects.create(name="Giao thông", slug="giao-thong")
    assert "Công bố A" not in Client().get("/challenges/feed.atom?field=giao-thong").content.decode()
    assert "Công bố A" in Client().get("/challenges/feed.atom?field=y-te").content.decode()
    assert Client().get("/challenges/feed.atom?field=khong-co").status_code == 404
    for not_a_slug in ("y\x00te", "x" * 51, "y tế"):  # a NUL reached the driver: a 500 on PostgreSQL
        assert Client().get("/challenges/feed.atom", {"field": not_a_slug}).status_code == 404
    assert published.pk


@pytest.mark.django_db
def test_open_data_csv_and_json_contain_published_and_closed_only(make_challenge):
    make_challenge(Status.PUBLISHED, title="Công bố")
    make_challenge(Status.CLOSED, title="Đã đóng")
    make_challenge(Status.APPROVED, title="Chưa công bố")
    response = Client().get("/open-data/challenges.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["title"] for row in rows) == ["Công bố", "Đã đóng"]
    assert {row["status"] for row in rows} == {"published", "closed"}
    data = json.loads(Client().get("/open-data/challenges.json").content)
    assert "CC BY 4.0" in data["licence"] and len(data["challenges"]) == 2
    assert set(data["fields"]) == set(rows[0])


@pytest.mark.django_db
def test_open_data_page_documents_every_field_and_the_licence(db):
    page = Client().get("/open-data/").content.decode()
    for name in ("call_closes_at", "owner_unit_code", "facet"):
        assert name in page
    assert "CC BY 4.0" in page
