"""Searching: the user's query and filters in, one page of hits with exact totals and facets out.

One pass over the matches (`_collect`) records every matching document number and its score; the
page, the total, the facet counts and the date histogram all come from those arrays and from the
per-index tables in facets.py, so nothing runs the query twice. Facet values are row ids in the
index and names everywhere else: names.py turns one into the other. Every search runs within a
SearchBudget (budget.py): expansions are cut and named, and a search out of time falls back to
its plain words.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
from whoosh import query as wq
from whoosh.query.compound import DefaultOr

from articles.facet_registry import FACETS
from articles.search import names, reading, spelling, syntax
from articles.search.analysis import EXACT, STEMMED, fold_word
from articles.search.budget import SearchBudget, SearchTooSlow
from articles.search.dates import UNDATED
from articles.search.types import SORTS, SUGGEST_BELOW, Hit, SearchRequest, SearchResult

from . import index, scoring, wholeindex
from .docmask import DocMaskQuery
from .expansion import WordsQuery
from .facets import FacetTables, tables_for

logger = logging.getLogger(__name__)


class _Compiler:
    """Turns the syntax tree into a Whoosh query and a plain-words reading of it; fuzzy, wildcard
    and prefix terms become the words of the lexicon they stand for, within the budget."""

    def __init__(self, tables: FacetTables, book: names.NameBook, budget: SearchBudget):
        self.tables, self.book, self.budget = tables, book, budget

    def compile(self, node) -> tuple:
        method = getattr(self, f"_{type(node).__name__.lower()}")
        return method(node)

    def _word(self, node: syntax.Word):
        stems = [t.text for t in STEMMED(node.text)]
        where = " in the title" if node.field else ""
        if not stems:
            return None, None
        if len(stems) > 1:  # "Pakistan-US": its parts, adjacent
            return self._phrase(syntax.Phrase(node.text, node.field))
        fields = ("title",) if node.field else ("title", "body")
        return _any(wq.Term(f, stems[0]) for f in fields), f"{node.text} (and word forms){where}"

    def _phrase(self, node: syntax.Phrase):
        words = [t.text for t in EXACT(node.text)]
        if not words:
            return None, None
        fields = ("title_exact",) if node.field else ("title_exact", "body_exact")
        where = " in the title" if node.field else ""
        if len(words) == 1:
            return _any(wq.Term(f, words[0]) for f in fields), f"exactly “{words[0]}”{where}"
        return _any(wq.Phrase(f, words) for f in fields), f"the exact phrase “{' '.join(words)}”{where}"

    def _pattern(self, node: syntax.Pattern):
        text = fold_word(node.text.lower())
        fields = ("title_exact",) if node.field else ("title_exact", "body_exact")
        where = " in the title" if node.field else ""
        if text.endswith("*") and "*" not in text[:-1] and "?" not in text:
            prefix = text[:-1]
            words, positions = self.tables.lexicon.prefixed(prefix)
            said = f"words starting with “{prefix}”{where}"
        else:
            words, positions = self.tables.lexicon.wildcard(text, self.budget)
            said = f"words like “{text}”{where}"
        kept = self.budget.take(node.text, words)
        if words and not kept:
            return None, None  # left out: the budget says so
        return self._expanded(fields, kept, positions), said

    def _fuzzy(self, node: syntax.Fuzzy):
        word = fold_word(node.text.lower())
        fields = ("title_exact",) if node.field else ("title_exact", "body_exact")
        part = f"{node.text}~{node.distance}"
        self.budget.check_time(part)
        distance = self.budget.fuzzy_distance(part, word, node.distance)
        if distance == 0:
            return WordsQuery(fields, [word]), f"exactly “{word}”"
        words, positions = self.tables.lexicon.fuzzy(word, distance)
        kept = self.budget.take(part, words)
        if words and not kept:
            return None, None  # left out: the budget says so
        said = f"{word} or a spelling within {distance} letter{'s' * (distance > 1)}"
        return self._expanded(fields, kept, positions), said

    def _expanded(self, fields, kept: list[str], positions) -> WordsQuery:
        """The words an expansion kept (the first of those found), each asked only of the
        segments holding it."""
        return WordsQuery(fields, kept, presence=self.tables.lexicon.presence_of(positions[: len(kept)]))

    def _fieldvalue(self, node: syntax.FieldValue):
        self.budget.check_time(f"{node.field}:{node.text}")  # matching by part reads every name
        book = self.book[node.field]
        ids = self.tables.fields[node.field].indexed(book.ids_matching(node.text))
        if not ids:
            return WordsQuery((node.field,), ()), reading.no_such_name(node.field, node.text)
        ids = self.budget.take(f"{node.field}:{node.text}", ids)
        if not ids:
            return None, None  # left out: the budget says so
        shown = sorted(book.name(i) or str(i) for i in ids)
        return WordsQuery((node.field,), [str(i) for i in ids]), reading.names_matched(node.field, shown)

    def _datespan(self, node: syntax.DateSpan):
        mask = self.tables.date_mask(node.start or date.min, node.end or date.max, undated=False)
        return DocMaskQuery("date", mask, (node.start, node.end)), reading.dates(node.start, node.end)

    def _not(self, node: syntax.Not):
        q, text = self.compile(node.child)
        return (wq.Not(q), f"not: {text}") if q is not None else (None, None)

    def _or(self, node: syntax.Or):
        parts = [p for p in (self.compile(c) for c in node.children) if p[0] is not None]
        if len(parts) <= 1:
            return parts[0] if parts else (None, None)
        return _any(q for q, _ in parts), reading.any_of([t for _, t in parts])

    def _and(self, node: syntax.And):
        parts = [(c, *self.compile(c)) for c in node.children]
        parts = [p for p in parts if p[1] is not None]
        positive = [q for c, q, _ in parts if not isinstance(c, syntax.Not)]
        negative = [q.query for c, q, _ in parts if isinstance(c, syntax.Not)]
        if not parts:
            return None, None
        q = wq.And(positive) if len(positive) > 1 else (positive[0] if positive else wq.Every())
        if negative:
            q = wq.AndNot(q, _any(negative))
        return q, reading.all_of([(c, t) for c, _, t in parts])


def _any(queries):
    """Any of the queries. Always a tree of unions, which scoring.py reads in numpy: on a segment
    of fewer than 5,000 documents Whoosh's Or preloads one score() call per document instead."""
    queries = list(queries)
    return queries[0] if len(queries) == 1 else DefaultOr(queries)


