"""The ingest's shortcuts decide as the slow paths they spare: a topic rule's hits found by
str.find first, a text's words split out of ASCII text without a regex, the social-list check that
skips the network search, the space normaliser that leaves lone spaces alone. Generated texts hold
the characters that make ignoring case more than lowering ("K", "İ", "ſ"), other accents, and the
spaces and separators the rules read."""

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.ingest import clean
from articles.ingest.topics import ArticleText, TextWords, compile_rule

EXAMPLES = settings(max_examples=300, deadline=None, database=None)

PIECES = (
    "oil OIL Oil oiL turmoil _oil oil_ 2oil trade deal TRADE  deal trade\ndeal tariffs US U.S. u.s. USA "
    "us-based said aid AID exporters export-led "
    "Kelvin \u212aelvin \u0130stanbul istanbul \u017ftate state Zürich ZÜRICH é É ß - , . ; : \n \t"
).split(" ")
texts = st.lists(st.sampled_from(PIECES), max_size=30).map(" ".join)

RULES = [
    compile_rule(rule, pattern, case_sensitive)
    for rule, pattern, case_sensitive in [
        ("any", "oil, trade deal, tariffs, kelvin, istanbul, state", False),
        ("any", "US, U.S., USA, Oil", True),
        ("all", "oil, trade deal", False),
        ("phrase", "trade deal", False),
        ("any", "aid, export, exports", False),  # found inside "said", "exporters"
        ("any", "zürich, oil", False),  # not ASCII: no shortcut
    ]
]


@EXAMPLES
@given(texts, texts)
def test_a_rules_hits_are_its_regexs_hits(title, body):
    article = ArticleText(title, body)
    for compiled in RULES:
        for number, regex_ in enumerate(compiled.patterns):
            expected = [hit.span() for hit in regex_.finditer(article.text)]
            assert [hit.span() for hit in compiled._hits(number, article, 1.0)] == expected


@EXAMPLES
@given(texts, texts)
def test_a_rule_has_evidence_exactly_where_it_matches(title, body):
    article = ArticleText(title, body)
    for compiled in RULES:
        matched = compiled.matches(article.text, TextWords(article.text))
        assert (compiled.evidence(article) is not None) == matched


@EXAMPLES
@given(st.one_of(texts, texts.map(lambda text: text.encode("ascii", "ignore").decode("ascii"))))
def test_a_texts_words_are_its_regex_words(text):
    words = regex.findall(r"\w+", text)
    assert TextWords(text).exact == frozenset(words)
    assert TextWords(text).lower == frozenset(word.lower() for word in words)


def test_the_network_clues_are_in_every_network_name():
    for name in clean._NETWORK_NAMES:
        clue = next(clue for clue in clean._NETWORK_CLUES if clue in name.replace("\\s", ""))
        assert regex.fullmatch(rf".*{regex.escape(clue)}.*", name.replace("\\s*", "").replace("-?", ""))


def _slow_is_social_list(line: str) -> bool:
    stripped = line.strip().rstrip(":")
    if not stripped or len(stripped) > clean.MAX_PROMPT_CHARS:
        return False
    if clean._NOT_IN_SOCIAL_LIST.search(stripped) or not clean._SOCIAL_NETWORKS.search(stripped):
        return False
    stripped = clean._SHARE_LABEL.sub("", stripped)
    remainder = clean._SOCIAL_NETWORKS.sub(" ", stripped)
    return bool(clean._SOCIAL_NETWORKS.search(stripped)) and not clean._NETWORK_SEPARATORS.sub("", remainder)


NETWORK_PIECES = (
    "Share: Facebook FACEBOOK X x | , and e-mail Email print Copy link \u212a \u017f WhatsApp rss the".split()
)


@EXAMPLES
@given(st.lists(st.sampled_from(NETWORK_PIECES), max_size=8).map(" ".join))
def test_the_social_list_check_is_the_full_search(line):
    assert clean.is_social_list(line) == _slow_is_social_list(line)


@EXAMPLES
@given(st.text(alphabet=" \t\u00a0\u2007\u202f\u3000\u200b\u00ad\nab", max_size=40))
def test_normalising_spaces_is_every_run_made_one_space(text):
    visible = regex.sub(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    spaces = regex.sub(r"[ \t\u00a0\u2007\u202f\u3000]+", " ", visible)
    assert clean.normalise_spaces(text) == "\n".join(line.strip() for line in spaces.split("\n"))
    assert clean.normalise_spaces(clean.normalise_spaces(text)) == clean.normalise_spaces(text)


# Lines of prose, prompts, notices and lists, with the characters ignoring case treats specially.
LINE_PIECES = (
    "Share Follow us on Facebook | X , Email Print All rights reserved. RESERVED Cookies cookie COOKIE "
    "\u212aelvin \u017fhare \u0130 café we use accept By Jane Doe Copyright 2025 Read more: the oil price "
    "rose 3.5% jobs quiz zebra \t \x0b \x1c - / & + ; :"
).split(" ")
lines = st.one_of(st.lists(st.sampled_from(LINE_PIECES), max_size=12).map(" ".join), st.text(max_size=40))


@EXAMPLES
@given(lines)
def test_the_ascii_shortcuts_answer_as_the_searches_they_spare(line):
    assert clean._outside_social_list(line) == bool(clean._NOT_IN_SOCIAL_LIST.search(line))
    assert clean._may_be_notice(line) == bool(clean._NOTICE_WORD.search(line))


@EXAMPLES
@given(lines)
def test_a_lines_boilerplate_rule_is_the_one_every_rule_finds(line):
    stripped = line.strip()
    expected = None
    if stripped and len(stripped) <= clean.MAX_PROMPT_CHARS:
        if clean.is_url_only(stripped):
            expected = "link-line"
        elif _slow_is_social_list(stripped):
            expected = "share-prompt"
        elif clean.is_byline(stripped):
            expected = "byline"
        elif clean._COPYRIGHT.fullmatch(stripped):
            expected = "notice"
        elif match := clean._PROMPT.fullmatch(stripped):
            expected = match.lastgroup.replace("_", "-")
    assert clean.boilerplate_rule(line) == expected
