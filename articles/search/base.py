"""The search backend interface. settings.ARCHIVE_SEARCH_BACKEND names the class, the way Django
names a cache backend; `articles.search.backend()` returns its one instance per process.

Backend-neutral, shared by every backend: the query language (syntax.py), its plain-words reading
(reading.py), text analysis (analysis.py), highlighting (highlight.py), facet names (names.py),
the cost budget (budget.py), the date buckets (dates.py) and the types (types.py). A backend turns
a SearchRequest into a SearchResult with exact totals and facet counts and keeps its index (or its
tables) in step with the database. What a backend cannot do it says with Unsupported, in a
sentence a user can read.
"""

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager

from .types import IndexDocument, SearchRequest, SearchResult


class IndexUnavailable(Exception):
    """The index cannot be read: never built, or damaged. The message names the damage and
    `rebuild_index` repairs it. A web request never creates an index, so damage is reported,
    not hidden behind a fresh empty one."""


class IndexBusy(Exception):
    """Another writer holds the index and did not let go in time; the change stays pending in the
    database (Article.needs_indexing) and the next flush writes it."""


class Unsupported(Exception):
    """This backend cannot do what was asked; the message says what, in a sentence."""


class BulkSession:
    """Many batches of an ingest written through one session. `add` takes documents known to be
    new, `update` replaces by id. Nothing is promised searchable before `checkpoint()` returns
    (or the session's block ends normally); the ingest clears articles' pending flags only then."""

    def add(self, docs: Iterable[IndexDocument]) -> int:
        raise NotImplementedError

    def update(self, docs: Iterable[IndexDocument]) -> int:
        raise NotImplementedError

    def checkpoint_due(self) -> bool:
        """True when enough was written since the last checkpoint to make one worthwhile."""
        raise NotImplementedError

    def checkpoint(self) -> None:
        """Make everything written so far durable and searchable."""
        raise NotImplementedError


class SearchBackend:
    """One search engine. Subclasses implement every method; each raises IndexUnavailable when
    its index cannot be read and IndexBusy when a write could not get in."""

    name = ""  # as settings and `check_index` name it: "whoosh", "postgres"
    # True when an ingest should write the index from a second process while it stores articles
    # (the engine's writing costs CPU in this process); False when the engine works elsewhere.
    index_in_background = True

    # --- reading ------------------------------------------------------------------------------

    def search(self, req: SearchRequest) -> SearchResult:
        """One page of hits in the requested order, the exact total, the counts of every facet
        and the date histogram over all the matches, the reading of the query, any problem with
        it (in `error`), and a spelling suggestion when few articles match. Within the cost budget
        (budget.py): a query out of budget is answered by its plain words, and says so."""
        raise NotImplementedError

    def iter_ids(self, req: SearchRequest) -> Iterator[int]:
        """Every matching article id in the requested order (a CSV export)."""
        raise NotImplementedError

    def more_like_this(self, article_id: int, limit: int = 5) -> list[int]:
        """Articles sharing the most distinctive words of this one, best first."""
        raise NotImplementedError

    # --- writing ------------------------------------------------------------------------------

    def add_or_update(self, docs: Iterable[IndexDocument], *, timeout: float | None = None) -> int:
        """Index the documents, replacing any with the same id; returns how many."""
        raise NotImplementedError

    def remove(self, ids: Iterable[int], *, timeout: float | None = None) -> int:
        """Remove the documents with these ids; returns how many were in the index."""
        raise NotImplementedError

    def bulk(self, *, timeout: float | None = None) -> AbstractContextManager[BulkSession]:
        """A BulkSession for an ingest run: checkpointed when the block ends normally, what was
        not checkpointed dropped (and left pending in the database) when it raises."""
        raise NotImplementedError

    def rebuild(self, docs: Iterable[IndexDocument]) -> int:
        """Replace the whole index with `docs`; searches see the old index or the new, never a
        mix, and changes made meanwhile wait (IndexBusy) rather than being lost. Returns the count."""
        raise NotImplementedError

    # --- state --------------------------------------------------------------------------------

    def create_if_absent(self) -> bool:
        """Create an empty index when none was ever made; True if it did. Run by `migrate` and by
        ingest, never by a web request."""
        raise NotImplementedError

    def needs_rebuild(self) -> bool:
        """True when there is no usable index or it was made by another version of its schema."""
        raise NotImplementedError

    def verify(self) -> int:
        """Read the whole index afresh and return its document count; IndexUnavailable naming
        the damage otherwise (`check_index`)."""
        raise NotImplementedError

    def ensure_readable(self) -> None:
        """Raise IndexUnavailable when the index cannot be opened; cheap (a view that failed in an
        unexpected way asks, to answer 503 for a damaged index rather than 500)."""
        raise NotImplementedError

    def doc_count(self) -> int:
        raise NotImplementedError

    def indexed_stamps(self) -> dict[int, str]:
        """Every indexed article id with the change stamp it was indexed with (`check_index`)."""
        raise NotImplementedError

    def prepare_for_searching(self) -> None:
        """After a bulk change (an ingest run, a rebuild): do now what the next search would
        otherwise do first. Nothing, for a backend that has nothing to prepare."""

    def describe(self) -> str:
        """Where the index lives and what shape it is in, in a sentence (`check_index`)."""
        raise NotImplementedError
