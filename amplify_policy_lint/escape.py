"""Text from files made safe to show: on a terminal, in a CI log, in a JSON or XML document.

A file's name and content are whatever its author wrote. Printed raw, a line break in a staged
file's name starts a new line that GitHub Actions reads as a workflow command (``::add-mask::``,
``::error``), an ESC sequence clears the screen or sets the terminal title, and a right-to-left
override makes a line read differently from what it says. So:

- ``for_terminal`` is applied to everything human-readable that holds text from a file or its
  name (text output, stderr lines, ``--verbose`` notes): control characters (C0, DEL, C1), the
  bidirectional marks, embeddings, overrides and isolates, and the Unicode line and paragraph
  separators become visible escapes (``\\n``, ``\\x1b``, ``\\u202e``).
- ``no_surrogates`` is applied to the machine formats (JSON, SARIF, GitLab, JUnit), which keep
  every other value exact in their own escaping. A file name that is not UTF-8 reaches Python
  with each undecodable byte as a lone surrogate (U+DC80-U+DCFF, "surrogateescape"), which no
  UTF-8 document can hold and strict JSON readers reject; such a byte is written ``\\xNN`` (the
  byte's value in hex, as ``bytes.decode(..., "backslashreplace")`` writes it), and any other
  lone surrogate (a JSON ``\\ud800`` escape in a file) ``\\uXXXX``. SARIF URIs percent-encode the
  original bytes instead (``%FF``), which is exact.

A backslash is not itself escaped: names and messages stay as people wrote them, at the cost
that a literal ``\\n`` and an escaped line break look alike.
"""
from __future__ import annotations

import re

from . import caching

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# C0, DEL and C1 controls; LRM/RLM; line and paragraph separators; bidi embeddings and
# overrides (U+202A-U+202E) and isolates (U+2066-U+2069); surrogates (only lone ones occur).
# Compiled on first use: most runs print plain ASCII and never need them.
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_UNSAFE_IN_LINES = "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_SURROGATE = "[\ud800-\udfff]"


@caching.lru_cache(maxsize=None)
def _pattern(source: str) -> "re.Pattern[str]":
    return re.compile(source)


def _escape(match: "re.Match[str]") -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def _escape_surrogate(match: "re.Match[str]") -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """``text`` with no character that could move the cursor, end the line, change the
    terminal's state or reorder what is shown; each is written as a visible escape. The
    GitHub runner's legacy command prefix ``##[`` (recognised anywhere in a line of a job's
    log) is written ``#\\x23[``."""
    if not (text.isascii() and text.isprintable()):
        text = _pattern(_UNSAFE).sub(_escape, text)
    if "##[" in text:
        text = text.replace("##[", "#\\x23[")
    return text


def for_log(text: str) -> str:
    """``for_terminal``, except that line breaks stay: for text whose format encodes them
    itself (GitHub workflow commands write them %0A and %0D)."""
    if not (text.isascii() and text.isprintable()):
        text = _pattern(_UNSAFE_IN_LINES).sub(_escape, text)
    if "##[" in text:
        text = text.replace("##[", "#\\x23[")
    return text


def for_diff(line: str) -> str:
    """One line of a unified diff of a file, its line break kept: as ``for_terminal``, except
    that a tab stays (files are indented with tabs, and the diff should still apply), and a
    line that the CI runner would read as a workflow command is escaped (``safe_line``)."""
    body = line.rstrip("\r\n")
    end = line[len(body):]
    if not (body.isascii() and body.isprintable()):
        body = "\t".join(for_terminal(part) for part in body.split("\t"))
    elif "##[" in body:
        body = body.replace("##[", "#\\x23[")
    return safe_line(body) + end


def safe_line(line: str) -> str:
    """One line of human-readable output that no CI runner takes for a workflow command:
    the runner reads a line that starts, after white space, with ``::`` as one, so such a
    line's first colon is written ``\\x3a``."""
    stripped = line.lstrip()
    if stripped.startswith("::"):
        return line[:len(line) - len(stripped)] + "\\x3a" + stripped[1:]
    return line


def no_surrogates(text: str) -> str:
    """``text`` without lone surrogates (see the module's notes for how they are written)."""
    if text.isascii():
        return text
    return _pattern(_SURROGATE).sub(_escape_surrogate, text)


def has_surrogates(text: str) -> bool:
    return not text.isascii() and _pattern(_SURROGATE).search(text) is not None


def clean(value):
    """A JSON-like value (dicts, lists, strings, numbers) with ``no_surrogates`` applied to
    every string in it, keys included."""
    if isinstance(value, str):
        return no_surrogates(value)
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(item) for item in value]
    return value


def json_text(document, indent: int | None = 2) -> str:
    """``document`` as JSON text: UTF-8 safe (no lone surrogate in any string), and with
    ``##[`` written ``#\\u0023[`` (the same string to any JSON reader) so that a job log
    that shows the report runs no legacy runner command."""
    import json

    text = json.dumps(document, indent=indent, ensure_ascii=False)
    if has_surrogates(text):  # rare: walk the document only when it needs it
        text = json.dumps(clean(document), indent=indent, ensure_ascii=False)
    if "##[" in text:  # only inside strings: the document's own syntax has no '#'
        text = text.replace("##[", "#\\u0023[")
    return text
