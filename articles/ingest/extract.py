"""From an article's text to its fields: title, publication date (and where it came from), source
URL, dateline, and the cleaned body in paragraphs.

Every reader ends here: the text reader with the whole file, the HTML and JSON readers with the
text they found plus what the markup or record already said (`known`), which wins. Dates are read
only from where a publication date is stated (a ` date YYYY-MM-DD` header, a "Published: ..."
line, metadata, a date in the URL), by pattern, never by guessing (no dateparser); words such as
"on Monday" or a bare month in the body are never turned into a date.
"""

import datetime
import email.utils
from dataclasses import dataclass, replace

import regex

from articles.ingest.clean import collapse_blank_lines, is_url_only, normalise_spaces, split_boilerplate_lines
from articles.ingest.draft import BEFORE_CHARS, ArticleDraft, FileFailure, Removal
from articles.ingest.links import web_url
from articles.ingest.path_dates import date_from_path

TITLE_MAX_CHARS = 120
ELLIPSIS = "…"

_MONTH_NAMES = [datetime.date(2000, month, 1).strftime("%B").casefold() for month in range(1, 13)]

_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_FORMS = [
    regex.compile(r"(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})", regex.IGNORECASE),
    regex.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR, regex.IGNORECASE),
    regex.compile(_WEEKDAY + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR, regex.IGNORECASE),
]

_HEADER_DATE = regex.compile(r"date:?\s+(\d{4}-\d{2}-\d{2})(?:\s+|$)", regex.IGNORECASE)
_PUBLISHED_LINE = regex.compile(
    r"(?:first\s+)?(?:published|posted)(?:\s+(?:on|at))?(?:\s+in\s+[^,:]{1,40},)?\s*:?\s*"
    r"(?P<date>.{6,40}?)(?P<rest>(?:\s*(?:[,|–—-]|at)?\s*\d{1,2}[:.]\d{2}.{0,40})|\s*[|–—].{0,60})?",
    regex.IGNORECASE,
)
_URL_DATES = [
    regex.compile(r"/(?P<year>\d{4})/(?P<mnum>\d{1,2})/(?P<day>\d{1,2})(?:/|$)"),
    regex.compile(r"(?<!\d)(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})(?!\d)"),
]

# A dateline opens a story: a sentence, or at least this many words, follow it in its paragraph.
DATELINE_MIN_WORDS_AFTER = 6
_BULLET = regex.compile(r"[-•*–]\s+\S")
_DATELINE = regex.compile(
    r"(?P<place>\p{Lu}[\p{Lu}.'’-]*(?:\s+\p{Lu}[\p{Lu}.'’-]*){0,3})"
    r"(?:\s*,\s*[^,:()–—\n]{1,25}?)?"  # ", Aug 6" or ", Pakistan"
    r"(?:\s*\([^)\n]{1,30}\))?"  # "(Reuters)"
    r"\s*(?::|--|-|–|—)\s+"
)
# All-caps labels that open a paragraph like a dateline but are not places.
_KICKERS = frozenset(
    "BREAKING UPDATE UPDATED EXCLUSIVE WATCH EDITORIAL OPINION ANALYSIS NOTE CORRECTION LIVE VIDEO PHOTOS "
    "FACTBOX EXPLAINER COMMENT INTERVIEW REVIEW FILE PHOTO Q&A".split()
)
# Acronyms long enough to pass for a drop-cap word ("NATO allies ..."): never lower-cased.
_ACRONYMS = frozenset(
    "NATO OPEC ASEAN UNESCO UNICEF UNHCR UNRWA USAID NASA FIFA IAEA OECD BRICS SAARC ECOWAS MERCOSUR "
    "ICANN INTERPOL SWIFT FATF NAFTA USMCA CERN".split()
)
# Short words a news site sets in capitals as a drop cap ("THE government said ...").
_SHORT_DROP_CAPS = frozenset("THE AN IN ON AT AS HE WE BY FOR TWO ONE SIX TEN".split())
_TITLE_END_WORDS = frozenset("a an the of and or to in on at by for from with as that".split())
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr gen col lt maj capt sen rep gov prof no vs etc inc corp co ltd jan feb mar apr "
    "jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e".split()
)
# How the last line of a paragraph ends.
_PARAGRAPH_ENDS = (".", "!", "?", ":", '"', "”", "’", "'", ")")
_SENTENCE_END = regex.compile(r"[.!?][”’\"')\]]*\s+(?=[“‘\"'(]?[\p{Lu}\d])")


