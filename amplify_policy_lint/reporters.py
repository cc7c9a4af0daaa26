"""Findings to text for people and machines. Each reporter takes the Report and returns the
whole output; none prints. ``REPORTERS`` maps the ``--format`` names to them.

Paths in machine formats are relative to the current directory (where CI runs the linter: the
repository root) with ``/`` separators; files outside it keep their absolute path (a ``file://``
URI in SARIF). SARIF and GitLab fingerprints hash what a finding is (file, rule, the JSON path's
keys and the offending text), never a line number or a statement index (see ``fingerprints``).
"""
from __future__ import annotations

import json
import os

from . import PROG
from .escape import for_log, for_terminal, json_text, safe_line
from .report import Report
from .model import Finding, Rule, Severity

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Callable, Sequence

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_RESET = "\033[0m"


# ---------------------------------------------------------------------------------------------
# text (people)


def text(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """``path:line:col: ID severity message [name]``, one line per finding; with ``verbose``,
    a finding's detail (such as a statement to paste) follows it, indented. Everything that
    came from a file or its name is escaped for the terminal (see escape.py)."""
    lines = []
    for f in report.findings:
        severity = f.severity.value
        if colour:
            severity = f"{_COLOURS[f.severity]}{severity}{_RESET}"
        origin = f" (defined at {text_path(f.origin.file)}:{f.origin.line}:{f.origin.column})" if f.origin else ""
        lines.append(safe_line(f"{text_path(f.file)}:{f.span.line}:{f.span.column}: {f.rule.id} {severity} "
                               f"{for_terminal(f.message)} [{f.rule.name}]{origin}"))
        if verbose and f.detail:
            lines.extend(safe_line("    " + for_terminal(line)) for line in f.detail.splitlines())
    return "".join(line + "\n" for line in lines)


def text_path(file: str) -> str:
    """A file name as the text format and stderr show it: escaped for the terminal, and
    written ``./NAME`` when the name itself would start the line with white space or a
    colon (a file named ``::error::x.json`` must not make a workflow command)."""
    shown = for_terminal(file)
    if shown[:1] in (":", "#") or shown[:1].isspace():
        return "./" + shown
    return shown


def summary(report: Report) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
    parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in
             ((Severity.ERROR, counts[Severity.ERROR]), (Severity.WARNING, counts[Severity.WARNING]),
              (Severity.INFO, counts[Severity.INFO])) if n]
    checked = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''} checked"
    suppressed = sum(report.suppressed.values())
    if suppressed:
        how = ", ".join(f"{n} {what}" for what, n in report.suppressed.items())
        checked += f"; {suppressed} suppressed ({how})"
    if not parts:
        return f"no findings; {checked}"
    return f"{', '.join(parts)}; {checked}"


# ---------------------------------------------------------------------------------------------
# json (fixed fields, DESIGN.md section 8)


def finding_json(f: Finding) -> dict:
    entry = {
        "file": f.file,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "rule_id": f.rule.id,
        "rule_name": f.rule.name,
        "severity": f.severity.value,
        "message": f.message,
        "json_path": list(f.path),
    }
    if f.detail:
        entry["detail"] = f.detail
    if f.origin is not None:  # where the CDK app created the construct (cloud_assembly.py)
        entry["source"] = {"file": f.origin.file, "line": f.origin.line, "column": f.origin.column}
    if f.fix is not None:
        from .fixes import fix_json

        entry["fix"] = fix_json(f.fix)
    return entry


def json_report(report: Report, colour: bool = False, verbose: bool = False) -> str:
    document = {
        "version": 1,
        "findings": [finding_json(f) for f in report.findings],
        "files_checked": report.files_checked,
        "files_skipped": report.files_skipped,
        "errors": [{"file": e.file, "message": e.message} for e in report.errors],
    }
    return json_text(document) + "\n"


# ---------------------------------------------------------------------------------------------
# Shared by the CI formats


