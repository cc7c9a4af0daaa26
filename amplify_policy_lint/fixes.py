"""Applying fixes: ``--fix``, ``--unsafe-fixes`` and ``--diff`` (DESIGN.md section 12).

Findings carry their fixes (model.Fix: edits in character offsets of a file's text). Here the
chosen fixes of each file are applied in passes: a pass applies every fix that overlaps no
other (a fix is all of its edits or none), and when some were left over, the files are linted
again from their edited text and the fixes that remain are applied, up to ``MAX_PASSES``.
A text that would not parse, or that parses with new input problems, is never kept. Nothing
is written here unless asked (``write``), and then atomically: a temporary file in the same
directory, the original's permissions, ``os.replace``.
"""
from __future__ import annotations

import os

from .model import Edit, FileError, Finding, Fix, Safety
from .records import NamedTuple

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Iterable, Mapping, Sequence

MAX_PASSES = 5
_BOM = b"\xef\xbb\xbf"


class FixOutcome(NamedTuple):
    """What fixing did: per changed file, its bytes before and after; the fixes applied;
    notes for the user (files left alone, fixes left over)."""

    changes: dict[str, tuple[bytes, bytes]]
    applied: int
    notes: list[str]


def chosen(finding: Finding, unsafe: bool) -> Fix | None:
    fix = finding.fix
    if fix is None or not fix.edits:
        return None
    if fix.safety is Safety.UNSAFE and not unsafe:
        return None
    return fix


def by_file(findings: Iterable[Finding], unsafe: bool) -> dict[str, list[tuple[Finding, Fix]]]:
    """The fixes to apply, by the file they edit (a fix edits one file)."""
    result: dict[str, list[tuple[Finding, Fix]]] = {}
    for finding in findings:
        fix = chosen(finding, unsafe)
        if fix is None or len({edit.file for edit in fix.edits}) != 1:
            continue
        result.setdefault(fix.edits[0].file, []).append((finding, fix))
    return result


def _overlap(a: Edit, b: Edit) -> bool:
    """Two edits that cannot both be applied: they share a character, or both insert at one
    place (which text comes first would be a guess)."""
    if a.start == b.start and (a.start == a.end or b.start == b.end):
        return True
    return a.start < b.end and b.start < a.end


