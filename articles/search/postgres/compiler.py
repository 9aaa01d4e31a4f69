"""The query's syntax tree (syntax.py) as a SQL condition on search_pg_document, with the reading of
each part (reading.py). Words, phrases and expanded terms become tsquery values built here from
analysis.py's words and stems, never parsed by PostgreSQL; adjacent text parts of an AND or an OR
share one tsquery, so that one GIN scan answers them. Fuzzy, wildcard and prefix terms expand to
the lexicon's words within the budget (budget.py), as in the Whoosh backend."""

import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from articles.search import names, reading, syntax
from articles.search.analysis import EXACT, STEMMED, fold_word
from articles.search.budget import SearchBudget

from .schema import DOCUMENT, EXACT_MARK, WORD, facet_of, facet_values

NOTHING = "FALSE"


@dataclass
class Text:
    """A tsquery over the document's terms."""

    tsquery: str


@dataclass
class Sql:
    """Any other condition: a facet, a date range, a combination."""

    sql: str
    params: list = field(default_factory=list)


@dataclass
class Negated:
    child: object


def lexeme(text: str, title: bool = False) -> str:
    quoted = "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
    return f"{quoted}:A" if title else quoted


def any_of_words(words: list[str], title: bool) -> Text:
    return Text(_joined(" | ", [lexeme(EXACT_MARK + w, title) for w in words]))


