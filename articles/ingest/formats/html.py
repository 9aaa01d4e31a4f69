"""Saved web pages (.html, .htm): one article per page, read with lxml.

The page's metadata gives what it can (title from og:title, <h1> or <title>; date from
article:published_time, <time datetime> or JSON-LD datePublished; source URL from the canonical
link or og:url). The article text comes from <article>, <main> or the block densest in
paragraphs, with scripts, navigation, headers, footers, asides, forms, share widgets and comment
sections dropped; the text then goes through the same cleaning and extraction as a text file.
"""

import json
from dataclasses import replace

import lxml.etree
import lxml.html
import regex

from articles.ingest.draft import ArticleDraft, FileFailure, Removal
from articles.ingest.extract import ArticleFields, extract_fields, parse_date, to_draft
from articles.ingest.links import web_url

# Elements that never hold article text.
DROPPED_TAGS = (
    "script style noscript template nav header footer aside form iframe svg button select input "
    "textarea dialog menu figcaption object embed canvas".split()
)
# Dropped elements whose content is code, not text: never kept as removed text.
CODE_TAGS = frozenset("script style noscript template svg iframe object embed canvas".split())
# ARIA roles of page furniture.
DROPPED_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert"}
)
# A class or id made of one of these words marks a widget, not the article ("share-bar", "comments").
WIDGET_WORDS = frozenset(
    "share sharing social comment comments related newsletter subscribe subscription advert advertisement ad "
    "ads promo cookie cookies consent breadcrumb breadcrumbs sidebar widget popup modal sponsored outbrain "
    "taboola disqus tags signup paywall recommended trending menu nav navigation".split()
)
# Containers the widget rule must not remove, whatever their class says.
KEPT_CONTAINERS = frozenset({"html", "body", "article", "main"})
BLOCK_TAGS = frozenset(
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol blockquote pre table tr dl dt dd address hr "
    "figure details summary center".split()
)
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
)
_SITE_SUFFIX = regex.compile(r"\s+(?:\||[-–—]|::|·)\s+(?P<site>[^|–—]{1,40})$")
_WORD_SPLIT = regex.compile(r"[\s_-]+")
_WHITESPACE = regex.compile(r"\s+")


def read_html(text: str, origin: str, content_hash: str) -> list[ArticleDraft | FileFailure]:
    """The one article of a web page (or why there is none)."""
    try:
        root = lxml.html.document_fromstring(_without_xml_declaration(text))
        source_url, refused_url = _source_url(root)
        known = ArticleFields(
            title=_page_title(root),
            source_url=source_url,
            removals=(Removal(refused_url, "unsafe-url"),) if refused_url else (),
            **_published(root),
        )
        container, dropped = _main_container(root)
        furniture = tuple(_removals(container, dropped, known.title))
        known = replace(known, removals=known.removals + furniture)
        fields = extract_fields(html_to_text(container), known)
    except (lxml.etree.ParserError, RecursionError, ValueError):
        fields = ArticleFields()
    return [to_draft(fields, origin, content_hash, "html")]


def html_to_text(element) -> str:
    """The element's text as paragraphs separated by blank lines; list items become "- " bullets
    and <br> a line break (newlines in the markup are only spaces)."""
    paragraphs: list[str] = []
    pending: list[str] = []

    def flush():
        lines = (" ".join(line.split()) for line in "".join(pending).split("\n"))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph.strip("- "):
            if paragraph.startswith("- ") and paragraphs and paragraphs[-1].startswith("- "):
                paragraphs[-1] += "\n" + paragraph  # one list, one block
            else:
                paragraphs.append(paragraph)
        pending.clear()

    def visit(node):
        tag = node.tag if isinstance(node.tag, str) else None  # None for comments and instructions
        if tag in BLOCK_TAGS:
            flush()
            if tag == "li":
                pending.append("- ")
        elif tag == "br":
            pending.append("\n")
        if tag and node.text:
            pending.append(_WHITESPACE.sub(" ", node.text))
        for child in node:
            visit(child)
        if tag in BLOCK_TAGS:
            flush()
        if node.tail:
            pending.append(_WHITESPACE.sub(" ", node.tail))

    visit(element)
    flush()
    return "\n\n".join(paragraphs)


def fragment_to_text(markup: str) -> str:
    """The text of an HTML fragment (a JSON record's body written as markup)."""
    try:
        return html_to_text(lxml.html.fragment_fromstring(markup, create_parent="div"))
    except (lxml.etree.ParserError, ValueError):
        return markup