@dataclass(frozen=True)
class ArticleFields:
    """An article's fields as far as they are known; empty values are unknown. `removals` is the
    text taken out of the source on the way (see draft.REMOVAL_RULES)."""

    title: str = ""
    body: str = ""
    published: datetime.date | None = None
    date_source: str = ""
    source_url: str = ""
    dateline: str = ""
    removals: tuple[Removal, ...] = ()


def extract_fields(text: str, known: ArticleFields = ArticleFields()) -> ArticleFields:
    """Read the fields out of an article's text; values in `known` are kept as they are.

    Nothing is lost: every word of `text` ends up in the title, body or dateline, or in a removal
    naming its rule (accounting.lost_words checks it). A title is read from the text only when
    `known` has none.
    """
    removals: list[Removal] = list(known.removals)
    lines = normalise_spaces(text).split("\n")
    header_date, header_has_text = _take_header_date(lines, removals)
    source_url = _take_source_url(lines, removals)
    published_line_date = _take_published_line(lines, removals)
    if header_date is not None:  # the rest of its line, the one line not normalised yet
        lines = normalise_spaces("\n".join(lines)).split("\n")
    text, boilerplate = split_boilerplate_lines(lines)
    removals += boilerplate

    title_line = ""
    if not known.title and not header_has_text:
        title_line, text = _take_title_line(text)
    paragraphs = split_paragraphs(text)
    if known.title and paragraphs and paragraphs[0].casefold() == known.title.casefold():
        repeated = paragraphs.pop(0)
        removals.append(Removal(repeated, "title-repeated", _start(paragraphs[0] if paragraphs else "")))
    dateline = _take_dateline(paragraphs, removals)
    _fix_drop_cap(paragraphs)

    source_url = known.source_url or source_url
    published, date_source = known.published, known.date_source if known.published else ""
    for candidate, source in [
        (header_date, "header"),
        (published_line_date, "published-line"),
        (date_in_url(source_url), "url"),
    ]:
        if published is None and candidate is not None:
            published, date_source = candidate, source
    return replace(
        known,
        title=known.title or title_line or title_from_lead(paragraphs),
        body="\n\n".join(paragraphs),
        published=published,
        date_source=date_source,
        source_url=source_url,
        dateline=known.dateline or dateline,
        removals=tuple(removals),
    )


def parse_date(value: str) -> datetime.date | None:
    """A date written as ISO ("2025-08-06", "2025-08-06T10:00:00+05:00"), with a month name
    ("August 6, 2025", "Wed, 6 Aug 2025", "7th August 2025") or as RFC 2822; None otherwise."""
    value = value.strip()
    for form in _DATE_FORMS:
        match = form.match(value)
        if match and _ends_cleanly(value, match.end()):
            found = _date_from_match(match)
            if found:
                return found
    try:
        return _plausible(email.utils.parsedate_to_datetime(value).date())
    except (TypeError, ValueError, IndexError):
        return None


