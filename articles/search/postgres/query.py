"""Searching the tables: the query and filters in, one page of hits with exact totals, facets and
the date histogram out, from one SQL statement over the matches (`_SEARCH`).

Within a SearchBudget (budget.py): its expansion limits in the compiler, its time limit as the
transaction's statement_timeout; a search out of time is answered by its plain words and says so,
as in the Whoosh backend. Relevance is ts_rank over the query's text parts with title words
weighted above body words; ties, and the other orders, follow the article id.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from time import monotonic

from django.db import DatabaseError, connection, transaction
from rapidfuzz.distance import Levenshtein

from articles.facet_registry import FACETS
from articles.search import dates, names, reading, spelling, syntax
from articles.search.analysis import EXACT
from articles.search.base import IndexUnavailable
from articles.search.budget import SearchBudget, SearchTooSlow
from articles.search.types import (
    SORTS,
    SUGGEST_BELOW,
    DateHistogram,
    Hit,
    SearchRequest,
    SearchResult,
)

from . import schema
from .compiler import Compiler, Sql, has_facet, lexeme, render
from .schema import COUNT, DAY_KEY, DOCUMENT, EXACT_MARK, UNDATED_KEY, WORD, day_of_key, facet_of

logger = logging.getLogger(__name__)

# ts_rank's weights of {D, C, B, A}: body words D, title words A (twice a body word, as Whoosh's boost).
RANK_WEIGHTS = "{0.5,0.5,0.5,1.0}"
RANK_NORMALISATION = 1  # divided by 1 + the log of the document's length
# Matches ranked by relevance: the newest RANKED of them, ahead of the others (newest first).
# Ranking reads each match's terms (out of line when long); a word in a third of 200,000 articles
# cost 900 ms to rank in full, and among the newest 3,000 the best come first at a bounded cost.
RANKED = 3_000
ORDERS = {
    "relevance": "ranked DESC, score DESC, sort_day DESC NULLS LAST, article_id DESC",
    "newest": "sort_day DESC NULLS LAST, article_id DESC",
    "oldest": "sort_day ASC NULLS LAST, article_id",
    "added": "added DESC NULLS LAST, article_id DESC",
}


# Settings of a search's transaction: the planner told to use the indexes (a term in a fifth of the
# rows otherwise reads them all), no JIT compilation (which the cost of a plan without a sequential
# scan triggers: 100-200 ms to compile a query that runs in 2 ms), and room for the matches: with the
# default 4MB, a word in 77,000 articles (Reuters x10) wrote them to a temporary file.
_SEARCH_SETTINGS = {"enable_seqscan": "off", "jit": "off", "work_mem": "64MB"}


@contextmanager
def _limits(seconds: float):
    """A transaction (a savepoint in the caller's) whose statements stop after `seconds`, with
    _SEARCH_SETTINGS; the session's own settings are put back after it."""
    settings = {"statement_timeout": "0" if seconds == float("inf") else f"{max(int(seconds * 1000), 1)}ms"}
    settings.update(_SEARCH_SETTINGS)
    names = list(settings)
    with transaction.atomic(), connection.cursor() as cursor:
        reads, writes = ["current_setting(%s)"] * len(names), ["set_config(%s, %s, true)"] * len(names)
        values = [item for pair in settings.items() for item in pair]
        cursor.execute("SELECT " + ", ".join(reads + writes), [*names, *values])
        before = cursor.fetchone()[: len(names)]
        yield cursor
        # Inside a caller's transaction a savepoint's settings would outlive this search (a failed
        # search rolls its savepoint back, and its settings with it).
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
            [item for pair in zip(names, before, strict=True) for item in pair],
        )


