"""Score a person extractor's names for one article against its annotation.

Names are compared by `person_key`: the archive's `name_key` (case, accents, hyphens and
apostrophe style ignored) without honorifics in front ("Mr", "Sir", "Baroness", "the Rev") or a
generation after ("Jr", "Jnr", "Snr"), so "Sir Digby" compares as "Digby" and "Martin Luther
King Jnr" as "Martin Luther King".

Royal titles count as honorifics ("King Edward VI" compares as "Edward"), and middle initials
are optional ("Charles E. Whitfield" compares as "Charles Whitfield").

An extracted name is right when it is the canonical name or a listed variant of an annotated
person not already found under another name. Every other extracted name is a false positive,
labelled by why: "trap" (it is, or is part of, an annotated non-person: "Maria Full" of "Maria
Full of Grace"), "duplicate" (a second name for a person already found: "Sir Digby" beside
"Digby Jones"), or "unannotated". Recall counts the annotated people found under any of their
names; `canonical` counts those found under their canonical name.
"""

from dataclasses import dataclass, field

from articles.ingest.names import name_key

HONORIFICS = frozenset(
    "mr mrs ms miss mx dr sir dame lord lady baroness baron viscount the rt hon rev revd reverend "
    "canon prof professor justice judge sen senator rep gov governor mayor king queen prince princess "
    # Military and police ranks, as written before a name.
    "lt lieutenant col colonel gen general maj major capt captain sgt sergeant cpl pte brig "
    "det detective di dci insp inspector supt superintendent pc "
    # South Asian honorifics, often written as part of the name ("Maulana Fazal Karim").
    "maulana mawlawi mufti qari allama sardar chaudhry begum mian khawaja hazrat ustad".split()
)
GENERATIONS = frozenset("jr jnr snr sr ii iii iv v vi vii viii".split())


def person_key(name: str) -> tuple[str, ...]:
    """A name's comparable tokens without honorifics in front or a generation after."""
    key = list(name_key(name))
    if key and key[-1].endswith("'s"):
        key[-1] = key[-1][:-2]
    # A lone word stays: "Dr King" is "King", and "Baroness" alone is no name at all.
    while len(key) > 1 and key[0] in HONORIFICS:
        key.pop(0)
    while len(key) > 1 and key[-1] in GENERATIONS:
        key.pop()
    # A middle initial is optional: "Charles E. Whitfield" is "Charles Whitfield".
    return tuple(token for i, token in enumerate(key) if len(token) > 1 or i in (0, len(key) - 1))


def contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    """Whether `inner` is a run of consecutive tokens of `outer`."""
    size = len(inner)
    return bool(inner) and any(outer[i : i + size] == inner for i in range(len(outer) - size + 1))


@dataclass
class Score:
    """Counts for one article or summed over many, with the misses and false positives seen."""

    annotated: int = 0
    found: int = 0
    canonical: int = 0
    extracted: int = 0
    right: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)  # (article id, canonical name)
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, why)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (id, found as, canonical)

    def __iadd__(self, other: "Score") -> "Score":
        for name in ("annotated", "found", "canonical", "extracted", "right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.false_positives += other.false_positives
        self.renamed += other.renamed
        return self

    @property
    def precision(self) -> float:
        return self.right / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.annotated if self.annotated else 1.0


def score_article(
    article_id: str, people: dict[str, tuple[str, ...]], traps: tuple[str, ...], extracted: set[str]
) -> Score:
    """Score the distinct names `extracted` from one article against its annotation."""
    score = Score(annotated=len(people))
    names = sorted({person_key(name): name for name in extracted}.items())
    score.extracted = len(names)
    forms = {
        canonical: {person_key(f) for f in (canonical, *variants)} for canonical, variants in people.items()
    }
    trap_keys = [person_key(trap) for trap in traps]
    found: dict[str, str] = {}
    # Canonical forms first, so that a person found under both names counts under the canonical.
    names.sort(key=lambda item: not any(item[0] == person_key(c) for c in people))
    for key, name in names:
        matching = [canonical for canonical, keys in forms.items() if key in keys]
        unfound = [canonical for canonical in matching if canonical not in found]
        if unfound:
            found[unfound[0]] = name
            score.right += 1
        elif matching:
            score.false_positives.append((article_id, name, f"duplicate of {found[matching[0]]}"))
        elif any(contains(trap, key) for trap in trap_keys):
            score.false_positives.append((article_id, name, "trap"))
        else:
            score.false_positives.append((article_id, name, "unannotated"))
    score.found = len(found)
    for canonical in people:
        if canonical not in found:
            score.misses.append((article_id, canonical))
        elif person_key(found[canonical]) == person_key(canonical):
            score.canonical += 1
        else:
            score.renamed.append((article_id, found[canonical], canonical))
    return score