def _page_title(root) -> str:
    site = _meta(root, "og:site_name")
    og_title = _meta(root, "og:title")
    if og_title:
        return _without_site_suffix(og_title, site)
    for heading in root.xpath("//article//h1 | //main//h1") + root.xpath("//h1"):
        text = " ".join(heading.text_content().split())
        if text:
            return text
    title = root.find(".//title")
    return _without_site_suffix(" ".join(title.text_content().split()), site) if title is not None else ""


def _without_site_suffix(title: str, site: str) -> str:
    """ "Talks resume | Dawn" -> "Talks resume"; a dash suffix only when it is the site's name."""
    match = _SITE_SUFFIX.search(title)
    if not match:
        return title
    separator = title[match.start() : match.start("site")].strip()
    if separator == "|" or (site and match.group("site").strip().casefold() == site.casefold()):
        return title[: match.start()].strip()
    return title


def _source_url(root) -> tuple[str, str]:
    """The page's canonical web address (canonical link, else og:url), and the first candidate
    refused as not http(s) when none is one."""
    candidates = [
        (link.get("href") or "").strip()
        for link in root.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ] + [_meta(root, "og:url")]
    candidates = [candidate for candidate in candidates if candidate]
    for candidate in candidates:
        if web_url(candidate):
            return web_url(candidate), ""
    return "", candidates[0] if candidates else ""


def _published(root) -> dict:
    candidates = [_meta(root, name) for name in PUBLISHED_META]
    candidates += _json_ld_dates(root)
    candidates += [
        time.get("datetime", "")
        for time in root.iter("time")
        if time.get("itemprop") == "datePublished" or time.get("pubdate") is not None
    ]
    containers = root.xpath("//article | //main")
    candidates += [time.get("datetime", "") for container in containers for time in container.iter("time")]
    for candidate in candidates:
        date = parse_date(candidate) if candidate else None
        if date:
            return {"published": date, "date_source": "metadata"}
    return {}


def _json_ld_dates(root) -> list[str]:
    dates = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("datePublished"), str):
                dates.append(value["datePublished"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            walk(json.loads(script.text or ""))
        except ValueError:
            continue  # a broken JSON-LD block says nothing; the page may still have other dates
    return dates


def _main_container(root) -> tuple:
    """The element holding the article, and what was dropped from the page on the way: each
    dropped element's ancestors and text (code, such as scripts, is not text)."""
    dropped = []

    def drop(element):
        ancestors = frozenset(element.iterancestors())
        if root not in ancestors:  # the root itself, or inside an element dropped already
            return
        if element.tag not in CODE_TAGS:
            dropped.append((ancestors, element))
        element.drop_tree()

    for element in list(root.iter(*DROPPED_TAGS)):
        drop(element)
    for element in list(root.iter()):
        if isinstance(element.tag, str) and element.tag not in KEPT_CONTAINERS and _is_furniture(element):
            drop(element)
    for heading in list(root.iter("h1")):  # the headline is the title, not body text
        drop(heading)
    articles = root.xpath("//article")
    if articles:
        container = max(articles, key=lambda element: len(element.text_content()))
    elif main := root.xpath("//main | //*[@role='main']"):
        container = main[0]
    else:
        container = _densest_block(root)
    return container, dropped


def _removals(container, dropped, title: str) -> list[Removal]:
    """The text dropped from inside the article's container, as removals: a headline that is the
    title repeats it (only one that differs is kept), anything else is page furniture."""
    removals = []
    for ancestors, element in dropped:
        text = " ".join(element.text_content().split())
        if container not in ancestors or not text:
            continue
        if element.tag == "h1":
            if text.casefold() != title.casefold():
                removals.append(Removal(text, "headline"))
        else:
            removals.append(Removal(text, "page-furniture"))
    return removals


def _densest_block(root):
    """The element whose own <p> children hold the most text (the body when there are none)."""
    best, best_score = root.find("body") if root.find("body") is not None else root, 0
    for element in root.iter():
        score = sum(len(child.text_content()) for child in element if child.tag == "p")
        if score > best_score:
            best, best_score = element, score
    return best


def _is_furniture(element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if (element.get("role") or "").lower() in DROPPED_ROLES:
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return bool(WIDGET_WORDS.intersection(_WORD_SPLIT.split(names)))


def _meta(root, name: str) -> str:
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key == name and meta.get("content"):
            return " ".join(meta.get("content").split())
    return ""


def _without_xml_declaration(text: str) -> str:
    """lxml refuses a str that declares its own encoding; the text is already decoded."""
    return regex.sub(r"^\s*<\?xml[^>]*\?>", "", text)
