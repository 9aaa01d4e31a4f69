"""Which source URLs an article may link to: web addresses (http, https) only.

A URL from a file becomes the article page's "original article" link, so a `javascript:`,
`data:` or `vbscript:` one would run in the archive's origin when clicked. Browsers forgive a
lot before reading the scheme (leading spaces and control characters are dropped, tabs and
newlines removed anywhere, case ignored: `" JaVa\\tScRiPt:..."` is `javascript:`), so the check
reads the URL the way a browser does.
"""

from urllib.parse import urlsplit

import regex

WEB_SCHEMES = frozenset({"http", "https"})

# What a browser strips from both ends of a URL (C0 controls and space) and removes everywhere
# (tab, line feed, carriage return), per the WHATWG URL standard.
_ENDS = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = regex.compile(r"[\t\n\r]")


def web_url(value: str | None) -> str:
    """The URL cleaned as a browser reads it, when it is an http(s) address with a host; else "".
    Ingest keeps only such URLs, and every page, feed and export checks again when it shows one."""
    url = _TAB_OR_NEWLINE.sub("", (value or "").strip(_ENDS))
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return ""
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return ""
    return url
