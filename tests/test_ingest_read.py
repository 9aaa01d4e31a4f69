"""Reading files: finding them, decoding every encoding the archive meets, each format's reader,
every failure code on bad input, and the sample corpus."""

import codecs
import datetime
import hashlib
import json
import os
import pickle

import pytest

from articles.ingest.draft import ArticleDraft, FileFailure
from articles.ingest.read import find_files, read_file
from tests.conftest import SAMPLE_DIR

LIMIT = 1_000_000

ARTICLE = (
    "Ministers agree on grain corridor\n\n"
    "ANKARA: Ministers from four countries agreed on Tuesday to reopen a grain corridor, officials "
    "said, easing pressure on wheat prices.\n\n"
    "The agreement follows weeks of talks hosted by Turkey."
)


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def read_one(path, max_bytes=LIMIT):
    (item,) = read_file(path, max_bytes)
    return item


def drafts(items):
    return [item for item in items if isinstance(item, ArticleDraft)]


def failures(items):
    return [item for item in items if isinstance(item, FileFailure)]


# --- finding files -----------------------------------------------------------------------------


def test_find_files_walks_folders_in_order_and_skips_hidden_files_and_readmes(tmp_path):
    for name in [
        "b.txt",
        "a/z.txt",
        "a/y/x.txt",
        ".hidden.txt",
        ".git/config.txt",
        "c/README.md",
        "c/d.html",
    ]:
        write(tmp_path / name, b"text")
    single = write(tmp_path / "elsewhere" / "single.txt", b"text")
    found = list(find_files([tmp_path / "a", tmp_path / "b.txt", tmp_path / "c", single]))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/y/x.txt",
        "a/z.txt",
        "b.txt",
        "c/d.html",
        "elsewhere/single.txt",
    ]


def test_a_missing_path_fails_alone_and_the_rest_is_found(tmp_path):
    real = write(tmp_path / "real.txt", b"text")
    found = list(find_files([tmp_path / "missing", str(real)]))
    assert isinstance(found[0], FileFailure) and found[0].code == "unreadable"
    assert "no file or folder" in found[0].message
    assert found[1] == real


def test_a_folder_that_cannot_be_listed_is_unreadable_and_the_rest_goes_on(tmp_path, monkeypatch):
    write(tmp_path / "locked" / "a.txt", b"text")
    kept = write(tmp_path / "open" / "b.txt", b"text")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    failure, found = find_files([tmp_path])
    assert (failure.origin, failure.code) == (str(tmp_path / "locked"), "unreadable")
    assert "Permission denied" in failure.message
    assert found == kept


# --- decoding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("cp1252"), id="cp1252"),
        pytest.param(
            lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode("utf-8"), id="utf8-bom-crlf"
        ),
        pytest.param(lambda text: text.replace("\n", "\r").encode("utf-8"), id="utf8-cr"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf16-bom"),
        pytest.param(lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), id="utf16-be-bom"),
        pytest.param(lambda text: text.encode("utf-8").decode("latin-1").encode("utf-8"), id="mojibake"),
    ],
)
def test_every_encoding_decodes_to_the_same_article_with_curly_quotes_kept(tmp_path, encode):
    text = "Durand’s warning on rates\n\nAmélie Durand said the cut was “a first step” and ‘not a trend’."
    draft = read_one(write(tmp_path / "a.txt", encode(text)))
    assert draft.title == "Durand’s warning on rates"
    assert draft.body == "Amélie Durand said the cut was “a first step” and ‘not a trend’."


def test_latin1_text_reads_as_latin1(tmp_path):
    text = "São Paulo café owners cheer\n\nOwners in São Paulo said the naïve plan was ± fine, à la carte."
    draft = read_one(write(tmp_path / "a.txt", text.encode("latin-1") + b"\x81"))
    assert draft.title == "São Paulo café owners cheer"
    assert draft.body == "Owners in São Paulo said the naïve plan was ± fine, à la carte."


def test_text_is_nfc_normalised(tmp_path):
    draft = read_one(write(tmp_path / "a.txt", "Cafe\u0301 owners cheer a new rule in Paris".encode()))
    assert "Café" in draft.body and "\u0301" not in draft.body


