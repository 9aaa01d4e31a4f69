"""The user's query syntax, read into a small tree, forgivingly.

    tariff "trade deal" -india         all words must match; exact phrases; minus or NOT excludes
    tariff OR duty, (a OR b) c          OR and parentheses
    title:tariff person:"Ishaq Dar"     fields: title, person, topic, source, date
    tarif*  rubio~  rubio~2             prefixes, fuzzy terms
    date:2025-08  date:[2025-01-01 to 2025-03-31]

A malformed query never raises: `parse` repairs what it can (closes a quote or a parenthesis,
drops a lone NOT or an empty field) and reports each repair as a sentence in `problems`. Its cost
is bounded whatever the input: at most MAX_QUERY_CHARS characters, MAX_TERMS terms and MAX_DEPTH
levels of parentheses (deeper ones are ignored, so the tree is never deeper than that).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from articles.facet_registry import NAMES as FACET_NAMES

MAX_QUERY_CHARS = 1000
MAX_TERMS = 60
MAX_DEPTH = 10  # levels of parentheses; deeper ones are ignored
FIELDS = ("title", *FACET_NAMES, "date")
FIELD_LIST = ", ".join(f"{name}:" for name in FIELDS[:-1]) + f" and {FIELDS[-1]}:"

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_FIELD_RE = re.compile(r"([A-Za-z]+):(.*)", re.S)
_FUZZY_RE = re.compile(r"(.+?)~([12]?)$")
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_STOP_CHARS = set(' \t\n()"')


@dataclass
class Word:
    text: str
    start: int = 0  # span in Query.text, for spelling suggestions
    end: int = 0
    field: str = ""  # "" (title and body) or "title"


@dataclass
class Phrase:
    text: str
    field: str = ""


@dataclass
class Pattern:
    """A prefix (tarif*) or wildcard (t?riff) term."""

    text: str
    field: str = ""


@dataclass
class Fuzzy:
    text: str
    distance: int = 1
    field: str = ""


@dataclass
class FieldValue:
    """A facet field (person:, topic:, source:) with a name, matched ignoring case and accents."""

    field: str
    text: str


@dataclass
class DateSpan:
    text: str
    start: date | None  # both None: any date (dated articles)
    end: date | None


@dataclass
class Not:
    child: object


@dataclass
class And:
    children: list


@dataclass
class Or:
    children: list


@dataclass
class Query:
    text: str  # the query as read: cleaned and shortened
    tree: object | None  # None: nothing searchable (list everything that the filters allow)
    problems: list = field(default_factory=list)


@dataclass
class _Token:
    kind: str  # word quoted range field lparen rparen or and not neg
    text: str
    start: int
    end: int


def clean(raw) -> tuple[str, list]:
    problems = []
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    text = str(raw or "").translate(_QUOTES)
    cleaned = "".join(" " if _unsearchable(c) else c for c in text)
    if cleaned != text:
        problems.append("Your query held control or undecodable characters; they were ignored.")
    text = cleaned.strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        problems.append(
            f"Your query was longer than {MAX_QUERY_CHARS:,} characters; only its start was used."
        )
    return text, problems


def _unsearchable(c: str) -> bool:
    if c in "\t\n\r":
        return False
    return c == "\ufffd" or unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")


def _tokens(text: str, problems: list) -> list[_Token]:
    tokens, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(_Token("lparen" if c == "(" else "rparen", c, i, i + 1))
            i += 1
        elif c == '"':
            close = text.find('"', i + 1)
            if close < 0:
                problems.append("A quotation mark was not closed; the phrase runs to the end of the query.")
                tokens.append(_Token("quoted", text[i + 1 :], i, n))
                i = n
            else:
                tokens.append(_Token("quoted", text[i + 1 : close], i, close + 1))
                i = close + 1
        elif c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-":
            tokens.append(_Token("neg", "-", i, i + 1))
            i += 1
        else:
            j = i
            while j < n and text[j] not in _STOP_CHARS:
                j += 1
            word = text[i:j]
            if word in ("OR", "AND", "NOT"):
                tokens.append(_Token(word.lower(), word, i, j))
            elif (m := _FIELD_RE.match(word)) and m.group(1).lower() in FIELDS:
                name = m.group(1).lower()
                tokens.append(_Token("field", name, i, i + len(m.group(1)) + 1))
                value_start = i + len(m.group(1)) + 1
                if name == "date" and text[value_start : value_start + 1] == "[":
                    close = text.find("]", value_start)
                    j = n if close < 0 else close + 1
                    tokens.append(_Token("range", text[value_start + 1 : j - (close >= 0)], value_start, j))
                elif m.group(2):
                    tokens.append(_Token("word", m.group(2), value_start, j))
            else:
                if (m := _FIELD_RE.match(word)) and m.group(1).isalpha() and m.group(2):
                    problems.append(
                        f"There is no “{m.group(1)}:” field, so “{word}” was searched as words; "
                        f"the fields are {FIELD_LIST}."
                    )
                tokens.append(_Token("word", word, i, j))
            i = j
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token], problems: list):
        self.tokens, self.pos, self.problems, self.terms = tokens, 0, problems, 0

    def peek(self) -> str:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else "end"

    def take(self) -> _Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def parse(self):
        parts = []
        while self.peek() != "end":
            if self.peek() == "rparen":
                self.take()
                self.problems.append("A closing parenthesis had no opening one; it was ignored.")
                continue
            parts.append(self.parse_or())
        return _join(And, parts)

    def parse_or(self):
        parts = [self.parse_and()]
        while self.peek() == "or":
            self.take()
            if self.peek() in ("end", "rparen", "or"):
                self.problems.append("OR needs a term on each side; the lone OR was ignored.")
                continue
            parts.append(self.parse_and())
        return _join(Or, parts)

    def parse_and(self):
        parts = []
        while self.peek() not in ("end", "rparen", "or"):
            if self.peek() == "and":
                self.take()
                continue
            parts.append(self.parse_unary())
        return _join(And, parts)

    def parse_unary(self):
        # A run of NOTs is read in a loop, not by recursion: "NOT NOT x" is x.
        negations, sign = 0, None
        while self.peek() in ("not", "neg"):
            sign = self.take()
            negations += 1
        if sign is not None and self.peek() in ("end", "rparen", "or", "and"):
            self.problems.append(f"“{sign.text}” must be followed by what to exclude; it was ignored.")
            return None
        child = self.parse_primary()
        return Not(child) if child is not None and negations % 2 else child

    def parse_primary(self):
        token = self.take()
        if token.kind == "lparen":
            inner = self.parse_or()
            if self.peek() == "rparen":
                self.take()
            else:
                self.problems.append("A parenthesis was not closed; it was closed at the end of the query.")
            return inner
        self.terms += 1
        if self.terms > MAX_TERMS:
            if self.terms == MAX_TERMS + 1:
                self.problems.append(f"Only the first {MAX_TERMS} terms of your query were used.")
            return None
        if token.kind == "field":
            return self.parse_field(token)
        if token.kind == "quoted":
            return Phrase(token.text) if token.text.strip() else None
        return _word(token.text, token.start, token.end, "", self.problems)

    def parse_field(self, token: _Token):
        name = token.text
        if self.peek() not in ("word", "quoted", "range") or self.tokens[self.pos].start != token.end:
            self.problems.append(
                f"“{name}:” needs a value right after the colon, like {name}:{_EXAMPLES[name]}; "
                "it was ignored."
            )
            return None
        value = self.take()
        if name == "date":
            return _date_span(value.text, value.kind == "range", self.problems)
        if name == "title":
            if value.kind == "quoted":
                return Phrase(value.text, field="title")
            return _word(value.text, value.start, value.end, "title", self.problems)
        return FieldValue(name, value.text.strip()) if value.text.strip() else None


_EXAMPLES = {
    "title": "tariff",
    "person": '"Ishaq Dar"',
    "topic": "trade",
    "source": "reuters",
    "date": "2025-08",
}


def _join(kind, parts):
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else kind(parts)


def _word(text: str, start: int, end: int, field_name: str, problems: list):
    if m := _FUZZY_RE.match(text):
        return Fuzzy(m.group(1), int(m.group(2) or 1), field_name)
    if "*" in text or "?" in text:
        stripped = text.lstrip("*?")
        if stripped != text:
            problems.append(f"A word cannot start with * or ?; “{text}” was searched as “{stripped}”.")
        if "*" in stripped or "?" in stripped:
            if len(stripped.rstrip("*?")) >= 2:
                return Pattern(stripped, field_name)
            problems.append(f"“{stripped}” is too short for a wildcard; give at least two letters.")
        text = stripped.strip("*?")
    return Word(text, start, end, field_name) if text else None


def _parse_day(text: str) -> tuple[date, date] | None:
    """The first and last day of 2025, 2025-08 or 2025-08-06."""
    m = _DATE_RE.match(text.strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            d = date(year, int(month), int(day))
            return d, d
        if month:
            first = date(year, int(month), 1)
            following = date(year + (first.month == 12), first.month % 12 + 1, 1)
            return first, following - timedelta(days=1)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def _date_span(text: str, is_range: bool, problems: list):
    if is_range:
        parts = re.split(r"\s+to\s+|\s*\.\.\s*", text.strip(), maxsplit=1, flags=re.I)
        if len(parts) == 2:
            low = None if parts[0].strip() in ("", "*") else _parse_day(parts[0])
            high = None if parts[1].strip() in ("", "*") else _parse_day(parts[1])
            if (low or parts[0].strip() in ("", "*")) and (high or parts[1].strip() in ("", "*")):
                start, end = low[0] if low else None, high[1] if high else None
                if start and end and start > end:
                    start, end = end, start
                return DateSpan(text, start, end)
    else:
        span = _parse_day(text)
        if span:
            return DateSpan(text, *span)
    problems.append(
        f"The date “{text}” could not be read and was ignored; write date:2025, date:2025-08, "
        "date:2025-08-06 or date:[2025-01-01 to 2025-03-31]."
    )
    return None


def _limit_depth(tokens: list[_Token], problems: list) -> list[_Token]:
    """The tokens without the parentheses nested deeper than MAX_DEPTH (and their closing ones)."""
    kept, opened, depth = [], [], 0  # opened: for each open parenthesis, whether it was kept
    for token in tokens:
        if token.kind == "lparen":
            keep = depth < MAX_DEPTH
            opened.append(keep)
            depth += keep
            if not keep:
                continue
        elif token.kind == "rparen" and opened:
            keep = opened.pop()
            depth -= keep
            if not keep:
                continue
        kept.append(token)
    if len(kept) < len(tokens):
        problems.append(
            f"Parentheses nested deeper than {MAX_DEPTH} levels were ignored; what they held was searched."
        )
    return kept


def parse(raw) -> Query:
    text, problems = clean(raw)
    tree = _Parser(_limit_depth(_tokens(text, problems), problems), problems).parse()
    return Query(text, tree, problems)


def walk(node):
    """Every node of the tree, depth first, with whether it sits under a Not."""
    stack = [(node, False)]
    while stack:
        item, negated = stack.pop()
        if item is None:
            continue
        yield item, negated
        if isinstance(item, Not):
            stack.append((item.child, not negated))
        elif isinstance(item, And | Or):
            stack.extend((child, negated) for child in reversed(item.children))
