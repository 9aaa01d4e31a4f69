"""A segment's field lengths (the per-document word counts BM25F reads) as one numpy array.

Whoosh stores them as one byte per document in a column and reads one byte per call
(`doc_field_length`): with the plain file reads of index.py that is ~30 microseconds a call,
paid once per document and field when a worker first scores a segment (scoring.py), and once per
posting when a writer finishes its segment (a third of an indexing writer's commit). Here the
column is read whole, in one read, and decoded through a 256-entry table.
"""

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

# Whoosh's decoding of each length byte; 0 means "no length" (None from doc_field_length).
_BYTE_LENGTHS = [None, *map(byte_to_length, range(1, 256))]
_DECODED = np.array([np.nan if n is None else float(n) for n in _BYTE_LENGTHS], dtype=np.float64)


def length_bytes(perdoc: W3PerDocReader, fieldname: str) -> np.ndarray | None:
    """The length byte of every document of the segment; None when the field has no lengths."""
    reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if reader is None:
        return None
    raw = np.zeros(perdoc.doc_count_all(), dtype=np.uint8)
    stored = min(reader._count, len(raw))  # documents after the last nonzero one are not stored
    if stored:
        raw[:stored] = np.frombuffer(reader._dbfile.get(reader._basepos, stored), dtype=np.uint8)
    return raw


def field_lengths(perdoc: W3PerDocReader, fieldname: str, default: float) -> np.ndarray:
    """What `doc_field_length(docnum, fieldname, default)` gives for every document, None as NaN."""
    raw = length_bytes(perdoc, fieldname)
    if raw is None:
        return np.full(perdoc.doc_count_all(), default, dtype=np.float64)
    return _DECODED[raw]


def read_lengths_whole() -> None:
    """Make this process's W3PerDocReaders answer `doc_field_length` from whole columns read once.
    For the index writer processes only (parallel.py), whose readers read their own new segment."""

    def doc_field_length(self, docnum, fieldname, default=0):
        cache = self.__dict__.setdefault("_whole_lengths", {})
        if fieldname not in cache:
            raw = length_bytes(self, fieldname)
            cache[fieldname] = None if raw is None else raw.tobytes()
        raw = cache[fieldname]
        return default if raw is None else _BYTE_LENGTHS[raw[docnum]]

    W3PerDocReader.doc_field_length = doc_field_length
