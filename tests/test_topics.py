"""Topic rules: any/all/phrase/regex, case, whole words, and clear errors for bad regexes."""

import time

import pytest

from articles.ingest.topics import (
    MAX_HITS,
    WEIGHTS,
    ArticleText,
    RuleError,
    TextWords,
    compile_rule,
    rule_matches,
    validate_rule,
)

TEXT = "Oil prices rose as OPEC met in Vienna.\nThe trade  deal cut tariffs; turmoil followed."


RULE_CASES = [
    pytest.param(*case)
    for case in [
        ("any", "oil, gas", False, ("oil",)),
        ("any", "gas\nopec", False, ("opec",)),
        ("any", "gas, coal", False, None),
        ("any", "tariff", False, None),  # whole words only: "tariffs" is another word
        ("any", "moil", False, None),  # not inside "turmoil"
        ("any", "trade deal, trade", False, ("trade deal",)),  # longest alternative reported
        ("any", "OPEC", True, ("OPEC",)),
        ("any", "opec", True, None),
        ("all", "oil, tariffs", False, ("oil", "tariffs")),
        ("all", "oil, gas", False, None),
        ("phrase", "trade deal", False, ("trade deal",)),  # any whitespace between the words
        ("phrase", "deal trade", False, None),
        ("phrase", "Trade Deal", True, None),
        ("regex", r"tariffs?\b", False, ("tariffs",)),
        ("regex", r"^The", True, None),
        ("regex", r"(?m)^The", True, ("The",)),
        ("any", "", False, None),  # an empty pattern is a manual-only topic
    ]
]


@pytest.mark.parametrize(("rule", "pattern", "case_sensitive", "found"), RULE_CASES)
def test_rule_matches_and_says_why(rule, pattern, case_sensitive, found):
    match = rule_matches(rule, pattern, case_sensitive, TEXT)
    assert (match.found if match else None) == found


def test_a_bad_regex_is_a_clear_error():
    with pytest.raises(RuleError, match="not valid"):
        rule_matches("regex", "(unclosed", False, TEXT)
    assert "not valid" in validate_rule("regex", "(unclosed")


def test_a_catastrophic_regex_times_out_instead_of_hanging():
    started = time.monotonic()
    with pytest.raises(RuleError, match="longer than"):
        rule_matches("regex", r"(a+)+$", False, "a" * 5000 + "!")
    assert time.monotonic() - started < 30  # a guard against a hang, not a speed target


@pytest.mark.parametrize(
    ("rule", "pattern", "problem"),
    [
        ("any", "oil, gas", ""),
        ("regex", r"\boil\b", ""),
        ("phrase", "", ""),
        ("any", " , ,\n", "no words"),
        ("regex", "(a|aa)+b", "longer than"),
        ("fuzzy", "oil", "Unknown rule"),
    ],
)
def test_validate_rule(rule, pattern, problem):
    message = validate_rule(rule, pattern)
    assert (problem in message) if problem else message == ""


def test_the_word_prefilter_never_changes_an_answer(seeds_dir):
    """matches() with the text's words skips the regex for texts that lack a term's words; it must
    agree with the full match() on every case of this file and on the real seed articles."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.iterdir())]
    texts.append(TEXT)
    rules = [case.values[:3] for case in RULE_CASES]
    rules += [
        ("any", "Rubio, tariff", False),
        ("all", "Dar, U.S.", True),
        ("phrase", "critical minerals", False),
    ]
    for rule, pattern, case_sensitive in rules:
        compiled = compile_rule(rule, pattern, case_sensitive)
        for text in texts:
            assert compiled.matches(text, TextWords(text)) == (compiled.match(text) is not None), (
                rule,
                pattern,
            )


# --- evidence: where the hits are, and how much they weigh --------------------------------------


def evidence(rule, pattern, title, body, case_sensitive=False):
    return compile_rule(rule, pattern, case_sensitive).evidence(ArticleText(title, body))


def test_hits_score_by_where_they_are():
    body = "Tariffs rose today.\n\nLater paragraphs mention a tariff and tariffs twice: tariffs."
    found = evidence("any", "tariff, tariffs", "New tariffs", body)
    assert [(h.text, h.where, h.count) for h in found.hits] == [
        ("tariffs", "title", 1),
        ("tariffs", "lead", 1),
        ("tariff", "body", 1),
        ("tariffs", "body", 2),
    ]
    assert found.score == WEIGHTS["title"] + WEIGHTS["lead"] + 3 * WEIGHTS["body"]
    assert str(found) == "tariffs (title); tariffs (lead); tariff (body); tariffs (body ×2)"


def test_the_lead_is_the_first_paragraph_and_at_most_a_few_hundred_characters():
    article = ArticleText("T", "First.\n\nSecond.")
    assert article.where(article.text.index("First")) == "lead"
    assert article.where(article.text.index("Second")) == "body"
    long = ArticleText("T", "word " * 200 + "oil")
    assert long.where(long.text.index("oil")) == "body"


def test_all_needs_every_term_and_no_hit_is_no_evidence():
    assert evidence("all", "oil, gas", "Oil", "Only oil here.") is None
    assert evidence("all", "oil, gas", "Oil", "Oil and gas.").score == 3 + 2 + 2
    assert evidence("any", "gold", "Oil", "Oil and gas.") is None
    assert evidence("regex", r"x*", "Oil", "Oil and gas.") is None  # empty matches are no evidence


def test_hits_counted_per_article_are_bounded():
    found = evidence("any", "oil", "", "oil " * 10_000)
    assert sum(h.count for h in found.hits) == MAX_HITS


@pytest.mark.parametrize("rule", ["any", "all", "phrase", "regex"])
def test_evidence_agrees_with_match(seeds_dir, rule):
    pattern = {
        "any": "Rubio, tariff",
        "all": "Dar, tariffs",
        "phrase": "trade deal",
        "regex": r"\btariffs?\b",
    }[rule]
    compiled = compile_rule(rule, pattern, False)
    for path in sorted(seeds_dir.iterdir()):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        found = compiled.evidence(ArticleText(title, body))
        assert (found is not None) == (compiled.match(ArticleText(title, body).text) is not None), path


# --- curator regexes under a time budget ------------------------------------------------------


def test_a_nested_repetition_is_refused_before_it_is_saved():
    started = time.monotonic()
    assert "longer than" in validate_rule("regex", r"(x+x+)+y")
    assert time.monotonic() - started < 30  # a guard against a hang, not a speed target


def test_a_nested_repetition_over_runs_of_x_times_out_per_article():
    article = ArticleText("Runs", ("Some text " + "x" * 1000 + " more text\n") * 3)
    started = time.monotonic()
    with pytest.raises(RuleError, match="longer than"):
        compile_rule("regex", r"(x+x+)+y", False).evidence(article)
    assert time.monotonic() - started < 30  # a guard against a hang, not a speed target
