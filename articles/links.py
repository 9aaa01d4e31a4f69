"""Which stored URLs the archive may show as links: http and https only.

A source URL comes from the file it was ingested from, so it may say `javascript:`, `data:` or
`vbscript:`, and browsers forgive a great deal in how that is spelt (`JaVaScRiPt:`, a tab inside
the scheme, leading spaces or control characters). The URL is read the way a browser reads it
(tabs and line breaks removed, leading and trailing spaces and control characters stripped) and
kept only when its scheme is then http or https.
"""

import re

_REMOVED_BY_BROWSERS = re.compile("[\t\n\r]")
_WEB = re.compile(r"https?://", re.IGNORECASE)
_EDGES = "".join(map(chr, range(0x21)))  # C0 controls and space


def web_url(url: str | None) -> str:
    """The URL, as browsers read it, when it is http(s); "" otherwise."""
    cleaned = _REMOVED_BY_BROWSERS.sub("", url or "").strip(_EDGES)
    return cleaned if _WEB.match(cleaned) else ""
