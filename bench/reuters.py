"""Read the Reuters-21578 corpus (`reut2-*.sgm`) into plain records for the benchmarks.

The files are latin-1 SGML: one <REUTERS> element per article with DATE, TOPICS, PLACES and
PEOPLE code lists (<D>james-baker</D>) and a TEXT holding TITLE, DATELINE and BODY. Entities
(&lt; &amp; and control characters such as &#3;) are decoded or dropped. A TEXT of type BRIEF
has no BODY (the body is then ""); one of type UNPROC holds its text untagged, used as the body.

    from bench.reuters import iter_reuters
    for article in iter_reuters(Path("../shared/corpora/reuters21578")):
        ...
"""

import datetime
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ARTICLE = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
NEWID = re.compile(r'NEWID="(\d+)"')
CODES = re.compile(r"<D>(.*?)</D>", re.S)
TEXT = re.compile(r"<TEXT\b[^>]*>(.*?)</TEXT>", re.S)
# Wire-copy control characters (&#2; start of text, &#3; end, &#31; ...): noise, dropped.
CONTROL_ENTITY = re.compile(r"&#(?:[0-9]|[12][0-9]|3[01]|127);")
TAG = re.compile(r"<[^>]+>")
SIGNATURE = re.compile(r"\s*\breuter\s*$", re.I)
DATE = re.compile(r"\d{1,2}-[A-Z]{3}-\d{4} \d\d:\d\d:\d\d")


@dataclass
class ReutersArticle:
    """One Reuters article; `people`, `topics` and `places` are the corpus's tag codes."""

    newid: int
    date: datetime.datetime | None
    title: str
    dateline: str
    body: str
    people: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    def as_json_record(self) -> dict:
        """The article as a record of a news export (JSON Lines), the way benches and tests ingest it."""
        return {
            "id": self.newid,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "dateline": self.dateline,
            "text": self.body,
        }

    def as_text_file(self) -> str:
        """The article as a text file: a title line, a "Published:" line, the dateline and body."""
        published = f"Published: {self.date:%B %-d, %Y}\n\n" if self.date else ""
        dateline = f"{self.dateline} - " if self.dateline else ""
        return f"{self.title or 'Untitled'}\n\n{published}{dateline}{self.body}\n"


def iter_reuters(corpus_dir: Path) -> Iterator[ReutersArticle]:
    """Every article of every `reut2-*.sgm` file in `corpus_dir`, in file and file order."""
    for path in sorted(Path(corpus_dir).glob("reut2-*.sgm")):
        sgml = path.read_bytes().decode("latin-1")
        for match in ARTICLE.finditer(sgml):
            yield parse_article(match.group(1), match.group(2))


def parse_article(attributes: str, inner: str) -> ReutersArticle:
    """One <REUTERS> element, given its attribute string and its content."""
    text = element(inner, "TEXT", TEXT) or ""
    body = element(text, "BODY")
    if body is None:
        # UNPROC text has no inner tags; a BRIEF has only TITLE and DATELINE.
        body = "" if "<TITLE>" in text else text
    return ReutersArticle(
        newid=int(NEWID.search(attributes).group(1)),
        date=parse_date(element(inner, "DATE") or ""),
        title=decode(element(text, "TITLE") or ""),
        dateline=decode(element(text, "DATELINE") or "").strip().rstrip("-").strip(),
        body=SIGNATURE.sub("", decode(body)).strip(),
        people=codes(inner, "PEOPLE"),
        topics=codes(inner, "TOPICS"),
        places=codes(inner, "PLACES"),
    )


def element(sgml: str, tag: str, pattern: re.Pattern | None = None) -> str | None:
    """The raw content of the first <tag>...</tag> in `sgml`, or None when absent."""
    pattern = pattern or re.compile(rf"<{tag}>(.*?)</{tag}>", re.S)
    match = pattern.search(sgml)
    return match.group(1) if match else None


def codes(sgml: str, tag: str) -> list[str]:
    """The <D> codes inside <tag>, e.g. ["james-baker", "volcker"]."""
    return [decode(code) for code in CODES.findall(element(sgml, tag) or "")]


def decode(sgml: str) -> str:
    """Plain text: control-character entities dropped, tags removed, &lt; &amp; ... decoded."""
    return html.unescape(TAG.sub("", CONTROL_ENTITY.sub("", sgml)))


def parse_date(raw: str) -> datetime.datetime | None:
    """`26-FEB-1987 15:01:01.79` (some dates carry trailing junk); None when unreadable."""
    match = DATE.search(raw)
    try:
        return datetime.datetime.strptime(match.group(0), "%d-%b-%Y %H:%M:%S") if match else None
    except ValueError:
        return None