# --- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\n\t\n", "empty"),
        ("image.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
        ("controls.txt", bytes(range(1, 9)) * 50 + b"some words", "binary"),
        ("nul.txt", b"An article\x00 with a NUL byte", "binary"),
        ("bad-utf16.txt", codecs.BOM_UTF16_LE + b"\x00\xd8A\x00", "undecodable"),
        ("bad-utf8-bom.txt", codecs.BOM_UTF8 + b"caf\xe9 au lait", "undecodable"),
        ("report.pdf", b"%PDF-1.7 some text", "unsupported"),
        ("feed.xml", b"<?xml version='1.0'?><rss><item>Talks</item></rss>", "unsupported"),
        ("reut2-000.sgm", b"<!DOCTYPE lewis SYSTEM 'lewis.dtd'><REUTERS>", "unsupported"),
        ("notes.dat", b"<REUTERS><TITLE>COCOA</TITLE></REUTERS>", "unsupported"),
        ("furniture.txt", b"Share this article\n\nLeave a comment\n\nhttps://example.com/x\n", "no-text"),
        ("empty.html", b"<html><body><nav>Home | World</nav><script>x()</script></body></html>", "no-text"),
        ("broken.json", b'[{"title": "A", "text": "B"}', "malformed-json"),
        ("scalar.json", b'"just a string"', "malformed-json"),
        ("no-records.json", b'{"articles": []}', "no-text"),
    ],
)
def test_bad_input_gives_a_failure_with_its_code_and_advice(tmp_path, name, data, code):
    failure = read_one(write(tmp_path / name, data))
    assert isinstance(failure, FileFailure)
    assert failure.code == code
    assert failure.origin == str(tmp_path / name)
    assert failure.message.endswith(".") and ":" in failure.message  # what went wrong: what to do


def test_a_file_over_the_limit_is_too_large(tmp_path):
    path = write(tmp_path / "big.txt", ARTICLE.encode() * 10)
    failure = read_one(path, max_bytes=100)
    assert failure.code == "too-large" and "ARCHIVE_MAX_FILE_BYTES" in failure.message
    assert isinstance(read_one(path, max_bytes=len(ARTICLE) * 10), ArticleDraft)


@pytest.mark.parametrize("target", ["missing.txt", "a-folder"])
def test_a_path_that_is_not_a_readable_file_is_unreadable(tmp_path, target):
    (tmp_path / "a-folder").mkdir()
    assert read_one(tmp_path / target).code == "unreadable"


def test_a_malformed_json_line_fails_alone(tmp_path):
    lines = [
        json.dumps({"id": "a1", "title": "First", "text": "Officials met on Tuesday to talk trade."}),
        '{"id": "a2", "title": "Second", "text": "unterminated',
        "",
        json.dumps({"title": "Third", "text": "Markets rose after the talks ended."}),
        "[1, 2]",
    ]
    items = read_file(write(tmp_path / "briefs.jsonl", "\n".join(lines).encode()), LIMIT)
    assert [d.origin for d in drafts(items)] == [f"{tmp_path}/briefs.jsonl#a1", f"{tmp_path}/briefs.jsonl#4"]
    assert [(f.origin, f.code) for f in failures(items)] == [
        (f"{tmp_path}/briefs.jsonl#2", "malformed-json"),
        (f"{tmp_path}/briefs.jsonl#5", "malformed-json"),
    ]
    assert failures(items)[0].message.startswith("Line 2 ")


def test_read_file_and_its_results_pickle(tmp_path):
    items = read_file(write(tmp_path / "a.txt", ARTICLE.encode()), LIMIT)
    assert pickle.loads(pickle.dumps((read_file, items))) == (read_file, items)


# --- text --------------------------------------------------------------------------------------


def test_a_text_file_gives_its_fields_and_the_hash_of_its_bytes(tmp_path):
    data = ("https://news.example/2025/03/04/grain-corridor\n" + ARTICLE).encode()
    draft = read_one(write(tmp_path / "a.txt", data))
    assert draft.origin == str(tmp_path / "a.txt")
    assert draft.content_hash == hashlib.sha256(data).hexdigest()
    assert draft.format == "text"
    assert draft.title == "Ministers agree on grain corridor"
    assert draft.source_url == "https://news.example/2025/03/04/grain-corridor"
    assert (draft.published, draft.date_source) == (datetime.date(2025, 3, 4), "url")
    assert draft.dateline == "Ankara"
    assert draft.body.startswith("Ministers from four countries")
    assert "news.example" not in draft.body


