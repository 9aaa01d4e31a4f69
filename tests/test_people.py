"""Person extraction on the seeds (through the real reading pipeline) and on written examples."""

import pickle

import pytest

from articles.ingest.people import RuleBasedExtractor, load_extractor
from articles.ingest.read import read_file

SEED_PEOPLE = {
    "000": {"Ishaq Dar", "Marco Rubio", "Donald Trump", "Syed Asim Munir"},
    "001": {"Ishaq Dar", "Marco Rubio", "Donald Trump", "Asim Munir", "Muhammad Aurangzeb"},
    "002": {"Ishaq Dar", "Marco Rubio", "Donald Trump", "Muhammad Aurangzeb", "Ali Hasnain"},
    "003": {"Ishaq Dar", "Marco Rubio"},
    "004": {"Ishaq Dar", "Marco Rubio", "Donald Trump"},
}


def people(text):
    return {mention.name for mention in RuleBasedExtractor().extract(text)}


def seed_body(seeds_dir, prefix):
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    (draft,) = read_file(path, 10_000_000)
    return draft.body


@pytest.mark.parametrize("prefix", sorted(SEED_PEOPLE))
def test_seed_people_through_the_reading_pipeline(seeds_dir, prefix):
    assert people(seed_body(seeds_dir, prefix)) == SEED_PEOPLE[prefix]


def test_related_story_link_removed_by_the_cleaner_names_nobody(seeds_dir):
    raw = next(seeds_dir.glob("002_*.txt")).read_text(encoding="utf-8")
    assert "Bushra Bibi" in raw
    assert not any("Bushra" in name for name in people(seed_body(seeds_dir, "002")))


@pytest.mark.parametrize("prefix", sorted(SEED_PEOPLE))
def test_seed_mentions_point_at_their_phrases(seeds_dir, prefix):
    body = seed_body(seeds_dir, prefix)
    mentions = RuleBasedExtractor().extract(body)
    assert mentions
    for mention in mentions:
        assert body[mention.start : mention.end] == mention.phrase
        assert mention.phrase.split()[-1] == mention.name.split()[-1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Deputy Prime Minister and Foreign Minister Ishaq Dar spoke.", {"Ishaq Dar"}),
        ("He met Field Marshal Syed Asim Munir at the White House.", {"Syed Asim Munir"}),
        ("President Donald Trump said on Monday in March.", {"Donald Trump"}),
        ("US Secretary of State Marco Rubio called.", {"Marco Rubio"}),
        (
            "Treasury Secretary James Baker and Fed Chairman Paul Volcker met.",
            {"James Baker", "Paul Volcker"},
        ),
        ("World Bank President Barber Conable said so.", {"Barber Conable"}),
        ("Prime Minister John Major said so.", {"John Major"}),
        ("Bundesbank president Karl Otto Poehl\ntold a symposium.", {"Karl Otto Poehl"}),
        ("Mexican President Miguel de la Madrid spoke.", {"Miguel de la Madrid"}),
        ("Beryl Sprinkel, chairman of the council, spoke.", {"Beryl Sprinkel"}),
    ],
)
def test_titles_are_never_part_of_the_name(text, expected):
    assert people(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Foreign Office said the White House agreed on Monday in August.",
        "Pakistan may join the Abraham Accords, the Secretary of State said.",
        "Follow us on Google News, Instagram, YouTube, Facebook, Whats App and TikTok.",
        "General Motors said sales rose. Citibank, the chairman of the committee, said so.",
        "The loan is arranged by Samuel Montagu and Co Ltd.",
        "Strengthening Bilateral Ties\n\nTrade Amid Tariff Tensions\n\nA Promising Start",
        "Field Marshal",
    ],
)
def test_places_organisations_offices_days_and_headings_are_not_people(text):
    assert people(text) == set()


@pytest.mark.parametrize("apostrophe", ["’", "'"])
def test_short_forms_and_possessives_resolve_to_the_full_name(apostrophe):
    text = (
        f"Foreign Minister Ishaq Dar met Marco Rubio. Dar{apostrophe}s visit pleased Mr. Rubio. Rubio agreed."
    )
    mentions = RuleBasedExtractor().extract(text)
    assert [(m.name, m.phrase) for m in mentions] == [
        ("Ishaq Dar", "Ishaq Dar"),
        ("Marco Rubio", "Marco Rubio"),
        ("Ishaq Dar", "Dar"),
        ("Marco Rubio", "Rubio"),
        ("Marco Rubio", "Rubio"),
    ]


def test_a_short_form_before_the_full_name_resolves_too():
    assert people("Trump brokered the ceasefire. US President Donald Trump took credit.") == {"Donald Trump"}


def test_a_bare_surname_with_no_full_name_or_title_is_not_a_person():
    assert people("Reuter said Comissaria Smith reported. Baker was there.") == set()


def test_an_ambiguous_surname_resolves_to_the_nearest_full_name_before_it():
    text = "Treasury Secretary James Baker spoke. Chief of Staff Howard Baker listened. Baker agreed."
    mentions = RuleBasedExtractor().extract(text)
    assert mentions[-1].name == "Howard Baker"


def test_the_extractor_is_picklable_and_loaded_by_its_dotted_path():
    extractor = load_extractor("articles.ingest.people.RuleBasedExtractor")
    copy = pickle.loads(pickle.dumps(extractor))
    assert {m.name for m in copy.extract("President Donald Trump spoke.")} == {"Donald Trump"}


def test_a_bad_extractor_path_says_how_to_fix_it():
    with pytest.raises(ImportError, match="ARCHIVE_PERSON_EXTRACTOR"):
        load_extractor("articles.ingest.people.NoSuchExtractor")
