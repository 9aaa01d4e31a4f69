"""The no-loss invariant on every article of Reuters-21578 (read from ../shared, never copied into
the project): as JSON Lines records with their titles, as text files with a title line, and as
text files of the body alone. No article may lose a word; the first offenders are printed when one
does. The pipeline's readers are called directly (no database), so the whole corpus takes seconds
per form."""

import json

import pytest

from articles.ingest.accounting import lost_words
from articles.ingest.draft import ArticleDraft
from articles.ingest.formats.json import read_json_lines
from articles.ingest.formats.text import read_text
from bench.reuters import iter_reuters
from tests.conftest import REUTERS_DIR

pytestmark = pytest.mark.corpus

SHOWN = 10


@pytest.fixture(scope="module")
def reuters():
    if not (REUTERS_DIR / "reut2-000.sgm").is_file():
        pytest.skip(f"the Reuters-21578 corpus is not at {REUTERS_DIR}")
    return [article for article in iter_reuters(REUTERS_DIR) if article.body.strip()]


def offenders(pairs) -> list[str]:
    """Each (source text, draft or failure) that lost words, as a line naming the article."""
    found = []
    for source, item in pairs:
        assert isinstance(item, ArticleDraft), item
        lost = lost_words(source, item)
        if lost:
            found.append(f"{item.origin}: lost {' '.join(lost[:12])} | title {item.title!r}")
    return found


def report(found: list[str], total: int) -> str:
    return f"{len(found)} of {total} articles lost words; the first:\n" + "\n".join(found[:SHOWN])


def test_no_reuters_article_loses_a_word_as_json_lines_with_titles(reuters):
    lines = "\n".join(json.dumps(article.as_json_record()) for article in reuters)
    drafts = list(read_json_lines(lines, "reuters.jsonl"))
    sources = [f"{a.title}\n{a.dateline}\n{a.body}" for a in reuters]
    found = offenders(zip(sources, drafts, strict=True))
    assert not found, report(found, len(reuters))


def test_no_reuters_article_loses_a_word_as_text_files_with_a_title_line(reuters):
    texts = [(a, a.as_text_file()) for a in reuters]
    pairs = [(text, read_text(text, f"{a.newid:05}.txt", "")[0]) for a, text in texts]
    found = offenders(pairs)
    assert not found, report(found, len(reuters))


def test_no_reuters_article_loses_a_word_as_text_files_of_the_body_alone(reuters):
    pairs = [(a.body, read_text(a.body, f"{a.newid:05}.txt", "")[0]) for a in reuters]
    found = offenders(pairs)
    assert not found, report(found, len(reuters))
