"""Find the people named in an article body with rules and curated word lists (no model).

How a name is found:
1. Capitalised words joined by spaces (or one line break) form a run: "Deputy Prime Minister",
   "Foreign Minister Ishaq Dar". Punctuation, lower-case words and possessives ("Dar’s") end
   a run; name particles ("de", "von", "bin") and dotted initials may sit inside one.
   Suffixes ("Jr", "Jnr", "QC") are cut off its end.
2. The office is cut off the front of the run: everything up to its last title ("World Bank
   President Barber Conable"), then any title, office, place or sentence word ("Field Marshal
   Syed Asim Munir" -> "Syed Asim Munir"). Titles are never part of a name; a title that ends
   the run is a surname ("Martin Luther King"), unless "of" follows it ("Mary, Queen of Scots").
3. What remains is dropped when it holds an organisation word, a known non-person phrase
   ("White House", "Harry Potter"), follows a place prefix ("St Lawrence"), precedes "and Co",
   sits beside a noun naming a work ("the film ...", "... books"), or is a nickname ("TV's Mr
   Nasty"); otherwise it is cut at the first word that cannot be part of a name (places, days,
   months, sentence words, acronyms).
4. A name is evidenced by a person title before it (in the run, or the lower-case word before
   it: "governor Satoshi Sumita", "co-chairman Liam Fox"), by what follows a full name (a title
   in apposition: "Beryl Sprinkel, chairman of"; ", who"; an age: "John Smith, 45,"), or by two
   words or more starting with a known given name. Unevidenced names count only as forms of an
   evidenced name of the same article, which they resolve to, before or after it.
5. Each name resolves to the fullest evidenced form of it in the article: "Dar" and "President
   Trump" to "Ishaq Dar" and "Donald Trump" (to the nearest full name before them when two share
   a surname), "Sir Digby" to "Digby Jones". A full name seen only without evidence becomes the
   canonical form when a titled short form of it is evidenced ("Liam Fox" ... "Mr Fox").

Cost is linear in the text: the evidenced names are indexed by surname and first name, and at
most MAX_FORMS distinct forms of one surname are compared (a real article has a handful).

The extractor is a plain picklable object (it runs in ingest's worker processes); the word
lists in wordlists/ are read once per process. Another extractor may replace it: settings name
the class (ARCHIVE_PERSON_EXTRACTOR) and `load_extractor` instantiates it.
"""

import importlib
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from articles.ingest.draft import MentionDraft
from articles.ingest.names import clean_name, is_short_key, name_key, without_accents

WORDLISTS = Path(__file__).with_name("wordlists")