def apply_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, list[Fix], list[Fix]]:
    """``text`` with every fix applied that overlaps none applied before it (in the order of
    their first edit); returns the new text, the fixes applied and those left over. Fixes with
    the same edits (APL102 and APL107 both add the Version) count once."""
    taken: list[Edit] = []
    applied: list[Fix] = []
    left: list[Fix] = []
    seen: set[tuple] = set()
    for fix in sorted(fixes, key=lambda f: min((e.start, e.end) for e in f.edits)):
        key = tuple(sorted((e.start, e.end, e.replacement) for e in fix.edits))
        if key in seen:
            applied.append(fix)
            continue
        edits = list(fix.edits)
        inside = all(0 <= e.start <= e.end <= len(text) for e in edits)
        clash = any(_overlap(a, b) for i, a in enumerate(edits) for b in edits[i + 1:])
        if not inside or clash or any(_overlap(e, t) for e in edits for t in taken):
            left.append(fix)
            continue
        seen.add(key)
        taken.extend(edits)
        applied.append(fix)
    for edit in sorted(taken, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    return text, applied, left


def _decode(data: bytes) -> tuple[bytes, str]:
    """(byte order mark or b"", text): the offsets of edits count from after the mark."""
    bom = _BOM if data.startswith(_BOM) else b""
    return bom, data[len(bom):].decode("utf-8")


def parses_as_well(name: str, before: str, after: str) -> bool:
    """Whether the edited text parses, with no input problem (syntax, duplicate key) that the
    text before did not have."""
    from .linter import file_format
    from .source import parse

    fmt = file_format(name, before)
    source, problems = parse(name, after, fmt)
    if source is None:
        return False
    _, old_problems = parse(name, before, fmt)
    return len(problems) <= len(old_problems)


def fix_report(findings: Sequence[Finding], relint, unsafe: bool) -> FixOutcome:
    """Apply the chosen fixes of ``findings``. ``relint(texts)`` lints the files of the given
    edited contents again (with the files that share principals with them) and returns the
    findings of those files, suppressions applied: it serves the later passes."""
    originals: dict[str, bytes] = {}
    current: dict[str, bytes] = {}
    notes: list[str] = []
    stopped: set[str] = set()  # files whose next pass would not parse: kept as they were before it
    applied_count = 0
    pending = by_file(findings, unsafe)
    for number in range(MAX_PASSES):
        leftovers: dict[str, list[tuple[Finding, Fix]]] = {}
        for name, entries in pending.items():
            if name in stopped:
                continue
            if name not in current:
                try:
                    with open(name, "rb") as handle:
                        originals[name] = current[name] = handle.read()
                except OSError as exc:
                    notes.append(f"{name}: not fixed: {exc.strerror or exc}")
                    stopped.add(name)
                    continue
            bom, text = _decode(current[name])
            new_text, applied, left = apply_fixes(text, [fix for _, fix in entries])
            if not applied:
                continue
            if not parses_as_well(name, text, new_text):
                notes.append(f"{name}: fixes of {', '.join(sorted({f.rule.id for f, _ in entries}))} "
                             "not applied: the edited file would not parse")
                stopped.add(name)
                continue
            current[name] = bom + new_text.encode("utf-8", "surrogatepass")
            applied_count += len(applied)
            if left:
                leftovers[name] = [(f, fix) for f, fix in entries if any(fix is l for l in left)]
        if not leftovers:
            break
        if number == MAX_PASSES - 1:
            for name, entries in leftovers.items():
                notes.append(f"{name}: {len(entries)} overlapping fix{'es' if len(entries) != 1 else ''} "
                             f"left after {MAX_PASSES} passes; run again")
            break
        # Only what was left over is fixed again: a fix that did not resolve its finding is
        # never applied twice.
        wanted = {(f.rule.id, f.token) for entries in leftovers.values() for f, _ in entries}
        relinted = relint({name: data for name, data in current.items() if data != originals[name]})
        pending = by_file((f for f in relinted if (f.rule.id, f.token) in wanted), unsafe)
    changes = {name: (originals[name], data) for name, data in current.items() if data != originals[name]}
    return FixOutcome(changes, applied_count, notes)


def write_atomically(name: str, data: bytes) -> None:
    """Replace the file's content: a temporary file beside it, its permissions, a rename (so a
    reader sees the old file or the new one, never half of one). A symbolic link is kept and
    its target is written."""
    import tempfile

    target = os.path.realpath(name)
    mode = os.stat(target).st_mode & 0o7777
    directory = os.path.dirname(target) or "."
    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp",
                                             dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def unified_diff(changes: Mapping[str, tuple[bytes, bytes]]) -> str:
    """A unified diff (``a/`` and ``b/`` paths, as git writes them) of every changed file."""
    import difflib

    from .escape import for_diff, for_terminal
    from .globs import display_path

    parts = []
    for name in sorted(changes):
        before, after = (_decode(data)[1] for data in changes[name])
        # What a file or its name holds must not drive the terminal or a CI log (escape.py).
        shown = for_terminal(display_path(name)).lstrip("/")  # a/ and b/ prefixes, as git writes them
        lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                     fromfile=f"a/{shown}", tofile=f"b/{shown}")
        for line in map(for_diff, lines):
            parts.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(parts)


