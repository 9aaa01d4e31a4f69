"""Every example query in the README's search table, and every search tip of the results page,
finds something in the sample corpus.

The table is read out of README.md itself, so a new example there is tested at once; the sample
is ingested as `make run` ingests it.
"""

import re

import pytest

from articles.ingest_run import ingest_paths
from articles.search.whoosh import query
from articles.urlstate import SearchState
from articles.views.search import SEARCH_EXAMPLES
from tests.conftest import REPO, SAMPLE_DIR

TABLE_HEADER = "| you type | finds |"


def readme_queries(readme: str) -> list[str]:
    """The `code` spans of the first column of the README's search table, in order."""
    lines = readme.splitlines()
    start = lines.index(TABLE_HEADER) + 2  # past the header and its | --- | row
    queries = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        first_cell = line.split(" | ")[0]
        queries += re.findall(r"`([^`]+)`", first_cell)
    return queries


def test_the_table_is_read_with_every_example():
    queries = readme_queries((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(queries) >= 10
    assert '"trade deal"' in queries and "date:[2025-01-01 to 2025-03-31]" in queries


def test_the_table_parser_stops_at_the_end_of_the_table():
    readme = "text\n\n| you type | finds |\n| --- | --- |\n| `a`, `b c` | x `not this` |\n\n| `later` | y |\n"
    assert readme_queries(readme) == ["a", "b c"]


@pytest.mark.django_db
def test_every_readme_example_finds_an_article_in_the_sample():
    report = ingest_paths([str(SAMPLE_DIR)], workers=1)
    assert report.counts["failed"] == 0
    everything = query.search(SearchState().to_request()).total
    found = {}
    tips = [q for q, _ in SEARCH_EXAMPLES]
    for q in readme_queries((REPO / "README.md").read_text(encoding="utf-8")) + tips:
        result = query.search(SearchState(q=q).to_request())
        found[q] = (result.total, result.error)
    nothing = {q: error for q, (total, error) in found.items() if total == 0 or error}
    assert not nothing, f"README examples or search tips that find nothing in sample/ (or fail): {nothing}"
    # and each one shows what it does: it narrows the archive rather than finding everything
    everywhere = [q for q, (total, _) in found.items() if total == everything]
    assert not everywhere, f"README examples or search tips that find every article of sample/: {everywhere}"