def _too_slow(error: DatabaseError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "57014"  # query_canceled


def _missing_tables(error: DatabaseError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "42P01"  # undefined_table


def unavailable() -> IndexUnavailable:
    return IndexUnavailable(
        "There are no search tables in the database (ARCHIVE_SEARCH_BACKEND is “postgres”); "
        "run `manage.py rebuild_index`."
    )


@dataclass
class _Plan:
    where: Sql  # "TRUE": no condition, the whole archive (counted in search_pg_count)
    ranked: str | None  # the tsquery relevance scores by; None: nothing to score
    sort: str
    understood: str
    problems: list
    book: names.NameBook


def _filters(req: SearchRequest, book: names.NameBook) -> list[Sql]:
    """The request's facet and date filters; filter values are names (or other spellings) of rows."""
    conds = []
    for spec in FACETS:
        field_names = book[spec.name]
        wanted, unwanted = getattr(req, spec.request_field) or [], getattr(req, spec.exclude_field) or []
        if wanted:
            conds.append(has_facet(spec.name, sorted({i for n in wanted for i in field_names.ids_named(n)})))
        if unwanted:
            excluded = has_facet(spec.name, sorted({i for n in unwanted for i in field_names.ids_named(n)}))
            conds.append(Sql(f"NOT ({excluded.sql})", excluded.params))
    if req.date_from is not None or req.date_to is not None:
        dated = Sql("(d.published BETWEEN %s AND %s)", [req.date_from or date.min, req.date_to or date.max])
        conds.append(Sql(f"({dated.sql} OR d.published IS NULL)", dated.params) if req.undated else dated)
    elif req.undated:
        conds.append(Sql("d.published IS NULL"))
    return conds


def _plan(cursor, req: SearchRequest, parsed: syntax.Query, budget: SearchBudget) -> _Plan:
    book = names.current()
    compiler = Compiler(cursor, book, budget)
    cond, text = compiler.compile(parsed.tree) if parsed.tree is not None else (None, None)
    conds = ([render(cond)] if cond is not None else []) + _filters(req, book)
    where = Sql(" AND ".join(c.sql for c in conds) or "TRUE", [p for c in conds for p in c.params])
    sort = req.sort if req.sort in SORTS else "relevance"
    problems = list(parsed.problems) + budget.problems
    if cond is None and parsed.text:
        problems.append(reading.NO_WORDS)
    if sort == "relevance" and (cond is None or not reading.has_text_terms(parsed)):
        sort = "newest"  # only filters, fields or exclusions: there is nothing to rank by
    ranked = compiler.rank_query() if sort == "relevance" else None
    return _Plan(where, ranked, sort, reading.describe(text), problems, book)


# The matches (m), read once: what the orders, the facets and the dates need of each, never their
# terms (which only the ranked matches read); and how many there are of each date and sort_day.
_MATCHES = f"""
WITH m AS MATERIALIZED (
    SELECT d.article_id, d.published, d.sort_day, d.added, d.facets FROM {DOCUMENT} d WHERE {{where}}
), days AS (SELECT published, sort_day, count(*) AS c FROM m GROUP BY published, sort_day),
s AS ({{scored}})
"""
_UNRANKED = "SELECT article_id, sort_day, added, facets, 0.0::real AS score, false AS ranked FROM m"
# Relevance: the newest RANKED matches with their scores, then the others newest first. The window
# is sorted from the matches of its days only: the newest days back to the one that brings their
# count to RANKED (NULL, so all the matches, when there are fewer or the window reaches the matches
# without a sort_day); for 77,000 matches this took 5 ms, sorting them all for the window 20. Of
# the others only as many are sorted as the page reaches (the last %s; None: all of them).
_NEWEST_DAYS = (
    "SELECT sort_day FROM (SELECT sort_day, sum(sum(c)) OVER (ORDER BY sort_day DESC NULLS LAST) AS reach "
    "FROM days GROUP BY sort_day) r WHERE reach >= %s ORDER BY sort_day DESC NULLS LAST LIMIT 1"
)
_RANKED = (
    f"SELECT w.article_id, w.sort_day, d.added, d.facets, ts_rank('{RANK_WEIGHTS}', d.terms, %s::tsquery, "
    f"{RANK_NORMALISATION}) AS score, true AS ranked FROM (SELECT article_id, sort_day FROM m "
    f"WHERE (sort_day >= ({_NEWEST_DAYS})) IS NOT FALSE ORDER BY {ORDERS['newest']} LIMIT %s) w "
    f"JOIN {DOCUMENT} d USING (article_id) UNION ALL (SELECT article_id, sort_day, added, facets, 0.0::real, "
    f"false FROM m ORDER BY {ORDERS['newest']} OFFSET %s LIMIT %s)"
)


def _scored(plan: _Plan, reached: int | None) -> Sql:
    """The matches (s) with their scores and whether they were ranked, complete as far as the
    first `reached` in order (None: all)."""
    if plan.ranked is None:
        return Sql(_UNRANKED)
    beyond = None if reached is None else max(reached - RANKED, 0)
    return Sql(_RANKED, [plan.ranked, RANKED, RANKED, RANKED, beyond])


# One statement: the matches once, then passes over them: the dates (whose counts add up to the
# total) and every facet's values at once, both counted as search_pg_count keys them; and the page.
# The facet values are counted per distinct set of them (a few thousand among 77,000 matches), which
# unnests far fewer arrays.
_SEARCH = (
    _MATCHES
    + f"""
SELECT
    (SELECT json_agg(json_build_array(k, c)) FROM (
        SELECT k, sum(c)::bigint AS c FROM (SELECT unnest(facets) AS k, c FROM
            (SELECT facets, count(*) AS c FROM m GROUP BY facets) sets) u GROUP BY k
        UNION ALL SELECT {DAY_KEY}, sum(c)::bigint FROM days GROUP BY published) f),
    (SELECT json_agg(json_build_array(article_id, score, facets) ORDER BY {{order}}) FROM
        (SELECT * FROM s ORDER BY {{order}} LIMIT %s OFFSET %s) p)
"""
)


@dataclass
class _Answer:
    plan: _Plan
    total: int
    undated: int
    page: list  # [article_id, score, facets values]
    days: list  # [(date, count)]: the dated matches
    facets: dict  # facet name -> [(row id, count)]


# Without conditions: the counts kept for the whole archive, and the first page through an index.
_EVERYTHING = f"""
SELECT
    (SELECT json_agg(json_build_array(key, n)) FROM {COUNT} WHERE n <> 0),
    (SELECT json_agg(json_build_array(article_id, 0.0, facets) ORDER BY {{order}}) FROM
        (SELECT article_id, facets, sort_day, added FROM {DOCUMENT} ORDER BY {{order}} LIMIT %s OFFSET %s) p)
"""


def _run(cursor, plan: _Plan, limit: int, offset: int) -> _Answer:
    order = ORDERS[plan.sort]
    if plan.where.sql == "TRUE":
        cursor.execute(_EVERYTHING.format(order=order), [limit, offset])
    else:
        scored = _scored(plan, offset + limit)
        sql = _SEARCH.format(scored=scored.sql, where=plan.where.sql, order=order)
        cursor.execute(sql, [*plan.where.params, *scored.params, limit, offset])
    counts, page = (found or [] for found in cursor.fetchone())
    facets = {spec.name: [] for spec in FACETS}
    dated, undated = [], 0
    for key, count in counts:  # search_pg_count's keys (schema.py): facet values and days
        if key >= 0:
            facet, row_id = facet_of(key)
            facets[facet].append((row_id, count))
        elif key == UNDATED_KEY:
            undated = count
        else:
            dated.append((date.fromordinal(day_of_key(key)), count))
    return _Answer(plan, undated + sum(count for _, count in dated), undated, page, dated, facets)


def _attempt(req: SearchRequest, parsed: syntax.Query, budget: SearchBudget, run):
    """`run(cursor, plan)` within the budget's time; SearchTooSlow when the database stopped it."""
    try:
        with _limits(max(budget.deadline - monotonic(), 0.001)) as cursor:
            plan = _plan(cursor, req, parsed, budget)
            budget.check_time("finding the matches")
            return run(cursor, plan)
    except DatabaseError as error:
        if _too_slow(error):
            raise SearchTooSlow("finding the matches") from error
        if _missing_tables(error):
            raise unavailable() from error
        raise


def _plain_words(text: str) -> str:
    return " ".join(t.text for t in EXACT(text))


def _forgiving(req: SearchRequest, run):
    """Run the query within its budget. If it fails (out of time, or any other error), run its
    plain words instead and say so; if even that fails, list what the filters allow."""
    parsed = syntax.parse(req.q)
    budget = SearchBudget()
    try:
        return _attempt(req, parsed, budget, run)
    except SearchTooSlow as slow:
        logger.warning("Query %r ran out of time (%s).", parsed.text, slow.part)
        message = (
            f"Your query took longer than {budget.seconds:g} s ({slow.part}), so only its plain words "
            "were searched; fuzzy, wildcard and prefix terms make a search slow."
        )
    except IndexUnavailable:
        raise
    except Exception:
        logger.warning("Query %r failed; searching its plain words instead.", parsed.text, exc_info=True)
        message = "Your query could not be run as written, so its words were searched instead."
    unlimited = SearchBudget(seconds=float("inf"))
    try:
        answer = _attempt(req, syntax.parse(_plain_words(parsed.text)), unlimited, run)
    except IndexUnavailable:
        raise
    except Exception:
        logger.warning("The plain words of %r failed too.", parsed.text, exc_info=True)
        answer = _attempt(req, syntax.parse(""), SearchBudget(seconds=float("inf")), run)
        message = "Your query could not be run, so the articles your filters allow are listed."
    answer.plan.problems.append(message)
    return answer


def search(req: SearchRequest) -> SearchResult:
    page, page_size = req.bounded_page()
    answer = _forgiving(req, lambda cursor, plan: _run(cursor, plan, page_size, (page - 1) * page_size))
    book = answer.plan.book
    result = SearchResult(
        total=answer.total,
        hits=[_hit(book, *item) for item in answer.page],
        facets={spec.name: book[spec.name].counted(answer.facets[spec.name]) for spec in FACETS},
        dates=_histogram(answer.days, answer.undated, req.date_from, req.date_to),
        understood=answer.plan.understood,
        error=" ".join(dict.fromkeys(answer.plan.problems)),
        sort=answer.plan.sort,
        page=page,
        pages=-(-answer.total // page_size),
    )
    if answer.total < SUGGEST_BELOW and req.q:
        try:
            result.suggestion = _suggestion(req, syntax.parse(req.q), answer.total)
        except IndexUnavailable:
            raise
        except Exception:
            logger.warning("Spelling suggestion failed for %r.", req.q, exc_info=True)
    return result


def _hit(book: names.NameBook, article_id, score, values) -> Hit:
    """A hit with the names of the people, topics and source the index has for it."""
    named: dict[str, set] = {spec.name: set() for spec in FACETS}
    for value in values:
        facet, row_id = facet_of(value)
        if (name := book[facet].name(row_id)) is not None:
            named[facet].add(name)
    sources = sorted(named["source"])
    return Hit(
        int(article_id),
        float(score),
        persons=sorted(named["person"]),
        topics=sorted(named["topic"]),
        source=sources[0] if sources else "",
    )


def _histogram(days: list, undated: int, date_from: date | None, date_to: date | None) -> DateHistogram:
    """Counts by year; by month when the range (the filter, else the matches) lies in one year;
    by day when it lies in one month (dates.py)."""
    if not days:
        return DateHistogram("year", [], undated)
    first = date_from or min(day for day, _ in days)
    last = date_to or max(day for day, _ in days)
    level = dates.level_for(first, last)
    counts: dict[int, int] = {}
    for day, count in days:
        key = dates.key_of(level, day)
        counts[key] = counts.get(key, 0) + count
    return dates.histogram(level, counts, undated)


def iter_ids(req: SearchRequest) -> Iterator[int]:
    """Every matching article id in the requested order (for a CSV export)."""

    def run(cursor, plan: _Plan) -> _Listed:
        scored = _scored(plan, None)
        cursor.execute(
            _MATCHES.format(scored=scored.sql, where=plan.where.sql)
            + f"SELECT article_id FROM s ORDER BY {ORDERS[plan.sort]}",
            [*plan.where.params, *scored.params],
        )
        return _Listed(plan, [article_id for (article_id,) in cursor.fetchall()])

    yield from _forgiving(req, run).ids


@dataclass
class _Listed:
    plan: _Plan
    ids: list[int]


# --- did you mean ---------------------------------------------------------------------------


def _frequency(cursor, tsquery: str, cap: int) -> int:
    """How many articles match `tsquery`, counted up to `cap` (enough to compare, and cheap)."""
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {DOCUMENT} d WHERE d.terms @@ %s::tsquery LIMIT %s) f",
        [tsquery, cap],
    )
    return cursor.fetchone()[0]


def _candidates(cursor, word: str, maxdist: int, prefix: int) -> list[str]:
    """The lexicon's words within `maxdist` edits of `word` sharing its first `prefix` letters."""
    start = word[:prefix]
    cursor.execute(
        f"SELECT word FROM {WORD} WHERE word >= %s AND word < %s AND word <> %s "
        "AND length(word) BETWEEN %s AND %s",
        [start, start + "\U0010ffff", word, len(word) - maxdist, len(word) + maxdist],
    )
    return [w for (w,) in cursor.fetchall() if Levenshtein.distance(word, w, score_cutoff=maxdist) <= maxdist]


def _common(cursor, words: list[str], wanted: int) -> list[str]:
    """The first spelling.CANDIDATES_PER_TRY of `words` in the bodies of more than `wanted` articles."""
    kept = []
    for word in words:
        if _frequency(cursor, lexeme(EXACT_MARK + word) + ":D", wanted + 1) > wanted:
            kept.append(word)
            if len(kept) == spelling.CANDIDATES_PER_TRY:
                break
    return kept


def _count(req: SearchRequest, text: str, deadline: float) -> int:
    """How many articles `text` finds with the request's filters, by `deadline` (SearchTooSlow)."""
    budget = SearchBudget()
    budget.deadline = min(budget.deadline, deadline)

    def run(cursor, plan: _Plan):
        cursor.execute(f"SELECT count(*) FROM {DOCUMENT} d WHERE {plan.where.sql}", plan.where.params)
        return cursor.fetchone()[0]

    return _attempt(req, syntax.parse(text), budget, run)


def _suggestion(req: SearchRequest, parsed: syntax.Query, total: int) -> str:
    """Did-you-mean (spelling.py) over the lexicon table. With the search settings: a count capped
    by LIMIT would otherwise read the table row by row, expecting a rare word early (Reuters, 0
    hits for "dbcg": 1.2 s instead of 5 ms)."""

    def frequency(word: str) -> int:
        with _limits(float("inf")) as cursor:
            return _frequency(cursor, lexeme(EXACT_MARK + word), spelling.RARE_WORD)

    def candidates(word: str, maxdist: int, prefix: int, wanted: int) -> list[str]:
        with _limits(float("inf")) as cursor:
            found = _candidates(cursor, word, maxdist, prefix)
            found.sort(key=lambda c: (*spelling.closeness(word)(c), c))
            return _common(cursor, found, wanted)

    return spelling.suggestion(
        parsed,
        total,
        frequency=frequency,
        candidates=candidates,
        count=lambda text, deadline: _count(req, text, deadline),
    )


# --- more like this -------------------------------------------------------------------------

MLT_TERMS = 15
COMMON_FROM = 1_000  # a key word in this many articles is counted no further: it is common


def more_like_this(article_id: int, limit: int = 5) -> list[int]:
    """Articles sharing the rarest key words of this one (those in at least one other article),
    best first by ts_rank over them."""
    with _limits(float("inf")) as cursor:
        cursor.execute(f"SELECT key_terms FROM {DOCUMENT} WHERE article_id = %s", [int(article_id)])
        found = cursor.fetchone()
        if not found or not found[0]:
            return []
        counted = [(_frequency(cursor, lexeme(t), COMMON_FROM), t) for t in found[0]]
        chosen = [lexeme(t) for n, t in sorted(counted) if n > 1][:MLT_TERMS]
        if not chosen:
            return []
        tsquery = "(" + " | ".join(chosen) + ")"
        cursor.execute(
            f"SELECT article_id FROM {DOCUMENT} d WHERE d.terms @@ %s::tsquery AND article_id <> %s "
            f"ORDER BY ts_rank(d.terms, %s::tsquery) DESC, article_id LIMIT %s",
            [tsquery, int(article_id), tsquery, limit],
        )
        return [i for (i,) in cursor.fetchall()]


def ensure_readable(cursor) -> None:
    if not schema.exists(cursor):
        raise unavailable()
