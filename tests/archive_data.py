"""Small, exactly known archives for the view and API tests, stored and indexed for real.

`make_articles()` writes rows through the ORM and indexes them with the lead's indexing bridge
(flush_pending), the same path ingest uses after its DB commit.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from articles import indexing
from articles.models import Article, Person, PersonLink, Source, Topic, TopicLink


@dataclass
class Spec:
    title: str
    body: str
    published: datetime.date | None = None
    persons: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    source: str = ""
    dateline: str = ""


HOSTILE_TITLE = "Markets <b>rally</b> after the talks"
HOSTILE_BODY = "Traders cheered the tariff news. <script>alert(1)</script> Shares rose in Karachi."

SPECS = [
    Spec(
        "Steel tariffs rise again",
        "The government raised tariffs on imported steel. Shipping firms expect delays at the ports.",
        datetime.date(1987, 3, 2),
        ["Ishaq Dar"],
        ["Trade"],
        "reuters.com",
        "KARACHI",
    ),
    Spec(
        "Oil prices fall on supply news",
        "Crude oil fell two dollars as producers raised supply. Analysts expect a slow recovery.",
        datetime.date(1987, 3, 15),
        ["Marco Rubio"],
        ["Energy"],
        "reuters.com",
    ),
    Spec(
        "Dock strike ends",
        "The dock workers ended their strike and ships left the harbour with steel and grain.",
        datetime.date(1987, 4, 1),
        ["Ishaq Dar", "Marco Rubio"],
        ["Trade", "Labour"],
        "dawn.com",
    ),
    Spec(HOSTILE_TITLE, HOSTILE_BODY, None, [], ["Trade"], "dawn.com"),
    Spec(
        "Year-end grain report",
        "Grain harvests beat forecasts across the region, and the trade deal eased export tariffs.",
        datetime.date(1986, 12, 31),
        ["Asim Munir"],
        [],
        "arabnews.com",
    ),
]


def filler(n: int) -> list[Spec]:
    """`n` near-identical articles about wheat, one per day from 1 January 1985, for paging."""
    start = datetime.date(1985, 1, 1)
    return [
        Spec(
            f"Wheat bulletin {i + 1}",
            f"Wheat bulletin number {i + 1}: wheat stocks steady.",
            start + datetime.timedelta(i),
        )
        for i in range(n)
    ]


def make_articles(specs: list[Spec] = SPECS) -> list[Article]:
    """Store `specs` as articles with their people, topics and sources, then index them."""
    articles = []
    for i, spec in enumerate(specs):
        source = Source.objects.get_or_create(domain=spec.source)[0] if spec.source else None
        article = Article.objects.create(
            title=spec.title,
            body=spec.body,
            published=spec.published,
            date_source="header" if spec.published else "",
            source=source,
            source_url=f"https://{spec.source}/news/{i}" if spec.source else "",
            dateline=spec.dateline,
            origin=f"test/{uuid.uuid4().hex}.txt",
            content_hash=uuid.uuid4().hex,
        )
        for name in spec.persons:
            person = Person.objects.get_or_create(name=name)[0]
            PersonLink.objects.create(article=article, person=person, mentions=[])
        for name in spec.topics:
            topic = Topic.objects.get_or_create(name=name)[0]
            TopicLink.objects.create(article=article, topic=topic)
        articles.append(article)
    indexing.flush_pending()
    return articles
