"""Boilerplate removal: the site furniture that comes along when an article is saved from a page.

Rules match the shape of boilerplate, not the words of one site: a short imperative prompt
("Share this story", "Follow us on ...", "Leave a comment"), a related-story link ("Read: ...",
"RELATED: ..."), a line that is only social network names or only a URL, a copyright or cookie
notice, a byline, a bare interface label ("Exit mobile version"). A sentence that merely starts
with the same word ("Share prices rose 3% on Monday.") is content and stays.
"""

import re

import regex

from articles.ingest.draft import BEFORE_CHARS, Removal

# Lines longer than this are prose, whatever word they start with.
MAX_PROMPT_CHARS = 160

_URL_ONLY = regex.compile(r"(?:https?://|www\.)\S+")

_NETWORK_NAMES = (
    *r"google\s*news facebook twitter x instagram youtube linkedin tiktok whats\s*app telegram".split(),
    *r"reddit pinterest threads snapchat tumblr bluesky mastodon messenger e-?mail print".split(),
    *r"copy\s+link rss".split(),
)
_SOCIAL_NETWORKS = regex.compile("|".join(_NETWORK_NAMES), regex.IGNORECASE)
# A piece of plain letters every match of each name holds ("mail" of "e-?mail"): an ASCII line
# whose lower case holds none of them names no network, and is spared the slow search (most lines
# that get that far are prose).
_NETWORK_CLUES = tuple(max(regex.split(r"\\s[*+]|.\?", name), key=len) for name in _NETWORK_NAMES)
# A character that can be in no network name, share label or separator: a line holding one is
# not a list of networks (nor is most prose, which is spared the searches below).
_NOT_IN_SOCIAL_LIST = regex.compile(r"[^\sa-ik-pr-y,;|/·•&+:\-]", regex.IGNORECASE)
# The ASCII characters it allows: an ASCII line made of them only is a set comparison away, several
# times faster than the case-blind search (and the same answer, each character asked of the regex).
_ASCII_IN_SOCIAL_LIST = frozenset(
    chr(code) for code in range(128) if not _NOT_IN_SOCIAL_LIST.match(chr(code))
)
_SHARE_LABEL = regex.compile(r"^share(?:\s+(?:on|via))?\s*:?", regex.IGNORECASE)
_NETWORK_SEPARATORS = regex.compile(r"[\s,;|/·•&+]+|\band\b", regex.IGNORECASE)

# Each pattern must match the whole (stripped) line, case-insensitively; the key names the rule in
# the article's record of removals (draft.REMOVAL_RULES).
_PROMPTS = {
    # Share prompts: the verb followed only by the words such prompts are made of.
    "share-prompt": r"(?:share|tweet|email|e-mail|print|save|pin)(?:\s+(?:this|the|on|via|to|with|your|our"
    r"|friends|latest|news|updates?|article|story|post|page|link|it|now|and|or|facebook|twitter|whatsapp|x))*"
    r"\s*[:!]?",
    # Follow prompts: "Follow us on ...", "Follow @site for ...", "Follow the latest on ...".
    "follow-prompt": r"follow\s+(?:us|@\w+|our|the\s+latest)\b.*",
    # Subscription and app prompts.
    "subscribe-prompt": r"(?:subscribe|sign\s*up|register)(?:\s+(?:now|today|here|free))?"
    r"(?:\s+(?:to|for|with)\b.{0,100})?"
    r"|(?:join|download|get|install)\s+(?:us|our|the)\b.{0,60}\b(?:newsletters?|channels?|apps?|alerts"
    r"|updates|whatsapp|telegram|podcasts?)\b.*"
    r"|(?:click|tap)\s+(?:here|to|below|the\s+link)\b.*",
    # Comment sections.
    "comment-form": r"(?:leave|post|add|write|view|show|hide|load|read|see)\s+(?:a\s+|your\s+|the\s+|all\s+"
    r"|more\s+)?(?:comments?|reply|replies|responses?)\b.*"
    r"|(?:\d+\s+)?comments?(?:\s*\(\d+\))?"
    r"|your\s+email\s+address\s+will\s+not\s+be\s+published\b.*"
    r"|required\s+fields\s+are\s+marked\b.*"
    r"|cancel\s+reply|notify\s+me\s+of\b.*|save\s+my\s+name\b.*",
    # Related-story links, with or without the linked headline.
    "related-link": r"(?:also\s+read|read\s+also|read\s+more|read|related(?:\s+(?:stories|articles|news"
    r"|content))?|see\s+also|more\s+(?:on\s+this|from\s+\w+|stories)|you\s+may\s+also\s+like|recommended"
    r"|trending|watch|listen)\s*(?:[:|\-–—>»]\s*.*)?",
    # Rights and cookie notices, addressed to the reader.
    "notice": r".*\ball\s+rights\s+reserved\b.*"
    r"|.*\b(?:we|our|this\s+(?:web)?site)\b.*\bcookies\b.*"
    r"|.*\bcookies?\b.*\byou(?:r)?\b.*\b(?:accept|consent|agree|continu\w*)\b.*"
    r"|(?:accept|reject|manage)(?:\s+all)?\s+cookies\b.*",
    # Interface labels saved along with the text.
    "page-label": r"exit\s+mobile\s+version|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|advertisement"
    r"|sponsored(?:\s+content)?|scroll\s+to\s+continue.*|continue\s+reading|loading\W*"
    r"|listen\s+to\s+this\s+article|open\s+in\s+app|(?:tags|topics|filed\s+under)\s*:.*",
}


