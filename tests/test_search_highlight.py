"""Snippets and full-text highlighting: matches marked, word forms and phrases included,
everything else escaped."""

import re

import pytest

from articles.search.highlight import highlight, highlight_full

BODY = (
    "Shipping costs rose. The ship was shipped late; one shipper objected. "
    "A new trade deal cut tariffs, but the deal on trade in oil did not. " * 3
)


def marked(html: str) -> list[str]:
    return re.findall(r"<mark[^>]*>(.*?)</mark>", html)


def test_plain_word_marks_its_word_forms_only():
    words = marked(highlight_full("ship", BODY))
    assert set(words) == {"Shipping", "ship", "shipped"}


def test_phrase_is_marked_as_one_and_only_where_adjacent():
    assert set(marked(highlight_full('"trade deal"', BODY))) == {"trade deal"}
    assert len(marked(highlight_full('"trade deal"', BODY))) == 3


def test_singular_marks_plural_in_the_seed_text(seeds_dir):
    text = next(p for p in sorted(seeds_dir.glob("*.txt")) if "tariffs" in p.read_text()).read_text()
    assert "tariffs" in {w.lower() for w in marked(highlight_full("tariff", text))}
    assert {w.lower() for w in marked(highlight("tariff", text))} <= {"tariff", "tariffs"}


def test_excluded_words_are_not_marked():
    assert marked(highlight_full("deal -oil", BODY)) == ["deal"] * 6


@pytest.mark.parametrize(
    "q, expected",
    [("tarif*", {"tariffs"}), ("shiper~", {"shipper"}), ('title:"trade deal"', {"trade deal"})],
)
def test_prefixes_fuzzy_terms_and_title_phrases_are_marked(q, expected):
    assert set(marked(highlight_full(q, BODY))) == expected


def test_body_markup_is_escaped():
    body = 'Harmless <script>alert("x")</script> text about tariffs & <b>trade</b>.'
    for html in (highlight("tariff trade", body), highlight_full("tariff trade", body)):
        assert "<script>" not in html and "<b>" not in html
        assert "&lt;script&gt;" in html and "&amp;" in html
        assert re.sub(r"</?mark[^>]*>", "", html).count("<") == 0


def test_query_markup_cannot_inject():
    html = highlight_full('"<img src=x onerror=alert(1)>"', "an <img src=x onerror=alert(1)> here")
    assert "<img" not in html


def test_snippet_is_short_centred_on_matches_and_whitespace_collapsed():
    text = (
        ("filler words without interest. " * 40)
        + "The drought hit the wheat harvest.\n\n"
        + "more filler. " * 40
    )
    snippet = highlight("drought", text, max_chars=120)
    plain = re.sub(r"</?mark>", "", snippet)
    assert len(plain) <= 120 + 4
    assert plain.startswith("… ") and plain.endswith(" …")
    assert marked(snippet) == ["drought"]
    assert "\n" not in snippet


def test_snippet_without_matches_is_the_start_of_the_text():
    assert highlight("zebra", "Alpha beta gamma.", 300) == "Alpha beta gamma."
    assert highlight("", "Alpha & beta", 300) == "Alpha &amp; beta"


def test_highlight_accepts_a_request():
    assert set(marked(highlight("oil", BODY))) == {"oil"}


def test_full_highlight_numbers_hits_and_counts_them():
    html = highlight_full("deal", BODY)
    assert html.count == 6
    assert re.findall(r'<mark id="hit-(\d+)">', html) == [str(n) for n in range(1, 7)]
    assert re.sub(r"</?mark[^>]*>", "", html) == BODY.replace("&", "&amp;")


@pytest.mark.parametrize("q", ['"unclosed', "((", "NOT", "\x00", "date:[", "*"])
def test_highlighting_a_malformed_query_never_raises(q):
    assert re.sub(r"</?mark[^>]*>", "", highlight(q, BODY, 80))
    assert highlight_full(q, BODY).count >= 0


@pytest.mark.parametrize(
    "q, text, expected",
    [
        # The analyzer reads "U.S.dollar" as one word, so neither part of it is a match on its own.
        ("dollar", "The U.S.dollar and the dollar.", ["dollar"]),
        ('"u.s"', "The U.S. and U.S.dollar.", ["U.S"]),
        ('"the dollar"', "the. dollar, the dollar, the.dollar", ["the. dollar", "the dollar"]),
        ('"deal deal"', "deal deal deal", ["deal deal deal"]),  # overlapping phrase matches merge
        ("sh?pping", "Shipping and shopping.", ["Shipping", "shopping"]),
    ],
)
def test_matches_follow_the_analyzers_word_boundaries(q, text, expected):
    assert marked(highlight_full(q, text)) == expected


def test_text_whose_lowercase_changes_length_is_still_highlighted():
    text = "İstanbul shipping rose; ships left İzmir."  # "İ".lower() is two characters
    assert marked(highlight_full("ship", text)) == ["shipping", "ships"]
    assert marked(highlight_full('"ships left"', text)) == ["ships left"]
