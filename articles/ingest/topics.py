"""Topic rules applied to text: any of these words, all of them, an exact phrase, or a regex.

Words and phrases match whole words ("oil" matches "oil prices", not "turmoil"), across any
whitespace, with or without case. Regular expressions run with the `regex` package's time limit
(REGEX_TIMEOUT per article), so a pathological pattern fails with a clear RuleError instead of
hanging ingest.

A rule needs enough evidence to assign its topic: every hit scores by where it is (WEIGHTS: the
title counts most, then the lead, then a passing mention further down), and the sum must reach
the topic's threshold. The Evidence says why: the words that matched and where.

    rule_matches("any", "tariff, trade deal", False, text)        -> Match(...) or None
    compile_rule("any", "tariff", False).evidence(ArticleText(t, b)) -> Evidence(...) or None
    validate_rule("regex", "(unclosed")                           -> "The regular expression ..."
"""

import string
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple

import regex

RULES = ("any", "all", "phrase", "regex")
# Seconds the rule of one topic may spend on one article (the regex package checks its clock now
# and then, so a runaway pattern stops within a second or two).
REGEX_TIMEOUT = 0.5
# A long, repetitive text on which validate_rule tries a regex, to catch catastrophic backtracking:
# long runs of every letter and digit, and of words.
VALIDATION_TEXT = (
    ("aaaa bbbb " * 100 + "a" * 3000 + "!") * 2
    + "".join(char * 800 + "!\n" for char in string.ascii_letters + string.digits)
    + ("word " * 200 + "\n") * 2
)
MAX_SHOWN = 10
# What one hit is worth by where it is, and the evidence a topic needs by default: a hit in the
# title is enough, a hit in the lead needs one more mention, passing mentions need three.
WEIGHTS = {"title": 3, "lead": 2, "body": 1}
DEFAULT_THRESHOLD = 3
# The lead: the body's first paragraph, at most this many characters.
LEAD_CHARS = 400
# Hits counted per rule and article: enough to reach any sensible threshold, bounded cost.
MAX_HITS = 100


class RuleError(ValueError):
    """A topic rule that cannot be applied: a bad pattern, or a regex over its time limit."""


@dataclass(frozen=True)
class Match:
    """Why a rule matched: the words, phrase or text it found, in the order first found."""

    rule: str
    found: tuple[str, ...]

    def __str__(self) -> str:
        return ", ".join(self.found)


@dataclass(frozen=True)
class Hit:
    """One matched word or phrase (as found, case-folded unless the rule is case-sensitive),
    where it was ("title", "lead" or "body") and how many times it was found there."""

    text: str
    where: str
    count: int = 1

    def as_dict(self) -> dict:
        return {"text": self.text, "where": self.where, "count": self.count}


@dataclass(frozen=True)
class Evidence:
    """Why a rule assigns its topic: the score of its hits and the hits themselves."""

    score: int
    hits: tuple[Hit, ...]

    def as_json(self) -> list[dict]:
        return [hit.as_dict() for hit in self.hits]

    def __str__(self) -> str:
        return describe_hits(self.as_json())


def describe_hits(hits: list[dict]) -> str:
    """ "tariffs (title); trade deal (body ×2)" from hits as stored ({"text", "where", "count"})."""
    parts = []
    for hit in hits:
        count = hit.get("count", 1)
        parts.append(f"{hit['text']} ({hit['where']}{f' ×{count}' if count > 1 else ''})")
    return "; ".join(parts)


class ArticleText:
    """An article's title and body as the rules read them: one text, the title first, and where
    each part of it is; its words are computed once for all the rules."""

    def __init__(self, title: str, body: str):
        self.text = f"{title}\n\n{body}"
        self.title_end = len(title)
        body_start = len(title) + 2
        paragraph = body.find("\n\n")
        lead_chars = LEAD_CHARS if paragraph < 0 else min(paragraph, LEAD_CHARS)
        self.lead_end = body_start + lead_chars

    @cached_property
    def words(self) -> "TextWords":
        return TextWords(self.text)

    @cached_property
    def lowered(self) -> str | None:
        """The text lowered, offset for offset, where a case-blind match of ASCII letters is one
        of its lowered letters: not where it holds a character that matches an ASCII letter
        ignoring case without lowering to it ("K", the Kelvin sign, is "k"), nor one that lowers
        to two ("İ"); then None."""
        if not self.text.isascii() and _ODD_CASES.search(self.text):
            return None
        return self.text.lower()

    def where(self, position: int) -> str:
        if position < self.title_end:
            return "title"
        return "lead" if position < self.lead_end else "body"


