"""The expensive queries of the hostile-input issue, timed against their budget on Reuters-21578.

    .venv/bin/python -m bench.search_hostile [--corpus ../shared/corpora/reuters21578]
        [--articles 3500] [--segments 14]

Indexes the first `--articles` Reuters articles into a throwaway archive (temporary directory)
in `--segments` commits that are never merged, as a run of ingests leaves it, then times each
query through the archive's search() (facets included) and prints its seconds, hits and the
message the page would show. Every one should finish well inside the budget (budget.py, 1 s
by default), with a sentence naming what was cut. An ordinary query is timed beside them.
"""

import argparse
import itertools
import string
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578"

TWO_LETTERS = ["".join(p) for p in itertools.product("abc", string.ascii_lowercase)][:60]
QUERIES = {
    "ordinary: tariff japan": "tariff japan",
    "60 two-letter fuzzy terms (aa~2 ... ch~2)": " ".join(f"{w}~2" for w in TWO_LETTERS),
    "60 wildcards (a*a*? OR a*b*? ...)": " OR ".join(f"a*{c}*?" for c in (string.ascii_lowercase * 3)[:60]),
    "240 nested parentheses": "(" * 240 + "oil" + ")" * 240,
    "date:[* to *]": "date:[* to *]",
    "broad prefixes (co* OR in* OR pr* OR st*)": "co* OR in* OR pr* OR st*",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the reut2-*.sgm directory")
    parser.add_argument("--articles", type=int, default=3500, help="how many articles to index")
    parser.add_argument("--segments", type=int, default=14, help="unmerged commits to index them in")
    args = parser.parse_args()
    if not (args.corpus / "reut2-000.sgm").is_file():
        sys.exit(f"The Reuters-21578 corpus is not at {args.corpus}; pass --corpus.")
    with tempfile.TemporaryDirectory() as tmp:
        from bench.search_raw import _with_ids, documents, setup_django

        setup_django(Path(tmp) / "index")
        from articles.search.whoosh import index, merging
        from articles.search.whoosh.query import SearchRequest, search

        merging.MERGE_FACTOR = args.segments + 1  # keep every commit a segment of its own
        docs = list(_with_ids(itertools.islice(documents(args.corpus), args.articles)))
        per_segment = -(-len(docs) // args.segments)
        with index.bulk_writer() as bulk:
            for start in range(0, len(docs), per_segment):
                bulk.add(docs[start : start + per_segment])
                bulk.checkpoint()
        print(f"index: {index.doc_count():,} Reuters articles in {index.segment_count()} segments")
        started = time.perf_counter()
        search(SearchRequest(q="warm*"))  # the facet tables and the lexicon, once per index version
        print(f"{'first search of this index version (cold)':44} {time.perf_counter() - started:6.3f} s")
        for label, q in QUERIES.items():
            started = time.perf_counter()
            result = search(SearchRequest(q=q))
            seconds = time.perf_counter() - started
            message = (result.error[:150] + "…") if len(result.error) > 150 else result.error
            print(f"{label:44} {seconds:6.3f} s  {result.total:6,} hits  {message}")


if __name__ == "__main__":
    main()
