"""Input problems: what stops a file from being read, or is wrong in how it is written.

Readers report them as typed values, placed by character offsets into the file's text; the
input rules (APL001-APL004 in ``rules/``) turn them into findings. No rule id appears here.
"""
from __future__ import annotations

from ..records import Choices, NamedTuple


class Problem(Choices):
    SYNTAX = "syntax"  # not valid JSON or YAML (APL001)
    DUPLICATE_KEY = "duplicate-key"  # a key repeated in one mapping (APL002)
    UNDECODABLE = "undecodable"  # not UTF-8, NUL bytes, a stray BOM (APL003)
    LIMIT = "limit"  # too large, too deep, too many aliases (APL004)


class InputProblem(Exception):
    """A problem that stops a file from being read: its kind, message and offset."""

    def __init__(self, kind: Problem, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.offset = offset


class InputViolation(NamedTuple):
    """An input problem placed by character offsets into the text (end exclusive)."""

    kind: Problem
    message: str
    start: int
    end: int


def duplicate_key(key: object, line: int, column: int, start: int, end: int) -> InputViolation:
    """A key written again in one mapping, at ``start``-``end``; the first at ``line:column``."""
    return InputViolation(Problem.DUPLICATE_KEY, f"duplicate key {key!r} (first defined at {line}:{column}); "
                          "only the last value is used", start, end)
