"""The mixed searches of bench/scale.py, drawn from the corpus and from the archive built from it.

Words, two-word queries, title phrases, booleans, title:/person:/topic: fields, prefixes, fuzzy
words, date terms and ranges, facet filters, sorts and later pages: each a dict of /api/search
parameters (the HTML page takes the same). Words come from the Reuters texts (broad, middle and
rare by document frequency); people and topics are the names the archive itself extracted and
assigned (ingest reads neither from the records), frequent and rare. The same seed and inputs
give the same queries, so runs at 1x and 10x time the same mix.
"""

import random
import re
from collections import Counter
from collections.abc import Callable

from articles.search.analysis import STEMMED
from bench.reuters import ReutersArticle

# Reuters-21578 is dated February to October 1987; copy n of the replicated corpus is n x 10 years later.
MONTHS = [f"1987-{month:02}" for month in range(3, 10)]


def _ranked_words(articles: list[ReutersArticle]) -> list[str]:
    """Body words of four letters or more that search keeps (no stop words), most documents first."""
    words = Counter()
    for article in articles:
        words.update(set(re.findall(r"[a-z]{4,}", article.body.lower())))
    ranked = sorted(words.items(), key=lambda item: (-item[1], item[0]))
    return [word for word, _ in ranked if list(STEMMED(word))]


def _title_phrases(articles: list[ReutersArticle]) -> list[str]:
    bigrams = Counter()
    for article in articles:
        words = re.findall(r"[a-z]{3,}", article.title.lower())
        bigrams.update(zip(words, words[1:], strict=False))
    return sorted(f'"{a} {b}"' for (a, b), n in bigrams.items() if n >= 3) or ['"oil prices"']


def _typo(word: str) -> str:
    """The word with two neighbouring letters swapped: one edit for a fuzzy search to undo."""
    middle = len(word) // 2
    return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]


def archive_names() -> dict[str, list[str]]:
    """The people and topics of this archive (Django set up) that articles carry, most used first:
    the `names` query_mix takes."""
    from django.db.models import Count

    from articles.models import Person, Topic

    def used(model):
        rows = model.objects.annotate(n=Count("articles")).filter(n__gt=0).order_by("-n", "name")
        return list(rows.values_list("name", flat=True))

    return {"person": used(Person), "topic": used(Topic)}


def query_mix(
    articles: list[ReutersArticle], names: dict[str, list[str]], count: int = 230, seed: int = 21578
) -> list[dict[str, str]]:
    """`count` search parameter sets; `names` holds "person" and "topic" names, most used first."""
    rng = random.Random(seed)
    ranked = _ranked_words(articles)
    broad, middle, rare = ranked[:300], ranked[300:3000] or ranked, ranked[3000:20000] or ranked
    phrases = _title_phrases(articles)
    people = names.get("person") or ["Volcker"]
    topics = names.get("topic") or ["Trade"]
    frequent_people, rare_people = people[:40], people[len(people) // 2 :] or people

    def person() -> str:
        return rng.choice(frequent_people if rng.random() < 0.6 else rare_people)

    def month_range() -> str:
        first, last = sorted(rng.sample(MONTHS, 2))
        return f"{first}-01 to {last}-28"

    def pick(words: list[str]) -> str:
        return rng.choice(words)

    makers: list[Callable[[], dict[str, str]]] = [
        lambda: {"q": pick(broad)},
        lambda: {"q": pick(middle)},
        lambda: {"q": pick(rare)},
        lambda: {"q": f"{pick(middle)} {pick(broad)}"},
        lambda: {"q": f"{pick(middle)} {pick(middle)}"},
        lambda: {"q": pick(phrases)},
        lambda: {"q": f"{pick(middle)} OR {pick(middle)}"},
        lambda: {"q": f"{pick(broad)} -{pick(middle)}"},
        lambda: {"q": f"({pick(middle)} OR {pick(middle)}) {pick(broad)}"},
        lambda: {"q": f"title:{pick(middle)}"},
        lambda: {"q": f'person:"{person()}"'},
        lambda: {"q": f'topic:"{rng.choice(topics)}" {pick(middle)}'},
        lambda: {"q": f"{pick(middle)[:4]}*"},
        lambda: {"q": f"{_typo(pick(middle))}~"},
        lambda: {"q": f"{pick(broad)} date:{rng.choice(MONTHS)}"},
        lambda: {"q": f"{pick(middle)} date:[{month_range()}]"},
        lambda: {"q": pick(broad), "topic": rng.choice(topics)},
        lambda: {"q": pick(middle), "person": person()},
        lambda: {"q": pick(middle), "sort": "newest"},
        lambda: {"q": pick(broad), "sort": "oldest", "page": "2"},
        lambda: {"q": pick(broad), "page": str(rng.randint(2, 5))},
        lambda: {"q": pick(middle), "date_from": f"{rng.choice(MONTHS)}-01", "date_to": "1987-12-31"},
        lambda: {"q": "", "topic": rng.choice(topics)},
    ]
    return [makers[i % len(makers)]() for i in range(count)]