def _filter_mask(req: SearchRequest, tables: FacetTables, book: names.NameBook) -> np.ndarray:
    """The documents the filters allow; filter values are names (or other spellings) of rows."""
    mask = tables.live.copy()
    for spec in FACETS:
        facet, field_names = tables.fields[spec.name], book[spec.name]
        wanted, unwanted = getattr(req, spec.request_field) or [], getattr(req, spec.exclude_field) or []
        if wanted:
            mask &= facet.mask_any({i for name in wanted for i in field_names.ids_named(name)})
        if unwanted:
            mask &= ~facet.mask_any({i for name in unwanted for i in field_names.ids_named(name)})
    dates = tables.date_mask(req.date_from, req.date_to, req.undated)
    if dates is not None:
        mask &= dates
    return mask


def _collect(
    searcher, q, scored: bool, budget: SearchBudget, live: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """Every matching live document number (and score): over the whole index at once where
    wholeindex.py reads the query, else in one pass over each segment, with numpy where
    scoring.py can score its matchers, else by walking Whoosh's matcher."""
    budget.check_time("finding the matches")
    try:
        docnums, scores = wholeindex.matches(searcher, q, live, budget)
        return docnums, scores if scored else None
    except scoring.Unsupported:
        pass
    context = searcher.context()
    docnums, scores = [], []
    for subsearcher, offset in searcher.leaf_searchers():
        budget.check_time("finding the matches")
        try:
            ids, weights = scoring.matches(q.matcher(subsearcher, context), subsearcher)
        except scoring.Unsupported:
            boolean = context if scored else searcher.boolean_context()
            ids, weights = _walk(q, subsearcher, boolean, scored, budget)
        docnums.append(ids + offset)
        scores.append(weights)
    docnums = np.concatenate(docnums) if docnums else np.zeros(0, np.int64)
    return docnums, (np.concatenate(scores) if scores else np.zeros(0)) if scored else None


_WALK_CHECK = 4096  # documents between two looks at the clock


def _walk(
    q, subsearcher, context, scored: bool, budget: SearchBudget
) -> tuple[np.ndarray, np.ndarray | None]:
    """The matches of one segment, one Whoosh call per document."""
    matcher = q.matcher(subsearcher, context)
    ids, weights = [], []
    add_id, add_weight = ids.append, weights.append
    is_active, next_match, doc_id, score = matcher.is_active, matcher.next, matcher.id, matcher.score
    while is_active():
        if len(ids) % _WALK_CHECK == 0:
            budget.check_time("finding the matches")
        add_id(doc_id())
        if scored:
            add_weight(score())
        next_match()
    return np.array(ids, dtype=np.int64), (np.array(weights, dtype=np.float64) if scored else None)


def _order(docnums, scores, sort: str, tables: FacetTables, limit: int | None) -> np.ndarray:
    """Positions into docnums in the requested order (only the first `limit` are exact)."""
    if sort == "relevance":
        if limit is not None and limit < len(docnums):
            # Every candidate tied with the boundary score, so that ties break by docnum exactly as
            # in the full sort and consecutive pages neither overlap nor skip a hit.
            boundary = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            top = np.flatnonzero(scores >= boundary)
            return top[np.lexsort((docnums[top], -scores[top]))][:limit]
        return np.lexsort((docnums, -scores))
    added = tables.added[docnums]
    if sort == "added":
        return np.lexsort((-docnums, -added))
    days = tables.days[docnums]
    # An undated article is ordered by the day it was added: it cannot be newer than that.
    added_days = added // 86_400 + date(1970, 1, 1).toordinal()
    days = np.where(days == UNDATED, np.where(added > 0, added_days, UNDATED), days)
    if sort == "newest":
        return np.lexsort((-docnums, -days))  # never added nor dated (-1): last
    return np.lexsort((docnums, np.where(days < 0, np.iinfo(np.int64).max, days)))


@dataclass
class _Matches:
    docnums: np.ndarray  # in result order
    scores: np.ndarray | None
    tables: FacetTables
    book: names.NameBook
    sort: str
    understood: str
    problems: list


def _match(
    searcher, req: SearchRequest, parsed: syntax.Query, limit: int | None, budget: SearchBudget
) -> _Matches:
    tables = tables_for(searcher)
    book = names.current()
    compiler = _Compiler(tables, book, budget)
    q, text = compiler.compile(parsed.tree) if parsed.tree is not None else (None, None)
    mask = _filter_mask(req, tables, book)
    sort = req.sort if req.sort in SORTS else "relevance"
    problems = list(parsed.problems) + budget.problems
    if q is None and parsed.text:
        problems.append(reading.NO_WORDS)
    if sort == "relevance" and (q is None or not reading.has_text_terms(parsed)):
        sort = "newest"  # only filters, fields or exclusions: there is nothing to rank by
    if q is None:
        docnums, scores = np.flatnonzero(mask), None
    else:
        docnums, scores = _collect(searcher, q.normalize(), sort == "relevance", budget, tables.live)
        keep = mask[docnums]
        docnums = docnums[keep]
        scores = scores[keep] if scores is not None else None
    order = _order(docnums, scores, sort, tables, limit)
    if limit is None or len(order) == len(docnums):
        docnums, scores = docnums[order], (scores[order] if scores is not None else None)
        return _Matches(docnums, scores, tables, book, sort, reading.describe(text), problems)
    # Only the top `limit` are ordered: keep every match (for totals and facets), page first.
    rest = np.ones(len(docnums), dtype=bool)
    rest[order] = False
    docnums = np.concatenate([docnums[order], docnums[rest]])
    scores = np.concatenate([scores[order], scores[rest]])
    return _Matches(docnums, scores, tables, book, sort, reading.describe(text), problems)


def _plain_words(text: str) -> str:
    return " ".join(t.text for t in EXACT(text))


def _match_forgiving(searcher, req: SearchRequest, limit: int | None) -> _Matches:
    """Run the query within its budget. If it fails (Whoosh rejects it, or it runs out of time),
    run its plain words instead and say so; if even that fails, list what the filters allow."""
    parsed = syntax.parse(req.q)
    budget = SearchBudget()
    try:
        return _match(searcher, req, parsed, limit, budget)
    except SearchTooSlow as slow:
        logger.warning("Query %r ran out of time (%s).", parsed.text, slow.part)
        message = (
            f"Your query took longer than {budget.seconds:g} s ({slow.part}), so only its plain words "
            "were searched; fuzzy, wildcard and prefix terms make a search slow."
        )
    except Exception:
        index.open_index()  # a damaged index is the answer (IndexUnavailable), not a forgiving search
        logger.warning("Query %r failed; searching its plain words instead.", parsed.text, exc_info=True)
        message = "Your query could not be run as written, so its words were searched instead."
    # Plain words expand to nothing, so they cost what any ordinary query costs: no time limit.
    plain = syntax.parse(_plain_words(parsed.text))
    try:
        matches = _match(searcher, req, plain, limit, SearchBudget(seconds=float("inf")))
    except Exception:
        logger.warning("The plain words of %r failed too.", parsed.text, exc_info=True)
        matches = _match(searcher, req, syntax.parse(""), limit, SearchBudget(seconds=float("inf")))
        message = "Your query could not be run, so the articles your filters allow are listed."
    matches.problems.append(message)
    return matches


def _count(searcher, req: SearchRequest, text: str, deadline: float) -> int:
    """How many articles `text` finds with the request's filters, by `deadline` (SearchTooSlow)."""
    budget = SearchBudget()
    budget.deadline = min(budget.deadline, deadline)
    return len(_match(searcher, req, syntax.parse(text), 1, budget).docnums)


def _suggestion(searcher, req: SearchRequest, parsed: syntax.Query, total: int) -> str:
    """Did-you-mean (spelling.py) over this index's exact words."""
    reader = searcher.reader()
    corrector = searcher.corrector("body_exact")

    def frequency(word: str) -> int:
        return reader.doc_frequency("body_exact", word) + reader.doc_frequency("title_exact", word)

    def candidates(word: str, maxdist: int, prefix: int, wanted: int) -> list[str]:
        near = corrector.suggest(word, limit=spelling.CANDIDATES_PER_TRY, maxdist=maxdist, prefix=prefix)
        return [c for c in near if reader.doc_frequency("body_exact", c) > wanted]

    return spelling.suggestion(
        parsed,
        total,
        frequency=frequency,
        candidates=candidates,
        count=lambda text, deadline: _count(searcher, req, text, deadline),
    )


def search(req: SearchRequest) -> SearchResult:
    page, page_size = req.bounded_page()
    with index.searcher() as searcher:
        m = _match_forgiving(searcher, req, limit=page * page_size)
        total = len(m.docnums)
        first = (page - 1) * page_size
        page_docs = m.docnums[first : first + page_size]
        ids = m.tables.ids[page_docs]
        page_scores = (
            m.scores[first : first + page_size] if m.scores is not None else np.zeros(len(page_docs))
        )
        doc_mask = np.zeros(m.tables.doc_count, dtype=bool)
        doc_mask[m.docnums] = True
        facets = {
            spec.name: m.book[spec.name].counted(m.tables.fields[spec.name].counts(doc_mask))
            for spec in FACETS
        }
        result = SearchResult(
            total=total,
            hits=[_hit(m, int(i), float(s), d) for i, s, d in zip(ids, page_scores, page_docs, strict=True)],
            facets=facets,
            dates=m.tables.histogram(m.docnums, req.date_from, req.date_to),
            understood=m.understood,
            error=" ".join(dict.fromkeys(m.problems)),
            sort=m.sort,
            page=page,
            pages=-(-total // page_size),
        )
        if total < SUGGEST_BELOW and req.q:
            try:
                result.suggestion = _suggestion(searcher, req, syntax.parse(req.q), total)
            except Exception:
                logger.warning("Spelling suggestion failed for %r.", req.q, exc_info=True)
    return result


def _hit(m: _Matches, article_id: int, score: float, docnum: int) -> Hit:
    """A hit with the names of the people, topics and source the index has for it."""

    def named(facet: str) -> list[str]:
        book = m.book[facet]
        return sorted({n for i in m.tables.fields[facet].ids_of(docnum) if (n := book.name(i)) is not None})

    source = named("source")
    return Hit(
        article_id, score, persons=named("person"), topics=named("topic"), source=source[0] if source else ""
    )


def iter_ids(req: SearchRequest) -> Iterator[int]:
    """Every matching article id in the requested order (for a CSV export)."""
    with index.searcher() as searcher:
        m = _match_forgiving(searcher, req, limit=None)
        ids = m.tables.ids[m.docnums]
    for article_id in ids:
        yield int(article_id)


MLT_TERMS = 15


def more_like_this(article_id: int, limit: int = 5) -> list[int]:
    """Articles sharing the most distinctive key words of this one, best first."""
    with index.searcher() as searcher:
        tables = tables_for(searcher)
        docnums = np.flatnonzero((tables.ids == int(article_id)) & tables.live)
        if not len(docnums):
            return []
        docnum = int(docnums[0])
        key_terms = (searcher.stored_fields(docnum).get("key_terms") or "").split()
        reader = searcher.reader()
        weighted = [(searcher.idf("body", t), t) for t in key_terms if reader.doc_frequency("body", t) > 1]
        weighted.sort(reverse=True)
        chosen = weighted[:MLT_TERMS]
        if not chosen:
            return []
        q = wq.Or([wq.Term("body", t, boost=idf) for idf, t in chosen])
        results = searcher.search(q, limit=limit, mask={docnum})
        return [int(tables.ids[hit.docnum]) for hit in results]
