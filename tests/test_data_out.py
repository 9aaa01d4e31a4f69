"""Data out: CSV cells a spreadsheet would run as formulas are neutralised, optional text and
snippet columns and a byte-order mark; the Atom feed is valid RFC 4287 as a feed library reads it."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import feedparser
import pytest

from articles.export import neutralised
from articles.search import backend
from tests.archive_data import HOSTILE_BODY, Spec, make_articles

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_formula_starts_get_a_leading_apostrophe(cell):
    assert neutralised(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Steel tariffs", "", "1987-03-02", "a=b", "'quoted"])
def test_other_cells_are_left_alone(cell):
    assert neutralised(cell) == cell


def download(client, **params) -> tuple[bytes, list[dict]]:
    response = client.get("/export.csv", params)
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_formula_cells_from_articles_are_neutralised_in_the_export(client):
    hostile = Spec("=cmd|' /C calc'!A0", "Formula body words", persons=["@Evil Person"], source="x.org")
    make_articles([hostile])
    _, rows = download(client, q="formula")
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["persons"] == "'@Evil Person"
    assert rows[0]["id"].isdigit()


def test_text_and_snippet_columns_on_request(client):
    make_articles()
    _, plain = download(client, q="steel")
    assert "text" not in plain[0] and "snippet" not in plain[0]
    _, rows = download(client, q="steel", columns="text,snippet")
    by_title = {r["title"]: r for r in rows}
    first = by_title["Steel tariffs rise again"]
    assert first["text"].startswith("The government raised tariffs on imported steel.")
    assert "steel" in first["snippet"] and "<mark>" not in first["snippet"]
    _, repeated = download(client, q="steel", columns=["snippet", "text"])
    assert list(repeated[0])[-2:] == ["text", "snippet"]


def test_snippets_of_markup_are_text_not_markup(client):
    make_articles()
    _, rows = download(client, q="cheered", columns="snippet")
    assert "<script>alert(1)</script>" in rows[0]["snippet"]  # as written in the article, as text
    assert HOSTILE_BODY.startswith("Traders cheered")


def test_an_unknown_column_is_a_400_before_any_row(client):
    response = client.get("/export.csv", {"columns": "text,password"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "columns"


def test_a_byte_order_mark_on_request_for_spreadsheets(client):
    make_articles([Spec("Amélie à Paris", "Amélie visited the harbour.", datetime.date(2025, 1, 2))])
    raw, rows = download(client, q="harbour", bom="1")
    assert raw.startswith(b"\xef\xbb\xbfid,title")
    assert rows[0]["title"] == "Amélie à Paris"
    plain, _ = download(client, q="harbour")
    assert plain.startswith(b"id,title")


def test_a_failing_search_is_an_error_answer_not_a_broken_200(client, monkeypatch):
    make_articles()

    def broken(request):
        raise RuntimeError("the search failed")
        yield  # a generator, like the real one

    monkeypatch.setattr(backend(), "iter_ids", broken)
    client.raise_request_exception = False
    response = client.get("/export.csv", {"q": "steel"})
    assert response.status_code == 500 and not response.streaming


def feed(client, **params):
    response = client.get("/feed.atom", params)
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


def test_the_feed_is_well_formed_atom_with_everything_rfc_4287_requires(client):
    make_articles()
    response, parsed = feed(client, q="steel OR oil OR markets", person_not="Nobody")
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    f = parsed.feed
    assert f.title and f.id and f.updated_parsed
    assert f.author == "News archive"
    self_link = next(link.href for link in f.links if link.rel == "self")
    assert self_link.startswith("http://testserver/feed.atom?")
    assert "q=steel+OR+oil+OR+markets" in self_link and "person_not=Nobody" in self_link
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.updated_parsed  # required of every entry
        assert entry.link.startswith("http://testserver/articles/")
        assert entry.summary_detail.type == "text/plain"
    root = ET.fromstring(response.content)
    assert {s.get("type") for s in root.iter(f"{ATOM}summary")} == {"text"}


def test_a_summary_holding_markup_stays_text_for_feed_readers(client):
    make_articles()
    _, parsed = feed(client, q="cheered")
    summary = parsed.entries[0].summary
    assert "<script>alert(1)</script>" in summary  # the article's words, shown as text
    assert parsed.entries[0].summary_detail.type == "text/plain"


def test_entry_dates_are_the_articles_own(client):
    make_articles()
    _, parsed = feed(client, q="steel")
    by_title = {e.title: e for e in parsed.entries}
    steel = by_title["Steel tariffs rise again"]
    assert steel.updated.startswith("1987-03-02") and steel.published.startswith("1987-03-02")
    assert steel.author == "reuters.com"
    assert parsed.feed.updated.startswith("1987-04-01")  # the newest entry's date


def test_control_characters_in_articles_do_not_break_the_feed(client):
    # (no NUL: PostgreSQL cannot store one)
    make_articles([Spec("Bell\x07 title", "Body with a \x0b vertical tab and \x01 start.", source="a.org")])
    _, parsed = feed(client, q="vertical")
    assert not parsed.bozo
    assert parsed.entries[0].title == "Bell  title"