def _alternation(rules: dict[str, str]) -> regex.Pattern:
    """One alternation, each rule a named group: the group that matched names the rule."""
    return regex.compile(
        "|".join(f"(?P<{rule.replace('-', '_')}>{pattern})" for rule, pattern in rules.items()),
        regex.IGNORECASE,
    )


_PROMPT = _alternation(_PROMPTS)
# Every notice names cookies or reserved rights. A line without those words (nearly all) is tried
# against the other rules only, sparing it the notices' leading ".*" scans; the same engine and
# flags decide, so the rule found is the same.
_NOTICE_WORDS = ("cookie", "reserved")
_NOTICE_WORD = regex.compile("|".join(_NOTICE_WORDS), regex.IGNORECASE)
_PROMPT_BUT_NOTICE = _alternation({rule: pattern for rule, pattern in _PROMPTS.items() if rule != "notice"})
# Case matters here: "Copyright 2025 ..." and "© The Daily ..." are notices, "Copyright law ..." is prose.
_COPYRIGHT = regex.compile(r"(?:[Cc]opyright|COPYRIGHT|©|\([Cc]\))\s*(?:©\s*)?(?:\d{4}|\p{Lu}).*")
# Words that may join the names in a byline ("By Jane Doe and Omar Ali | Staff Reporter").
_BYLINE_JOINERS = frozenset({"and", "&", "|", "/", "-", "–", "—", "·", "•", "in"})
# Lower-case words a byline may hold beside names ("By Courier staff · August 21, 2025").
_BYLINE_ROLES = frozenset(
    {"staff", "reporter", "reporters", "correspondent", "correspondents", "writer", "editor"}
)

