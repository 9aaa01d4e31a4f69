"""Find the files to ingest and read one file into article drafts, choosing the reader by format.

`iter_file` (and `read_file`, its list) takes a path and a size limit, touches nothing else, and
never raises for bad input; every problem comes back as a FileFailure with a machine code and a
sentence saying what went wrong and what to do. It runs in worker processes too.
"""

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from articles.ingest.decode import DecodeError, decode_bytes
from articles.ingest.draft import ArticleDraft, FileFailure, megabytes
from articles.ingest.formats.html import read_html
from articles.ingest.formats.json import read_json, read_json_lines
from articles.ingest.formats.json_stream import stream_json, stream_json_lines
from articles.ingest.formats.text import read_text

Reader = Callable[[str, str, str], Iterable[ArticleDraft | FileFailure]]

READERS: dict[str, Reader] = {
    "text": read_text,
    "html": read_html,
    "jsonl": read_json_lines,
    "json": read_json,
}
FORMAT_BY_SUFFIX = {
    "": "text",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
# Formats read from disk a record at a time when a file is over the size limit (which then
# applies to each record).
STREAMERS = {"jsonl": stream_json_lines, "json": stream_json}
# Formats people keep articles in that this pipeline does not read: refused with advice.
UNSUPPORTED_SUFFIXES = frozenset(
    ".pdf .doc .docx .odt .rtf .epub .xls .xlsx .ods .csv .tsv .ppt .pptx .xml .sgm .sgml .zip .gz .tgz "
    ".bz2 .xz .7z .rar .tar .png .jpg .jpeg .gif .webp .tif .tiff .mp3 .mp4 .wav .exe .dll .so .pyc".split()
)
# In directory walks these are the corpus's own documentation, not articles.
DOCUMENTATION_NAMES = frozenset({"readme", "license", "licence", "changelog"})


def find_files(paths: Iterable[str | Path]) -> Iterator[Path | FileFailure]:
    """Every file under `paths` (files and directories in any mix, directories recursively, in sorted
    order), skipping hidden files and folders and a folder's README; a path that is missing or
    cannot be listed comes back as an "unreadable" FileFailure and the rest goes on. Files are
    known by their resolved absolute path, so one file given by two paths is one file."""
    for given in paths:
        path = Path(given).resolve()
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield path
        else:
            yield FileFailure(
                str(path),
                "unreadable",
                "There is no file or folder at this path: check the spelling, or that the drive is mounted.",
            )


def read_file(path: Path, max_bytes: int) -> list[ArticleDraft | FileFailure]:
    """The article(s) in one file, or the failures that explain why there are none (or fewer)."""
    return list(iter_file(path, max_bytes))


def iter_file(path: Path, max_bytes: int) -> Iterator[ArticleDraft | FileFailure]:
    """As read_file, but a multi-article file's articles come one at a time, as they are read;
    each names the file it came from (`file`)."""
    file = str(path)
    for item in _file_items(path, max_bytes):
        if isinstance(item, FileFailure):
            yield item if item.file else replace(item, file=file)
        else:
            item.file = file
            yield item


def _file_items(path: Path, max_bytes: int) -> Iterable[ArticleDraft | FileFailure]:
    origin = str(path)
    if is_streamed(path, max_bytes):
        return STREAMERS[FORMAT_BY_SUFFIX[path.suffix.lower()]](path, max_bytes)
    data_or_failure = _read_bytes(path, max_bytes)
    if isinstance(data_or_failure, FileFailure):
        return [data_or_failure]
    data = data_or_failure
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED_SUFFIXES:
        return [_unsupported(origin, f"“{suffix}” files are not read by the archive")]
    try:
        text = decode_bytes(data)
    except DecodeError as error:
        return [FileFailure(origin, error.code, error.message)]
    if not text.strip():
        return [
            FileFailure(
                origin, "empty", "The file is empty or only blank space: remove it, or put the article in it."
            )
        ]
    format_name = FORMAT_BY_SUFFIX.get(suffix) or sniff_format(text)
    if format_name is None:
        return [
            _unsupported(origin, "The file looks like XML or SGML markup, which the archive does not read")
        ]
    return READERS[format_name](text, origin, hashlib.sha256(data).hexdigest())


def is_streamed(path: Path, max_bytes: int) -> bool:
    """The file is a JSON export over the size limit, read a record at a time."""
    if FORMAT_BY_SUFFIX.get(path.suffix.lower()) not in STREAMERS:
        return False
    try:
        return path.stat().st_size > max_bytes
    except OSError:
        return False  # reading it will say why


def sniff_format(text: str) -> str | None:
    """The format the decoded text looks like: "html", "json", "jsonl", "text", or None for other markup."""
    start = text.lstrip()[:1000].casefold()
    if start.startswith(("<!doctype html", "<html")) or "<body" in start or "<article" in start:
        return "html"
    if start.startswith("<"):
        return None
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        first_line = text.lstrip().split("\n", 1)[0].rstrip()
        return "jsonl" if first_line.endswith("}") and "\n{" in text.strip() else "json"
    return "text"


def _walk(folder: Path) -> Iterator[Path | FileFailure]:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        yield FileFailure(
            str(folder),
            "unreadable",
            f"The folder cannot be listed ({error.strerror}): check its permissions and ingest it again.",
        )
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):  # no symlinked folders: they can loop
            yield from _walk(Path(entry.path))
        elif entry.is_file() and Path(entry.name).stem.casefold() not in DOCUMENTATION_NAMES:
            yield Path(entry.path).resolve()  # a symlinked file is known by the file it names


def _read_bytes(path: Path, max_bytes: int) -> bytes | FileFailure:
    origin = str(path)
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except IsADirectoryError:
        return FileFailure(origin, "unreadable", "This is a folder, not a file: ingest the folder instead.")
    except OSError as error:
        return FileFailure(
            origin,
            "unreadable",
            f"The file cannot be opened ({error.strerror}): check that it exists and that you may read it.",
        )
    if len(data) > max_bytes:
        return FileFailure(
            origin,
            "too-large",
            f"The file is larger than the {megabytes(max_bytes)} limit: split it into smaller files, "
            "save a large export as JSON Lines (.jsonl, read a record at a time whatever its size), "
            "or raise ARCHIVE_MAX_FILE_BYTES.",
        )
    return data


def _unsupported(origin: str, what: str) -> FileFailure:
    return FileFailure(
        origin,
        "unsupported",
        f"{what}: save the article as plain text (.txt), HTML (.html) or JSON (.json, .jsonl) "
        "and ingest that.",
    )