def too_slow() -> RuleError:
    return RuleError(
        f"The regular expression took longer than {REGEX_TIMEOUT} s on one article; "
        "simplify it (avoid nested repetition such as (a+)+)."
    )


def split_words(pattern: str) -> list[str]:
    """The words or phrases of an any/all pattern: separated by commas or new lines."""
    return [word.strip() for line in pattern.splitlines() for word in line.split(",") if word.strip()]


def word_pattern(term: str) -> str:
    """A regex for `term` as whole words, any whitespace between its words."""
    return r"(?<!\w)" + r"\s+".join(regex.escape(part) for part in term.split()) + r"(?!\w)"


_WORD = regex.compile(r"\w+")
# The characters other than ASCII letters that `regex` matches to an ASCII letter ignoring case
# (İ, ſ, K), the first also the only one str.lower() makes two characters of.
_ODD_CASES = regex.compile("[\u0130\u017f\u212a]")


# For ASCII text, where \w is [A-Za-z0-9_]: every other character made a space, and the same with
# the letters lowered, so that str.split() gives the words (bytes.translate is far faster than a
# findall of \w+).
_ASCII_WORD_CHARS = string.ascii_letters + string.digits + "_"
_ASCII_WORDS = bytes(code if chr(code) in _ASCII_WORD_CHARS else ord(" ") for code in range(256))
_ASCII_WORDS_LOWERED = _ASCII_WORDS.lower()


