"""Source URLs: only web addresses are kept, read the way a browser reads them."""

import json

import pytest

from articles.ingest.formats.html import read_html
from articles.ingest.formats.json import read_record
from articles.ingest.links import web_url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        " javascript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
        "https://",
        "http://[::1",
        "",
    ],
)
def test_anything_but_a_web_address_is_refused(url):
    assert web_url(url) == ""


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://www.dawn.com/news/1", "https://www.dawn.com/news/1"),
        ("  HTTP://Example.com/a\n", "HTTP://Example.com/a"),
        ("ht\ttps://example.com/", "https://example.com/"),
    ],
)
def test_web_addresses_are_kept_as_a_browser_reads_them(url, kept):
    assert web_url(url) == kept


def test_a_record_s_script_url_is_kept_as_a_removal_not_a_link():
    record = {"title": "Talks", "url": " JaVa\tScRiPt:alert(document.domain)", "text": "Officials met."}
    draft = read_record(json.loads(json.dumps(record)), "feed.jsonl", 1, "line")
    assert draft.source_url == ""
    assert [(r.rule, r.text) for r in draft.removals] == [("unsafe-url", record["url"].strip())]


def test_a_page_s_script_canonical_link_is_refused():
    page = (
        '<html><head><title>Talks</title><link rel="canonical" href="javascript:alert(1)"></head>'
        "<body><article><p>Officials met on Tuesday in Doha.</p></article></body></html>"
    )
    (draft,) = read_html(page, "a.html", "hash")
    assert draft.source_url == ""
    assert [(r.rule, r.text) for r in draft.removals] == [("unsafe-url", "javascript:alert(1)")]
