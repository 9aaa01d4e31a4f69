"""An IndexDocument as a row of search_pg_document, its tsvector written here from the same words
and stems as the Whoosh index and the highlighter (analysis.py), never by PostgreSQL's parser.

Positions: the title's words from 1, the body's after a gap (so no phrase spans the two); each
position holds the exact word ("=tariffs") and, unless it is a stop word, its stem ("tariff").
PostgreSQL keeps positions up to 16,383 (it sets later ones to 16,383, so those words are found,
but not as phrases, and drops the repeats) and 256 positions per lexeme, and a tsvector under
1 MB: a body that would exceed it keeps its words and loses positions (LONG_BODY_WORDS).
"""

from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, date
from functools import cache

from articles.search.analysis import key_terms as analysis_key_terms
from articles.search.analysis import stem_of, words
from articles.search.types import IndexDocument

from .schema import EXACT_MARK, facet_values

MAX_POSITIONS = 255  # positions kept per lexeme
MAX_LEXEME_BYTES = 2_000  # PostgreSQL refuses lexemes over 2,047 bytes
LONG_BODY_WORDS = 100_000  # beyond this a body's words are kept without positions (the 1 MB limit)
_EPOCH_DAY = date(1970, 1, 1).toordinal()


def fits(word: str) -> bool:
    """Whether PostgreSQL takes the word as a lexeme (its UTF-8 within MAX_LEXEME_BYTES)."""
    return len(word) * 4 <= MAX_LEXEME_BYTES or len(word.encode()) <= MAX_LEXEME_BYTES


def fitting(found: dict[str, list[int]]) -> dict[str, list[int]]:
    """`found` without the words PostgreSQL would not take: itself when its longest word fits
    (nearly always), so that no word is asked on its own."""
    if max(map(len, found), default=0) * 4 <= MAX_LEXEME_BYTES:
        return found
    return {word: offsets for word, offsets in found.items() if fits(word)}


def positions(title_words: list[str], body_words: list[str]) -> dict[str, list[int]]:
    """Each distinct word's positions, the words in the order they first appear: the title's
    from 1, the body's after a gap (so no phrase spans the two)."""
    found = defaultdict(list)
    for offset, word in enumerate(title_words, 1):
        found[word].append(offset)
    for offset, word in enumerate(body_words, len(title_words) + 2):
        found[word].append(offset)
    return found


LAST_POSITION = 16_383  # PostgreSQL's


@cache
def _numbers() -> list[str]:
    """Positions as the tsvector writes them, up to LAST_POSITION, made once by a process that
    writes (not by every web worker): most of an article's labels are then a slice of this."""
    return [str(offset) for offset in range(LAST_POSITION + 1)]


def _labels(title_count: int, body_count: int) -> list[str]:
    """Each position as the tsvector writes it, by offset: weighted A in the title. Offset 0 and
    the gap have none."""
    labels = ["", *(f"{offset}A" for offset in range(1, title_count + 1)), ""]
    first, end = len(labels), len(labels) + body_count
    numbers = _numbers()
    labels += numbers[first:end]
    labels += map(str, range(max(first, len(numbers)), end))  # past LAST_POSITION, which PostgreSQL clamps
    return labels


def _lexemes(found: dict[str, list[int]], labels: list[str]) -> dict[str, str]:
    """Each lexeme's positions as the tsvector writes them: a word's own, exact, and for its stem
    those of every word with that stem. Most stems have one word, whose positions they share."""
    label = labels.__getitem__
    lexemes, stems = {}, {}
    for word, offsets in fitting(found).items():
        # Most words are found once: their one label is their marks.
        marks = label(offsets[0]) if len(offsets) == 1 else ",".join(map(label, offsets[:MAX_POSITIONS]))
        lexemes[EXACT_MARK + word] = marks
        stem = stem_of(word)
        if stem is None:
            continue
        if stem in stems:
            offsets = stems[stem] = sorted(stems[stem] + offsets)
            marks = ",".join(map(label, offsets[:MAX_POSITIONS]))
        else:
            stems[stem] = offsets
        lexemes[stem] = marks
    return lexemes


def tsvector(found: dict[str, list[int]], title_count: int, body_count: int) -> str:
    """The tsvector literal of an article's words (`positions`): title positions weighted A, body
    positions plain; a body over LONG_BODY_WORDS keeps its words without positions."""
    if body_count > LONG_BODY_WORDS:
        found = {word: offsets[: bisect_right(offsets, title_count)] for word, offsets in found.items()}
    lexemes = _lexemes(found, _labels(title_count, body_count))
    # Unquoted: words are WORD_RE's and stems their letters, so no lexeme holds a quote, a
    # backslash or a space (tests/test_postgres_backend.py checks it on any text).
    return " ".join([f"'{lexeme}':{marks}" if marks else f"'{lexeme}'" for lexeme, marks in lexemes.items()])


def key_terms(found: dict[str, list[int]]) -> list[str]:
    """The article's key terms (analysis.key_terms) from its words' `positions`."""
    return analysis_key_terms((word, len(offsets)) for word, offsets in found.items())


def sort_day(doc: IndexDocument) -> int | None:
    """The day the "newest" and "oldest" orders use: the date, else the day it was added (an
    undated article cannot be newer than that); None when neither is known (last both ways)."""
    if doc.published is not None:
        return doc.published.toordinal()
    if doc.added is not None:
        return int(doc.added.timestamp()) // 86_400 + _EPOCH_DAY
    return None


COLUMNS = (
    "article_id",
    "stamp",
    "published",
    "sort_day",
    "added",
    "facets",
    "terms",
    "key_terms",
)


def row(doc: IndexDocument) -> tuple[tuple, set[str]]:
    """The document's values in COLUMNS order, and the exact words it adds to the lexicon."""
    title_words, body_words = words(doc.title), words(doc.body)
    found = positions(title_words, body_words)
    added = doc.added if doc.added is None or doc.added.tzinfo else doc.added.replace(tzinfo=UTC)
    return (
        int(doc.id),
        doc.stamp,
        doc.published,
        sort_day(doc),
        added,
        facet_values("person", doc.persons)
        + facet_values("topic", doc.topics)
        + facet_values("source", [doc.source] if doc.source is not None else []),
        tsvector(found, len(title_words), len(body_words)),
        key_terms(found),
    ), set(fitting(found))
