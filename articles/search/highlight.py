"""Highlighting from the text the caller passes in (the database body; the index stores no body).

The terms come from the parsed query: plain words match every word form (same stem), exact phrases
and quoted words match exactly, prefixes and fuzzy terms as written; accents are folded on both
sides, as the index folds them ("amelie" marks "Amélie"). Everything outside <mark> is
HTML-escaped, so the result is safe to mark safe.
"""

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from . import syntax
from .analysis import EXACT, STEMMED, WORD_RE, fold, fold_word, stem
from .budget import SearchBudget

CONTEXT_BEFORE = 60  # characters shown before the first match of a snippet
_SPACES = re.compile(r"\s+")


@dataclass
class Terms:
    stems: set = field(default_factory=set)
    words: set = field(default_factory=set)  # exact, lowercase
    phrases: list = field(default_factory=list)  # lists of lowercase words
    patterns: list = field(default_factory=list)  # compiled regexes over one lowercase word
    pattern_texts: list = field(default_factory=list)  # the same as typed, lowercase ("tarif*")
    fuzzy: list = field(default_factory=list)  # (word, max edit distance)

    def __bool__(self):
        return bool(self.stems or self.words or self.phrases or self.patterns or self.fuzzy)

    @cached_property
    def compiled(self) -> "_Compiled":
        """The regexes that find candidate matches (built once per query; see query.terms_for)."""
        return _compile(self)


class MarkedText(str):
    """The highlighted HTML, with `count`: how many <mark id="hit-N"> it holds."""

    count: int = 0


def terms_of(parsed: syntax.Query) -> Terms:
    terms = Terms()
    for node, negated in syntax.walk(parsed.tree):
        if negated:
            continue
        if isinstance(node, syntax.Word):
            stems = [t.text for t in STEMMED(node.text)]
            if len(stems) > 1:
                terms.phrases.append([t.text for t in EXACT(node.text)])
            terms.stems.update(stems)
        elif isinstance(node, syntax.Phrase | syntax.FieldValue):
            words = [t.text for t in EXACT(node.text)]
            if len(words) == 1:
                terms.words.add(words[0])
            elif words:
                terms.phrases.append(words)
        elif isinstance(node, syntax.Pattern):
            text = fold_word(node.text.lower())
            pattern = re.escape(text).replace(r"\*", r"\w*").replace(r"\?", r"\w")
            terms.patterns.append(re.compile(pattern + "$"))
            terms.pattern_texts.append(text)
        elif isinstance(node, syntax.Fuzzy):
            word = fold_word(node.text.lower())
            distance = SearchBudget().fuzzy_distance(node.text, word, node.distance)  # as searched
            if distance:
                terms.fuzzy.append((word, distance))
            else:
                terms.words.add(word)
    return terms


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return stem(word)