@pytest.mark.parametrize(
    ("name", "content", "format"),
    [
        (
            "page.asp",
            "<!DOCTYPE html><html><body><article><p>Officials met on Tuesday.</p></article>",
            "html",
        ),
        ("export.out", '[{"title": "Talks", "text": "Officials met on Tuesday."}]', "json"),
        ("lines.out", '{"title": "A", "text": "One."}\n{"title": "B", "text": "Two."}\n', "jsonl"),
        ("story.2025", "Talks resume in Doha\n\nOfficials met on Tuesday.", "text"),
        ("README", "Talks resume in Doha\n\nOfficials met on Tuesday.", "text"),
    ],
)
def test_an_unknown_extension_is_read_by_the_format_its_content_has(tmp_path, name, content, format):
    items = read_file(write(tmp_path / name, content.encode()), LIMIT)
    assert items and all(isinstance(item, ArticleDraft) and item.format == format for item in items)


# --- HTML --------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head>
<title>Central bank holds rates steady | The Ledger</title>
<meta property="og:title" content="Central bank holds rates steady | The Ledger">
<meta property="article:published_time" content="2025-03-04T09:00:00+05:00">
<link rel="canonical" href="https://ledger.example/markets/rates-steady">
<script>var tracking = "Share this";</script><style>p { color: red }</style>
</head><body class="post has-sidebar">
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<div class="share-buttons"><a>Facebook</a> <a>Twitter</a></div>
<article>
  <h1>Central bank holds rates steady</h1>
  <p>KARACHI: The central bank held its policy rate at 12 percent on Monday,
     citing <em>stubborn</em> food prices.</p>
  <h2>Markets calm</h2>
  <ul><li>Bonds were flat</li><li>The rupee firmed</li></ul>
  <p>Dealers said the decision was expected.<br>Trading was light.</p>
  <aside><p>Read more: Rupee hits two-month high</p></aside>
  <section id="comments"><p>Nice article!</p></section>
