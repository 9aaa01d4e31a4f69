"""Find the people named in an article body with rules and curated word lists (no model).

How a name is found:
1. Capitalised words joined by spaces (or one line break) form a run: "Deputy Prime Minister",
   "Foreign Minister Ishaq Dar". Punctuation, lower-case words and possessives ("Dar’s") end
   a run; name particles ("de", "von", "bin") and dotted initials may sit inside one.
2. The office is cut off the front of the run: everything up to its last title ("World Bank
   President Barber Conable"), then any title, office, place or sentence word ("Field Marshal
   Syed Asim Munir" -> "Syed Asim Munir"). Titles are never part of a name.
3. What remains is dropped when it holds an organisation word, a known non-person phrase
   ("White House", "Abraham Accords"), follows a place prefix ("St Lawrence") or precedes
   "and Co"; otherwise it is cut at the first word that cannot be part of a name (places,
   days, months, sentence words, acronyms).
4. A name is evidenced by a person title before it (in the run, or the lower-case word before
   it: "governor Satoshi Sumita"), by a title in apposition after a full name ("Beryl Sprinkel,
   chairman of"), or by two words or more starting with a known given name. Unevidenced names
   count only as short forms of an evidenced name of the same article ("Dar", "Rubio"), which
   they resolve to, before or after it; titled short forms resolve the same way ("President
   Trump" -> "Donald Trump"), to the nearest full name before them when two share a surname.

The extractor is a plain picklable object (it runs in ingest's worker processes); the word
lists in wordlists/ are read once per process. Another extractor may replace it: settings name
the class (ARCHIVE_PERSON_EXTRACTOR) and `load_extractor` instantiates it.
"""

import importlib
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from articles.ingest.draft import MentionDraft
from articles.ingest.names import clean_name, is_short_key, name_key

WORDLISTS = Path(__file__).with_name("wordlists")

# A capitalised word (apostrophes and hyphens inside: "O'Neill", "Leigh-Pemberton"), dotted
# initials ("U.S.", "J."), an Arabic article name ("al-Assad") or a lower-case name particle.
TOKEN = re.compile(
    r"(?P<initials>(?:[A-Z]\.){2,})"
    r"|(?P<word>(?:(?:al|el)-)?[A-ZÀ-Þ](?:\w|['’\-](?=\w))*)"
    r"|(?P<particle>\b(?:de|del|della|der|den|di|da|das|do|dos|du|van|von|bin|ibn|ben|al|el|la|le|ter|arap)\b)"
)
# Longer runs of name-like words are headings ("Bushra Bibi Petitions IHC For ..."), not names.
MAX_NAME_WORDS = 6
# What may separate two words of one run: spaces, or one line break (wire copy wraps lines).
RUN_GAP = re.compile(r"[ \t]+|[ \t]*\r?\n[ \t]*")
POSSESSIVE = ("'s", "’s", "'S", "’S")
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr gen lt col sen rep gov prof rev capt maj adm sgt messrs mt".split()
)
# The word right before a run, spaces only between ("president Karl Otto Poehl").
PREVIOUS_WORD = re.compile(r"([A-Za-z][\w\-]*)[ \t]*\n?[ \t]*$")
# ", chairman of ...", ", the president of ...", ", associate professor ...": a title in apposition.
APPOSITION = re.compile(
    r",\s+(?:(?:the|a|an|its|his|her|their)\s+)?(?:[a-z][\w\-]*\s+){0,2}?([a-z][\w\-]*)\b", re.I
)
# "Samuel Montagu and Co", "Goldman, Sachs and Co", "Growmark, Inc.": a firm named after people.
FIRM_SUFFIX = re.compile(
    r"(?:,?\s*(?:Inc|Corp|Ltd|Plc|LP)\b"
    r"|(?:,\s*[A-Z]\w+)?\s*(?:and|&)\s+(?:Co|Cie|Company|Sons|Son|Partners|Associates|Brothers)\b)"
)


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

    @property
    def not_in_names(self) -> frozenset[str]:
        return self.common | self.calendar | self.places | self.organisations