class TextWords:
    """The words of one text, as typed and lower-cased, computed once for all the rules (each
    when a rule first needs it)."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def exact(self) -> frozenset[str]:
        if self.text.isascii():
            return _ascii_words(self.text, _ASCII_WORDS)
        return frozenset(_WORD.findall(self.text))

    @cached_property
    def lower(self) -> frozenset[str]:
        if self.text.isascii():
            return _ascii_words(self.text, _ASCII_WORDS_LOWERED)
        # Lowered in one call, joined by spaces: no word holds one, and a space ends a word for
        # lowering (a final sigma) just as the end of the word does.
        return frozenset(" ".join(self.exact).lower().split(" ")) if self.exact else frozenset()


def _ascii_words(text: str, table: bytes) -> frozenset[str]:
    """The words of an ASCII text, the non-word characters mapped to spaces by `table`."""
    return frozenset(text.encode("ascii").translate(table).decode("ascii").split())


class FirstWord(NamedTuple):
    """The first word of a term as its hits start, and its words as TextWords holds them: a hit
    can only start with it in a text that has them all."""

    text: str
    words: frozenset[str]


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to run on many texts; `match(text)` returns a Match or None."""

    rule: str
    patterns: tuple[regex.Pattern, ...]
    case_sensitive: bool
    # For word and phrase rules, the terms' words as TextWords holds them, so that most texts are
    # settled by set operations without running a regex: a term that is one whole word matches
    # exactly when the text has that word; any other term can only match a text that has all its
    # words, and then its regex decides.
    single_words: frozenset[str] = frozenset()
    other_terms: tuple[tuple[str, ...], ...] = ()
    other_patterns: tuple[regex.Pattern, ...] = ()  # the regexes of other_terms ("all", "phrase")
    # For word and phrase rules, each pattern's hits start with one of these (lowered unless the
    # rule is case-sensitive): the first words of its terms. Where they are found, str.find says
    # much faster than a regex scan, which then need only be tried there; and only those the
    # text's words hold need be looked for. Empty for a regex rule, or where a first word is not
    # ASCII (ignoring case is then more than lowering).
    starts: tuple[tuple[FirstWord, ...], ...] = ()

    def match(self, text: str) -> Match | None:
        if not self.patterns:
            return None
        try:
            if self.rule == "any":
                found = self._found(self.patterns[0].finditer(text, timeout=REGEX_TIMEOUT))
                return Match(self.rule, found) if found else None
            firsts = []
            for pattern in self.patterns:
                hit = pattern.search(text, timeout=REGEX_TIMEOUT)
                if hit is None:
                    return None
                firsts.append(hit)
            return Match(self.rule, self._found(firsts))
        except TimeoutError as error:
            raise too_slow() from error

    def evidence(self, article: ArticleText) -> Evidence | None:
        """The rule's hits in the article and their score, or None when it does not match at all
        (raises RuleError when a regex runs over its time limit)."""
        started = time.monotonic()
        # Only the text's words can rule a text out beforehand: where they leave it to the
        # regexes, the hits below say whether the rule matches, without a search for a first one.
        if not self.patterns or (self.rule != "regex" and self._settled_by_words(article.words) is False):
            return None
        counts: dict[tuple[str, str], int] = {}
        score = 0
        try:
            for number in range(len(self.patterns)):
                found = 0
                budget = max(0.01, REGEX_TIMEOUT - (time.monotonic() - started))
                for hit in self._hits(number, article, budget):
                    if hit.end() == hit.start():
                        continue
                    text = " ".join(hit.group().split())
                    where = article.where(hit.start())
                    key = (text if self.case_sensitive else text.casefold(), where)
                    counts[key] = counts.get(key, 0) + 1
                    score += WEIGHTS[where]
                    found += 1
                    if found == MAX_HITS:
                        break
                if not found:
                    return None  # "all": every term must be found
        except TimeoutError as error:
            raise too_slow() from error
        order = {"title": 0, "lead": 1, "body": 2}
        hits = sorted(
            (Hit(text, where, n) for (text, where), n in counts.items()), key=lambda h: order[h.where]
        )
        return Evidence(score, tuple(hits[:MAX_SHOWN]))

    def _hits(self, number: int, article: ArticleText, budget: float) -> Iterator[regex.Match]:
        """The hits of pattern `number` in the article, as its finditer finds them: it is tried
        only where a hit can start (`starts`), when the text allows that shortcut."""
        pattern, text = self.patterns[number], article.text
        within = text if self.case_sensitive else article.lowered
        if not self.starts or within is None:
            yield from pattern.finditer(text, timeout=budget)
            return
        present = article.words.exact if self.case_sensitive else article.words.lower
        end = 0
        for start in self._hit_starts(number, text, within, present):
            if start >= end and (hit := pattern.match(text, start, timeout=budget)):
                end = hit.end()
                yield hit

    def _hit_starts(self, number: int, text: str, within: str, present: frozenset[str]) -> list[int]:
        """Where a hit of pattern `number` can start, in order: where `within` (the text, lowered
        unless the rule is case-sensitive) has one of its first words whose words are `present`,
        with no ASCII word character either side in the text, as every term's regex requires of
        its first word."""
        return sorted(
            {
                at
                for first in self.starts[number]
                if present.issuperset(first.words)
                for at in _find_all(within, first.text)
                if _no_word_character_beside(text, at, at + len(first.text))
            }
        )

    def matches(self, text: str, words: "TextWords | None" = None) -> bool:
        """Whether the rule matches, stopping at the first hit (ingest needs no reasons).
        `words`, the text's words, lets a word rule skip texts that lack its words."""
        if not self.patterns:
            return False
        patterns = self.patterns
        if words is not None and self.rule != "regex":
            settled = self._settled_by_words(words)
            if settled is not None:
                return settled
            if self.rule != "any":
                patterns = self.other_patterns
        try:
            return all(p.search(text, timeout=REGEX_TIMEOUT) for p in patterns)
        except TimeoutError as error:
            raise too_slow() from error

    def _settled_by_words(self, words: TextWords) -> bool | None:
        """Whether a word or phrase rule matches, as far as the text's words settle it: False when
        the text lacks words the rule needs, True when a term that is one word is among them (or
        an "all" rule has only such terms), None when the regexes of other terms must decide."""
        present = words.exact if self.case_sensitive else words.lower
        if self.rule == "any":
            if not self.single_words.isdisjoint(present):
                return True
            return None if any(map(present.issuperset, self.other_terms)) else False
        if not (self.single_words <= present and all(map(present.issuperset, self.other_terms))):
            return False
        return None if self.other_terms else True

    def _found(self, hits) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for hit in hits:
            text = " ".join(hit.group().split())
            found[text if self.case_sensitive else text.casefold()] = None
        return tuple(found)[:MAX_SHOWN]