def display_path(file: str) -> str:
    """``file`` relative to the current directory with ``/`` separators, or absolute when it
    lies outside it."""
    from .globs import display_path as shown  # globs is only needed once there is output

    return shown(file)


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """A stable identity per finding, for SARIF ``partialFingerprints`` and GitLab
    ``fingerprint``: what the finding is, never where it happens to sit.

    The hash covers the file, the rule, the JSON path without its list indexes (the keys that
    name the template resource, the policy property and the statement element: inserting,
    removing or reordering statements changes indexes only) and the offending text without
    white space (reformatting changes white space only). Findings that share all of that are
    exact repeats; they are numbered in the order of their messages (digits left out: a
    message may name a line) and then of their position, and the number is mixed in.
    """
    keys = [_fingerprint_material(f) for f in findings]
    order = sorted(range(len(findings)), key=lambda i: (keys[i], _message_key(findings[i].message), i))
    result = [""] * len(findings)
    previous, count = None, 0
    for i in order:
        count = count + 1 if keys[i] == previous else 1
        previous = keys[i]
        digest = _hash(keys[i])
        result[i] = digest if count == 1 else _hash(f"{digest}:{count}")
    return result


# Of the offending text, this many characters (white space left out) identify a finding.
FINGERPRINT_TOKEN = 200


def _fingerprint_material(f: Finding) -> str:
    shape = [part for part in f.path if not isinstance(part, int)]
    token = "".join(f.token.split())[:FINGERPRINT_TOKEN]
    return "\0".join((display_path(f.file), f.rule.id, json.dumps(shape, ensure_ascii=False), token))


def _message_key(message: str) -> str:
    return "".join(char for char in message if not char.isdigit())


def _hash(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------
# sarif (SARIF 2.1.0 for GitHub code scanning and other viewers)

_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "amplifyPolicyLint/v2"


def sarif(report: Report, colour: bool = False, verbose: bool = False) -> str:
    from . import __version__
    from .docs import HOME

    kept, left_out = _within_result_limit(report.findings)
    rules = sorted({f.rule.id: f.rule for f, _ in kept}.values(), key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    for f, fingerprint in kept:
        properties: dict = {"jsonPath": list(f.path)}
        if f.detail:
            properties["detail"] = f.detail
        results.append({
            "ruleId": f.rule.id,
            "ruleIndex": index[f.rule.id],
            "level": _SARIF_LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact(f.file),
                "region": {"startLine": f.span.line, "startColumn": f.span.column,
                           "endLine": f.span.end_line, "endColumn": max(f.span.end_column, 1)},
            }}],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
            "properties": properties,
        })
        if f.origin is not None:  # where the CDK app created the construct (cloud_assembly.py)
            results[-1]["relatedLocations"] = [{
                "id": 1,
                "physicalLocation": {"artifactLocation": _artifact(f.origin.file),
                                     "region": {"startLine": f.origin.line, "startColumn": f.origin.column}},
                "message": {"text": "the construct is defined here"},
            }]
        if f.fix is not None:
            from .fixes import sarif_fix

            results[-1]["fixes"] = [sarif_fix(f.fix, _artifact)]
    invocation: dict = {"executionSuccessful": not report.errors}
    notifications = [
        {"level": "error", "message": {"text": error.message},
         "locations": [{"physicalLocation": {"artifactLocation": _artifact(error.file)}}]}
        for error in report.errors]
    if left_out:
        notifications.append({"level": "warning", "descriptor": {"id": "results-left-out"}, "message": {"text": (
            f"{left_out:,} more finding{'s were' if left_out != 1 else ' was'} left out: GitHub code scanning "
            f"keeps at most {MAX_SARIF_RESULTS:,} results per run, and these are the most severe "
            f"{MAX_SARIF_RESULTS:,}; the text or json format lists every finding")}})
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {"driver": {"name": PROG, "version": __version__, "informationUri": HOME,
                            "rules": [_sarif_rule(rule) for rule in rules]}},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": results,
    }
    document = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json_text(document) + "\n"


def _sarif_rule(rule: Rule) -> dict:
    from .docs import explain, explain_markdown, help_uri
    from .taxonomy import security_severity, tags

    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": explain(rule), "markdown": explain_markdown(rule)},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": _SARIF_LEVELS[rule.severity]},
        "properties": {"tags": tags(rule), "security-severity": security_severity(rule)},
    }


