"""The pipeline: path -> source -> located documents -> rules -> findings.

Data flows one way. Rules see documents and principals and yield Violations (JSON paths);
only this module turns them into Findings with positions.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from . import limits
from .config import Settings
from .discover import discover
from .locate import Hints, Located, PrincipalInfo, locate, looks_policy_bearing
from .model import Context, FileError, Finding, Rule, Scope, Severity, Span, Violation
from .policy import PolicyDocument, Principal
from .rules import BY_ID
from .source import InputProblem, InputViolation, LineIndex, Source, decode, decode_loosely, parse


class InternalError(Exception):
    """A bug in the linter (a rule that crashed): reported in one line, exit code 2."""


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files_checked: int = 0
    files_skipped: int = 0
    # Why each skipped file was skipped, for --verbose.
    notes: list[str] = field(default_factory=list)

    def merge(self, other: "Report") -> None:
        self.findings.extend(other.findings)
        self.errors.extend(other.errors)
        self.files_checked += other.files_checked
        self.files_skipped += other.files_skipped
        self.notes.extend(other.notes)


@dataclass(frozen=True)
class Plan:
    """The rules to run, split by scope, with the settings that shape findings."""

    settings: Settings
    document_rules: tuple[Rule, ...]
    principal_rules: tuple[Rule, ...]
    enabled: frozenset[str]
    context: Context

    @classmethod
    def build(cls, settings: Settings) -> "Plan":
        rules = settings.enabled_rules()
        return cls(
            settings=settings,
            document_rules=tuple(r for r in rules if r.scope is Scope.DOCUMENT),
            principal_rules=tuple(r for r in rules if r.scope is Scope.PRINCIPAL),
            enabled=frozenset(r.id for r in rules),
            context=Context(accounts=settings.accounts, assume_complete=settings.assume_complete),
        )


def lint_paths(paths: Sequence[str], settings: Settings) -> Report:
    plan = Plan.build(settings)
    report = Report()
    files, errors = discover(paths, settings.exclude)
    report.errors.extend(errors)
    for group in group_files(files, settings):
        report.merge(lint_group(group, plan))
    report.findings.sort(key=lambda f: f.sort_key)
    return report


def group_files(files: Sequence[str], settings: Settings) -> list[tuple[str, ...]]:
    """Files linted together: one each, except those a configured principal joins."""
    from .principals import principal_groups

    return principal_groups(files, settings.principals)


def lint_group(files: Sequence[str], plan: Plan) -> Report:
    """Lint files whose documents may share principals (one task for --jobs)."""
    report = Report()
    located: list[tuple[str, Located]] = []
    for name in files:
        try:
            outcome = lint_file(name, plan)
        except InternalError as exc:
            report.errors.append(FileError(name, f"internal error: {exc}"))
            continue
        report.merge(outcome.report)
        if outcome.located is not None:
            located.append((name, outcome.located))
    if plan.principal_rules and located:
        try:
            report.findings.extend(_principal_findings(located, plan, group_name(files, plan)))
        except InternalError as exc:
            report.errors.append(FileError(files[0], f"internal error: {exc}"))
    return report


def group_name(files: Sequence[str], plan: Plan) -> str | None:
    from .principals import group_of

    return group_of(files, plan.settings.principals)


@dataclass
class FileOutcome:
    report: Report
    located: Located | None = None


def lint_file(name: str, plan: Plan) -> FileOutcome:
    report = Report()
    hints = Hints(plan.settings.kind, plan.settings.policy_globs)
    try:
        data = read_bytes(name, hints)
    except OSError as exc:
        report.errors.append(FileError(name, _os_error_text(exc)))
        return FileOutcome(report)
    except InputProblem as problem:  # too large
        report.files_checked = 1
        report.findings.append(_input_finding(name, "", InputViolation(
            problem.rule_id, problem.message, 0, 0), plan))
        return FileOutcome(report)
    if data is None:
        report.files_skipped = 1
        report.notes.append(f"{name}: skipped: too large and does not look like a policy")
        return FileOutcome(report)
    try:
        text = decode(data)
    except InputProblem as problem:
        sniffed = decode_loosely(data)
        if not looks_policy_bearing(name, sniffed, hints):
            report.files_skipped = 1
            report.notes.append(f"{name}: skipped: not UTF-8 and does not look like a policy")
            return FileOutcome(report)
        report.files_checked = 1
        offset = problem.offset or 0
        prefix = sniffed[:offset]
        report.findings.append(_input_finding(name, prefix, InputViolation(
            problem.rule_id, problem.message, offset, offset + 1), plan))
        return FileOutcome(report)
    if not looks_policy_bearing(name, text, hints):
        report.files_skipped = 1
        report.notes.append(f"{name}: skipped: mentions no Statement, Resources or template keys")
        return FileOutcome(report)
    source, problems = parse(name, text, file_format(name, text))
    if source is None:
        report.files_checked = 1
        report.findings.extend(_input_finding(name, text, p, plan) for p in problems)
        return FileOutcome(report)
    located = locate(source, hints)
    if not located.documents:
        if hints.forced(name):
            report.files_checked = 1
            report.findings.extend(_input_finding(name, text, p, plan) for p in problems)
        else:
            report.files_skipped = 1
        report.notes.append(f"{name}: skipped: {located.reason}")
        return FileOutcome(report, None)
    report.files_checked = 1
    report.findings.extend(_input_finding(name, text, p, plan) for p in problems)
    for document in located.documents:
        report.findings.extend(_document_findings(document, plan))
    return FileOutcome(report, located)


def read_bytes(name: str, hints: Hints) -> bytes | None:
    """The file's bytes; None for an oversized file that is no policy; APL004 for one that is."""
    with open(name, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size <= limits.MAX_FILE_BYTES:
            return handle.read(limits.MAX_FILE_BYTES + 1)
        head = handle.read(1024 * 1024)
    if looks_policy_bearing(name, decode_loosely(head), hints):
        raise InputProblem("APL004", f"file is {size:,} bytes; the limit is {limits.MAX_FILE_BYTES:,}")
    return None


def file_format(name: str, text: str) -> str:
    extension = os.path.splitext(name)[1].lower()
    if extension == ".json":
        return "json"
    if extension in (".yaml", ".yml"):
        return "yaml"
    # Another extension (a file named on the command line): JSON if it starts like JSON.
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def _os_error_text(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


def _input_finding(name: str, text: str, problem: InputViolation, plan: Plan) -> Finding | None:
    rule = BY_ID[problem.rule_id]
    span = LineIndex(text).span(problem.start, problem.end)
    return Finding(name, span, rule, plan.settings.severity_of(rule, rule.severity), problem.message)


def _document_findings(document: PolicyDocument, plan: Plan) -> Iterator[Finding]:
    for rule in plan.document_rules:
        for violation in _run(rule, document, plan.context, document.file):
            yield _finding(rule, document, violation, plan)


def _principal_findings(located: Sequence[tuple[str, Located]], plan: Plan,
                        group: str | None) -> Iterator[Finding]:
    for principal in build_principals([loc for _, loc in located], group):
        for rule in plan.principal_rules:
            for violation in _run(rule, principal, plan.context, principal.label):
                document = violation.document or principal.documents[0]
                yield _finding(rule, document, violation, plan)


def build_principals(located: Iterable[Located], group: str | None) -> list[Principal]:
    """Documents grouped by principal. A configured group joins its files' file principals."""
    infos: dict[str, PrincipalInfo] = {}
    members: dict[str, list[PolicyDocument]] = {}
    for item in located:
        for info in item.principals:
            key = _group_key(info.id, group)
            known = infos.get(key)
            complete = info.complete and (known.complete if known else True)
            label = f"principal group {group!r}" if key != info.id else info.label
            infos[key] = PrincipalInfo(key, label, complete)
        for document in item.documents:
            for principal_id in document.principals:
                members.setdefault(_group_key(principal_id, group), []).append(document)
    return [Principal(key, infos[key].label, tuple(docs), infos[key].complete)
            for key, docs in members.items() if key in infos]


def _group_key(principal_id: str, group: str | None) -> str:
    if group is not None and principal_id.startswith("file:"):
        return f"group:{group}"
    return principal_id


def _run(rule: Rule, subject: object, context: Context, where: str) -> list[Violation]:
    try:
        return list(rule.check(subject, context))  # type: ignore[misc]
    except Exception as exc:  # noqa: BLE001 - a crashing rule must not hide other files
        raise InternalError(f"rule {rule.id} failed on {where}: {type(exc).__name__}: {exc}") from exc


def _finding(rule: Rule, document: PolicyDocument, violation: Violation, plan: Plan) -> Finding:
    span = document.span(violation.path, violation.part)
    severity = plan.settings.severity_of(rule, violation.severity or rule.severity)
    return Finding(document.file, span, rule, severity, rule.message(violation),
                   tuple(document.base) + tuple(violation.path), violation.detail)


def failing(findings: Iterable[Finding], threshold: Severity) -> bool:
    return any(f.severity.rank >= threshold.rank for f in findings)


__all__ = ["Report", "Plan", "lint_paths", "lint_file", "failing", "InternalError", "Span"]