def date_in_url(url: str) -> datetime.date | None:
    """The date a URL's path carries ("/2025/08/06/", "-2025-08-06-"), if any."""
    for pattern in _URL_DATES:
        for match in pattern.finditer(url):
            found = _date_from_match(match)
            if found:
                return found
    return None


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of the text: blank-line separated blocks, a line per paragraph where a block's lines
    are long (one paragraph per line), joined where they are hard-wrapped, consecutive bullets together."""
    paragraphs = []
    for block in collapse_blank_lines(text).split("\n\n"):
        lines = [line for line in block.split("\n") if line]
        wrapped = len(lines) > 1 and max(len(line) for line in lines) <= 100
        current: list[str] = []
        for line in lines:
            if _BULLET.match(line):
                if current and not _BULLET.match(current[-1]):
                    paragraphs.append(" ".join(current))
                    current = []
                current.append(line)
                continue
            if current and _BULLET.match(current[-1]):
                paragraphs.append("\n".join(current))
                current = []
            if current and not (wrapped and _wraps_on(current[-1], line)):
                paragraphs.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            joiner = "\n" if _BULLET.match(current[-1]) else " "
            paragraphs.append(joiner.join(current))
    return [paragraph for paragraph in paragraphs if paragraph]


def _wraps_on(line: str, next_line: str) -> bool:
    """In hard-wrapped text, `next_line` continues `line`'s paragraph: `line` is as long as the
    wrapped lines around it, or the next starts in lower case, or `line` stops short without ending
    a sentence ("Standard Oil Co and BP North America" / "Inc said ...")."""
    return len(line) >= 40 or next_line[0].islower() or not line.endswith(_PARAGRAPH_ENDS)


def title_from_lead(paragraphs: list[str]) -> str:
    """A title made from the first sentence of the body (of its first bullet when it is all bullets),
    shortened at a word boundary."""
    prose = [paragraph for paragraph in paragraphs if not _BULLET.match(paragraph)]
    if prose:
        lead = prose[0]
    elif paragraphs:
        lead = paragraphs[0].split("\n")[0].lstrip("-•*– ")
    else:
        return ""
    sentence = first_sentence(lead).rstrip(" .")
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence
    cut = sentence[: TITLE_MAX_CHARS - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–—-") + ELLIPSIS


def first_sentence(text: str) -> str:
    """The text up to its first sentence end, not fooled by "Mr." or "U.S." or initials."""
    for match in _SENTENCE_END.finditer(text):
        words = text[: match.start()].rsplit(maxsplit=1)
        before = words[-1].lstrip("“‘\"'(").casefold() if words else ""
        if before in _ABBREVIATIONS or (len(before) == 1 and text[match.start()] == "."):
            continue
        return text[: match.end()].rstrip()
    return text


def title_case_place(place: str) -> str:
    """Title-case an all-caps place: "NEW DELHI" -> "New Delhi", "ST. PETERSBURG" -> "St. Petersburg"."""
    return regex.sub(r"\p{L}+", lambda m: m.group(0).capitalize(), place.lower())


def _start(text: str) -> str:
    """What a removal remembers of the text that followed it."""
    return text[:BEFORE_CHARS]


def _next_text(lines: list[str], index: int) -> str:
    """The start of the first non-blank line after `index`."""
    return _start(next((line for line in lines[index + 1 :] if line), ""))


def _take_header_date(lines: list[str], removals: list[Removal]) -> tuple[datetime.date | None, bool]:
    """Take a leading "date YYYY-MM-DD" off the first line: (the date, whether text follows it)."""
    for index, line in enumerate(lines):
        if not line:
            continue
        match = _HEADER_DATE.match(line)
        found = _date_from_iso(match.group(1)) if match else None
        if found is None:
            return None, False
        lines[index] = line[match.end() :]
        following = _start(lines[index]) or _next_text(lines, index)
        removals.append(Removal(line[: match.end()].strip(), "date-header", following))
        return found, bool(lines[index])
    return None, False


def _take_source_url(lines: list[str], removals: list[Removal], within: int = 5) -> str:
    """Take a line that is only a web (http, https) URL from the top of the text."""
    seen = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        if is_url_only(line) and web_url(line):
            removals.append(Removal(line, "source-url", _next_text(lines, index)))
            del lines[index]
            return web_url(line)
        seen += 1
        if seen >= within:
            break
    return ""


def _take_published_line(lines: list[str], removals: list[Removal]) -> datetime.date | None:
    """Take every "Published: August 6, 2025" line out; the first one's date."""
    found = None
    for index, line in enumerate(lines):
        match = _PUBLISHED_LINE.fullmatch(line) if len(line) < 120 else None
        date = parse_date(match.group("date")) if match else None
        if date is not None:
            removals.append(Removal(line, "published-line", _next_text(lines, index)))
            lines[index] = ""
            found = found or date
    return found


def _take_title_line(text: str) -> tuple[str, str]:
    """Take a headline off the top: a short first line that is not a sentence, set apart from the
    body. Wire copy is hard-wrapped ("Standard Oil Co and BP North America\nInc said ..."), so a
    first line with text right under it is a title only when that line opens something new (a
    dateline, a bullet); when unsure, it stays in the body."""
    first, _, rest = text.partition("\n")
    words = first.split()
    if not rest.strip() or not 3 <= len(words) <= 25 or len(first) > 150:
        return "", text
    if first.endswith((".", ",", ";", ":", "-")) or _BULLET.match(first) or _dateline_match(first):
        return "", text
    if words[-1].casefold() in _TITLE_END_WORDS:
        return "", text
    next_line = rest.lstrip("\n").split("\n", 1)[0]
    if next_line[:1].islower():  # the sentence goes on
        return "", text
    set_apart = rest.startswith("\n")
    if not set_apart and not (_BULLET.match(next_line) or _dateline_match(next_line)):
        return "", text
    return first, rest.strip("\n")