# The first character of every token: the lookahead on it lets the scan skip, in one step, the
# positions where no token starts (most of them), instead of trying each alternative there.
TOKEN_FIRST = "[A-ZÀ-ÖØ-Þabdeiltv]"
# A capitalised word (apostrophes and hyphens inside: "O'Neill", "Leigh-Pemberton"), dotted
# initials ("U.S.", "J."), an Arabic article name ("al-Assad") or a lower-case name particle.
TOKEN = re.compile(
    rf"(?={TOKEN_FIRST})"
    r"(?:(?P<initials>(?:[A-Z]\.){2,})"
    r"|(?P<word>(?:(?:al|el)-)?[A-ZÀ-ÖØ-Þ](?:\w|['’\-](?=\w))*)"
    r"|(?P<particle>\b(?:de|del|della|der|den|di|da|das|do|dos|du|van|von|bin|ibn|ben|al|el|la|le|ter|arap)\b))"
)
# Longer runs of name-like words are headings ("Bushra Bibi Petitions IHC For ..."), not names.
MAX_NAME_WORDS = 6
# Distinct forms of one surname compared when resolving (bounds the cost on hostile input).
MAX_FORMS = 50
# What may separate two words of one run: spaces, or one line break (wire copy wraps lines).
RUN_GAP = re.compile(r"[ \t]+|[ \t]*\r?\n[ \t]*")
POSSESSIVE = ("'s", "’s", "'S", "’S")
# Two capitals before a capitalised name are initials written without dots ("JK Rowling",
# "AA Gill"), unless the word lists know them ("US", "UK").
BARE_INITIALS = re.compile(r"[A-Z]{2}")
NAME_AFTER = re.compile(r" [A-Z][a-z]")
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr jnr snr gen lt col sen rep gov prof rev capt maj adm sgt messrs mt".split()
)
# The word right before a run, spaces only between ("president Karl Otto Poehl").
PREVIOUS_WORD = re.compile(r"([A-Za-z][\w\-]*)[ \t]*\n?[ \t]*$")
# ", chairman of ...", ", the president of ...", ", associate professor ...": a title in apposition.
APPOSITION = re.compile(
    r",\s+(?:(?:the|a|an|its|his|her|their)\s+)?([A-Za-z][\w\-]*)(?:\s+([a-z][\w\-]*))?(?:\s+([a-z][\w\-]*))?"
)
# ", who ...", ", 45, ...", ", a 34-year-old ...", " herself": what follows only a person's name
# (not "said": "Baker Hughes said" is a firm).
PERSON_AFTER = re.compile(
    r",\s+who\b|,\s+(?:aged\s+)?(?:1[6-9]|[2-9]\d),|,\s+(?:a|an|the)\s+\d{1,3}-year-old\b"
    r"|[ \t]+(?:himself|herself)\b"
)
WHO_AFTER = re.compile(r",\s+who\b")
# Animals with the names of people: racehorses, show dogs.
ANIMALS = (
    r"(?:horse|racehorse|hurdler|chaser|colt|filly|mare|gelding|stallion"
    r"|hound|dog|terrier|spaniel|retriever|greyhound|pony|cat)"
)
ANIMAL_BEFORE = re.compile(rf"\b{ANIMALS}[ \t]+(?:called|named)[ \t]+$")
ANIMAL_AFTER = re.compile(rf",\s+(?:the|a|an)\s+(?:[\w\-]+\s+){{0,2}}{ANIMALS}\b")
# A quotation mark right before a name and right after it: a nickname or a title ("'Mr Nasty'").
QUOTES = "'‘’\"“”"
# "TV's Mr Nasty", "the Mr Fixit of": an honorific used as a nickname.
NICKNAME_BEFORE = re.compile(r"(?:\bthe|['’]s)[ \t]*$", re.I)
# The lower-case word right after a run ("Harry Potter books").
NEXT_WORD = re.compile(r"[ \t]+([a-z][\w\-’']*)")
# "... Queen of Scots", "... Prince of the Netherlands": the place a title is of.
OF_PLACE = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+)?([A-Z]\w*)")
# What ends a sentence before a run: a name there may be preceded by a sentence word.
SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”‘’(]|\n[ \t]*\n)[ \t\n]*$")
# Compounds that describe rather than name: "Houston-based", "German-born".
DESCRIPTIVE_ENDINGS = ("-based", "-born", "-led", "-owned", "-run", "-backed", "-listed")
# "Samuel Montagu and Co", "Goldman, Sachs and Co", "Growmark, Inc.": a firm named after people.
FIRM_SUFFIX = re.compile(
    r"(?:,?\s*(?:Inc|Corp|Ltd|Plc|LP)\b"
    r"|(?:,\s*[A-Z]\w+)?\s*(?:and|&)\s+(?:Co|Cie|Company|Sons|Son|Partners|Associates|Brothers)\b)"
)
# After "as", a name that ends its clause is a role ("superb as Mrs Wilkinson, the ...", "a run
# as Mr Brownlow in a serial"); one that a verb follows is a subject ("as Ishaq Dar held talks").
AS_ROLE = re.compile(r"(?<!\bwell )\bas[ \t]+(?:(?:the|a|an)[ \t]+(?:[a-z][\w\-]*[ \t]+)?)?$")
ROLE_END = re.compile(r"\s*(?:[,.;:)!?]|(?:in|on|and|opposite|with|at|for|to)\b)")
# Work nouns that after a name are verbs: "Christopher Eccleston plays the Doctor".
WORK_VERBS = frozenset({"play", "plays", "show", "stars"})
# The nouns after a name that make it the name of a work rather than a person.
WORK_ROLES = frozenset({"author", "creator", "star", "stars", "actor", "actress"})
# Honorifics that are nicknames when they follow "the", a possessive or a quote.
NICKNAME_TITLES = frozenset({"mr", "mrs", "ms", "miss"})


