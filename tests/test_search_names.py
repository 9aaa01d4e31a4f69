"""Names round-trip: any character in a person, topic or source name works in facets, links, the
query syntax, the API, CSV and Atom; the index holds ids, so renames reindex nothing; aliases and
merged-away names find their person."""

import csv
import io
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import curation
from articles.models import Article, Person, PersonAlias, Source, Topic
from articles.search import names
from articles.search.whoosh import index
from articles.search.whoosh.query import SearchRequest, search
from articles.urlstate import SearchState
from tests.admin_support import facet, index_all, make_article, search_ids

pytestmark = pytest.mark.django_db

NASTY = [
    "Debt, IMF and aid",
    'The "Dove" Faction',
    "Trade: Asia/Pacific",
    "Fish & Chips",
    "O'Brien, Conor",
    "Ministry of Finance 100%",
    "Agriculture + Food",
    "محمد بن سلمان",
    "习近平",
    "Владимир Путин",
    "Amélie Durand",
    "a#b?c=d",
]


@pytest.fixture
def nasty_archive():
    """One article per nasty name, carrying it as its person, its topic and its source's name."""
    articles = {}
    for i, name in enumerate(NASTY):
        source = Source.objects.create(domain=f"s{i}.example", name=name)
        articles[name] = make_article(
            f"Story {i}", f"Story number {i}.", people=[name], topics=[name], source=source
        )
    index_all()
    return articles


def _hit_ids(response) -> set[int]:
    return {hit["id"] for hit in response.json()["hits"]}


@pytest.mark.parametrize("name", NASTY)
def test_a_name_with_any_character_round_trips_through_filters_and_facets(nasty_archive, name):
    article = nasty_archive[name]
    for field in ("persons", "topics", "sources"):
        assert search_ids(**{field: [name]}) == {article.pk}, field
    for facet_name in ("person", "topic", "source"):
        assert facet(facet_name, **{f"{facet_name}s": [name]}) == {name: 1}


@pytest.mark.parametrize("name", [n for n in NASTY if '"' not in n])
def test_a_name_with_any_character_round_trips_through_the_query_syntax(nasty_archive, name):
    article = nasty_archive[name]
    for field in ("person", "topic", "source"):
        result = search(SearchRequest(q=f'{field}:"{name}"'))
        assert [hit.id for hit in result.hits] == [article.pk], (field, result.understood, result.error)


def test_debt_imf_and_aid_is_found_by_its_chip_its_page_and_the_syntax(client, nasty_archive):
    article = nasty_archive["Debt, IMF and aid"]
    topic = Topic.objects.get(name="Debt, IMF and aid")
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert f'href="{topic.get_absolute_url()}"' in page.content.decode(), "the article page links its topic"
    results = client.get("/", {"q": "story"}).content.decode()
    chip_links = [link for link in results.split('href="')[1:] if link.startswith("/?topic=Debt")]
    assert chip_links, "a hit's topic chip links to a search for its topic"
    chip = chip_links[0].split('"')[0].replace("&amp;", "&")
    found = client.get("/api/search", dict(parse_qsl(urlsplit(chip).query)))
    assert _hit_ids(found) == {article.pk}
    assert client.get(topic.get_absolute_url()).context["page"].total == 1
    answer = client.get("/api/search", {"q": 'topic:"Debt, IMF and aid"'}).json()
    assert [h["id"] for h in answer["hits"]] == [article.pk]
    assert answer["hits"][0]["topics"] == ["Debt, IMF and aid"]
    assert {"Debt, IMF and aid"} <= {v["value"] for v in answer["facets"]["topic"]}


