"""What ingest removed from an article (Article.removals, see ingest/draft.REMOVAL_RULES), as
curators read it, and putting a removed line back into the text."""

from collections import Counter

from articles.ingest.draft import BEFORE_CHARS, REMOVAL_RULES

# Fewest characters of a removal's `before` text that still place it reliably in the body.
MIN_ANCHOR_CHARS = 12


def label(rule: str) -> str:
    """How curators read a removal rule ("share prompts")."""
    return REMOVAL_RULES.get(rule, rule)


def summary(removals: list[dict]) -> str:
    """What was removed, in a few words: "3 lines: share prompts (2), related links (1)"."""
    if not removals:
        return ""
    counts = Counter(label(removal["rule"]) for removal in removals)
    lines = f"{len(removals)} line{'s' if len(removals) != 1 else ''}"
    return f"{lines}: " + ", ".join(f"{name} ({count})" for name, count in counts.most_common())


def put_back(body: str, removals: list[dict], index: int) -> tuple[str, list[dict]]:
    """The body with removal `index` back as a paragraph where it was (before the paragraph that
    followed it, else at the end), and the removals without it. IndexError for a bad index."""
    removal = removals[index]
    paragraphs = body.split("\n\n")
    position = _position(paragraphs, _anchor(removal, removals))
    paragraphs.insert(position, removal["text"])
    return "\n\n".join(paragraphs), removals[:index] + removals[index + 1 :]


def _anchor(removal: dict, removals: list[dict]) -> str:
    """The kept text that followed the removal: its `before`, unless that was removed too (then
    what followed that one)."""
    removed = {other["text"][:BEFORE_CHARS]: other for other in removals}
    anchor, seen = removal.get("before", ""), set()
    while anchor in removed and anchor not in seen:
        seen.add(anchor)
        anchor = removed[anchor].get("before", "")
    return anchor


def _position(paragraphs: list[str], anchor: str) -> int:
    """The index of the paragraph holding `anchor`, or the end. The anchor's leading words are
    dropped one by one, since ingest may have taken a dateline off the front of its line."""
    words = anchor.split()
    folded = [paragraph.casefold() for paragraph in paragraphs]
    for start in range(len(words)):
        candidate = " ".join(words[start:]).casefold()
        if len(candidate) < MIN_ANCHOR_CHARS:
            break
        for position, paragraph in enumerate(folded):
            if candidate in paragraph:
                return position
    return len(paragraphs)