@dataclass(frozen=True)
class WordLists:
    """The curated lists, lower-case: see the files in wordlists/ for what each holds."""

    titles: frozenset[str]
    offices: frozenset[str]
    common: frozenset[str]
    calendar: frozenset[str]
    places: frozenset[str]
    organisations: frozenset[str]
    phrases: frozenset[str]
    given_names: frozenset[str]
    place_prefixes: frozenset[str]
    short_form_titles: frozenset[str]
    suffixes: frozenset[str]
    honorifics: frozenset[str]
    works: frozenset[str]
    named_after: frozenset[str]
    mononyms: frozenset[str]

    @property
    def not_in_names(self) -> frozenset[str]:
        return self.common | self.calendar | self.places | self.organisations | self.suffixes


@cache
def word_lists() -> WordLists:
    """Read wordlists/*.txt once per process (comments start with #)."""

    def read(name: str) -> frozenset[str]:
        lines = (WORDLISTS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        return frozenset(
            fold(" ".join(line.split())) for line in lines if line.strip() and not line.startswith("#")
        )

    return WordLists(**{name: read(name) for name in WordLists.__dataclass_fields__})


@cache
def word_sets() -> tuple[frozenset[str], frozenset[str], int, frozenset[str]]:
    """(words that may be stripped from the front of a run, words that never sit in a name,
    the most words in a non-person phrase, the phrases of a title and a name, checked with the
    title: "Dr Pepper", "Captain Hook", not "Field Marshal")."""
    lists = word_lists()
    not_in_names = lists.not_in_names
    strippable = lists.titles | lists.offices | not_in_names
    longest = max((len(phrase.split()) for phrase in lists.phrases), default=1)
    titles = lists.titles | lists.honorifics
    named = frozenset(
        phrase
        for phrase in lists.phrases
        if phrase.split()[0] in titles and not all(word in strippable for word in phrase.split())
    )
    return strippable, not_in_names, longest, named


def fold(word: str) -> str:
    """A word as the lists hold it: case-folded, accents removed ("Amélie" -> "amelie")."""
    return without_accents(word.casefold())


def is_title_word(key: str, titles: frozenset[str]) -> bool:
    """A title, or a hyphenated compound ending in one ("co-chairman", "ex-president")."""
    return key in titles or ("-" in key and key.rsplit("-", 1)[1] in titles)


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # "word", "initials" or "particle"
    possessive: bool = False
    bare_initials: bool = False  # "JK" in "JK Rowling"
    # Worked out once from the final text (see tokens()), as candidate() reads them many times.
    key: str = field(init=False)
    is_initial: bool = field(init=False)
    is_acronym: bool = field(init=False)

    def __post_init__(self) -> None:
        text = self.text
        self.key = fold(text.rstrip("."))
        self.is_initial = len(text) == 2 and text.endswith(".")
        letters = text.replace(".", "")
        self.is_acronym = self.kind == "initials" or (
            len(letters) > 1 and letters.isupper() and not self.bare_initials
        )


@dataclass
class Candidate:
    """A name found in one run: its tokens, whether the text shows it is a person, and the
    title right before it ("sir" for "Sir Digby"), if any."""

    tokens: list[Token]
    evidenced: bool
    title: str = ""
    sentence_start: bool = False
    strong: bool = False  # evidence for the fuller forms of it too: "Mr Fox", "Rowling, who"

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end


class RuleBasedExtractor:
    """Person mentions of one text: `extract(text) -> [MentionDraft]` (see the module docstring)."""

    def extract(self, text: str) -> list[MentionDraft]:
        listed = Spans(lineup_spans(text))
        candidates = []
        for run in runs(text):
            found = candidate(run, text)
            if listed and listed.covers(run[0].start):
                found = listed_candidate(run, found, text)
            if found is not None:
                candidates.append(found)
        return resolve(candidates, text)


# --- line-ups and sport lists: "Hartfield Town (4-4-2): Birch; Mainwaring, Tully, ..." -------------

# A label and its list: "Hartfield Town (4-4-2):", "Scorers:", "Subs not used:"; several may
# share a line ("Scorers: Whitlock 30. Sent off: Havel 41.").
LIST_LABEL = re.compile(r"(?:^|(?<=[.;]\s))(?P<label>[A-Z][^:.;\n]{0,40}):", re.M)
# Labels of the lists of players (and officials) under a match report.
SPORT_LABELS = frozenset(
    "scorers goals goalscorers subs substitutes replacements booked cautioned sent off tries cons "
    "pens drop goals sin-binned referee umpires man of the match".split()
) | {"subs not used", "sent off", "drop goals", "man of the match"}
# What an item of a line-up may hold besides the name: minutes, "pen", "og", "capt", brackets.
ITEM_NOISE = re.compile(r"\([^)]*\)|\b(?:\d+(?:\+\d+)?|pen|og|capt|c|wk|sub)\b|[.’'*]", re.I)
ITEM_NAME = re.compile(r"(?:[A-Z][\w\-]*\s*){1,3}")
LINEUP_MIN_ITEMS = 7


def lineup_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the lists of players in `text`: a team's line-up (a label, then at least
    LINEUP_MIN_ITEMS names split by commas with a semicolon between the lines of the team) or
    a list under a sport label ("Scorers:", "Subs not used:", "Booked:")."""
    if ":" not in text:
        return []
    labels = list(LIST_LABEL.finditer(text))
    known_words = word_sets()[1]
    spans = []
    for number, label in enumerate(labels):
        end = text.find("\n", label.end())
        end = len(text) if end < 0 else end
        if number + 1 < len(labels) and labels[number + 1].start() < end:
            end = labels[number + 1].start()
        # An item left empty once minutes and notes are removed ("81 pen") says nothing.
        items = [ITEM_NOISE.sub(" ", item).strip() for item in re.split(r"[,;]", text[label.end() : end])]
        items = [item for item in items if item]
        names = sum(1 for item in items if ITEM_NAME.fullmatch(item))
        known = sum(1 for item in items if all(fold(word) in known_words for word in item.split()))
        # Names, and mostly names no list knows: "Tokyo, London; Paris" is not a team.
        name_list = items and names >= 0.8 * len(items) and known <= 0.3 * len(items)
        team = len(items) >= LINEUP_MIN_ITEMS and ";" in text[label.end() : end]
        sport = " ".join(label["label"].casefold().split()) in SPORT_LABELS
        if name_list and (team or sport):
            spans.append((label.end(), end))
    return spans


class Spans:
    """Sorted, disjoint spans of a text, asked about positions in increasing order."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans, self.next = spans, 0

    def __bool__(self) -> bool:
        return bool(self.spans)

    def covers(self, position: int) -> bool:
        while self.next < len(self.spans) and self.spans[self.next][1] <= position:
            self.next += 1
        return self.next < len(self.spans) and self.spans[self.next][0] <= position