def _within(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most `limit`."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


# Where WORD_RE starts a token: a word character that neither continues a word nor follows a
# "word." (which the pattern would have joined, as in "U.S").
_TOKEN_START = r"(?<!\w)(?<!\w\.)"
_TOKEN_END = r"(?!\w)(?!\.\w)"
_GAP = r"(?!\.\w)\W+"  # between two tokens: anything but a lone "." that would join them


def _stem_prefix(word_stem: str) -> str:
    """What every word with this stem starts with: Porter2 rewrites at most the last two letters
    of a stem ("ability" -> "abl", "dying" -> "die"); checked over the Reuters-21578 lexicon."""
    return word_stem[: max(1, len(word_stem) - 2)]


@dataclass(frozen=True)
class _Compiled:
    words: re.Pattern | None  # tokens that may be a single-word match (checked by _is_match)
    phrases: re.Pattern | None  # every phrase, overlapping matches included


def _compile(terms: Terms) -> _Compiled:
    prefixes = {*terms.words, *map(_stem_prefix, terms.stems), *(f[:1] for f, _ in terms.fuzzy)}
    prefixes |= {re.split(r"[*?]", p, maxsplit=1)[0] for p in terms.pattern_texts}
    words = None
    if terms.stems or terms.words or terms.patterns or terms.fuzzy:
        lead = "" if "" in prefixes else "(?=" + "|".join(map(re.escape, sorted(prefixes))) + ")"
        # The prefixes before the lookbehinds: most positions fail on their first letter (2x faster).
        words = re.compile(lead + _TOKEN_START + WORD_RE.pattern)
    phrases = None
    if terms.phrases:
        alternatives = (_GAP.join(re.escape(w) + _TOKEN_END for w in phrase) for phrase in terms.phrases)
        phrases = re.compile("(?=(" + "|".join(f"(?:{a})" for a in alternatives) + "))" + _TOKEN_START)
    return _Compiled(words, phrases)


def _is_match(terms: Terms, word: str) -> bool:
    return (
        word in terms.words
        or (terms.stems and _stem(word) in terms.stems)
        or any(p.match(word) for p in terms.patterns)
        or any(word[:1] == f[:1] and _within(word, f, d) for f, d in terms.fuzzy)
    )


def match_spans(terms: Terms, text: str) -> list[tuple[int, int]]:
    """Character spans of the matches in `text`, sorted and merged."""
    if not terms or not text:
        return []
    lowered = text.lower()
    if len(lowered) != len(text):  # lowercasing moved the offsets: compare token by token
        spans = _token_spans(terms, text)
    else:
        lowered = fold(lowered)  # one character for one: the offsets hold
        # One regex finds the few tokens that can match (by their first letters); only those are
        # checked word by word.
        compiled = terms.compiled
        spans = []
        if compiled.words is not None:
            spans = [m.span() for m in compiled.words.finditer(lowered) if _is_match(terms, m.group())]
        if compiled.phrases is not None:
            spans += [m.span(1) for m in compiled.phrases.finditer(lowered)]
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _token_spans(terms: Terms, text: str) -> list[tuple[int, int]]:
    tokens = [(m.start(), m.end(), fold_word(m.group().lower())) for m in WORD_RE.finditer(text)]
    spans = [(start, end) for start, end, word in tokens if _is_match(terms, word)]
    words = [t[2] for t in tokens]
    for phrase in terms.phrases:
        k = len(phrase)
        for i in range(len(words) - k + 1):
            if words[i] == phrase[0] and words[i : i + k] == phrase:
                spans.append((tokens[i][0], tokens[i + k - 1][1]))
    return spans


def _render(text: str, spans, numbered: bool, collapse: bool) -> str:
    def piece(s: str) -> str:
        return html.escape(_SPACES.sub(" ", s) if collapse else s, quote=False)

    out, at = [], 0
    for n, (start, end) in enumerate(spans, 1):
        out.append(piece(text[at:start]))
        opening = f'<mark id="hit-{n}">' if numbered else "<mark>"
        out.append(f"{opening}{piece(text[start:end])}</mark>")
        at = end
    out.append(piece(text[at:]))
    return "".join(out)


def snippet(terms: Terms, text: str, max_chars: int = 300) -> str:
    """The passage of at most `max_chars` with the most matches, escaped, matches in <mark>."""
    text = text or ""
    spans = match_spans(terms, text)
    best_start, best_count = 0, 0
    ends = [e for _, e in spans]  # increasing: the spans are merged
    for i, (start, _) in enumerate(spans):
        count = bisect_right(ends, start + max_chars - CONTEXT_BEFORE, i) - i
        if count > best_count:
            best_start, best_count = start, count
    begin = max(0, best_start - CONTEXT_BEFORE) if spans else 0
    if begin > 0:
        space = text.find(" ", begin, best_start)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + max_chars)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    inside = [(s - begin, e - begin) for s, e in spans if s >= begin and e <= end]
    body = _render(text[begin:end], inside, numbered=False, collapse=True).strip()
    return ("… " if begin > 0 else "") + body + (" …" if end < len(text) else "")


def full(terms: Terms, text: str) -> MarkedText:
    """The whole text escaped, each match in <mark id="hit-N"> numbered from 1."""
    spans = match_spans(terms, text or "")
    marked = MarkedText(_render(text or "", spans, numbered=True, collapse=False))
    marked.count = len(spans)
    return marked


def highlight(q: str, text: str, max_chars: int = 300) -> str:
    """A short passage of `text` around the matches of query `q`, escaped, matches in <mark>."""
    return snippet(terms_for(q), text, max_chars)


def highlight_full(q: str, text: str) -> MarkedText:
    """The whole text escaped, matches in <mark id="hit-N"> from 1; `.count` says how many."""
    return full(terms_for(q), text)


@lru_cache(maxsize=256)
def terms_for(q: str) -> Terms:
    """The query's terms to highlight, parsed and compiled once for all the hits of a page."""
    return terms_of(syntax.parse(q))