def _joined(operator: str, parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + operator.join(parts) + ")"


def has_facet(facet: str, ids) -> Sql:
    """Documents carrying any of these rows of the facet."""
    return Sql("d.facets && %s::bigint[]", [facet_values(facet, ids)])


def render(cond) -> Sql:
    if isinstance(cond, Text):
        return Sql("d.terms @@ %s::tsquery", [cond.tsquery])
    if isinstance(cond, Negated):
        inner = render(cond.child)
        return Sql(f"NOT ({inner.sql})", inner.params)
    return cond


def _sql_joined(operator: str, conds: list) -> Sql:
    rendered = [render(c) for c in conds]
    if len(rendered) == 1:
        return rendered[0]
    return Sql(
        "(" + f" {operator} ".join(r.sql for r in rendered) + ")", [p for r in rendered for p in r.params]
    )


class Compiler:
    """Compiles one query within its budget; `ranked` collects the text parts not under a NOT
    (what relevance scores)."""

    def __init__(self, cursor, book: names.NameBook, budget: SearchBudget):
        self.cursor, self.book, self.budget = cursor, book, budget
        self.ranked: list[str] = []
        self._negations = 0

    def compile(self, node) -> tuple:
        method = getattr(self, f"_{type(node).__name__.lower()}")
        return method(node)

    def _text(self, tsquery: str) -> Text:
        if self._negations % 2 == 0:
            self.ranked.append(tsquery)
        return Text(tsquery)

    def rank_query(self) -> str | None:
        return _joined(" | ", self.ranked) if self.ranked else None

    # --- words -----------------------------------------------------------------------------------

    def _word(self, node: syntax.Word):
        stems = [t.text for t in STEMMED(node.text)]
        where = " in the title" if node.field else ""
        if not stems:
            return None, None
        if len(stems) > 1:  # "Pakistan-US": its parts, adjacent
            return self._phrase(syntax.Phrase(node.text, node.field))
        return self._text(lexeme(stems[0], bool(node.field))), f"{node.text} (and word forms){where}"

    def _phrase(self, node: syntax.Phrase):
        words = [t.text for t in EXACT(node.text)]
        if not words:
            return None, None
        where = " in the title" if node.field else ""
        title = bool(node.field)
        if len(words) == 1:
            return self._text(lexeme(EXACT_MARK + words[0], title)), f"exactly “{words[0]}”{where}"
        tsquery = "(" + " <-> ".join(lexeme(EXACT_MARK + w, title) for w in words) + ")"
        return self._text(tsquery), f"the exact phrase “{' '.join(words)}”{where}"

    def _pattern(self, node: syntax.Pattern):
        text = fold_word(node.text.lower())
        where = " in the title" if node.field else ""
        if text.endswith("*") and "*" not in text[:-1] and "?" not in text:
            prefix = text[:-1]
            words = self._prefixed(prefix)
            said = f"words starting with “{prefix}”{where}"
        else:
            words = self._wildcard(text)
            said = f"words like “{text}”{where}"
        kept = self.budget.take(node.text, words)
        if not words:
            return Sql(NOTHING), said
        return (self._text(any_of_words(kept, bool(node.field)).tsquery), said) if kept else (None, None)

    def _fuzzy(self, node: syntax.Fuzzy):
        word = fold_word(node.text.lower())
        part = f"{node.text}~{node.distance}"
        self.budget.check_time(part)
        distance = self.budget.fuzzy_distance(part, word, node.distance)
        if distance == 0:
            return self._text(lexeme(EXACT_MARK + word, bool(node.field))), f"exactly “{word}”"
        words = self._within(word, distance)
        kept = self.budget.take(part, words)
        if words and not kept:
            return None, None  # left out: the budget says so
        said = f"{word} or a spelling within {distance} letter{'s' * (distance > 1)}"
        if not kept:
            return Sql(NOTHING), said
        return self._text(any_of_words(kept, bool(node.field)).tsquery), said

    # --- the lexicon -----------------------------------------------------------------------------

    def _starting(self, prefix: str) -> list[str]:
        """The lexicon's words starting with `prefix` (a range of its "C"-collated primary key)."""
        self.cursor.execute(
            f"SELECT word FROM {WORD} WHERE word >= %s AND word < %s", [prefix, prefix + "\U0010ffff"]
        )
        return [w for (w,) in self.cursor.fetchall()]

    def _prefixed(self, prefix: str) -> list[str]:
        """Words starting with `prefix`, shortest first (then in the lexicon's order)."""
        return sorted(sorted(self._starting(prefix)), key=len)

    def _wildcard(self, pattern: str) -> list[str]:
        """Words matching `pattern` (* any run of letters, ? one letter), shortest first; the
        trigram index finds them."""
        like = re.sub(r"([%_\\])", r"\\\1", pattern).replace("*", "%").replace("?", "_")
        self.cursor.execute(f"SELECT word FROM {WORD} WHERE word LIKE %s", [like])
        return sorted(sorted(w for (w,) in self.cursor.fetchall()), key=len)

    def _within(self, word: str, distance: int) -> list[str]:
        """Words within `distance` edits of `word` sharing its first letter, closest first."""
        self.cursor.execute(
            f"SELECT word FROM {WORD} WHERE word >= %s AND word < %s AND length(word) BETWEEN %s AND %s",
            [word[:1], word[:1] + "\U0010ffff", len(word) - distance, len(word) + distance],
        )
        choices = sorted(w for (w,) in self.cursor.fetchall())
        found = process.extract(word, choices, scorer=Levenshtein.distance, score_cutoff=distance, limit=None)
        return [choice for choice, _, _ in sorted(found, key=lambda f: (f[1], len(f[0]), f[0]))]

    # --- fields ----------------------------------------------------------------------------------

    def _fieldvalue(self, node: syntax.FieldValue):
        part = f"{node.field}:{node.text}"
        self.budget.check_time(part)  # matching by part reads every name
        book = self.book[node.field]
        ids = self._indexed(node.field, book.ids_matching(node.text))
        if not ids:
            return Sql(NOTHING), reading.no_such_name(node.field, node.text)
        ids = self.budget.take(part, ids)
        if not ids:
            return None, None  # left out: the budget says so
        shown = sorted(book.name(i) or str(i) for i in ids)
        return has_facet(node.field, ids), reading.names_matched(node.field, shown)

    def _indexed(self, facet: str, ids: list[int]) -> list[int]:
        """Those of `ids` that some document carries."""
        if not ids:
            return []
        self.cursor.execute(
            f"SELECT v FROM unnest(%s::bigint[]) v WHERE EXISTS "
            f"(SELECT 1 FROM {DOCUMENT} d WHERE d.facets @> ARRAY[v])",
            [facet_values(facet, ids)],
        )
        return sorted(facet_of(v)[1] for (v,) in self.cursor.fetchall())

    def _datespan(self, node: syntax.DateSpan):
        return Sql(
            "(d.published BETWEEN %s AND %s)", [node.start or date.min, node.end or date.max]
        ), reading.dates(node.start, node.end)

    # --- combinations ----------------------------------------------------------------------------

    def _not(self, node: syntax.Not):
        self._negations += 1
        try:
            cond, text = self.compile(node.child)
        finally:
            self._negations -= 1
        return (Negated(cond), f"not: {text}") if cond is not None else (None, None)

    def _or(self, node: syntax.Or):
        parts = [p for p in (self.compile(c) for c in node.children) if p[0] is not None]
        if len(parts) <= 1:
            return parts[0] if parts else (None, None)
        conds = [c for c, _ in parts]
        texts = [c.tsquery for c in conds if isinstance(c, Text)]
        others = [c for c in conds if not isinstance(c, Text)]
        combined = ([Text(_joined(" | ", texts))] if texts else []) + others
        cond = combined[0] if len(combined) == 1 else _sql_joined("OR", combined)
        return cond, reading.any_of([t for _, t in parts])

    def _and(self, node: syntax.And):
        parts = [(c, *self.compile(c)) for c in node.children]
        parts = [p for p in parts if p[1] is not None]
        if not parts:
            return None, None
        positive = [cond for c, cond, _ in parts if not isinstance(c, syntax.Not)]
        negative = [cond.child for c, cond, _ in parts if isinstance(c, syntax.Not)]
        texts = [c.tsquery for c in positive if isinstance(c, Text)]
        if texts:  # the text exclusions join the text's tsquery: "a & b & !c"
            texts += [f"!{c.tsquery}" for c in negative if isinstance(c, Text)]
            negative = [c for c in negative if not isinstance(c, Text)]
        conds = ([Text(_joined(" & ", texts))] if texts else []) + [
            c for c in positive if not isinstance(c, Text)
        ]
        conds += [Negated(c) for c in negative]
        cond = conds[0] if len(conds) == 1 else _sql_joined("AND", conds)
        return cond, reading.all_of([(c, t) for c, _, t in parts])