def listed_candidate(run: list[Token], found: Candidate | None, text: str) -> Candidate | None:
    """A run in a line-up is a player: a surname alone counts ("Birch; Mainwaring, Tully"), even
    one that is also a place ("Costa"), but not a place in brackets ("Referee: M Riley (Kent)")."""
    start = max(0, run[0].start - 60)  # brackets in a line-up hold a few words
    if text.rfind("(", start, run[0].start) > text.rfind(")", start, run[0].start):
        return found
    if found is not None:
        return replace(found, evidenced=True)
    lists = word_lists()
    words = [token for token in run if token.kind == "word" and not token.is_acronym]
    if not words or len(words) != len(run) or len(words) > 3:
        return None
    if any(token.key in lists.common or token.key in lists.calendar for token in words):
        return None
    return Candidate(words, True)


def load_extractor(dotted_path: str):
    """An instance of the extractor class at `dotted_path` ("package.module.ClassName")."""
    module_name, _, class_name = dotted_path.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), class_name)()
    except (ImportError, AttributeError, ValueError) as error:
        raise ImportError(
            f"The person extractor {dotted_path!r} could not be loaded ({error}). "
            "Set ARCHIVE_PERSON_EXTRACTOR to the dotted path of a class with extract(text)."
        ) from error


def tokens(text: str) -> list[Token]:
    """The capitalised words, initials and name particles of `text`, with their spans."""
    found = []
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        start, end = match.span()
        word = match.group()
        if kind != "word":
            token = Token(word, start, end, kind)
        elif word.endswith(POSSESSIVE) and len(word) > 2:
            token = Token(word[:-2], start, end - 2, kind, possessive=True)
        elif text.startswith(".", end) and (len(word) == 1 or word.casefold() in ABBREVIATIONS):
            token = Token(word + ".", start, end + 1, kind)
        elif len(word) == 2 and BARE_INITIALS.fullmatch(word) and NAME_AFTER.match(text, end):
            token = Token(word, start, end, kind, bare_initials=word.casefold() not in word_sets()[0])
        else:
            token = Token(word, start, end, kind)
        found.append(token)
    return found


