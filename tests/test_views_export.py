"""The CSV export (the whole result set, streamed) and the Atom feed of any search."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from tests.archive_data import filler, make_articles

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_streams_every_match_not_just_one_page(client, monkeypatch):
    monkeypatch.setattr("articles.export.CHUNK", 7)  # several chunks of rows
    make_articles(filler(45))
    response = client.get("/export.csv", {"q": "wheat", "sort": "oldest"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert len(rows) == 45
    assert [r["title"] for r in rows[:2]] == ["Wheat bulletin 1", "Wheat bulletin 2"]
    assert rows[-1]["date"] == "1985-02-14"


def test_csv_columns_carry_people_topics_and_links(client):
    make_articles()
    rows = csv_rows(client.get("/export.csv", {"person": "Ishaq Dar", "sort": "newest"}))
    assert [r["title"] for r in rows] == ["Dock strike ends", "Steel tariffs rise again"]
    assert rows[0]["persons"] == "Ishaq Dar; Marco Rubio"
    assert rows[0]["topics"] == "Labour; Trade"
    assert rows[0]["source"] == "dawn.com"
    assert rows[0]["archive_url"].startswith("http://testserver/articles/")


def test_csv_with_a_bad_parameter_is_a_400(client):
    response = client.get("/export.csv", {"date_to": "never"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "date_to"


def test_the_atom_feed_lists_the_newest_matches(client):
    make_articles()
    response = client.get("/feed.atom", {"q": "steel OR oil"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Dock strike ends", "Oil prices fall on supply news", "Steel tariffs rise again"]
    assert "steel OR oil" in feed.findtext(f"{ATOM}title")
    link = feed.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert link.startswith("http://testserver/articles/")


def test_the_feed_with_a_bad_parameter_is_a_400(client):
    assert client.get("/feed.atom", {"date_from": "x"}).status_code == 400