def _dateline_match(paragraph: str):
    """A dateline opening the paragraph, followed by prose: "ECONOMIC SPOTLIGHT - BANKAMERICA"
    alone on its line is a headline, not a place and a story."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None
    story = paragraph[match.end() :].rstrip()
    return (
        match
        if story.endswith((".", "!", "?", '"', "”")) or len(story.split()) >= DATELINE_MIN_WORDS_AFTER
        else None
    )


def _take_dateline(paragraphs: list[str], removals: list[Removal], within: int = 3) -> str:
    """Take "ISLAMABAD: " / "WASHINGTON, Aug 6 (Reuters) - " off one of the first prose paragraphs
    (a standfirst may come before it); the place, title-cased."""
    prose = [index for index, paragraph in enumerate(paragraphs) if not _BULLET.match(paragraph)]
    for index in prose[:within]:
        match = _dateline_match(paragraphs[index])
        place = match.group("place").strip() if match else ""
        if match and place not in _KICKERS and sum(char.isalpha() for char in place) >= 3:
            paragraphs[index] = paragraphs[index][match.end() :]
            removals.append(Removal(match.group(0).strip(), "dateline", _start(paragraphs[index])))
            return title_case_place(place)
    return ""


def _fix_drop_cap(paragraphs: list[str]) -> None:
    """Lower a drop-cap first word ("DEPUTY Prime Minister" -> "Deputy Prime Minister"); acronyms
    (US, NATO, or any word the text uses in capitals again) stay."""
    for index, paragraph in enumerate(paragraphs):
        if _BULLET.match(paragraph):
            continue
        match = regex.match(r"(\p{Lu}{2,})(?=\s+\p{L})", paragraph)
        if not match:
            return
        word = match.group(1)
        looks_like_word = (len(word) >= 4 and word not in _ACRONYMS) or word in _SHORT_DROP_CAPS
        rest = "\n".join([paragraph[match.end() :], *paragraphs[index + 1 :]])
        used_as_acronym = regex.search(rf"\b{word}\b", rest)
        if looks_like_word and not used_as_acronym:
            paragraphs[index] = word.capitalize() + paragraph[match.end() :]
        return


def _date_from_match(match) -> datetime.date | None:
    groups = match.groupdict()
    if groups.get("mnum"):
        month = int(groups["mnum"])
    else:
        name = groups["month"].casefold()
        months = [number for number, full in enumerate(_MONTH_NAMES, 1) if full.startswith(name)]
        if len(name) < 3 or len(months) != 1:
            return None
        month = months[0]
    try:
        return _plausible(datetime.date(int(groups["year"]), month, int(groups["day"])))
    except ValueError:
        return None


def _date_from_iso(value: str) -> datetime.date | None:
    try:
        return _plausible(datetime.datetime.strptime(value, "%Y-%m-%d").date())
    except ValueError:
        return None


def _plausible(date: datetime.date) -> datetime.date | None:
    return date if 1900 <= date.year <= 2100 else None


def _ends_cleanly(value: str, end: int) -> bool:
    """A date match must not stop inside a number ("2025-08-061", "August 6, 20251")."""
    return end == len(value) or not value[end].isdigit()


# Column sizes of Article.title and Article.dateline.
TITLE_COLUMN_CHARS = 500
DATELINE_COLUMN_CHARS = 100


def to_draft(
    fields: ArticleFields, origin: str, content_hash: str, format_name: str
) -> ArticleDraft | FileFailure:
    """The draft for an article's fields, or a "no-text" failure when its body is empty. A title or
    dateline longer than its column is cut, and the rest kept as a removal."""
    if not fields.body:
        return FileFailure(
            origin,
            "no-text",
            "No article text is left once share buttons, links and other page furniture are removed: "
            "check that the file holds the article itself, not just the page around it.",
        )
    published, date_source = fields.published, fields.date_source
    if published is None:  # an undated file may be dated by its name or folders
        published = date_from_path(origin)
        date_source = "path" if published else ""
    removals = list(fields.removals)
    title, dateline = fields.title[:TITLE_COLUMN_CHARS], fields.dateline[:DATELINE_COLUMN_CHARS]
    for kept, whole in ((title, fields.title), (dateline, fields.dateline)):
        if len(whole) > len(kept):
            removals.append(Removal(whole[len(kept) :], "too-long"))
    return ArticleDraft(
        origin=origin,
        content_hash=content_hash,
        title=title,
        body=fields.body,
        published=published,
        date_source=date_source,
        source_url=fields.source_url,
        dateline=dateline,
        format=format_name,
        removals=removals,
    )