def runs(text: str) -> list[list[Token]]:
    """Tokens grouped into runs of adjacent words (see the module docstring)."""
    grouped: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens(text):
        # Most gaps are one space: the slice compares faster than the pattern matches.
        gap = text[current[-1].end : token.start] if current and not current[-1].possessive else None
        joined = gap == " " or (gap is not None and RUN_GAP.fullmatch(gap))
        if not joined:
            if current:
                grouped.append(current)
            current = []
        current.append(token)
    if current:
        grouped.append(current)
    return grouped


def candidate(run: list[Token], text: str) -> Candidate | None:
    """The person name a run holds, titles stripped, or None when it holds none."""
    lists = word_lists()
    strippable, not_in_names, longest_phrase, named_phrases = word_sets()
    run_end = run[-1].end  # with any suffix: "Irvine Hockaday Jr, president of"
    while len(run) > 1 and run[-1].key in lists.suffixes:
        run = run[:-1]
    # Everything up to the last title is the office ("World Bank President", "Field Marshal"),
    # unless that title ends the run ("Prime Minister John Major", "Martin Luther King").
    titles = [i for i, token in enumerate(run[:-1]) if is_title(token, lists.titles)]
    evidenced = bool(titles)
    index = titles[-1] + 1 if titles else 0
    while index < len(run) and (
        run[index].kind != "word" or run[index].is_acronym or run[index].key in strippable
    ):
        evidenced = evidenced or is_title(run[index], lists.titles)
        index += 1
    if index == len(run):
        return None  # only titles, offices and listed words: most runs ("The", "U.S.", "Minister")
    rest = run[index:]
    if index and run[index - 1].key in lists.place_prefixes:
        return None
    if any(token.key in lists.organisations for token in rest) or FIRM_SUFFIX.match(text, run[-1].end):
        return None
    if has_phrase([token.key for token in rest], lists.phrases, longest_phrase) or has_phrase(
        [token.key for token in run], named_phrases, longest_phrase
    ):
        return None
    name = []
    for position, token in enumerate(rest):
        # A particle binds the next word ("de la Madrid"); dotted initials sit inside a name
        # ("John S.R. Shad") but do not start or end one.
        inner_initials = token.kind == "initials" and position < len(rest) - 1
        # A place after a given name is a surname: "Ryan Washington", "George Washington".
        surname_place = len(name) == 1 and name[0].key in lists.given_names and token.key in lists.places
        inside = name and (name[-1].kind == "particle" or inner_initials or surname_place)
        if not inside and (
            token.is_acronym
            or (token.key in not_in_names and not token.is_initial)
            or token.key.endswith(DESCRIPTIVE_ENDINGS)
        ):
            break
        name.append(token)
    while name and name[-1].kind == "particle":
        name.pop()
    # "Mary, Queen of Scots", "the Prince of Wales": a title before "of" is an office.
    if name and name[-1] is run[-1] and is_title(name[-1], lists.titles):
        place = OF_PLACE.match(text, name[-1].end)
        if place and fold(place.group(1)) in lists.places:
            name.pop()
    if not name or len(name) > MAX_NAME_WORDS or all(token.is_initial for token in name):
        return None
    previous = previous_word(text, run[0].start)
    end = run_end if name[-1] is run[-1] else name[-1].end
    after = NEXT_WORD.match(text, end) if name[-1] is run[-1] else None
    following = after.group(1).casefold() if after else ""
    if (not index and previous in lists.works) or following in WORK_ROLES:
        return None
    if following in lists.works and following not in WORK_VERBS:
        return None
    if following in lists.named_after or is_quoted(run[0].start, end, text):
        return None
    before_run = text[max(0, run[0].start - 40) : run[0].start]
    if ("called" in before_run or "named" in before_run) and ANIMAL_BEFORE.search(before_run):
        return None  # "a hound called Sir Lancelot"
    if ANIMAL_AFTER.match(text, end):
        return None  # "Sir Percy, the Irish-trained hurdler"
    honorifics_only = all(
        token.key in NICKNAME_TITLES or token.key in lists.honorifics for token in run[:index]
    )
    if honorifics_only and "as" in before_run and AS_ROLE.search(before_run) and ROLE_END.match(text, end):
        return None  # a role: "superb as Mrs Wilkinson", "a revelation as Rose Tyler"
    adjacent = run[index - 1].key if index else previous
    if adjacent in NICKNAME_TITLES and index and is_nickname(run, index - 1, text):
        return None
    title = adjacent if is_title_word(adjacent, lists.titles) else ""
    if len(name) == 1:
        # A lone name needs a strong title right before it ("President Reagan", "Sir Digby").
        known = name[0].key in lists.mononyms and not index
        # ", who" after a lone name, but not after a place: "a boy from Croydon, who".
        who = WHO_AFTER.match(text, end) and not index and previous not in lists.common
        strong = adjacent in lists.short_form_titles or bool(who)
        return Candidate(name, strong or known, title, strong=strong)
    sentence_start = name[0] is run[0] and bool(
        SENTENCE_END.search(text, max(0, run[0].start - 20), run[0].start)
    )
    if not evidenced:
        # Apposition only for full names: "Citibank, the chairman of ..." is a firm.
        apposed = APPOSITION.match(text, end)
        evidenced = (
            is_title_word(previous, lists.titles)
            or bool(
                apposed and any(is_title_word(fold(word or ""), lists.titles) for word in apposed.groups())
            )
            or bool(PERSON_AFTER.match(text, end))
        )
    given = [token for token in name if not token.is_initial]
    # A known given name before a surname is evidence.
    if len(given) > 1 and given[0].key in lists.given_names:
        evidenced = True
    if not index and previous == "the":
        evidenced = False  # a modifier or a thing: "the Lesley Ann deposit", "the Antiques Roadshow"
    return Candidate(name, evidenced, title, sentence_start)