</article>
<form class="newsletter"><p>Sign up for our newsletter</p></form>
<footer><p>Copyright 2025 The Ledger</p></footer>
</body></html>"""


def test_an_html_page_gives_its_metadata_and_article_text(tmp_path):
    data = PAGE.encode()
    draft = read_one(write(tmp_path / "page.html", data))
    assert draft.format == "html"
    assert draft.content_hash == hashlib.sha256(data).hexdigest()
    assert draft.title == "Central bank holds rates steady"
    assert (draft.published, draft.date_source) == (datetime.date(2025, 3, 4), "metadata")
    assert draft.source_url == "https://ledger.example/markets/rates-steady"
    assert draft.dateline == "Karachi"
    assert draft.body == (
        "The central bank held its policy rate at 12 percent on Monday, citing stubborn food prices.\n\n"
        "Markets calm\n\n"
        "- Bonds were flat\n- The rupee firmed\n\n"
        "Dealers said the decision was expected.\n\nTrading was light."
    )


@pytest.mark.parametrize(
    ("head", "body", "title", "published"),
    [
        (
            '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
            '"datePublished": "2024-12-01T10:00:00Z"}]}</script><title>Gold hits a record - Wire</title>'
            '<meta property="og:site_name" content="Wire">',
            "<main><p>Gold prices hit a record on Friday as investors sought safety.</p></main>",
            "Gold hits a record",
            datetime.date(2024, 12, 1),
        ),
        (
            "<title>Pakistan - US ties improve</title>",
            '<div class="content"><h1>Pakistan and US agree to expand trade</h1>'
            '<time datetime="2025-05-02">May 2</time></div>'
            "<div id='story'><p>The two countries agreed on Friday to expand trade.</p>"
            "<p>Officials said talks would continue.</p></div>"
            "<div class='promo'><p>Subscribe today</p></div>",
            "Pakistan and US agree to expand trade",
            None,
        ),
        (
            "<title>Budget passed</title>",
            "<article><p>Published: June 12, 2025</p><p>Lawmakers passed the budget.</p></article>",
            "Budget passed",
            datetime.date(2025, 6, 12),
        ),
    ],
)
def test_html_title_and_date_fall_back_in_order(tmp_path, head, body, title, published):
    draft = read_one(
        write(tmp_path / "page.htm", f"<html><head>{head}</head><body>{body}</body></html>".encode())
    )
    assert draft.title == title
    assert draft.published == published
    assert "Subscribe" not in draft.body and "Published" not in draft.body


def test_html_without_article_or_main_uses_the_densest_block(tmp_path):
    page = (
        "<html><body><div class='menu-links'><p>World</p><p>Business</p></div>"
        "<div class='wrap'><div><p>Oil prices fell on Monday after the cartel agreed to raise output.</p>"
        "<p>Brent crude dropped 2 percent to $71 a barrel.</p></div>"
        "<div><p>Short note.</p></div></div></body></html>"
    )
    draft = read_one(write(tmp_path / "page.html", page.encode()))
    assert draft.body.split("\n\n") == [
        "Oil prices fell on Monday after the cartel agreed to raise output.",
        "Brent crude dropped 2 percent to $71 a barrel.",
    ]


# --- JSON and JSON Lines -----------------------------------------------------------------------


def test_json_lines_records_map_their_fields_whatever_they_are_called(tmp_path):
    records = [
        {
            "id": "w-1",
            "headline": "IMF approves loan",
            "published_at": "2025-07-02T18:00:00+05:00",
            "link": "https://wire.example/imf-loan",
            "body": "WASHINGTON: The IMF board approved a $7 billion loan on Wednesday.",
        },
        {
            "title": "Talks resume",
            "datePublished": "March 3, 2025",
            "url": "https://wire.example/talks",
            "dateline": "DOHA",
            "content": ["Talks resumed on Monday.", "Officials were upbeat."],
        },
        {
            "title": "Markets",
            "date": "Sun, 23 Feb 2025 18:00:00 GMT",
            "text": "<p>Stocks rose.</p><p>Share this</p>",
        },
        {"title": "Hydrogen", "published": 1735776000, "article": "Gulf states signed hydrogen deals."},
    ]
    path = write(tmp_path / "wire.ndjson", "\n".join(json.dumps(r) for r in records).encode())
    first, second, third, fourth = read_file(path, LIMIT)
    assert first.origin == f"{path}#w-1" and second.origin == f"{path}#2"
    assert first.content_hash == hashlib.sha256(json.dumps(records[0], sort_keys=True).encode()).hexdigest()
    assert (first.title, first.published, first.date_source) == (
        "IMF approves loan",
        datetime.date(2025, 7, 2),
        "metadata",
    )
    assert (first.source_url, first.dateline, first.format) == (
        "https://wire.example/imf-loan",
        "Washington",
        "jsonl",
    )
    assert first.body == "The IMF board approved a $7 billion loan on Wednesday."
    assert (second.published, second.dateline) == (datetime.date(2025, 3, 3), "Doha")
    assert second.body == "Talks resumed on Monday.\n\nOfficials were upbeat."
    assert (third.published, third.body) == (datetime.date(2025, 2, 23), "Stocks rose.")
    assert (fourth.published, fourth.body) == (
        datetime.date(2025, 1, 2),
        "Gulf states signed hydrogen deals.",
    )


@pytest.mark.parametrize(
    ("content", "origins"),
    [
        (
            '[{"id": 7, "title": "A", "text": "Alpha rose."}, {"title": "B", "text": "Beta fell."}]',
            ["#7", "#2"],
        ),
        ('{"source": "x", "articles": [{"title": "A", "text": "Alpha rose."}]}', ["#1"]),
        ('{"title": "A", "text": "Alpha rose.", "id": "solo"}', ["#solo"]),
        ('{"title": "A", "text": "Alpha rose."}\n{"title": "B", "text": "Beta fell."}', ["#1", "#2"]),
    ],
)
def test_json_exports_give_one_article_per_record(tmp_path, content, origins):
    path = write(tmp_path / "export.json", content.encode())
    items = read_file(path, LIMIT)
    assert [item.origin for item in items] == [f"{path}{suffix}" for suffix in origins]
    assert all(isinstance(item, ArticleDraft) and item.body.endswith(".") for item in items)


def test_a_record_without_text_fails_alone(tmp_path):
    path = write(
        tmp_path / "export.json", b'[{"title": "Only a title"}, {"title": "B", "text": "Beta fell."}, 3]'
    )
    items = read_file(path, LIMIT)
    assert [(item.origin, getattr(item, "code", "draft")) for item in items] == [
        (f"{path}#1", "no-text"),
        (f"{path}#2", "draft"),
        (f"{path}#3", "malformed-json"),
    ]


# --- the sample corpus -------------------------------------------------------------------------


def test_the_sample_corpus_reads_without_failure():
    items = [item for path in find_files([SAMPLE_DIR]) for item in read_file(path, LIMIT)]
    assert not failures(items), failures(items)
    assert len(items) >= 12
    assert {item.format for item in items} == {"text", "html", "json", "jsonl"}
    assert {item.date_source for item in items} == {"", "header", "published-line", "metadata", "url"}
    assert sum(1 for item in items if item.dateline) >= 8
    assert all(item.title and item.body for item in items)
    assert not any("README" in item.origin for item in items)