# Runs of spaces to make one plain space, but a lone plain space (most of them), which would
# only be replaced by itself. Plain character classes: the standard `re` matches them as `regex`
# does, and scans text faster.
_SPACE = r"[ \t\u00a0\u2007\u202f\u3000]"
_SPACES = re.compile(rf"[\t\u00a0\u2007\u202f\u3000]{_SPACE}*| {_SPACE}+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def normalise_spaces(text: str) -> str:
    """Turn no-break and other wide spaces into plain spaces, drop invisible characters, trim lines."""
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return "\n".join([line.strip() for line in _SPACES.sub(" ", text).split("\n")])


def is_url_only(line: str) -> bool:
    """The line is nothing but a link."""
    return bool(_URL_ONLY.fullmatch(line.strip()))


def is_social_list(line: str) -> bool:
    """The line is only social network names ("Facebook Twitter WhatsApp", "Share: X | Email")."""
    stripped = line.strip().rstrip(":")
    if not stripped or len(stripped) > MAX_PROMPT_CHARS:
        return False
    if _outside_social_list(stripped) or not _may_name_network(stripped):
        return False
    if not _SOCIAL_NETWORKS.search(stripped):
        return False
    stripped = _SHARE_LABEL.sub("", stripped)
    remainder = _SOCIAL_NETWORKS.sub(" ", stripped)
    return bool(_SOCIAL_NETWORKS.search(stripped)) and not _NETWORK_SEPARATORS.sub("", remainder)


def _outside_social_list(line: str) -> bool:
    """Whether the line holds a character no list of networks holds (_NOT_IN_SOCIAL_LIST)."""
    if line.isascii():
        return not _ASCII_IN_SOCIAL_LIST.issuperset(line)
    return bool(_NOT_IN_SOCIAL_LIST.search(line))


def _may_be_notice(line: str) -> bool:
    """Whether the line holds a word every notice holds; in ASCII, ignoring case is lowering."""
    if line.isascii():
        lower = line.lower()
        return any(word in lower for word in _NOTICE_WORDS)
    return bool(_NOTICE_WORD.search(line))


def _may_name_network(line: str) -> bool:
    """False only when `line` surely holds no network name: it is ASCII, where ignoring case is
    lower-casing, and holds none of their clues."""
    if not line.isascii():
        return True
    lower = line.lower()
    return any(clue in lower for clue in _NETWORK_CLUES)


def is_byline(line: str) -> bool:
    """The line is "By" and a few capitalised names, perhaps with a role and a date ("By Courier
    staff · August 21, 2025"), not a sentence ("By Monday, the talks ...")."""
    words = line.split()
    if len(words) < 2 or len(words) > 12 or words[0] not in ("By", "by", "BY") or line.endswith("."):
        return False
    names = 0
    for word in words[1:]:
        word = word.strip(",;")
        if not word or word in _BYLINE_JOINERS or word in _BYLINE_ROLES or word.isdigit():
            continue
        if not word[0].isupper():
            return False
        names += 1
    return names > 0


def boilerplate_rule(line: str) -> str | None:
    """The rule (a key of draft.REMOVAL_RULES) by which the line is site furniture (a prompt, a
    related link, a notice, a label), or None when it is article text."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_PROMPT_CHARS:
        return None
    if is_url_only(stripped):
        return "link-line"
    if is_social_list(stripped):
        return "share-prompt"
    if is_byline(stripped):
        return "byline"
    if _COPYRIGHT.fullmatch(stripped):
        return "notice"
    prompts = _PROMPT if _may_be_notice(stripped) else _PROMPT_BUT_NOTICE
    match = prompts.fullmatch(stripped)
    return match.lastgroup.replace("_", "-") if match else None


def split_boilerplate(text: str) -> tuple[str, list[Removal]]:
    """The text without its boilerplate lines (blank lines collapsed, one at most), and the lines
    removed, each with its rule and the start of the line that followed it."""
    return split_boilerplate_lines(normalise_spaces(text).split("\n"))


def split_boilerplate_lines(lines: list[str]) -> tuple[str, list[Removal]]:
    """As split_boilerplate, for lines already through normalise_spaces (which would leave them
    as they are: it is idempotent)."""
    kept: list[str] = []
    removed: list[Removal] = []
    waiting: list[tuple[str, str]] = []  # removed lines still waiting for the next kept line
    for line in lines:
        rule = boilerplate_rule(line)
        if rule:
            waiting.append((line, rule))
            continue
        kept.append(line)
        if line and waiting:
            removed += [Removal(text, rule, before=line[:BEFORE_CHARS]) for text, rule in waiting]
            waiting = []
    removed += [Removal(text, rule) for text, rule in waiting]
    return collapse_blank_lines("\n".join(kept)), removed


def collapse_blank_lines(text: str) -> str:
    """At most one blank line in a row, none at either end."""
    return regex.sub(r"\n{3,}", "\n\n", text).strip("\n")
