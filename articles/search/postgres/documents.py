"""An IndexDocument as a row of search_pg_document, its tsvector written here from the same words
and stems as the Whoosh index and the highlighter (analysis.py), never by PostgreSQL's parser.

Positions: the title's words from 1, the body's after a gap (so no phrase spans the two); each
position holds the exact word ("=tariffs") and, unless it is a stop word, its stem ("tariff").
PostgreSQL keeps positions up to 16,383 (later words are found, but not as phrases) and 256
positions per lexeme, and a tsvector under 1 MB: a body that would exceed it keeps its words
and loses positions (LONG_BODY_WORDS).
"""

from collections import Counter
from datetime import UTC, date

from whoosh.analysis.filters import STOP_WORDS
from whoosh.lang.porter2 import stem

from articles.search.analysis import WORD_ACCENTS, WORD_RE
from articles.search.types import IndexDocument

from .schema import EXACT_MARK, facet_values

KEY_TERM_COUNT = 40  # as the Whoosh index: the words "more like this" chooses from
MAX_POSITION = 16_383  # PostgreSQL's largest position
MAX_POSITIONS = 255  # positions kept per lexeme
MAX_LEXEME_BYTES = 2_000  # PostgreSQL refuses lexemes over 2,047 bytes
LONG_BODY_WORDS = 100_000  # beyond this a body's words are kept without positions (the 1 MB limit)
_EPOCH_DAY = date(1970, 1, 1).toordinal()


def words(text: str) -> list[str]:
    """The exact words of `text`, as analysis.EXACT makes them (lowercased, accents folded)."""
    folded = (w.lower().translate(WORD_ACCENTS) for w in WORD_RE.findall(text))
    return [w for w in folded if w]


_stems: dict[str, str | None] = {}
STEMS_KEPT = 200_000  # the memo of stems is emptied beyond this many words


def stem_of(word: str) -> str | None:
    """The word's stem as analysis.STEMMED makes it; None for a stop word or a single letter."""
    found = _stems.get(word, "")
    if found == "":
        if len(_stems) >= STEMS_KEPT:
            _stems.clear()
        found = _stems[word] = stem(word) if len(word) >= 2 and word not in STOP_WORDS else None
    return found


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(title_words: list[str], body_words: list[str]) -> str:
    """The tsvector literal of an article's words: title positions weighted A, body positions plain."""
    positions: dict[str, list[str]] = {}

    def place(items: list[str], first: int, weight: str) -> None:
        for offset, word in enumerate(items, first):
            if len(word) * 4 > MAX_LEXEME_BYTES and len(word.encode()) > MAX_LEXEME_BYTES:
                continue
            pos = f"{offset if offset < MAX_POSITION else MAX_POSITION}{weight}"
            for lexeme in (EXACT_MARK + word, stem_of(word)):
                if lexeme is not None:
                    kept = positions.get(lexeme)
                    if kept is None:
                        positions[lexeme] = [pos]
                    elif len(kept) < MAX_POSITIONS:
                        kept.append(pos)

    place(title_words, 1, "A")
    start = len(title_words) + 2
    if len(body_words) > LONG_BODY_WORDS:
        for word in set(body_words):
            for lexeme in (EXACT_MARK + word, stem_of(word)):
                if lexeme is not None and len(lexeme.encode()) <= MAX_LEXEME_BYTES:
                    positions.setdefault(lexeme, [])
    else:
        place(body_words, start, "")
    return " ".join(
        f"{_quoted(lexeme)}:{','.join(dict.fromkeys(p))}" if p else _quoted(lexeme)
        for lexeme, p in positions.items()
    )


def key_terms(all_words: list[str]) -> list[str]:
    """The most frequent stems of at least three letters, as analysis.KEY_TERMS makes them."""
    counts = Counter(s for w in all_words if len(w) >= 3 and (s := stem_of(w)) is not None)
    return [term for term, _ in counts.most_common(KEY_TERM_COUNT)]


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
        tsvector(title_words, body_words),
        key_terms(title_words + body_words),
    ), {w for w in (*title_words, *body_words) if len(w.encode()) <= MAX_LEXEME_BYTES}
