"""The Jinja2 environment of the public pages (search, articles, people, topics, errors).

The public pages are Jinja2 because a results page prints some three hundred values (hits, facet
links, histogram buckets) and Django's template language spent more time resolving them than the
search took. The admin keeps Django templates (articles/templates/admin).
"""

from datetime import date

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment

from articles.ingest.links import web_url


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(static=static, url=url)
    env.filters.update(
        intcomma=intcomma, plural=plural, long_date=long_date, short_date=short_date, web_url=web_url
    )
    return env


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def intcomma(number: int) -> str:
    """12345 -> "12,345" (the archive's pages are in English)."""
    return f"{number:,}"


def plural(count: int, suffix: str = "s") -> str:
    """The suffix unless there is exactly one: "article{{ n|plural }}", "match{{ n|plural('es') }}"."""
    return "" if count == 1 else suffix


def long_date(day: date) -> str:
    """ "7 March 1987"."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """ "7 Mar 1987"."""
    return f"{day.day} {day:%b %Y}"
