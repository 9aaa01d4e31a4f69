"""Bytes to clean text: pick the encoding, refuse binary data, repair mojibake, normalise.

Charset detection guesses wrong on short news text, so the order is fixed: strict UTF-8 (with or
without a BOM), UTF-16 when a BOM says so, else cp1252 with latin-1 for the five bytes cp1252
leaves undefined. ftfy then repairs text that was decoded twice somewhere upstream ("DarÃ¢â‚¬â„¢s"),
keeping typographic quotes, and the result is NFC with LF line ends.
"""

import codecs
import re
import unicodedata

import ftfy

# Share of C0 control characters (other than tab, newline, carriage return, form feed) in the
# decoded text above which a file is taken for binary data rather than text. C1 controls do not
# count: they are what mojibake is made of, and ftfy repairs it.
MAX_CONTROL_SHARE = 0.05
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Control characters still left after repair carry no text (tab and newline excepted).
_STRAY_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_FIXER = ftfy.TextFixerConfig(uncurl_quotes=False, explain=False)

# cp1252 for 0x80-0x9F where it defines a character; the rest stays latin-1 (C1 controls).
_CP1252_UPPER = {}
for _byte in range(0x80, 0xA0):
    try:
        _CP1252_UPPER[_byte] = bytes([_byte]).decode("cp1252")
    except UnicodeDecodeError:
        pass


class DecodeError(ValueError):
    """The bytes are not text this pipeline can read; `code` is "binary" or "undecodable"."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def decode_bytes(data: bytes) -> str:
    """Return the bytes as repaired, NFC-normalised text with LF line ends, or raise DecodeError."""
    return repair_text(_to_str(data))


def repair_text(text: str) -> str:
    """Repair mojibake (keeping curly quotes), drop stray control characters, normalise to NFC and
    turn CRLF/CR into LF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() or "&" in text:  # pure ASCII without entities has nothing ftfy would fix
        text = ftfy.fix_text(text, _FIXER)
    text = _STRAY_CONTROLS.sub("", text)
    return unicodedata.normalize("NFC", text)


def _to_str(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DecodeError(
                "undecodable",
                f"The file starts with a UTF-16 byte-order mark but is not valid UTF-16 ({error.reason} "
                f"at byte {error.start}): save it again as UTF-8 and ingest it again.",
            ) from error
        _refuse_control_heavy(text)
        return text
    if b"\x00" in data:
        raise DecodeError(
            "binary",
            "The file contains NUL bytes, so it is binary data, not text: export the article as "
            "plain text, HTML or JSON and ingest that instead.",
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise DecodeError(
                "undecodable",
                f"The file starts with a UTF-8 byte-order mark but is not valid UTF-8 ({error.reason} "
                f"at byte {error.start}): save it again as UTF-8 and ingest it again.",
            ) from error
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1").translate(_CP1252_UPPER)
    _refuse_control_heavy(text)
    return text


def _refuse_control_heavy(text: str) -> None:
    controls = len(_CONTROL_CHARS.findall(text))
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        raise DecodeError(
            "binary",
            f"{controls} of the file's {len(text)} characters are control characters, so it is binary "
            "data, not text: export the article as plain text, HTML or JSON and ingest that instead.",
        )
