"""Person-name helpers shared by the extractor and the archive-wide resolver: normalise, compare.

A name is compared by its tokens, case-folded, accents and apostrophe style ignored, hyphens
splitting tokens ("Leigh-Pemberton" ~ "Leigh Pemberton"). One name is a short form of another
when both end in the same surname and every token of the short one occurs in the long one
("Asim Munir" ~ "Syed Asim Munir", "Trump" ~ "Donald Trump").
"""

import re
import unicodedata

WHITESPACE = re.compile(r"\s+")
TOKEN_SPLIT = re.compile(r"[\s\-]+")


def clean_name(phrase: str) -> str:
    """The name as one line: runs of whitespace (line breaks too) become one space."""
    return WHITESPACE.sub(" ", phrase).strip()


def without_accents(text: str) -> str:
    """`text` in ASCII, accents removed and other non-ASCII letters dropped ("Amélie" -> "Amelie")."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def name_key(name: str) -> tuple[str, ...]:
    """Comparable tokens of a name: ("syed", "asim", "munir")."""
    folded = without_accents(name.replace("’", "'"))
    return tuple(token.strip(".").casefold() for token in TOKEN_SPLIT.split(folded) if token.strip("."))


def is_short_form(short: str, long: str) -> bool:
    """True when `short` names the same person as `long` in fewer words (same surname)."""
    return is_short_key(name_key(short), name_key(long))


def is_short_key(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """`is_short_form` on keys from `name_key`."""
    return bool(short) and len(short) < len(long) and short[-1] == long[-1] and set(short) <= set(long)
