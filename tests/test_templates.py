"""The Jinja2 environment of the public pages: its filters, and what a hit shows with them."""

import datetime
import re

import pytest

from archive.jinja2 import intcomma, long_date, plural, short_date
from tests.archive_data import make_articles


def test_numbers_and_dates_read_as_english():
    assert [intcomma(n) for n in (0, 999, 1000, 21578, 1234567)] == [
        "0",
        "999",
        "1,000",
        "21,578",
        "1,234,567",
    ]
    assert (plural(1), plural(2), plural(0), plural(1, "es"), plural(3, "es")) == ("", "s", "s", "", "es")
    assert long_date(datetime.date(1987, 3, 2)) == "2 March 1987"
    assert short_date(datetime.date(1986, 12, 31)) == "31 Dec 1986"


@pytest.mark.django_db
def test_a_hit_shows_its_date_source_dateline_and_a_singular_count(client):
    make_articles()
    html = client.get("/", {"q": "shipping", "source": "reuters.com"}).content.decode()
    assert re.search(r"<h1[^>]*>\s*1 article\s*</h1>", html)
    meta = re.search(r'<p class="meta">(.*?)</p>', html, re.S).group(1)
    assert '<time datetime="1987-03-02">2 March 1987</time>' in meta
    assert "<span>reuters.com</span>" in meta and "<span>KARACHI</span>" in meta