@cache
def word_lists() -> WordLists:
    """Read wordlists/*.txt once per process (comments start with #)."""

    def read(name: str) -> frozenset[str]:
        lines = (WORDLISTS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        return frozenset(
            " ".join(line.casefold().split()) for line in lines if line.strip() and not line.startswith("#")
        )

    return WordLists(**{name: read(name) for name in WordLists.__dataclass_fields__})


@cache
def word_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(words that may be stripped from the front of a run, words that never sit in a name)."""
    lists = word_lists()
    not_in_names = lists.not_in_names
    return lists.titles | lists.offices | not_in_names, not_in_names


@dataclass
class Token:
    text: str
    start: int
    end: int
    kind: str  # "word", "initials" or "particle"
    possessive: bool = False

    @property
    def key(self) -> str:
        return self.text.rstrip(".").casefold()

    @property
    def is_initial(self) -> bool:
        return len(self.text) == 2 and self.text.endswith(".")

    @property
    def is_acronym(self) -> bool:
        letters = self.text.replace(".", "")
        return self.kind == "initials" or (len(letters) > 1 and letters.isupper())


@dataclass
class Candidate:
    """A name found in one run: its tokens and whether the text shows it is a person."""

    tokens: list[Token]
    evidenced: bool

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end


class RuleBasedExtractor:
    """Person mentions of one text: `extract(text) -> [MentionDraft]` (see the module docstring)."""

    def extract(self, text: str) -> list[MentionDraft]:
        candidates = [c for run in runs(text) if (c := candidate(run, text)) is not None]
        return resolve(candidates, text)


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
        token = Token(word, start, end, kind)
        if kind == "word":
            if word.endswith(POSSESSIVE) and len(word) > 2:
                token.text, token.end, token.possessive = word[:-2], end - 2, True
            elif text.startswith(".", end) and (len(word) == 1 or word.casefold() in ABBREVIATIONS):
                token.text, token.end = word + ".", end + 1
        found.append(token)
    return found


def runs(text: str) -> list[list[Token]]:
    """Tokens grouped into runs of adjacent words (see the module docstring)."""
    grouped: list[list[Token]] = []
    current: list[Token] = []
    for token in tokens(text):
        joined = (
            current and not current[-1].possessive and RUN_GAP.fullmatch(text, current[-1].end, token.start)
        )
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
    strippable, not_in_names = word_sets()
    # Everything up to the last title is the office ("World Bank President", "Field Marshal"),
    # unless that title ends the run ("Prime Minister John Major").
    titles = [i for i, token in enumerate(run[:-1]) if is_title(token, lists.titles)]
    evidenced = bool(titles)
    index = titles[-1] + 1 if titles else 0
    while index < len(run) and (
        run[index].kind != "word" or run[index].is_acronym or run[index].key in strippable
    ):
        evidenced = evidenced or is_title(run[index], lists.titles)
        index += 1
    rest = run[index:]
    if index and run[index - 1].key in lists.place_prefixes:
        return None
    if any(token.key in lists.organisations for token in rest) or FIRM_SUFFIX.match(text, run[-1].end):
        return None
    if has_phrase([token.key for token in rest], lists.phrases):
        return None
    name = []
    for position, token in enumerate(rest):
        # A particle binds the next word ("de la Madrid"); dotted initials sit inside a name
        # ("John S.R. Shad") but do not start or end one.
        inner_initials = token.kind == "initials" and position < len(rest) - 1
        inside = name and (name[-1].kind == "particle" or inner_initials)
        if not inside and (token.is_acronym or (token.key in not_in_names and not token.is_initial)):
            break
        name.append(token)
    while name and name[-1].kind == "particle":
        name.pop()
    if not name or len(name) > MAX_NAME_WORDS or all(token.is_initial for token in name):
        return None
    before = PREVIOUS_WORD.search(text, max(0, run[0].start - 40), run[0].start)
    previous_title = before.group(1).casefold() if before else ""
    if len(name) == 1:
        # A lone surname needs a strong title right before it ("President Reagan").
        adjacent = run[index - 1].key if index else previous_title
        return Candidate(name, adjacent in lists.short_form_titles)
    if not evidenced:
        # Apposition only for full names: "Citibank, the chairman of ..." is a firm.
        after = APPOSITION.match(text, name[-1].end)
        apposed = after.group(1).casefold() if after else ""
        evidenced = previous_title in lists.titles or apposed in lists.titles
    given = [token for token in name if not token.is_initial]
    if len(given) > 1 and given[0].key in lists.given_names:
        evidenced = True
    return Candidate(name, evidenced)


def has_phrase(keys: list[str], phrases: frozenset[str]) -> bool:
    """Whether some consecutive keys, joined by spaces, are one of `phrases`."""
    ends = range(1, len(keys) + 1)
    return any(" ".join(keys[start:end]) in phrases for end in ends for start in range(end))


def is_title(token: Token, titles: frozenset[str]) -> bool:
    """A title word as written in text ("President", "Mr."), not in an all-capitals heading."""
    return token.key in titles and not token.is_acronym


def resolve(candidates: list[Candidate], text: str) -> list[MentionDraft]:
    """Mentions with each name resolved to the longest evidenced form of it in the text."""
    keys = [name_key(text[c.start : c.end]) for c in candidates]
    evidenced = [(i, keys[i]) for i, c in enumerate(candidates) if c.evidenced]
    mentions = []
    for i, found in enumerate(candidates):
        longer = [(j, key) for j, key in evidenced if is_short_key(keys[i], key)]
        if longer:
            j = nearest([j for j, _ in longer if len(keys[j]) == max(len(key) for _, key in longer)], i)
            name = clean_name(text[candidates[j].start : candidates[j].end])
        elif found.evidenced:
            name = clean_name(text[found.start : found.end])
        else:
            equal = [j for j, key in evidenced if key == keys[i]]
            if not equal:
                continue
            name = clean_name(text[candidates[equal[0]].start : candidates[equal[0]].end])
        mentions.append(MentionDraft(name, text[found.start : found.end], found.start, found.end))
    return canonical_spellings(mentions)


def nearest(indexes: list[int], i: int) -> int:
    """The closest index before `i`, else the first after it."""
    before = [j for j in indexes if j < i]
    return before[-1] if before else indexes[0]


def canonical_spellings(mentions: list[MentionDraft]) -> list[MentionDraft]:
    """One spelling per name key (the first seen), so "Ishaq Dar" and "Ishaq\\nDar" are one name."""
    spelling: dict[tuple[str, ...], str] = {}
    result = []
    for mention in mentions:
        name = spelling.setdefault(name_key(mention.name), mention.name)
        result.append(mention if name == mention.name else replace(mention, name=name))
    return result