# GitHub code scanning stores the first 5,000 results of a run (by severity) and rejects a run of
# more than 25,000: a run holds at most this many, the most severe first.
MAX_SARIF_RESULTS = 5_000


def _within_result_limit(findings: Sequence[Finding]) -> tuple[list[tuple[Finding, str]], int]:
    """(finding, fingerprint) for the results a SARIF run holds, in report order, and how
    many were left out. Fingerprints are computed over every finding, so that a finding's
    identity does not depend on the cut."""
    pairs = list(zip(findings, fingerprints(findings)))
    if len(pairs) <= MAX_SARIF_RESULTS:
        return pairs, 0
    ranked = sorted(range(len(pairs)), key=lambda i: (-pairs[i][0].severity.rank, i))
    chosen = sorted(ranked[:MAX_SARIF_RESULTS])
    return [pairs[i] for i in chosen], len(pairs) - MAX_SARIF_RESULTS


def _artifact(file: str) -> dict:
    from urllib.parse import quote

    path = display_path(file)
    if os.path.isabs(path):
        uri = "file://" + quote(os.path.abspath(file).replace(os.sep, "/"), safe="/", errors="surrogateescape")
        if not uri.startswith("file:///"):
            uri = "file:///" + uri[len("file://"):]
        return {"uri": uri}
    return {"uri": quote(path, safe="/", errors="surrogateescape"), "uriBaseId": "%SRCROOT%"}


# ---------------------------------------------------------------------------------------------
# github (workflow commands: annotations on the pull request)

