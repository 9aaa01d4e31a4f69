"""Large JSON exports, read from disk a record at a time with flat memory: JSON Lines line by
line, and a JSON array (or {"articles": [...]}) with ijson, a streaming JSON parser.

A file over the size limit comes here instead of being refused; the limit then applies to each
record. Records are read exactly as formats/json.py reads them.
"""

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

import ijson

from articles.ingest.decode import DecodeError, decode_bytes
from articles.ingest.draft import ArticleDraft, FileFailure, megabytes
from articles.ingest.formats.json import LIST_KEYS, read_json_line, read_record

# Bytes read at a time while skipping the rest of an oversized line.
_SKIP_CHUNK = 1 << 20


def stream_json_lines(path: Path, max_bytes: int) -> Iterator[ArticleDraft | FileFailure]:
    """One article per non-blank line; a line over `max_bytes` fails alone, as does one that is
    not a JSON object or not text."""
    origin = str(path)
    with path.open("rb") as file:
        number = 0
        while line := file.readline(max_bytes + 1):
            number += 1
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if len(line) > max_bytes and not line.endswith(b"\n"):
                _skip_rest_of_line(file)
                yield FileFailure(
                    f"{origin}#{number}",
                    "too-large",
                    f"Line {number} is larger than the {megabytes(max_bytes)} limit for one record: "
                    "split that article, or raise ARCHIVE_MAX_FILE_BYTES; the file's other lines were read.",
                )
                continue
            if not line.strip():
                continue
            try:
                text = decode_bytes(line)
            except DecodeError as error:
                yield FileFailure(f"{origin}#{number}", error.code, f"Line {number}: {error.message}")
                continue
            yield read_json_line(text, origin, number)


def stream_json(path: Path, max_bytes: int) -> Iterator[ArticleDraft | FileFailure]:
    """One article per record of a large JSON array or {"articles": [...]} (JSON Lines saved as
    .json is read as JSON Lines); a file whose records cannot be found says what to do."""
    origin = str(path)
    with path.open("rb") as file:
        start = file.read(64).lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
        file.seek(0)
        if start == b"{" and _first_line_is_an_object(file, max_bytes):
            yield from stream_json_lines(path, max_bytes)
            return
        prefix = "item" if start == b"[" else _list_key(file)
        if prefix is None:
            yield FileFailure(
                origin,
                "too-large",
                f"The file is larger than the {megabytes(max_bytes)} limit and is not an array of "
                'article records (nor {"articles": [...]}): export the articles as JSON Lines '
                "(.jsonl, one record a line), which is read a record at a time whatever its size.",
            )
            return
        file.seek(0)
        position = 0
        try:
            for position, record in enumerate(ijson.items(file, prefix, use_float=True), 1):
                yield read_record(record, origin, position, "record")
        except (ijson.JSONError, UnicodeDecodeError) as error:
            yield FileFailure(
                origin,
                "malformed-json",
                f"The file stops being valid UTF-8 JSON after record {position} ({error}): fix it (a JSON "
                "validator shows where) and ingest it again; the records before it were read.",
            )


def _first_line_is_an_object(file, max_bytes: int) -> bool:
    line = file.readline(max_bytes + 1).removeprefix(codecs.BOM_UTF8)
    file.seek(0)
    try:
        return isinstance(json.loads(line), dict) and line.rstrip().endswith(b"}")
    except (ValueError, UnicodeDecodeError):
        return False


def _list_key(file) -> str | None:
    """The ijson prefix of the records in a top-level object ("articles.item"), or None."""
    key = None
    try:
        for prefix, event, value in ijson.parse(file):
            if prefix == "" and event == "map_key":
                key = value
            elif prefix == key and event == "start_array" and key.casefold() in LIST_KEYS:
                return f"{key}.item"
    except (ijson.JSONError, UnicodeDecodeError):
        return None
    return None


def _skip_rest_of_line(file) -> None:
    while chunk := file.readline(_SKIP_CHUNK):
        if chunk.endswith(b"\n"):
            return