def previous_word(text: str, start: int) -> str:
    """The key of the word PREVIOUS_WORD finds in the 40 characters before `start`, or "".

    A match is one word, then only spaces, tabs and line breaks: none starts before the last of
    these ahead of that word, so the search starts there rather than trying (and backtracking)
    at each of the 40 positions."""
    low = max(0, start - 40)
    head = text[low:start].rstrip(" \t\n")
    low += max(head.rfind(" "), head.rfind("\t"), head.rfind("\n")) + 1
    before = PREVIOUS_WORD.search(text, low, start)
    return fold(before.group(1)) if before else ""


def is_quoted(start: int, end: int, text: str) -> bool:
    """Whether a quotation mark sits right before `start` and right after `end`."""
    return start > 0 and end < len(text) and text[start - 1] in QUOTES and text[end] in QUOTES


def is_nickname(run: list[Token], honorific: int, text: str) -> bool:
    """Whether the honorific at run[honorific] follows "the" or a possessive ("TV's Mr Nasty")."""
    if honorific:
        return run[honorific - 1].key == "the" or run[honorific - 1].possessive
    start = run[0].start
    return bool(NICKNAME_BEFORE.search(text, max(0, start - 6), start))


def has_phrase(keys: list[str], phrases: frozenset[str], longest: int) -> bool:
    """Whether some consecutive keys (at most `longest`), joined by spaces, are one of `phrases`;
    a one-word phrase ("Moody", a firm) only when it is all the keys ("Ron Moody" is a person)."""
    if len(keys) == 1:
        return keys[0] in phrases
    for start in range(len(keys) - 1):
        joined = keys[start]
        for key in keys[start + 1 : start + longest]:
            joined += " " + key
            if joined in phrases:
                return True
    return False


def is_title(token: Token, titles: frozenset[str]) -> bool:
    """A title word as written in text ("President", "Mr."), not in an all-capitals heading."""
    return is_title_word(token.key, titles) and not token.is_acronym


