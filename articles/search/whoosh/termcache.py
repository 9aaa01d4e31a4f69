"""Each segment's term lookups made once per searcher, not four times per query.

To match one term in one segment, Whoosh looks it up in the segment's hash file of terms up to
four times: whether it is there (Term.matcher), its document frequency (to order an OR or AND),
its statistics for the scorer, and its postings. Each lookup probes the hash table with a few
small reads of the file (the index is not memory-mapped: index.py). That is paid per segment, so
an index left with nine segments by an ingest paid it nine times for every word of every query:
about a quarter of a 10x search, and a large part of what made it slower than after
`rebuild_index`.

Here each segment's terms reader remembers what its lookups found, present or not, for as long
as the searcher lives: one index version in one thread (index.searcher), since segments never
change. The last LOOKUPS_KEPT terms are kept per segment.
"""

from whoosh.reading import TermNotFound

LOOKUPS_KEPT = 4096  # per segment: a few hundred bytes each


class RememberingTerms:
    """A segment's terms reader (Whoosh's W3TermsReader) whose single-term lookups are made once;
    everything else (cursors, iteration over the terms) goes to the reader itself."""

    def __init__(self, terms):
        self._terms = terms
        self._found: dict[tuple[str, bytes], object] = {}

    def __getattr__(self, name):
        return getattr(self._terms, name)

    def _info(self, fieldname: str, tbytes: bytes):
        """The term's TermInfo, or None when the segment does not have it."""
        key = (fieldname, tbytes)
        try:
            return self._found[key]
        except KeyError:
            pass
        try:
            info = self._terms.term_info(fieldname, tbytes)
        except TermNotFound:
            info = None
        if len(self._found) >= LOOKUPS_KEPT:
            del self._found[next(iter(self._found))]
        self._found[key] = info
        return info

    # The lookups of whoosh.codec.whoosh3.W3TermsReader, with the same answers and exceptions.

    def __contains__(self, term) -> bool:
        return self._info(*term) is not None

    def term_info(self, fieldname: str, tbytes: bytes):
        info = self._info(fieldname, tbytes)
        if info is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return info

    def _present(self, fieldname: str, tbytes: bytes):
        info = self._info(fieldname, tbytes)
        if info is None:
            raise KeyError((fieldname, tbytes))
        return info

    def doc_frequency(self, fieldname: str, tbytes: bytes) -> int:
        return self._present(fieldname, tbytes).doc_frequency()

    def frequency(self, fieldname: str, tbytes: bytes) -> float:
        return self._present(fieldname, tbytes).weight()

    def matcher(self, fieldname: str, tbytes: bytes, format_, scorer=None):
        return self._terms._codec.postings_reader(
            self._terms._postfile,
            self.term_info(fieldname, tbytes),
            format_,
            term=(fieldname, tbytes),
            scorer=scorer,
        )


def remember_lookups(searcher) -> None:
    """Make every segment reader of this searcher remember its term lookups."""
    for leaf, _ in searcher.reader().leaf_readers():
        terms = getattr(leaf, "_terms", None)
        if terms is not None and not isinstance(terms, RememberingTerms):
            leaf._terms = RememberingTerms(terms)
