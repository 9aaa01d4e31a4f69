"""Facet values' names: the index holds row ids, the database names them.

A NameBook holds every person's, topic's and source's display name and the other spellings that
find it (a person's aliases, including the names merged into them; a source's domain), to turn ids
into names for display and names into ids for filters and the query syntax. Names are compared
ignoring case, accents and runs of spaces. The book is loaded once per process and reloaded when
the database says a name changed: `current()` costs one small query per facet model (its row
count and latest change), so a rename shows at once in every process without touching the index.
"""

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection

from articles.facet_registry import FACETS, FacetSpec

from .analysis import fold_word
from .types import FacetCount


def normalise(text: str) -> str:
    """A name as names are compared: casefolded, without accents, single spaces."""
    return " ".join(fold_word(str(text).casefold()).split())


@dataclass
class FacetNames:
    """The names of one facet's values."""

    names: dict[int, str] = field(default_factory=dict)  # id -> display name
    by_display: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # as written
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # normalised
    by_alias: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, row_id: int, name: str, spellings=()) -> None:
        self.names[row_id] = name
        self.by_display[name].append(row_id)
        self.by_name[normalise(name)].append(row_id)
        for spelling in spellings:
            if spelling:
                self.by_alias[normalise(spelling)].append(row_id)

    def name(self, row_id: int) -> str | None:
        return self.names.get(row_id)

    def counted(self, counts) -> list[FacetCount]:
        """(row id, count) pairs as counts by display name (rows sharing a name counted together;
        rows the database no longer has left out), largest first, then by name."""
        by_name: dict[str, int] = {}
        for row_id, count in counts:
            name = self.name(row_id)
            if name is not None:
                by_name[name] = by_name.get(name, 0) + count
        order = sorted(by_name.items(), key=lambda item: (-item[1], item[0].casefold()))
        return [FacetCount(name, count) for name, count in order]

    def ids_named(self, text: str) -> list[int]:
        """The rows whose name is `text` exactly as written; failing that, ignoring case and
        accents ("José López" and "Jose Lopez" may be two rows); failing that, the rows it is
        another spelling of."""
        if exact := self.by_display.get(str(text).strip()):
            return sorted(set(exact))
        key = normalise(text)
        return sorted(set(self.by_name.get(key) or self.by_alias.get(key) or ()))

    def ids_matching(self, text: str) -> list[int]:
        """As ids_named; failing that, the rows with a spelling that holds the words of `text` in
        order ("dar" finds "Ishaq Dar", "amelie" finds "Amélie Durand")."""
        named = self.ids_named(text)
        key = normalise(text)
        if named or not key:
            return named
        padded = f" {key} "
        return sorted({i for spelling, ids in self._spellings() if padded in f" {spelling} " for i in ids})

    def ids_containing(self, text: str) -> set[int]:
        """The rows with a name or other spelling containing `text` anywhere (a "more" page's
        filter box)."""
        key = normalise(text)
        return {i for spelling, ids in self._spellings() if key in spelling for i in ids}

    def _spellings(self):
        yield from self.by_name.items()
        yield from self.by_alias.items()


@dataclass
class NameBook:
    facets: dict[str, FacetNames]
    fingerprint: tuple = ()

    def __getitem__(self, facet: str) -> FacetNames:
        return self.facets[facet]


def _alias_model(spec: FacetSpec):
    """(model, foreign key column) of the facet's alias rows, or None."""
    if not spec.aliases:
        return None
    relation = apps.get_model(spec.model)._meta.get_field(spec.aliases)
    return relation.related_model, relation.field.attname


def _models(spec: FacetSpec) -> list:
    alias = _alias_model(spec)
    return [apps.get_model(spec.model)] + ([alias[0]] if alias else [])


def _fingerprint_sql() -> str:
    quote = connection.ops.quote_name
    tables = [quote(model._meta.db_table) for spec in FACETS for model in _models(spec)]
    columns = [f"(SELECT COUNT(*) FROM {t}), (SELECT MAX({quote('changed')}) FROM {t})" for t in tables]
    return "SELECT " + ", ".join(columns)


def fingerprint() -> tuple:
    """What changes whenever a row of a facet model is added, renamed or deleted: each table's row
    count and latest `changed`, in one query (the ORM's four aggregates cost ten times more)."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return tuple(cursor.fetchone())


def load(mark: tuple = ()) -> NameBook:
    """Every facet value's names, from the database."""
    facets = {}
    for spec in FACETS:
        model, book = apps.get_model(spec.model), FacetNames()
        aliases = defaultdict(list)
        if alias := _alias_model(spec):
            alias_model, column = alias
            for row_id, name in alias_model.objects.values_list(column, "name"):
                aliases[row_id].append(name)
        for row in model.objects.only("pk", "name", *spec.other_fields):
            others = [getattr(row, name) for name in spec.other_fields]
            book.add(row.pk, str(row), [*others, *aliases.get(row.pk, ())])
        facets[spec.name] = book
    return NameBook(facets, mark)


_book: NameBook | None = None
_lock = threading.Lock()


def current() -> NameBook:
    """The names as the database has them now (reloaded only when they changed)."""
    global _book
    mark = fingerprint()
    book = _book
    if book is None or book.fingerprint != mark:
        with _lock:
            book = _book
            if book is None or book.fingerprint != mark:
                book = _book = load(mark)
    return book
