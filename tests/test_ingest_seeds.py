"""The five seed articles read by the pipeline, checked by effect: dates only where the text states
one, the headline line, the source URL and dateline, and bodies free of page furniture."""

import re
import unicodedata

import pytest

from articles.ingest.draft import ArticleDraft
from articles.ingest.read import find_files, read_file

# Page furniture, described by shape (independently of the pipeline's own rules).
PROMPT = re.compile(
    r"(share|follow us|subscribe|sign up|leave a (comment|reply)|your email address will not be published"
    r"|click here|exit mobile version|all rights reserved|copyright)\b",
    re.IGNORECASE,
)
RELATED_LINK = re.compile(r"((also |read )?read( more| also)?|related)\s*:", re.IGNORECASE)
URL_ONLY = re.compile(r"(https?://|www\.)\S+")
NETWORKS = re.compile(
    r"(facebook|twitter|instagram|youtube|tiktok|whats ?app|google news|linkedin|x)\W*", re.I
)


def is_furniture(line: str) -> bool:
    line = " ".join(line.split())
    return bool(
        PROMPT.match(line)
        or RELATED_LINK.match(line)
        or URL_ONLY.fullmatch(line)
        or (line and not NETWORKS.sub("", line).replace("and", "").strip(" ,|"))
    )


def raw_text(path) -> str:
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).replace("\u00a0", " ")


@pytest.fixture
def seeds(seeds_dir):
    """(raw text, draft) for every seed, each read without failure."""
    pairs = []
    for path in find_files([seeds_dir]):
        (draft,) = read_file(path, 10_000_000)
        assert isinstance(draft, ArticleDraft), draft
        pairs.append((raw_text(path), draft))
    assert len(pairs) == 5
    return pairs


def test_seed_dates_come_only_from_a_date_header(seeds):
    for raw, draft in seeds:
        header = re.match(r"\s*date (\d{4}-\d{2}-\d{2}) ", raw)
        if header:
            assert draft.published.isoformat() == header.group(1)
            assert draft.date_source == "header"
        else:
            assert draft.published is None and draft.date_source == ""
    assert sorted(d.published.isoformat() for _, d in seeds if d.published) == ["2025-04-08", "2025-08-06"]


def test_an_article_saying_on_monday_keeps_its_header_date(seeds):
    monday = [draft for raw, draft in seeds if "on Monday" in raw and raw.lstrip().startswith("date ")]
    assert monday, "a seed with a date header speaks of 'on Monday'"
    for draft in monday:
        raw = next(raw for raw, other in seeds if other is draft)
        assert draft.date_source == "header"
        assert draft.published.isoformat() == raw.split()[1]


def test_the_headline_line_becomes_the_title_and_leaves_the_body(seeds):
    titled = [(raw, draft) for raw, draft in seeds if draft.title == raw.split("\n", 1)[0].strip()]
    assert len(titled) == 1
    raw, draft = titled[0]
    assert not draft.body.startswith(draft.title)
    assert raw.split("\n")[1] == ""  # it was a line of its own


def test_source_url_and_dateline_are_taken_out_of_the_body(seeds):
    (with_url,) = [draft for _, draft in seeds if draft.source_url]
    assert with_url.source_url == "https://arab.news/6r5g7"
    assert with_url.dateline == "Islamabad"
    assert "arab.news" not in with_url.body
    assert not re.search(r"^ISLAMABAD\s*:", with_url.body, re.MULTILINE)
    # The summary bullets are content and stay, ahead of the lead.
    assert with_url.body.startswith("- ")
    assert with_url.body.count("\n- ") == 1


def test_no_body_line_and_no_title_is_page_furniture(seeds):
    for _, draft in seeds:
        for line in draft.body.split("\n"):
            assert not is_furniture(line), (draft.origin, line)
        assert draft.title and not is_furniture(draft.title)


def test_every_line_of_content_survives_cleaning(seeds):
    for raw, draft in seeds:
        text = f"{draft.title}\n{draft.body}"
        for line in raw.split("\n"):
            line = line.strip()
            if line and not is_furniture(line):
                assert " ".join(line.split())[-40:] in text, (draft.origin, line)


def test_subheadings_stay_as_paragraphs_of_their_own(seeds):
    for raw, draft in seeds:
        paragraphs = draft.body.split("\n\n")
        for line in raw.split("\n"):
            line = line.strip()
            short_heading = (
                line and len(line.split()) <= 6 and not line.endswith(".") and not is_furniture(line)
            )
            if short_heading and line != draft.title:
                assert line in paragraphs, (draft.origin, line)


def test_titles_are_short_and_never_shouted_or_cut_mid_word(seeds):
    for _, draft in seeds:
        assert len(draft.title) <= 121
        assert not re.match(r"[A-Z]{4,}\b", draft.title)
        if draft.title.endswith("…"):
            stem = draft.title[:-1]
            assert any(p.startswith(stem + " ") for p in draft.body.split("\n\n")), draft.origin


def test_a_drop_cap_word_is_lowered_but_acronyms_are_not(seeds):
    for raw, draft in seeds:
        assert not re.match(r"[A-Z]{4,} ", draft.body), draft.origin
        for acronym in ("US", "COAS", "LUMS"):
            # Every use in the file is still there, bar one in a headline line taken out as title.
            expected = raw.count(acronym) - (draft.title.count(acronym) if raw.startswith(draft.title) else 0)
            assert draft.body.count(acronym) == expected, (draft.origin, acronym)


def test_bodies_are_paragraphs_separated_by_one_blank_line(seeds):
    for _, draft in seeds:
        assert draft.body == draft.body.strip()
        assert "\n\n\n" not in draft.body and "\r" not in draft.body
        assert all(line == line.strip() for line in draft.body.split("\n"))
    one_line_per_paragraph = [d for raw, d in seeds if "\n\n" not in raw.strip()]
    assert one_line_per_paragraph and all(d.body.count("\n\n") >= 8 for d in one_line_per_paragraph)