@pytest.mark.parametrize("name", NASTY)
def test_the_api_csv_and_atom_carry_the_exact_name(client, nasty_archive, name):
    params = {"topic": name}
    answer = client.get("/api/search", params).json()
    assert answer["total"] == 1
    assert answer["hits"][0]["topics"] == [name] and answer["hits"][0]["persons"] == [name]
    assert answer["hits"][0]["source"] == name
    assert [v["value"] for v in answer["facets"]["topic"]] == [name]
    rows = list(
        csv.reader(
            io.StringIO(b"".join(client.get("/export.csv", params).streaming_content).decode("utf-8-sig"))
        )
    )
    assert len(rows) == 2 and any(name in cell for cell in rows[1])
    feed = ET.fromstring(client.get("/feed.atom", params).content)
    terms = [c.get("term") for c in feed.iter("{http://www.w3.org/2005/Atom}category")]
    assert terms == [name]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(
        # Any printable character: control and format characters are sanitised out of URLs.
        st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
def test_any_name_survives_the_url_and_is_found_by_itself(name):
    state = SearchState(person=(name,), topic_not=(name,))
    parsed = SearchState.from_query(QueryDict(state.query_string().removeprefix("?")))
    assert (parsed.person, parsed.topic_not) == ((name,), (name,))
    book = names.FacetNames()
    book.add(7, name)
    book.add(8, "Someone Else")
    assert book.ids_named(name) == [7]
    assert 7 in book.ids_matching(name)
    assert 7 in book.ids_containing(name)


def test_an_alias_finds_its_person_in_the_syntax_filters_and_the_more_page(client):
    person = Person.objects.create(name="Tariq Qureshi Khan")
    PersonAlias.objects.create(person=person, name="Tariq Qureshi")
    article = make_article("Budget", "The minister spoke.", people=[person])
    make_article("Other", people=["Someone Else"])
    index_all()
    result = search(SearchRequest(q='person:"Tariq Qureshi"'))
    assert [h.id for h in result.hits] == [article.pk]
    assert "Tariq Qureshi Khan" in result.understood
    assert search_ids(persons=["Tariq Qureshi"]) == {article.pk}
    more = client.get("/facets/person/", {"contains": "qureshi"})
    assert [v.value for v in more.context["values"]] == ["Tariq Qureshi Khan"]


def test_a_merged_away_name_finds_the_person_it_was_merged_into():
    digby = Person.objects.create(name="Digby")
    jones = Person.objects.create(name="Digby Jones")
    first = make_article("CBI warns", people=[digby])
    second = make_article("Industry", people=[jones])
    index_all()
    curation.merge_people(jones, [digby])
    index_all()
    assert search_ids(q="person:digby") == {first.pk, second.pk}
    assert search_ids(persons=["Digby"]) == {first.pk, second.pk}
    assert facet("person") == {"Digby Jones": 2}


def test_renaming_reindexes_nothing_and_shows_at_once():
    person = Person.objects.create(name="Asim Munir")
    topic = Topic.objects.create(name="Army")
    source = Source.objects.create(domain="dawn.com")
    article = make_article("Army chief", people=[person], topics=[topic], source=source)
    index_all()
    stamps = index.indexed_stamps()
    names.current()  # cached before the renames
    person.name, topic.name, source.name = "Syed Asim Munir", "Armed forces", "Dawn"
    for row in (person, topic, source):
        row.save()
    assert not Article.objects.filter(needs_indexing=True).exists()
    assert index.indexed_stamps() == stamps
    hit = search(SearchRequest(q="army")).hits[0]
    assert (hit.persons, hit.topics, hit.source) == (["Syed Asim Munir"], ["Armed forces"], "Dawn")
    assert search_ids(persons=["Syed Asim Munir"], topics=["Armed forces"], sources=["Dawn"]) == {article.pk}
    assert search_ids(sources=["dawn.com"]) == {article.pk}  # a source is also known by its domain


def test_accents_are_forgiven_in_names_everywhere(client):
    article = make_article("Visit", "Amélie Durand arrived in São Paulo.", people=["Amélie Durand"])
    index_all()
    assert search_ids(q="person:amelie") == {article.pk}
    assert search_ids(persons=["amelie durand"]) == {article.pk}
    more = client.get("/facets/person/", {"contains": "AMELIE"})
    assert [v.value for v in more.context["values"]] == ["Amélie Durand"]


def test_a_name_as_written_picks_its_own_row_before_names_that_differ_in_accents():
    accented = make_article("One", people=["José López"])
    plain = make_article("Two", people=["Jose Lopez"])
    index_all()
    assert search_ids(persons=["José López"]) == {accented.pk}
    assert search_ids(persons=["Jose Lopez"]) == {plain.pk}
    assert search_ids(persons=["jose lopez"]) == {accented.pk, plain.pk}
    assert search_ids(q='person:"jose lopez"') == {accented.pk, plain.pk}
