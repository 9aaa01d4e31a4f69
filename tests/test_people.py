"""Person extraction on the seeds (through the real reading pipeline) and on written examples."""

import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.ingest import people as people_module
from articles.ingest.names import name_key
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
        "West Virginia coal miners struck. North Carolina voters went to the polls in Sao Paulo.",
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


# --- British and American newspapers, sport and the arts ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The fullest form the article gives, with titled short forms resolved to it.
        ("Tory co-chairman Liam Fox attacked the plans. Mr Fox said voters deserved better.", {"Liam Fox"}),
        ("Fiona Deans, associate director of the Institute, spoke. Ms Deans added more.", {"Fiona Deans"}),
        ("Sir Digby Jones warned ministers. Sir Digby said business was worried.", {"Digby Jones"}),
        ("Digby Jones of the CBI spoke. Sir Digby said so.", {"Digby Jones"}),
        ("Portraits by Sir Joshua Reynolds open today. Sir Joshua painted the King.", {"Joshua Reynolds"}),
        ("Gordon Brown, the Chancellor, spoke. Mr Brown is expected to raise taxes.", {"Gordon Brown"}),
        (
            "The Rev Jesse Jackson visited. Mr Jackson met Tony Blair. Mr Blair said little.",
            {"Jesse Jackson", "Tony Blair"},
        ),
        ("Actress Dame Judi Dench won the award. Dame Judi said she was thrilled.", {"Judi Dench"}),
        # Honorifics, suffixes, labels and nicknames are never names.
        ("Baroness Thatcher was in the audience.", {"Thatcher"}),
        ("The service honoured Martin Luther King Jnr, who was shot.", {"Martin Luther King"}),
        ("Simon Cowell, TV's Mr Nasty, was unrepentant.", {"Simon Cowell"}),
        ("Conductor Marcello Viotti died in Munich. Viotti was 50.", {"Marcello Viotti"}),
        ("The Harry Potter author JK Rowling was there.", {"JK Rowling"}),
        # Sport: possessives and surnames alone resolve to the full name.
        ("Henry's 30th-minute goal was his 20th. Thierry Henry is 27.", {"Thierry Henry"}),
        (
            "Chelsea manager Jose Mourinho praised Frank Lampard. Lampard, 26, scored twice.",
            {"Jose Mourinho", "Frank Lampard"},
        ),
        ("Elena Vasquez, who led the IMF mission, said so. Vasquez said more.", {"Elena Vasquez"}),
        ("Amélie Durand, an ECB board member, spoke. Durand warned about wages.", {"Amélie Durand"}),
        # Given names that are also the second word of a place name.
        ("Governor Paulo Mendes said the bank was ready. Mendes added more.", {"Paulo Mendes"}),
        ("Shares in Sao Paulo rose, said the analyst Carolina Ruiz.", {"Carolina Ruiz"}),
        ("Virginia Woolf wrote it in 1927.", {"Virginia Woolf"}),
    ],
)
def test_newspaper_people_to_the_fullest_form(text, expected):
    assert people(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fans of Harry Potter and Mary Poppins queued. The musical Mary Poppins opens tonight.",
        "Codemasters said Colin McRae Rally 2005 sold well.",
        "The film Maria Full of Grace won praise.",
        "Mary Queen of Scots was executed in 1587.",
        "The Harry Potter books sold well.",
        "A spokesman for the Lesley Ann deposit said so.",
        "Cowell, television's Mr Nasty, returned. The Mr Fixit of the party was there.",
    ],
)
def test_works_products_characters_and_nicknames_are_not_people(text):
    assert people(text) == set()


LINE_UP = """Whitlock's 30th-minute goal settled it after Danny Whitlock came on.

Hartfield (4-4-2): Birch; Mainwaring, Tully, Delaunay, Oyelaran; Amankwah, Kitching, Costa; Whitlock, Fairley.
Subs not used: Rourke, Bright.
Scorers: Whitlock 30, 81 pen. Referee: M Riley (West Yorkshire). Attendance: 11,408.
"""


def test_a_line_up_names_players_by_surname():
    found = people(LINE_UP)
    assert {"Birch", "Mainwaring", "Costa", "Rourke", "Bright", "Fairley", "Danny Whitlock"} <= found
    assert "Whitlock" not in found  # the line-up's surname is the player named in full above
    assert not {"West Yorkshire", "Yorkshire", "Attendance"} & found


def test_lists_that_are_not_line_ups_name_nobody():
    text = (
        "Markets: Tokyo, London; Frankfurt, Paris, Zurich, Milan, Madrid, Sydney.\nShr: 12 cts; Net: 3 mln."
    )
    assert people(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Roles and characters are not the actors who play them.
        ("Haydn Gwynne is superb as Mrs Wilkinson, the ballet teacher.", {"Haydn Gwynne"}),
        ("A long run as Mr Brownlow in a BBC serial made him famous.", set()),
        ("As Foreign Minister Ishaq Dar held talks, the markets rose.", {"Ishaq Dar"}),
        # Animals, things named after people, quoted nicknames.
        ("An Afghan hound called Sir Lancelot was best in show.", set()),
        ("Earlier Sir Percy, the Irish-trained hurdler, won the race.", set()),
        ("A ward of the King George V wing was closed.", set()),
        ("Talent show judge quits after 'Mr Nasty' row.", set()),
        # People known by a surname alone; short forms resolved through the evidenced form.
        ("Puccini's score was played slowly.", {"Puccini"}),
        ("Wang Jiahua, the Chinese envoy, spoke. Mr Wang left.", {"Wang Jiahua"}),
        (
            "Dame Carol Ainsworth presented the medals. Dame Carol said so. He watched Carol.",
            {"Carol Ainsworth"},
        ),
        (
            "The sixth book in JK Rowling's series is out. Rowling, who gives no interviews, read.",
            {"JK Rowling"},
        ),
        ("Ryan Washington, the Aston Villa striker, joined on loan.", {"Ryan Washington"}),
        ("Chloe Benson, nine, from Croydon, who had waited since four, was first.", {"Chloe Benson"}),
    ],
)
def test_roles_animals_and_things_named_after_people(text, expected):
    assert people(text) == expected