_GITHUB_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _github_data(text: str) -> str:
    return for_log(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """One workflow command per finding. Values are escaped as GitHub documents (``%``, CR
    and LF in data; also ``:`` and ``,`` in properties), so each command is one line and no
    other line starts with ``::``; other control and bidirectional characters are escaped as
    in the text format (escape.for_log)."""
    lines = []
    for f in report.findings:
        span = f.span
        props = [("file", display_path(f.file)), ("line", span.line)]
        # GitHub accepts columns only for an annotation on a single line.
        if span.end_line == span.line:
            props.append(("col", span.column))
        props.append(("endLine", span.end_line))
        if span.end_line == span.line:
            props.append(("endColumn", span.end_column))
        props.append(("title", f"{f.rule.id} {f.rule.name}"))
        message = f.message if not f.detail else f"{f.message}\n\n{f.detail}"
        lines.append(_github_command(_GITHUB_LEVELS[f.severity], props, message))
    for error in report.errors:
        lines.append(_github_command("error", [("file", display_path(error.file)), ("title", PROG)],
                                     error.message))
    return "".join(line + "\n" for line in lines)


def _github_command(level: str, props: list, message: str) -> str:
    rendered = ",".join(f"{key}={_github_property(str(value))}" for key, value in props)
    return f"::{level} {rendered}::{_github_data(message)}"


# ---------------------------------------------------------------------------------------------
# gitlab (Code Quality report)

_GITLAB_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def gitlab(report: Report, colour: bool = False, verbose: bool = False) -> str:
    issues = []
    for f, fingerprint in zip(report.findings, fingerprints(report.findings)):
        issues.append({
            "type": "issue",
            "check_name": f.rule.id,
            "description": f"{f.rule.id} {f.message} [{f.rule.name}]",
            "severity": _GITLAB_SEVERITIES[f.severity],
            "fingerprint": fingerprint,
            "location": {"path": display_path(f.file),
                         "lines": {"begin": f.span.line, "end": f.span.end_line}},
        })
    # A file that could not be read at all (missing, a directory, no permission) is an issue
    # too: the widget must not look clean when a file was never checked.
    for error in report.errors:
        path = display_path(error.file)
        issues.append({
            "type": "issue",
            "check_name": FILE_NOT_CHECKED,
            "description": f"{path} was not checked: {error.message} [{FILE_NOT_CHECKED}]",
            "severity": "major",
            "fingerprint": _hash("\0".join((path, FILE_NOT_CHECKED, error.message))),
            "location": {"path": path, "lines": {"begin": 1, "end": 1}},
        })
    return json_text(issues) + "\n"


FILE_NOT_CHECKED = "file-not-checked"


# ---------------------------------------------------------------------------------------------
# junit (one test case per finding)


def junit(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """JUnit XML, written here rather than by ElementTree: ElementTree leaves a line break in
    text content raw, and a file name holding one would start a line of the report (which CI
    logs may show) with text from the file. Here line breaks in values are character
    references, so every line of the document is markup."""
    findings, errors = report.findings, report.errors
    cases = max(len(findings) + len(errors), 1)
    counts = {"tests": str(cases), "failures": str(len(findings)), "errors": str(len(errors))}
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           _xml_open(0, "testsuites", {"name": PROG, **counts}),
           _xml_open(1, "testsuite", {"name": PROG, **counts, "skipped": "0"})]
    names: dict[str, int] = {}

    def unique(name: str) -> str:
        names[name] = names.get(name, 0) + 1
        return name if names[name] == 1 else f"{name} ({names[name]})"

    for f in findings:
        path = display_path(f.file)
        body = f"{path}:{f.span.line}:{f.span.column}: {f.rule.id} {f.severity.value} {f.message} [{f.rule.name}]"
        if f.detail:
            body += "\n" + f.detail
        out.append(_xml_open(2, "testcase", {"classname": path,
                                             "name": unique(f"{path}:{f.span.line}:{f.span.column} {f.rule.id}")}))
        out.append(_xml_leaf(3, "failure", {"message": f.message, "type": f"{f.rule.id} {f.rule.name}"}, body))
        out.append("    </testcase>")
    for error in errors:
        path = display_path(error.file)
        out.append(_xml_open(2, "testcase", {"classname": path, "name": unique(f"{path} (not checked)")}))
        out.append(_xml_leaf(3, "error", {"message": error.message}, f"{path}: {error.message}"))
        out.append("    </testcase>")
    if not findings and not errors:
        out.append(_xml_leaf(2, "testcase", {"classname": PROG, "name": "no findings"}, None))
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def _xml_open(depth: int, tag: str, attributes: dict[str, str]) -> str:
    rendered = "".join(f' {key}="{_xml(value, attribute=True)}"' for key, value in attributes.items())
    return f"{'  ' * depth}<{tag}{rendered}>"


def _xml_leaf(depth: int, tag: str, attributes: dict[str, str], text: str | None) -> str:
    opening = _xml_open(depth, tag, attributes)
    if text is None:
        return opening[:-1] + " />"
    return f"{opening}{_xml(text)}</{tag}>"


_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;"}
_XML_ATTRIBUTE_ESCAPES = {**_XML_ESCAPES, '"': "&quot;", "\t": "&#9;"}


def _xml(text: str, attribute: bool = False) -> str:
    """``text`` as XML character data: markup characters and line breaks as references
    (exact: an XML reader gets the original back); the characters XML 1.0 cannot hold at
    all (other control characters, U+FFFE/U+FFFF) as ``\\uXXXX`` and lone surrogates as
    escape.no_surrogates writes them, so that the document stays well formed; ``##[`` as
    ``#&#35;[``, the same text to a reader, no legacy command to a CI runner's log."""
    escapes = _XML_ATTRIBUTE_ESCAPES if attribute else _XML_ESCAPES
    out = []
    for char in text:
        replacement = escapes.get(char)
        if replacement is not None:
            out.append(replacement)
            continue
        code = ord(char)
        if (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                or 0x10000 <= code <= 0x10FFFF):
            out.append(char)
        elif 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(f"\\u{code:04x}")
    result = "".join(out)
    return result.replace("##[", "#&#35;[") if "##[" in result else result


REPORTERS: dict[str, Callable[..., str]] = {
    "text": text,
    "json": json_report,
    "sarif": sarif,
    "github": github,
    "gitlab": gitlab,
    "junit": junit,
}
