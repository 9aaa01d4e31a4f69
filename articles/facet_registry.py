"""The facets of a search, listed once: people, topics and sources.

Every part of the archive that knows about facets reads this list: the query syntax's fields
(`person:`), the search's filters and counts, the URL's parameters (`person=`, `person_not=`),
the facet boxes, the feeds and the JSON API. Add a facet here and everything else follows.

The index holds each facet value as the row's id, never its name, so renaming a person changes no
index document; names are looked up from `model` when a search is shown (search/names.py). URL
parameters carry display names (readable permalinks); they are resolved to ids per search.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class FacetSpec:
    name: str  # the index field, the query syntax's field and the URL parameter: "person"
    label: str  # heading of the facet box: "People"
    singular: str  # one value: "Person"
    model: str  # "app_label.Model" whose rows are the values; a row's display name is str(row)
    request_field: str  # the SearchRequest attribute holding the wanted names: "persons"
    # Other spellings that find the row: a related name of alias rows with a `name`, and fields
    # of the row itself ("domain" for a source known by its domain).
    aliases: str = ""
    other_fields: tuple[str, ...] = ()

    @property
    def exclude_param(self) -> str:
        """The URL parameter excluding a value: "person_not"."""
        return f"{self.name}_not"

    @property
    def exclude_field(self) -> str:
        """The SearchRequest attribute holding the excluded names: "persons_not"."""
        return f"{self.request_field}_not"


FACETS = (
    FacetSpec("person", "People", "Person", "articles.Person", "persons", aliases="aliases"),
    FacetSpec("topic", "Topics", "Topic", "articles.Topic", "topics"),
    FacetSpec("source", "Sources", "Source", "articles.Source", "sources", other_fields=("domain",)),
)
BY_NAME = {spec.name: spec for spec in FACETS}
NAMES = tuple(BY_NAME)
