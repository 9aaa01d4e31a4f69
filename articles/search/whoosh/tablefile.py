"""Named numpy arrays in one file, written once and memory-mapped by every process that reads it.

The per-index tables (facets.py, expansion.py) are the same in every gunicorn worker: written
beside the index they are mapped from the page cache, which the workers then share instead of
each holding a copy. A file is written to a temporary name and renamed into place, so a reader
sees a whole file or none; it is never changed afterwards (a new index version gets a new file).

Layout: 8 bytes of header length, a JSON header {"arrays": {name: [dtype, shape, offset]},
"meta": {...}}, then each array's bytes at its offset (64-byte aligned).
"""

import json
import os
import struct
import threading
from pathlib import Path

import numpy as np

_ALIGN = 64
_LENGTH = struct.Struct("<Q")


class TableFileDamaged(ValueError):
    """The file is not a whole table file (truncated, or not one at all)."""


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def write(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write the arrays and `meta` (JSON-serialisable) to `path` atomically."""
    arrays = {name: np.ascontiguousarray(array) for name, array in arrays.items()}
    # The offsets depend on the header's length, which depends on the offsets: lay out twice.
    start = 0
    for _ in range(2):
        layout, offset = {}, start
        for name, array in arrays.items():
            offset = _aligned(offset)
            layout[name] = [array.dtype.str, list(array.shape), offset]
            offset += array.nbytes
        header = json.dumps({"arrays": layout, "meta": meta, "size": offset}).encode()
        start = _aligned(_LENGTH.size + len(header) + _ALIGN)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        with open(tmp, "wb") as f:
            f.write(_LENGTH.pack(len(header)) + header)
            for name, array in arrays.items():
                f.seek(layout[name][2])
                f.write(array.tobytes())
            f.truncate(offset)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    """The arrays (read-only views of one memory map) and meta of a table file; FileNotFoundError
    when there is none, TableFileDamaged when it is not whole."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            raise TableFileDamaged(f"{path.name} is truncated")
        (length,) = _LENGTH.unpack(head)
        try:
            header = json.loads(f.read(length))
        except ValueError as error:
            raise TableFileDamaged(f"{path.name} has no readable header") from error
    if header.get("size") != size:
        raise TableFileDamaged(f"{path.name} has {size} bytes instead of {header.get('size')}")
    mapped = np.memmap(path, dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)
    arrays = {}
    for name, (dtype, shape, offset) in header["arrays"].items():
        dtype = np.dtype(dtype)
        count = int(np.prod(shape)) if shape else 1
        arrays[name] = mapped[offset : offset + count * dtype.itemsize].view(dtype).reshape(shape)
    return arrays, header["meta"]
