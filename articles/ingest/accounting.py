"""The no-loss invariant: every word of an article's source text ends up in its stored title,
body or dateline, or in a recorded removal that names the rule that removed it.

`lost_words` is the one check of it, used by the tests (property tests and the Reuters corpus
test) and by bench/ingest.py. Words are compared case-insensitively and counted, so a line
dropped whose words also occur elsewhere in the article is still seen as lost.
"""

from collections import Counter

import regex

from articles.ingest.clean import normalise_spaces
from articles.ingest.draft import ArticleDraft

_WORD = regex.compile(r"\w+")


def words(text: str) -> Counter:
    """The words of a text, case-folded, with their counts (spaces normalised as ingest does)."""
    return Counter(word.casefold() for word in _WORD.findall(normalise_spaces(text)))


def lost_words(source_text: str, draft: ArticleDraft) -> list[str]:
    """The words of `source_text` (as often as they occur) that are neither in the draft's title,
    body or dateline nor in its removals; [] when nothing was lost."""
    kept = words(draft.title) + words(draft.body) + words(draft.dateline)
    for removal in draft.removals:
        kept += words(removal.text)
    return sorted((words(source_text) - kept).elements())
