"""Inline suppression directives in YAML comments.

    Resource: "*"  # amplify-policy-lint: disable=APL303 -- the deploy role passes any role
    # amplify-policy-lint: disable=APL303,APL304 -- reviewed in SEC-123
    Resource: "*"

A directive after code on a line applies to findings that start on that line. A directive on a
line of its own applies to the next line that is not a comment (so several directives may be
stacked above one line). Rules are named by id, id prefix or name, comma-separated; the reason
after `` -- `` is optional but recommended. Only real YAML comments count: a ``#`` inside a
quoted or block scalar is content, and is never read as a directive. JSON has no comments:
use ``per-file-ignores`` or the baseline there.
"""
from __future__ import annotations

import bisect
import re

from . import regex
from . import PROG
from .records import Record

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Sequence

# Files whose text lacks this are not scanned at all.
MARK = f"{PROG}:"
# Every '#' that starts a directive-looking text (a lookahead, so that a quoted one does not
# hide a real directive later on the same line).
_CANDIDATE = regex.compile(r"#(?=[ \t]*amplify-policy-lint:)")
_BODY = regex.compile(r"(?:#|//)[ \t]*amplify-policy-lint:(?P<body>[^\r\n]*)")
# Greedy to the last non-space (a lazy ".*?" before "\s*$" is quadratic on long runs of spaces).
_DISABLE = regex.compile(r"\s*disable\s*=\s*(?P<rules>\S(?:.*\S)?)\s*")
USAGE = "expected '# amplify-policy-lint: disable=RULE[,RULE...] -- reason'"


class Directive(Record, slots=False):
    """One directive: where its comment is, which line it applies to, and what it names."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    target: int
    selectors: tuple[str, ...]
    reason: str | None = None
    # Why the comment is not a usable directive (malformed), or None.
    problem: str | None = None


def scan(name: str, text: str, comments: Sequence[int] | None = None,
         line_comments: tuple[str, ...] = ("#",)) -> list[Directive]:
    """The directives in the YAML ``text`` of the file ``name``; for another language, in
    the ``comments`` its reader found (offsets of comments that look like directives), whose
    line comments start with one of ``line_comments``."""
    if MARK not in text:
        return []
    from .source import line_index

    lines = line_index(text)
    line_texts = re.split(r"\r\n|\r|\n", text)
    directives = []
    for offset in (_yaml_candidates(text, lines, line_texts) if comments is None else comments):
        line, column = lines.line_col(offset)
        before = line_texts[line - 1][:column - 1]
        whole = _BODY.match(text, offset)
        body = whole.group("body").rstrip()
        end_column = column + len(whole.group(0).rstrip())
        target = line if before.strip() else _next_code_line(line_texts, line, line_comments)
        rules_text, _, reason = body.partition("--")
        parsed = _DISABLE.fullmatch(rules_text)
        if parsed is None:
            directives.append(Directive(name, line, column, line, end_column, target, (),
                                        problem=USAGE))
            continue
        selectors = tuple(s.strip() for s in parsed.group("rules").split(",") if s.strip())
        directives.append(Directive(name, line, column, line, end_column, target, selectors,
                                    reason.strip() or None))
    return directives


def _yaml_candidates(text: str, lines, line_texts: list[str]) -> list[int]:
    """Offsets of the '#' of each real YAML comment that looks like a directive."""
    scalars, scanned_to = _scalar_ranges(text)
    starts = [start for start, _ in scalars]
    found = []
    for match in _CANDIDATE.finditer(text):
        offset = match.start()
        line, column = lines.line_col(offset)
        before = line_texts[line - 1][:column - 1]
        if before and not before[-1].isspace():
            continue  # "a#b": not a comment
        if offset < scanned_to:
            index = bisect.bisect_right(starts, offset) - 1
            if index >= 0 and scalars[index][0] <= offset < scalars[index][1]:
                continue  # inside a quoted or block scalar: content, not a comment
        elif before.count('"') % 2 or before.count("'") % 2:
            continue  # past a syntax error: a quote left open on this line, so not a comment
        found.append(offset)
    return found


# A line comment ('#' or '//') that starts a directive.
_COMMENT_DIRECTIVE = regex.compile(r"(?:#|//)[ \t]*amplify-policy-lint:")


def looks_like_directive(text: str, offset: int) -> bool:
    """Whether the comment at ``offset`` of ``text`` starts a directive."""
    return _COMMENT_DIRECTIVE.match(text, offset) is not None


def _next_code_line(line_texts: list[str], line: int, comments: tuple[str, ...] = ("#",)) -> int:
    """The first line after ``line`` that is not a comment line (blank lines count as code:
    a directive separated from its line by a blank line applies to nothing)."""
    target = line + 1
    while target <= len(line_texts) and line_texts[target - 1].lstrip().startswith(comments):
        target += 1
    return target


def _scalar_ranges(text: str) -> tuple[list[tuple[int, int]], int]:
    """Character ranges of every scalar token, and how far the scan got (the whole text,
    unless a syntax error stopped it)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    ranges: list[tuple[int, int]] = []
    scanned_to = len(text) + 1
    try:
        for token in yaml.scan(text, Loader=loader):
            if isinstance(token, yaml.ScalarToken):
                ranges.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError as exc:
        # Trust the tokens only up to the start of the construct that failed (an unclosed
        # quote is reported at the end of the file, but starts much earlier).
        marks = [m.index for m in (getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None))
                 if m is not None]
        scanned_to = min(marks) if marks else (ranges[-1][1] if ranges else 0)
    ranges.sort()
    return ranges, scanned_to
