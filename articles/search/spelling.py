"""Did-you-mean, the same for every backend: which words of a query are respelled, in what order
their candidates are tried, and when a respelling is worth offering. A backend answers three
questions: how many articles hold a word, which words of its lexicon lie near one, and how many
articles a query finds."""

from collections.abc import Callable
from time import monotonic

from rapidfuzz.distance import Indel, Levenshtein

from . import syntax
from .analysis import fold_word
from .budget import SearchBudget, SearchTooSlow

RARE_WORD = 3  # only words in fewer articles than this get a spelling suggestion
SUGGESTION_TRIES = 6  # spellings tried (one count each) before giving up
CANDIDATES_PER_TRY = 5  # lexicon words kept per edit distance tried


def closeness(word: str):
    """Sort key: closest first; among equals, the one keeping most of the letters in order
    ("tarrif": "tariff" before "tariq", both two edits away)."""
    return lambda candidate: (Levenshtein.distance(word, candidate), Indel.distance(word, candidate))


def suggestion(
    parsed: syntax.Query,
    total: int,
    *,
    frequency: Callable[[str], int],
    candidates: Callable[[str, int, int, int], list[str]],
    count: Callable[[str, float], int],
) -> str:
    """The query with unknown or rare words respelled, when the respelled query finds more than
    the `total` the query found; "" when no spelling does. A word the index knows is left alone
    when the query found something: it is spelled as intended.

    frequency(word): the articles holding `word` (counting may stop at RARE_WORD);
    candidates(word, maxdist, prefix, wanted): up to CANDIDATES_PER_TRY words within `maxdist`
    edits of `word`, sharing its first `prefix` letters, each in more than `wanted` articles;
    count(text, deadline): the articles `text` finds, SearchTooSlow past `deadline`."""
    text, best, tries = parsed.text, total, 0
    # All the tries together get half a search's time: a suggestion is a courtesy.
    deadline = monotonic() + SearchBudget().seconds / 2
    nodes = [n for n, negated in syntax.walk(parsed.tree) if not negated and isinstance(n, syntax.Word)]
    for node in sorted(nodes, key=lambda n: n.start, reverse=True):  # later spans first: offsets hold
        if not node.text.isalpha() or len(node.text) < 3:
            continue
        word = fold_word(node.text.lower())
        known = frequency(word)
        if known >= RARE_WORD or (known and total):
            continue
        # One edit first; two (ten times the cost) only for a word the index has never seen.
        attempts = ((1, 1), (2, 2)) if known == 0 else ((1, 1),)
        found = [
            c for maxdist, prefix in attempts for c in candidates(word, maxdist, prefix, max(known, 1) * 3)
        ]
        found.sort(key=closeness(word))
        for candidate in dict.fromkeys(found):
            if tries >= SUGGESTION_TRIES:
                break
            tries += 1
            respelled = text[: node.start] + candidate + text[node.end :]
            try:
                matches = count(respelled, deadline)
            except SearchTooSlow:
                return text if best > total else ""
            if matches > best:
                text, best = respelled, matches
                break
    return text if best > total else ""