class EvidencedNames:
    """The evidenced names of one article by surname and by first name, for linear lookups."""

    def __init__(self, keys: list[tuple[str, ...]], evidenced: list[bool]):
        # surname -> name key -> the indexes of the candidates with that key, in text order
        self.by_surname: dict[str, dict[tuple[str, ...], list[int]]] = defaultdict(dict)
        self.by_first: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for i, (key, counted) in enumerate(zip(keys, evidenced, strict=True)):
            if counted and key:
                self.add(key, i)

    def add(self, key: tuple[str, ...], i: int) -> None:
        forms = self.by_surname[key[-1]]
        if key in forms:
            forms[key].append(i)
        elif len(forms) < MAX_FORMS:
            forms[key] = [i]
            if len(key) > 1:
                self.by_first[key[0]].add(key)

    def longer(self, key: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The evidenced forms of which `key` is a short form, longest first."""
        found = [k for k in self.by_surname.get(key[-1], ()) if is_short_key(key, k)]
        return sorted(found, key=len, reverse=True)

    def has_shorter(self, key: tuple[str, ...]) -> bool:
        return any(is_short_key(k, key) for k in self.by_surname.get(key[-1], ()))

    def first(self, key: tuple[str, ...]) -> int | None:
        indexes = self.by_surname.get(key[-1], {}).get(key)
        return indexes[0] if indexes else None

    def nearest(self, keys: list[tuple[str, ...]], i: int) -> int:
        """Of the candidates with these keys, the closest before `i`, else the first after it."""
        before, after = -1, None
        for key in keys:
            indexes = self.by_surname[key[-1]][key]
            position = bisect_left(indexes, i)
            if position:
                before = max(before, indexes[position - 1])
            if position < len(indexes):
                after = indexes[position] if after is None else min(after, indexes[position])
        return before if before >= 0 else after


def resolve(candidates: list[Candidate], text: str) -> list[MentionDraft]:
    """Mentions with each name resolved to the fullest evidenced form of it in the text."""
    lists = word_lists()
    keys = [name_key(text[c.start : c.end]) for c in candidates]
    names = EvidencedNames(keys, [c.evidenced for c in candidates])
    # A full name is the canonical form of a titled short form of it ("Liam Fox" of "Mr Fox"),
    # unless it opens a sentence, where its first word may be any word ("Besides Reagan").
    titled = EvidencedNames(keys, [c.evidenced and c.strong for c in candidates])
    seen = Counter(keys)
    for i, found in enumerate(candidates):
        if not keys[i]:  # letters that fold to nothing ("Þ", "Æ"): no name to compare, as below
            continue
        repeated = seen[keys[i]] > 1  # a full name written twice is no sentence opener
        if not found.evidenced and (repeated or not found.sentence_start) and titled.has_shorter(keys[i]):
            found.evidenced = True
            names.add(keys[i], i)
    if not names.by_surname:
        return []  # no evidenced name, nothing to resolve to: most articles (3 in 4 at Reuters)
    # Evidenced names first, so that an unevidenced repeat of one ("Carol" after "Dame Carol")
    # takes the form it resolved to ("Carol Ainsworth").
    targets: dict[int, int] = {}
    for i in sorted(range(len(candidates)), key=lambda i: not candidates[i].evidenced):
        key, found = keys[i], candidates[i]
        if not key:
            continue
        target = None
        longer = names.longer(key)
        if longer:
            longest = [k for k in longer if len(k) == len(longer[0])]
            target = names.nearest(longest, i)
        elif len(key) == 1 and (
            found.title in lists.honorifics
            or found.title in lists.short_form_titles
            or key[0] in lists.given_names
        ):
            # "Sir Digby" is "Digby Jones", "Mr Wang" is "Wang Jiahua" and a given name alone is
            # the full name when one full name of the article starts with that name.
            full = names.by_first.get(key[0], set())
            if len(full) == 1:
                target = names.nearest(list(full), i)
        if target is None:
            target = i if found.evidenced else targets.get(names.first(key))
        if target is not None:
            targets[i] = target
    mentions = []
    for i in sorted(targets):
        found, target = candidates[i], candidates[targets[i]]
        name = clean_name(text[target.start : target.end])
        mentions.append(MentionDraft(name, text[found.start : found.end], found.start, found.end))
    return canonical_spellings(mentions)


def canonical_spellings(mentions: list[MentionDraft]) -> list[MentionDraft]:
    """One spelling per name key (the first seen), so "Ishaq Dar" and "Ishaq\\nDar" are one name."""
    spelling: dict[tuple[str, ...], str] = {}
    result = []
    for mention in mentions:
        name = spelling.setdefault(name_key(mention.name), mention.name)
        result.append(mention if name == mention.name else replace(mention, name=name))
    return result