def test_the_sample_corpus_people_are_found():
    sample = Path(__file__).resolve().parent.parent / "sample"
    found = set()
    for path in sorted(sample.iterdir()):
        for draft in read_file(path, 10_000_000):
            if hasattr(draft, "body"):
                found |= people(draft.body)
    for name in ["Elena M. Vasquez", "Elena Vasquez", "Amélie Durand", "Amelie Durand", "Helena K. Marsh"]:
        assert name in found or any(name_key(name) == name_key(other) for other in found), name
    assert {"Tariq Mahmood Qureshi", "Kenji Arakawa"} <= found


# --- cost: linear in the number of mentions -----------------------------------------------------


def comparisons(text, monkeypatch):
    """How many pairs of names the extractor compares on `text`."""
    calls = 0
    original = people_module.is_short_key

    def counting(short, long):
        nonlocal calls
        calls += 1
        return original(short, long)

    monkeypatch.setattr(people_module, "is_short_key", counting)
    mentions = RuleBasedExtractor().extract(text)
    return calls, mentions


@pytest.mark.parametrize(
    "sentence",
    [
        "The minister Tony Blair said the talks went well. Mr Blair left.\n",
        # Many distinct people of one surname: at most MAX_FORMS forms are compared.
        "Minister {first} Smith said so. Mr Smith left.\n",
    ],
)
def test_name_comparisons_grow_linearly_with_the_mentions(monkeypatch, sentence):
    names = [f"{a}{b}" for a in "BCDFGHKLMNPRST" for b in ("ara", "eno", "ilo", "omu", "ube", "yne")] * 30

    def text(n):
        return "".join(sentence.format(first=names[i % len(names)]) for i in range(n))

    small_calls, small_mentions = comparisons(text(200), monkeypatch)
    large_calls, large_mentions = comparisons(text(2000), monkeypatch)
    assert len(large_mentions) == 10 * len(small_mentions) >= 400
    assert large_calls <= 11 * max(small_calls, 1)


# --- shortcuts: they decide as the searches they spare ------------------------------------------

SHORTCUTS = settings(max_examples=300, deadline=None, database=None)
# What the token pattern and the word before a run look at: capitals, accents, initials, particles
# (inside words too: "model-Ford", "trade"), possessives, digits, and the spaces, tabs and line
# breaks (and blank lines) between words.
PIECES = (
    "Smith J. U.S. JK Mr. al-Assad el-Sisi model-Ford Israel-Egypt de la van der bin arap trade "
    "quarter Ómar Þór × Élan élan 1990s-president president co-chairman O'Neill Dar’s said the _x "
    "ß 45 ( ) , . ; :"
).split(" ")
SEPARATORS = [" ", "  ", "\t", "\n", " \n ", "\r\n", "\n\n", "-", "'", "’", ""]
texts = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=25).map(
    lambda pieces: "".join(piece + separator for piece, separator in pieces)
)


@SHORTCUTS
@given(texts | st.text(max_size=60))
def test_the_token_lookahead_skips_only_positions_where_no_token_starts(text):
    lookahead = f"(?={people_module.TOKEN_FIRST})"
    every_position = re.compile(people_module.TOKEN.pattern.replace(lookahead, "", 1))
    assert every_position.pattern != people_module.TOKEN.pattern

    def found(pattern):
        return [(match.lastgroup, match.span()) for match in pattern.finditer(text)]

    assert found(people_module.TOKEN) == found(every_position)


@SHORTCUTS
@given(texts, st.data())
def test_the_word_before_a_run_is_the_one_the_search_of_the_40_characters_before_finds(text, data):
    start = data.draw(st.integers(0, len(text)))
    whole_window = people_module.PREVIOUS_WORD.search(text, max(0, start - 40), start)
    expected = people_module.fold(whole_window.group(1)) if whole_window else ""
    assert people_module.previous_word(text, start) == expected


# --- any text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["The room is 3 × 4 metres.", "Þ", "Æ said.", "Ø. Þór Ø Æ × Þ."])
def test_signs_and_letters_that_fold_to_nothing_name_nobody(text):
    # "×" sits among the Latin-1 capitals; "Þ", "Æ" and "Ø" alone leave no letters to compare.
    assert RuleBasedExtractor().extract(text) == []


@SHORTCUTS
@given(texts | st.text(st.characters(max_codepoint=0x2FF), max_size=60))
def test_any_text_gives_mentions_that_are_spans_of_it(text):
    for mention in RuleBasedExtractor().extract(text):
        assert text[mention.start : mention.end] == mention.phrase
        assert name_key(mention.name)
