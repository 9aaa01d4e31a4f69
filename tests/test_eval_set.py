"""The extraction evaluation set (bench/eval/) stays well-formed: every annotated article reads,
every annotated name occurs in its text, ids are unique, topics are starter topics, and the team's
own articles are all annotated and of newspaper length."""

import re
from importlib import import_module

import pytest

from bench.eval.dataset import TEAM_ARTICLES, available, load_annotations, load_articles, registers
from bench.eval.scoring import person_key, score_article

EXTERNAL = ("seeds", "reuters")
TEAM = [register for register in registers() if register not in EXTERNAL]
STARTER_SLUGS = {
    slug for _, slug, *_ in import_module("articles.migrations.0002_starter_topics").STARTER_TOPICS
}


def flat(text: str) -> str:
    """Text compared as a reader sees it: case and line breaks ignored."""
    return " ".join(text.split()).casefold()


def readable(register: str):
    if register in EXTERNAL:
        missing = available(register)
        if missing:
            pytest.skip(missing)
    return load_articles(register)


def test_the_set_has_150_articles_or_more_in_three_registers_or_more():
    """Seeds and Reuters, plus at least one register of another tradition (issue 14)."""
    sizes = {register: len(load_annotations(register)) for register in registers()}
    assert {"seeds", "reuters"} <= set(sizes) and len(sizes) >= 3, sizes
    assert sum(sizes.values()) >= 150, sizes
    assert sizes["reuters"] >= 50 and all(sizes[register] >= 20 for register in TEAM), sizes


@pytest.mark.parametrize("register", registers())
def test_annotations_parse_with_unique_ids_and_starter_topics(register):
    annotations = load_annotations(register)
    ids = [a.id for a in annotations]
    assert annotations and len(ids) == len(set(ids))
    for annotation in annotations:
        assert set(annotation.topics) <= STARTER_SLUGS, annotation.id
        assert len(set(annotation.topics)) == len(annotation.topics), annotation.id
        canonical = {person_key(name) for name in annotation.people}
        assert len(canonical) == len(annotation.people), f"{annotation.id}: two people with one name"
        assert all(key for key in canonical), annotation.id
        # A trap is never also a person of the same article.
        assert not canonical & {person_key(trap) for trap in annotation.traps}, annotation.id


@pytest.mark.parametrize(
    "register", [pytest.param(r, marks=pytest.mark.corpus) if r in EXTERNAL else r for r in registers()]
)
def test_every_annotated_name_and_trap_occurs_in_its_article(register):
    """Variants and traps occur as written; a canonical name may join words the text parts
    ("(Paul) Volker"), so each of its words occurs."""
    for article in readable(register):
        text = flat(article.text)
        words = set(re.findall(r"\w+", text))
        annotation = article.annotation
        for name in annotation.people:
            absent = [word for word in re.findall(r"\w+", flat(name)) if word not in words]
            assert not absent, f"{register} {annotation.id}: {absent} of {name!r} not in the text"
        for name in [*(v for vs in annotation.people.values() for v in vs), *annotation.traps]:
            assert flat(name) in text, f"{register} {annotation.id}: {name!r} is not in the text"


@pytest.mark.parametrize("register", TEAM)
def test_every_team_article_is_annotated_and_of_newspaper_length(register):
    files = {path.stem for path in (TEAM_ARTICLES / register).glob("*")}
    assert files == {a.id for a in load_annotations(register)}
    for article in load_articles(register):
        words = len(re.findall(r"\w+", article.text))
        assert 120 <= words <= 400, f"{article.annotation.id}: {words} words"
        assert article.title and article.body


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Sir Digby", ("digby",)),
        ("Mr Justice Harlow", ("harlow",)),
        ("the Rt Rev Dr Margaret Ellery", ("margaret", "ellery")),
        ("Martin Luther King Jnr", ("martin", "luther", "king")),
        ("Sen. Charles E. Whitfield", ("charles", "whitfield")),
        ("King Edward VI", ("edward",)),
        ("Shakespeare's", ("shakespeare",)),
        ("Dr King", ("king",)),
        ("Baroness", ("baroness",)),
        ("Jnr", ("jnr",)),
    ],
)
def test_person_key_ignores_honorifics_generations_and_middle_initials(name, key):
    assert person_key(name) == key


def test_scoring_tells_right_names_from_traps_duplicates_and_misses():
    people = {"Digby Jones": ("Sir Digby",), "Fiona Deans": ("Ms Deans",), "Kitty Fisher": ()}
    traps = ("Maria Full of Grace",)
    extracted = {"Digby Jones", "Sir Digby", "Deans", "Maria Full", "Baroness"}
    score = score_article("b1", people, traps, extracted)
    assert (score.extracted, score.right, score.found, score.annotated, score.canonical) == (5, 2, 2, 3, 1)
    assert sorted(score.false_positives) == [
        ("b1", "Baroness", "unannotated"),
        ("b1", "Maria Full", "trap"),
        ("b1", "Sir Digby", "duplicate of Digby Jones"),
    ]
    assert score.misses == [("b1", "Kitty Fisher")]
    assert score.renamed == [("b1", "Deans", "Fiona Deans")]
    assert score.precision == 2 / 5 and score.recall == 2 / 3
