"""A term's postings read whole into numpy arrays: from where its Whoosh matcher stands, or, for
the whole-index search (wholeindex.py), from its TermInfo in a segment.

Whoosh reads a posting list a block (at most 128 postings) at a time: a block's header is
unpickled from the file a few bytes per read() call (the index is opened without mmap: index.py),
and its ids are delta-decoded by a Python generator, one call per posting. For a broad word of
Reuters replicated ten times (dlrs: about 77,000 articles in two fields) that was most of the
search. Here the rest of the list is fetched in one read, each block's header and data are
unpickled from memory, and the ids are decoded with a cumulative sum: the same ids and weights,
in the same order (tests/test_whoosh_postings.py compares them with Whoosh's own reading).

The block layout is Whoosh 3's (whoosh/codec/whoosh3.py, W3PostingsWriter._write_block): a
signed big-endian int (the block's byte length, negative for the last block), the pickled block
info (count, last id, max weight, compression, min and max length bytes), then the pickled
(ids, weights, values) tuple, zlib-compressed when the info says so.
"""

import io
import pickle
import struct
import zlib

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC

_BLOCK_LENGTH = struct.Struct("!i")


def remaining(matcher) -> tuple[np.ndarray, np.ndarray]:
    """(ids, weights) of every posting of a W3LeafMatcher from its current one on; consumes it."""
    if not matcher.is_active():
        return np.zeros(0, np.int64), np.zeros(0)
    if matcher._data is None:
        matcher._read_data()
    blocks = [(matcher._data, matcher._blocklength)]
    if not matcher._lastblock:
        start, end = matcher._nextoffset, matcher._startoffset + _extent_length(matcher._length)
        blocks += _blocks(matcher._postfile.get(start, end - start))
    ids, weights = decoded(blocks, matcher._byteids)
    skipped = matcher._i  # postings of the current block already passed
    matcher._lastblock = matcher._atend = True
    return ids[skipped:], weights[skipped:]


def blocks_of_term(postfile, info) -> list[tuple[tuple, int]]:
    """A term's posting blocks in one segment, as `decoded` reads them: its posting list read from
    the segment's postings file in one go, or its inlined postings as one block."""
    if info.is_inlined():
        ids, weights, encoded = info.inlined_postings()
        deltas = [b - a for a, b in zip((0, *ids[:-1]), ids, strict=True)]  # ids as a block stores them
        return [((deltas, weights, encoded), len(ids))]
    offset, length = info.extent()
    data = postfile.get(offset, _extent_length(length))
    if data[: len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"Block tag error {data[:4]!r}")  # what W3LeafMatcher says
    return _blocks(data[len(WHOOSH3_HEADER_MAGIC) :])


def _extent_length(length) -> int:
    # Whoosh's W3TermInfo.from_bytes stores struct.unpack's 1-tuple as the posting list's length.
    return length[0] if isinstance(length, tuple) else length


def _blocks(data: bytes) -> list[tuple[tuple, int]]:
    """The unpickled (ids, weights, values) tuple and posting count of each block in `data`, which
    holds whole blocks up to the last one."""
    stream = io.BytesIO(data)
    blocks, position = [], 0
    while position < len(data):
        (length,) = _BLOCK_LENGTH.unpack_from(data, position)
        stream.seek(position + _BLOCK_LENGTH.size)
        count, _, _, compression, _, _ = pickle.load(stream)
        body_start, end = stream.tell(), position + _BLOCK_LENGTH.size + abs(length)
        body = data[body_start:end]
        blocks.append((pickle.loads(zlib.decompress(body) if compression else body), count))
        if length < 0:
            break
        position = end
    return blocks


def decoded(blocks: list[tuple[tuple, int]], byteids: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The blocks' ids and weights, as Whoosh's W3LeafMatcher gives them (_read_ids, _read_weights),
    converted to numpy once for the whole list: of one term, or of several laid end to end."""
    flat_ids, flat_weights, counts = [], [], []
    for (ids, weights, _), count in blocks:
        flat_ids.extend(ids)
        counts.append(count)
        if weights is None:
            flat_weights.extend([1.0] * count)
        elif isinstance(weights, float):  # Whoosh fills an array("f"): the weight as a 32-bit float
            flat_weights.extend([float(np.float32(weights))] * count)
        else:
            flat_weights.extend(weights)
    ids = np.array(flat_ids, dtype=np.int64)
    if not byteids:  # each block's ids are deltas from 0: a running sum restarted at every block
        total = np.cumsum(ids)
        ends = np.cumsum(counts)
        ids = total - np.repeat(np.concatenate(([0], total[ends[:-1] - 1])), counts)
    return ids, np.array(flat_weights, dtype=np.float64)
