"""A damaged index is detected, said and repaired: a truncated segment, a deleted segment and a
deleted table of contents each make the pages answer 503 with a sentence (never a 500, never an
empty result, never a new empty index), check_index exit 1 naming the damage, and rebuild_index
bring back a clean check."""

import os

import pytest
from django.core.management import CommandError, call_command

from articles import indexing
from articles.models import Article
from articles.search.whoosh import index
from articles.search.whoosh.query import SearchRequest, search
from tests.archive_data import make_articles

pytestmark = pytest.mark.django_db

# Every public page that reads the index, HTML and data.
PAGES = [
    ("/", {"q": "steel"}),
    ("/", {}),
    ("/api/search", {"q": "steel"}),
    ("/export.csv", {"q": "steel"}),
    ("/feed.atom", {"q": "steel"}),
    ("/facets/person/", {"q": "steel"}),
]


def segment_files() -> list:
    return sorted(index.current_dir().glob("*.seg"))


def truncate_a_segment():
    path = segment_files()[0]
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)
    return "truncated"


def delete_a_segment():
    segment_files()[0].unlink()
    return "missing"


def delete_the_table_of_contents():
    for toc in index.current_dir().glob("*.toc"):
        toc.unlink()
    return "no table of contents"


DAMAGE = [truncate_a_segment, delete_a_segment, delete_the_table_of_contents]


@pytest.fixture
def archive():
    articles = make_articles()
    make_articles([])  # nothing more: the index has the five articles in one segment
    assert segment_files()
    return articles


def assert_unavailable(client, path, params):
    response = client.get(path, params)
    assert response.status_code == 503, (path, params)
    assert response["Retry-After"]
    if path.startswith(("/api/", "/export.csv", "/feed.atom")):
        error = response.json()["error"]
        assert error["code"] == "index_unavailable"
        assert "Search is being rebuilt" in error["message"]
    else:
        assert "Search is being rebuilt" in response.content.decode()


@pytest.mark.parametrize("damage", DAMAGE)
def test_each_damage_is_a_503_with_a_sentence_on_every_page(client, archive, damage):
    assert client.get("/", {"q": "steel"}).status_code == 200  # a searcher is open and cached
    damage()
    person, topic = archive[0].persons.first(), archive[0].topics.first()
    entity_pages = [
        (archive[0].get_absolute_url(), {}),
        (person.get_absolute_url(), {}),
        (topic.get_absolute_url(), {}),
    ]
    for path, params in PAGES + entity_pages:
        assert_unavailable(client, path, params)


@pytest.mark.parametrize("damage", DAMAGE)
def test_check_index_names_the_damage_and_rebuild_index_repairs_it(client, archive, damage, capsys):
    words = damage()
    with pytest.raises(CommandError, match=words) as failure:
        call_command("check_index")
    assert "rebuild_index" in str(failure.value)
    call_command("rebuild_index")
    call_command("check_index")
    assert "matches the database" in capsys.readouterr().out
    response = client.get("/api/search", {"q": "steel"})
    assert response.status_code == 200 and response.json()["total"] == 2


def test_a_web_request_never_creates_an_index_over_a_damaged_one(client, archive):
    delete_the_table_of_contents()
    gen = index.current_dir()
    before = sorted(p.name for p in gen.iterdir())
    assert client.get("/", {"q": "steel"}).status_code == 503
    assert sorted(p.name for p in gen.iterdir()) == before
    assert index.current_dir() == gen


def test_a_missing_generation_directory_is_a_503_and_a_rebuild_brings_it_back(client, archive):
    gen = index.current_dir()
    for path in gen.iterdir():
        path.unlink()
    gen.rmdir()
    assert_unavailable(client, "/api/search", {})
    with pytest.raises(CommandError, match="missing"):
        call_command("check_index")
    call_command("rebuild_index")
    assert client.get("/api/search").json()["total"] == 5


def test_saving_an_article_while_the_index_is_damaged_leaves_it_pending(archive):
    """The admin's save indexes after its commit: a damaged index must not turn that into a 500,
    and must not be recreated by it; the article waits for the rebuild."""
    delete_the_table_of_contents()
    Article.objects.filter(pk=archive[0].pk).update(needs_indexing=True)  # as a save marks it
    assert indexing.index_now([archive[0].pk]) == 0
    assert not list(index.current_dir().glob("*.toc"))
    archive[0].refresh_from_db()
    assert archive[0].needs_indexing


def test_an_ingest_still_creates_the_first_index_of_a_new_archive(index_dir):
    os_current = index_dir / index.CURRENT_FILE
    os_current.unlink()
    with index.bulk_writer(timeout=1) as bulk:
        bulk.add([index.IndexDocument(1, "First", "first words", None)])
    assert index.doc_count() == 1


def test_a_segment_truncated_under_an_open_reader_is_a_503_not_a_dead_worker(client, archive, monkeypatch):
    """The size check before each search is skipped, as if the file were cut during the search:
    the reader, which does not memory-map the file (a map would kill the process with SIGBUS),
    fails with an ordinary error, and the error handler finds the damage and answers 503."""
    assert client.get("/api/search", {"q": "steel"}).status_code == 200
    monkeypatch.setattr(index, "_unchanged", lambda gen, sizes: True)
    path = segment_files()[0]
    with open(path, "r+b") as f:
        f.truncate(64)
    client.raise_request_exception = False
    for params in ({"q": "steel"}, {"q": "oil OR grain"}):
        assert_unavailable(client, "/api/search", params)


def test_a_missing_page_stays_a_404_while_the_index_is_damaged(client, archive):
    delete_the_table_of_contents()
    assert client.get("/facets/nonsense/").status_code == 404
    assert client.get("/api/articles/999999").status_code == 404


def test_an_archive_without_any_index_says_so_and_rebuild_index_makes_it(client, archive, index_dir):
    (index_dir / index.CURRENT_FILE).unlink()
    assert_unavailable(client, "/", {"q": "steel"})
    assert not (index_dir / index.CURRENT_FILE).exists()  # the request created nothing
    with pytest.raises(CommandError, match="no search index") as failure:
        call_command("check_index")
    assert str(failure.value).count("rebuild_index") == 1
    call_command("rebuild_index")
    call_command("check_index")


def test_an_ingest_into_a_damaged_index_says_to_rebuild_and_the_rebuild_finds_its_articles(archive, tmp_path):
    delete_the_table_of_contents()
    (tmp_path / "copper.txt").write_text("Copper output rises\n\nChile's copper output rose in May.\n")
    with pytest.raises(CommandError, match="no table of contents.*rebuild_index"):
        call_command("ingest", str(tmp_path))
    assert Article.objects.filter(title="Copper output rises").exists()
    call_command("rebuild_index")
    call_command("check_index")
    assert [hit.id for hit in search(SearchRequest(q="copper")).hits] == [
        Article.objects.get(title="Copper output rises").pk
    ]