def _find_all(text: str, part: str) -> Iterator[int]:
    """Where `part` is found in `text`, overlaps included."""
    at = text.find(part)
    while at >= 0:
        yield at
        at = text.find(part, at + 1)


def _no_word_character_beside(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] has no ASCII word character just before or after it (ASCII word
    characters are word characters to any regex, so a whole-word match cannot have one there)."""
    before_ok = start == 0 or text[start - 1] not in _ASCII_WORD_CHARS
    return before_ok and (end == len(text) or text[end] not in _ASCII_WORD_CHARS)


def _starts(terms: list[str], case_sensitive: bool) -> tuple[FirstWord, ...]:
    """The first words of `terms` as their hits start (see CompiledRule.starts); () if one is not
    ASCII and case is ignored."""
    firsts = {term.split()[0] for term in terms}
    if not case_sensitive:
        if not all(map(str.isascii, firsts)):
            return ()
        firsts = {first.lower() for first in firsts}
    return tuple(FirstWord(first, frozenset(_WORD.findall(first))) for first in firsts)


@lru_cache(maxsize=512)
def compile_rule(rule: str, pattern: str, case_sensitive: bool) -> CompiledRule:
    """Compile a rule once (cached); raises RuleError for an unknown rule or a bad pattern."""
    flags = regex.V0 if case_sensitive else regex.IGNORECASE
    if rule not in RULES:
        raise RuleError(f"Unknown rule {rule!r}; use one of: {', '.join(RULES)}.")
    if not pattern.strip():
        return CompiledRule(rule, (), case_sensitive)
    if rule == "regex":
        try:
            return CompiledRule(rule, (regex.compile(pattern, flags),), case_sensitive)
        except regex.error as error:
            raise RuleError(
                f"The regular expression is not valid: {error}. Fix it, or use a word rule."
            ) from error
    terms = [" ".join(pattern.split())] if rule == "phrase" else split_words(pattern)
    if not terms:
        raise RuleError("The pattern has no words: separate the words with commas or new lines.")
    term_words = [tuple(_WORD.findall(t if case_sensitive else t.lower())) for t in terms]
    single = [bool(_WORD.fullmatch(t)) for t in terms]
    if rule == "any":
        # Longest first, so "trade deal" is reported rather than "trade" where both match.
        alternatives = "|".join(word_pattern(t) for t in sorted(set(terms), key=len, reverse=True))
        patterns = (regex.compile(alternatives, flags),)
        other_patterns = ()  # the one alternation decides
        starts = (_starts(terms, case_sensitive),)
    else:
        patterns = tuple(regex.compile(word_pattern(t), flags) for t in terms)
        other_patterns = tuple(p for p, one in zip(patterns, single, strict=True) if not one)
        starts = tuple(_starts([t], case_sensitive) for t in terms)
    return CompiledRule(
        rule,
        patterns,
        case_sensitive,
        single_words=frozenset(words[0] for words, one in zip(term_words, single, strict=True) if one),
        other_terms=tuple(words for words, one in zip(term_words, single, strict=True) if not one),
        other_patterns=other_patterns,
        starts=starts if all(starts) else (),
    )


def rule_matches(rule: str, pattern: str, case_sensitive: bool, text: str) -> Match | None:
    """Whether `text` matches the rule, and why; an empty pattern never matches (manual topic)."""
    return compile_rule(rule, pattern, case_sensitive).match(text)


def validate_rule(rule: str, pattern: str) -> str:
    """ "" when the rule can be applied, else a sentence saying what is wrong and how to fix it."""
    try:
        compiled = compile_rule(rule, pattern, False)
        if rule == "regex":
            compiled.match(VALIDATION_TEXT)
    except RuleError as error:
        return str(error)
    return ""