def fix_files(report, paths: Sequence[str], settings, unsafe: bool, write: bool):
    """The CLI's step for --fix/--unsafe-fixes (``write``) and --diff: apply the chosen fixes,
    write the files or print the diff, and say what was done on stderr. Returns the report to
    print (under --fix, the findings left in the fixed files) and, for --diff, the exit code
    (1 when there is something to change)."""
    import sys

    from . import PROG
    from .linter import lint_again

    def relint(texts: Mapping[str, bytes]) -> list[Finding]:
        return lint_again(texts, paths, settings)[0].findings

    outcome = fix_report(report.findings, relint, unsafe)
    from .escape import for_terminal, safe_line

    for note in outcome.notes:
        print(safe_line(for_terminal(f"{PROG}: {note}")), file=sys.stderr)
    if not write:
        sys.stdout.write(unified_diff(outcome.changes))
        sys.stdout.flush()
        count = len(outcome.changes)
        print(f"{outcome.applied} fix{'es' if outcome.applied != 1 else ''} in {count} "
              f"file{'s' if count != 1 else ''} (nothing written)", file=sys.stderr)
        return report, 1 if outcome.changes else 0
    written = []
    for name, (_, data) in sorted(outcome.changes.items()):
        try:
            write_atomically(name, data)
        except OSError as exc:
            report.errors.append(FileError(name, f"cannot write the fixed file: {exc.strerror or exc}"))
            continue
        written.append(name)
    if outcome.changes:
        count = len(written)
        print(f"fixed {outcome.applied} finding{'s' if outcome.applied != 1 else ''} in {count} "
              f"file{'s' if count != 1 else ''}", file=sys.stderr)
    if written:
        # What is left in the files linted again replaces what was found in them before.
        fresh, again = lint_again({name: outcome.changes[name][1] for name in written}, paths, settings)
        kept = [f for f in report.findings if os.path.normpath(f.file) not in again or f.rule.id == "APL900"]
        report.findings = sorted(kept + fresh.findings, key=lambda f: f.sort_key)
        report.errors.extend(fresh.errors)
    return report, 0


# ---------------------------------------------------------------------------------------------
# How a fix travels in the machine formats


def fix_json(fix: Fix) -> dict:
    """The JSON output's ``fix``: safety, what it does, and the edits (offsets in code points of
    the text after any byte order mark, and the same places as 1-based lines and columns)."""
    return {
        "safety": fix.safety.value,
        "description": fix.description,
        "edits": [_edit_json(edit) for edit in fix.edits],
    }


def _edit_json(edit: Edit) -> dict:
    entry: dict = {"file": edit.file, "start": edit.start, "end": edit.end}
    if edit.span is not None:
        entry.update(line=edit.span.line, column=edit.span.column,
                     end_line=edit.span.end_line, end_column=edit.span.end_column)
    entry["replacement"] = edit.replacement
    return entry


def sarif_fix(fix: Fix, artifact) -> dict:
    """A SARIF ``fix``: one artifactChange per file, its replacements by line and column (an
    insertion is an empty region); ``artifact(file)`` gives the artifactLocation."""
    changes: dict[str, list[dict]] = {}
    for edit in fix.edits:
        span = edit.span
        if span is None:
            continue
        changes.setdefault(edit.file, []).append({
            "deletedRegion": {"startLine": span.line, "startColumn": span.column,
                              "endLine": span.end_line, "endColumn": span.end_column},
            "insertedContent": {"text": edit.replacement},
        })
    return {
        "description": {"text": f"{fix.description} ({fix.safety.value} fix)"},
        "artifactChanges": [{"artifactLocation": artifact(file), "replacements": replacements}
                            for file, replacements in changes.items()],
        "properties": {"safety": fix.safety.value},
    }


def fixable_note(findings: Iterable[Finding]) -> str:
    """The line the text format adds after its summary when findings have fixes, or ""."""
    safe = sum(1 for f in findings if f.fix is not None and f.fix.safety is Safety.SAFE)
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.safety is Safety.UNSAFE)
    if not safe and not unsafe:
        return ""
    parts = []
    if safe:
        parts.append(f"{safe} fixable with --fix")
    if unsafe:
        parts.append(f"{unsafe} more with --unsafe-fixes" if safe else f"{unsafe} fixable with --unsafe-fixes")
    return f"{', '.join(parts)} (--diff shows the changes)"
