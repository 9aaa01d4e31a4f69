"""The extraction evaluation set: hand-annotated articles of several registers, read for the benches.

Each register has one annotation file, `annotations/<register>.jsonl`, one JSON object a line:

    {"id": ..., "people": {"Canonical Name": ["variant", ...]}, "traps": [...], "topics": [...]}

`people` holds every real person the article names, under the fullest form it gives, with the
other forms it uses; `traps` holds names that are not persons (works, products, characters,
firms and places named after people ...); `topics` holds the slugs of the starter topics the
article is truly about (see README.md for the judging rules); `note` says why, where it is not
obvious. Where an article's text comes from depends on its register:

- seeds: `id` is a file name in ../shared/seeds/, read through the archive's own reader;
- reuters: `id` is a NEWID of Reuters-21578 in ../shared/corpora/reuters21578/ (research use
  only: its text is never copied into the project);
- any other register: `id` names `articles/<register>/<id>.txt`, written by the team (see
  README.md for the licence), read through the archive's own reader.

    for article in load_articles():
        article.text, article.annotation.people, article.annotation.traps, ...
"""

import json
from dataclasses import dataclass
from pathlib import Path

from articles.ingest.draft import ArticleDraft
from articles.ingest.read import read_file
from bench.reuters import iter_reuters

HERE = Path(__file__).resolve().parent
ANNOTATIONS = HERE / "annotations"
TEAM_ARTICLES = HERE / "articles"
SHARED = HERE.parent.parent.parent / "shared"
SEEDS_DIR = SHARED / "seeds"
REUTERS_DIR = SHARED / "corpora" / "reuters21578"
# Registers whose text lives outside the project, and where.
EXTERNAL = {"seeds": SEEDS_DIR, "reuters": REUTERS_DIR}
MAX_BYTES = 10_000_000


@dataclass(frozen=True)
class Annotation:
    """One line of an annotation file."""

    register: str
    id: str
    people: dict[str, tuple[str, ...]]
    traps: tuple[str, ...]
    topics: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class EvalArticle:
    """An annotated article with its text: the title, a blank line, the body (the full text)."""

    annotation: Annotation
    title: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.title}\n\n{self.body}" if self.title else self.body


def registers() -> list[str]:
    """The registers that have an annotation file, in name order."""
    return sorted(path.stem for path in ANNOTATIONS.glob("*.jsonl"))


def load_annotations(register: str) -> list[Annotation]:
    """The annotation file of `register`, parsed (ValueError names the line of a bad record)."""
    path = ANNOTATIONS / f"{register}.jsonl"
    annotations = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            annotations.append(
                Annotation(
                    register=register,
                    id=str(record["id"]),
                    people={name: tuple(variants) for name, variants in record["people"].items()},
                    traps=tuple(record["traps"]),
                    topics=tuple(record["topics"]),
                    note=record.get("note", ""),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"{path.name} line {number}: not a valid annotation ({error!r})") from error
    return annotations


def available(register: str) -> str:
    """ "" when the register's texts can be read here, else a sentence saying what is missing."""
    folder = EXTERNAL.get(register)
    if folder is not None and not folder.is_dir():
        return f"the {register} register reads {folder}, which is absent"
    return ""


def load_articles(register: str) -> list[EvalArticle]:
    """The annotated articles of `register` with their texts (FileNotFoundError or KeyError for an
    annotated article that cannot be read)."""
    annotations = load_annotations(register)
    if register == "reuters":
        wanted = {int(a.id) for a in annotations}
        found = {a.newid: a for a in iter_reuters(REUTERS_DIR) if a.newid in wanted}
        return [EvalArticle(a, found[int(a.id)].title, found[int(a.id)].body) for a in annotations]
    folder = SEEDS_DIR if register == "seeds" else TEAM_ARTICLES / register
    articles = []
    for annotation in annotations:
        name = annotation.id if register == "seeds" else f"{annotation.id}.txt"
        draft = read_draft(folder / name)
        articles.append(EvalArticle(annotation, draft.title, draft.body))
    return articles


def read_draft(path: Path) -> ArticleDraft:
    """The one article of a text file, read by the archive's reader as an ingest would."""
    if not path.is_file():
        raise FileNotFoundError(f"annotated article {path} does not exist")
    drafts = read_file(path, MAX_BYTES)
    if len(drafts) != 1 or not isinstance(drafts[0], ArticleDraft):
        raise ValueError(f"{path} did not read as one article: {drafts!r}")
    return drafts[0]
