"""The pipeline, in named stages (ARCHITECTURE.md):

* per file (``lint_file``): read (``_read``: bytes to a Source), locate (``_locate``:
  documents and principals), check (``_check``: document rules to violations), position
  (``_finding``: a violation's JSON path to a span in the file);
* per group of files (``lint_group``): the principal rules over the group's principals;
* per run (``lint_paths``): discover, group, lint the groups (here or in --jobs workers),
  filter (``_filter``: configuration, directives, baseline).

Data flows one way. Rules see documents and principals and yield Violations (JSON paths);
only this module turns them into Findings with positions.
"""
from __future__ import annotations

import gc
import itertools
import os

from . import PROG, amplify_layout, cloud_assembly, inputs, limits
from .config import Settings
from .context import Context
from .discover import Skipped, discover
from .inputs import Located, PrincipalInfo
from .locate import Hints, detect_kind, locate, looks_policy_bearing, own_syntax
from .model import FileError, Finding, Fix, PrincipalKey, Rule, Scope, Severity, Span, Violation, one_line
from .policy import PolicyDocument, Principal, statement_list
from .principals import context_files, group_of, principal_groups
from .records import NamedTuple, replace
from .report import Report
from .rules import LIMIT_RULE_ID, SERVICES_ASKED, Facts, RuleRef, by_id, rule_for_problem
from .source import InputProblem, InputViolation, Problem, Source, decode, decode_loosely, line_index, parse

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Callable, Iterable, Iterator, Mapping, Sequence


class InternalError(Exception):
    """A bug in the linter (a rule that crashed): reported in one line, exit code 2."""


class Plan(NamedTuple):
    """The rules to run, split by scope, with the settings that shape findings."""

    settings: Settings
    document_rules: tuple[RuleRef, ...]
    principal_rules: tuple[RuleRef, ...]
    enabled: frozenset[str]
    context: Context
    # The document rules that apply, by a document's facts: a run lints thousands of documents
    # of a few kinds and shapes. Filled as the run goes (each --jobs worker builds its own plan).
    applicable: dict

    @classmethod
    def build(cls, settings: Settings) -> "Plan":
        rules = settings.enabled_rules()
        return cls(
            settings=settings,
            document_rules=tuple(r for r in rules if r.scope is Scope.DOCUMENT),
            principal_rules=tuple(r for r in rules if r.scope is Scope.PRINCIPAL),
            enabled=frozenset(r.id for r in rules),
            context=Context(accounts=settings.accounts, assume_complete=settings.assume_complete,
                            size_quotas=settings.size_quotas, cache_dir=settings.cache_dir),
            applicable={},
        )


def lint_paths(paths: Sequence[str], settings: Settings,
               progress: Callable[[int, int], None] | None = None, resume_collector: bool = False) -> Report:
    """Lint ``paths``. ``progress(done, total)`` is called after each group of files.
    ``resume_collector``: the caller paused the cycle collector for the run's start-up (see
    cli.main); it is turned back on once the first group is linted. A bad baseline file
    raises config.ConfigError."""
    plan = Plan.build(settings)
    report = Report()
    skipped = Skipped()
    files, errors = discover(paths, settings.exclude, settings.base_dir, respect_gitignore=settings.respect_gitignore,
                             skip_generated=settings.skip_generated, skipped=skipped)
    report.errors.extend(errors)
    report.notes.extend(skipped.notes)
    report.files_skipped += skipped.files
    done = 0
    linted = {os.path.normpath(f) for f in files}
    tasks = [(group, context_files(group, linted, settings.principals, settings.base_dir, settings.exclude))
             for group in group_files(files, settings)]
    # What is alive between two groups lives for the run (the modules the first group
    # imported, the catalog read so far, caches, the findings): moved out of the collector's
    # sight, its full collections no longer walk it again and again (on the managed corpus
    # they took 7% of the run). Given back at the end; left alone when the caller froze
    # objects itself.
    freezing = gc.get_freeze_count() == 0
    try:
        for outcome, count in _lint_tasks(tasks, plan, len(files)):
            report.merge(outcome)
            done += count
            if progress is not None:
                progress(done, len(files))
            if freezing:
                gc.freeze()
            if resume_collector:
                gc.enable()
                resume_collector = False
    finally:
        if freezing:
            gc.unfreeze()
    _filter(report, settings, plan, paths)
    return report


def _filter(report: Report, settings: Settings, plan: Plan, paths: Sequence[str]) -> None:
    """The last stage, filter: configuration, inline directives and the baseline drop what
    they suppress; repeats go; findings end up in file and position order."""
    if report.directives or settings.per_file_ignores or settings.baseline:
        from .filters import apply  # only runs that suppress something need it (start-up speed)

        outcome = apply(report.findings, report.directives, settings, plan.enabled, paths)
        report.findings, report.suppressed = outcome.findings, outcome.suppressed
    # a file() JSON policy may be linted on its own too; a template of a cloud assembly points at its app
    report.findings = cloud_assembly.with_origins(_unique(report.findings))
    report.findings.sort(key=lambda f: f.sort_key)


def lint_again(texts: Mapping[str, bytes], paths: Sequence[str],
               settings: Settings) -> tuple[Report, frozenset[str]]:
    """Lint the files of ``texts`` again from those contents (what --fix has made of them), with
    the files that share principals with them, suppressions applied as in ``lint_paths`` (unused
    ones are not reported: the run's first lint did that). Returns the report and the files
    linted again (normalised)."""
    settings = settings._replace(report_unused_suppressions=False)
    plan = Plan.build(settings)
    files, _ = discover(paths, settings.exclude, settings.base_dir)
    linted = {os.path.normpath(f) for f in files}
    wanted = {os.path.normpath(name) for name in texts}
    report = Report()
    again: set[str] = set()
    for group in group_files(files, settings):
        if any(os.path.normpath(name) in wanted for name in group):
            context = context_files(group, linted, settings.principals, settings.base_dir, settings.exclude)
            report.merge(lint_group(group, plan, context, texts))
            again.update(os.path.normpath(name) for name in group)
    _filter(report, settings, plan, paths)
    return report, frozenset(again)


# Below this many files, --jobs lints in this process: starting workers, each reading the
# catalog services it needs, costs more than a few dozen files take. (--help says 50.)
PARALLEL_MIN_FILES = 50


def _lint_tasks(tasks: list[tuple[tuple[str, ...], tuple[str, ...]]], plan: Plan,
                file_count: int) -> Iterator[tuple[Report, int]]:
    """(report, number of files) per group of files, or per chunk of groups with --jobs; in order."""
    jobs = plan.settings.jobs
    if jobs > 1 and file_count >= PARALLEL_MIN_FILES and len(tasks) > 1:
        from .parallel import lint_in_processes  # multiprocessing only for --jobs (start-up speed)

        yield from lint_in_processes(tasks, plan.settings, jobs, _start_worker, _lint_chunk)
        return
    for group, context in tasks:
        yield lint_group(group, plan, context), len(group)


_worker_plan: "Plan | None" = None  # a --jobs worker's plan, built once per process


def _start_worker(settings: Settings) -> None:
    global _worker_plan
    gc.enable()  # a forked worker starts with its parent's collector, which cli.main may have paused
    _worker_plan = Plan.build(settings)


def _lint_chunk(chunk: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> Report:
    """A --jobs worker's task: groups of files, merged in order."""
    assert _worker_plan is not None
    report = Report()
    for group, context in chunk:
        report.merge(lint_group(group, _worker_plan, context))
    return report


def group_files(files: Sequence[str], settings: Settings) -> list[tuple[str, ...]]:
    """Files linted together: one each, except those a configured principal joins."""
    return principal_groups(files, settings.principals, settings.base_dir)


def lint_group(files: Sequence[str], plan: Plan, context: Sequence[str] = (),
               texts: Mapping[str, bytes] | None = None) -> Report:
    """Lint files whose documents may share principals (one task for --jobs).

    ``context`` files hold more policies of the same principals: they are read for the
    principal rules only, and nothing is reported about them. ``texts`` holds the content of
    files as --fix has edited them so far (read instead of the file).
    """
    report = Report()
    located: list[tuple[str, Located]] = []
    texts = texts or {}
    for name in files:
        try:
            outcome = lint_file(name, plan, texts.get(name))
        except InternalError as exc:
            report.errors.append(FileError(name, f"internal error: {exc}"))
            continue
        report.merge(outcome.report)
        if outcome.located is not None:
            located.append((name, outcome.located))
    if plan.principal_rules and located:
        context_located = [(name, _context_located(name, plan, texts.get(name))) for name in context]
        # Findings placed in a context file's documents are not reported: it was not asked for.
        hidden = {id(d) for _, item in context_located for d in item.documents}
        located.extend(context_located)
        try:
            report.findings.extend(f for f, document in _placed_principal_findings(located, plan, group_name(files, plan))
                                   if id(document) not in hidden)
        except InternalError as exc:
            report.errors.append(FileError(files[0], f"internal error: {exc}"))
    for _, item in located:
        for document in item.documents:
            document.forget_queries()  # freed by reference counting, without waiting for the collector
    report.findings = _unique(report.findings)
    return report


def _unique(findings: list[Finding]) -> list[Finding]:
    """Findings without repeats: one statement may be part of several documents (a Terraform
    policy document merged into another through source_policy_documents, a JSON file read by
    file() and linted on its own too)."""
    seen: set[tuple] = set()
    unique = []
    for finding in findings:
        key = (finding.file, finding.span, finding.rule.id, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _context_located(name: str, plan: Plan, data: bytes | None = None) -> Located:
    """The documents of a context file; when it cannot be read, its principals are
    unknown territory, so they are marked incomplete (absence rules then stay quiet)."""
    context_plan = plan._replace(document_rules=())
    try:
        outcome = lint_file(name, context_plan, data)
    except InternalError:
        outcome = FileOutcome(Report())
    if outcome.located is not None and not outcome.report.findings:
        return outcome.located
    directory = amplify_layout.function_dir(name)
    if directory is None:
        if outcome.located is not None:  # a module's file (Terraform): its directory's principals were judged whole
            return outcome.located
        # A member of a configured principal group that cannot be read: the group cannot be judged.
        return Located((), (PrincipalInfo(PrincipalKey("file", name), f"the policies of {name}", False),))
    unknown = PrincipalInfo(amplify_layout.function_principal(directory), f"the function role of {directory}", False)
    documents = outcome.located.documents if outcome.located is not None else ()
    principals = outcome.located.principals if outcome.located is not None else ()
    return Located(documents, (*principals, unknown))


def group_name(files: Sequence[str], plan: Plan) -> str | None:
    return group_of(files, plan.settings.principals, plan.settings.base_dir)


class FileOutcome(NamedTuple):
    report: Report
    located: Located | None = None


def lint_file(name: str, plan: Plan, data: bytes | None = None) -> FileOutcome:
    """Lint one file (its bytes are read, unless ``data`` gives them), in stages: read
    (bytes to a Source), locate (its documents and principals), check (rules to violations,
    placed as findings). Each stage records what ends the file's way in ``report``."""
    report = Report()
    hints = Hints(plan.settings.kind, plan.settings.policy_globs, plan.settings.base_dir)
    read = _read(name, data, hints, plan, report)
    if read is None:
        return FileOutcome(report)
    text, source, problems = read
    located = _locate(name, text, source, problems, hints, plan, report)
    if located is None:
        return FileOutcome(report)
    _check(name, text, located, problems, plan, report)
    return FileOutcome(report, located)


class _Read(NamedTuple):
    text: str
    source: Source
    problems: list[InputViolation]  # duplicate keys and the like: the file was read all the same


def _read(name: str, data: bytes | None, hints: Hints, plan: Plan, report: Report) -> _Read | None:
    """Stage 1, read: bytes to text to a Source. None when the file ends here (unreadable,
    skipped, or a syntax error, which is then in ``report``)."""
    if hints.kind == "auto" and cloud_assembly.skipped(name):
        report.files_skipped = 1
        report.notes.append(f"{name}: skipped: part of a CDK cloud assembly that holds no template")
        return None
    try:
        if data is None:
            data = read_bytes(name, hints)
    except OSError as exc:
        report.errors.append(FileError(name, _os_error_text(exc)))
        return None
    except InputProblem as problem:  # too large
        report.files_checked = 1
        report.findings.append(_input_finding(name, "", InputViolation(
            problem.kind, problem.message, 0, 0), plan))
        return None
    if data is None:
        report.files_skipped = 1
        report.notes.append(f"{name}: skipped: too large and does not look like a policy")
        return None
    try:
        text = decode(data)
    except InputProblem as problem:
        sniffed = decode_loosely(data)
        if not looks_policy_bearing(name, sniffed, hints):
            report.files_skipped = 1
            report.notes.append(f"{name}: skipped: not UTF-8 and does not look like a policy")
            return None
        report.files_checked = 1
        offset = problem.offset or 0
        prefix = sniffed[:offset]
        # One character wide, unless the file has none there (a UTF-16 BOM and nothing else).
        report.findings.append(_input_finding(name, prefix, InputViolation(
            problem.kind, problem.message, offset, max(offset, min(offset + 1, len(sniffed)))), plan))
        return None
    if not looks_policy_bearing(name, text, hints):
        report.files_skipped = 1
        own = own_syntax(name, hints)
        report.notes.append(f"{name}: skipped: " + (f"mentions none of the {own.name} IAM markers" if own else
                                                     "mentions no Statement, Resources or template keys"))
        return None
    reader = own_syntax(name, hints)
    if reader is not None:  # a kind with a syntax of its own (not JSON or YAML)
        module = inputs.module(reader)
        if f"{PROG}:" in text and hasattr(module, "directive_comments"):  # inline directives (suppress.py)
            from .suppress import scan  # only files that hold a directive need it (start-up speed)

            report.directives.extend(scan(name, text, module.directive_comments(text), module.LINE_COMMENTS))
        source, problems = module.read(name, text)
    else:
        fmt = file_format(name, text)
        if fmt == "yaml" and f"{PROG}:" in text:  # inline directives (suppress.py)
            from .suppress import scan  # only files that hold a directive need it (start-up speed)

            report.directives.extend(scan(name, text))
        source, problems = parse(name, text, fmt)
        if source is None and fmt == "json" and not hints.forced(name) and _editor_json(name, text, problems, hints):
            report.files_skipped = 1
            report.notes.append(f"{name}: skipped: JSON with comments that holds no policy, template or plan")
            return None
    if source is None:
        report.files_checked = 1
        report.findings.extend(_input_finding(name, text, p, plan) for p in problems)
        return None
    return _Read(text, source, list(problems))


def _locate(name: str, text: str, source: Source, problems: list[InputViolation], hints: Hints, plan: Plan,
            report: Report) -> Located | None:
    """Stage 2, locate: the file's documents and principals, or None when it holds none.
    Problems inside its policies (a policy string that does not parse) join ``problems``."""
    located = locate(source, hints)
    problems.extend(located.problems)  # syntax errors inside policy strings, mapped into the file
    if not located.documents:
        if hints.forced(name) or located.problems:
            report.files_checked = 1
            report.findings.extend(_input_finding(name, text, p, plan) for p in problems)
        else:
            report.files_skipped = 1
        report.notes.append(f"{name}: skipped: {located.reason}")
        return None
    report.files_checked = 1
    return _within_statement_limit(located, report, plan)


def _check(name: str, text: str, located: Located, problems: list[InputViolation], plan: Plan,
           report: Report) -> None:
    """Stage 3, check: input problems and every document rule's violations, as findings
    placed in the file (stage 4, position: ``_finding``), at most MAX_FINDINGS_PER_FILE."""
    findings = itertools.chain((_input_finding(name, text, p, plan) for p in problems),
                               (f for document in located.documents for f in _document_findings(document, plan)))
    report.findings.extend(itertools.islice(findings, limits.MAX_FINDINGS_PER_FILE))
    if next(findings, None) is not None:  # memory and output stay bounded, and the cut is visible
        report.findings.append(_input_finding(name, text, InputViolation(
            Problem.LIMIT, f"more than {limits.MAX_FINDINGS_PER_FILE:,} findings; the rest are not reported",
            0, 0), plan))


def _editor_json(name: str, text: str, problems: Sequence[InputViolation], hints: Hints) -> bool:
    """Whether a ``.json`` file that does not parse is JSON with comments (an editor's
    settings, a tsconfig) whose root is no policy-bearing structure: it is skipped, not APL001.
    A policy, template or plan written with comments is still reported: AWS rejects it."""
    if any(p.kind is not Problem.SYNTAX for p in problems):
        return False
    from .jsonc import loose_load, parsed  # only a .json file that does not parse needs it

    data = loose_load(text)
    return parsed(data) and detect_kind(Source(name, text, "json", data)) is None


def _within_statement_limit(located: Located, report: Report, plan: Plan) -> Located:
    """A document of more than MAX_STATEMENTS statements is APL004 at its Statement element and
    no other rule looks at it; its principals become incomplete, so that rules proving an
    absence stay quiet about what it might have granted."""
    over = [d for d in located.documents if len(statement_list(d.data)) > limits.MAX_STATEMENTS]
    if not over:
        return located
    rule = by_id(LIMIT_RULE_ID)
    for document in over:
        if rule.id in plan.enabled:
            count = len(statement_list(document.data))
            on_key = isinstance(document.data, dict)
            violation = Violation(("Statement",) if on_key else (), {
                "message": f"{count:,} statements; the limit is {limits.MAX_STATEMENTS:,} "
                           "(the document is not checked further)"},
                part="key" if on_key else "opening")
            report.findings.append(_finding(rule, document, violation, plan))
    hidden = {principal for document in over for principal in document.principals}
    return located._replace(documents=tuple(d for d in located.documents if all(d is not o for o in over)),
                            principals=tuple(p._replace(complete=False) if p.id in hidden else p
                                             for p in located.principals))


def read_bytes(name: str, hints: Hints) -> bytes | None:
    """The file's bytes; None for an oversized file that is no policy; APL004 for one that is."""
    with open(name, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size <= limits.MAX_FILE_BYTES:
            # Asking for the size seen (plus one byte) rather than the limit: a read of n bytes
            # first allocates n, and 20 MiB for each small file was most of reading it.
            data = handle.read(size + 1)
            if len(data) > size:  # it grew since: read on up to the limit, as one read would
                data += handle.read(limits.MAX_FILE_BYTES + 1 - len(data))
            if len(data) <= limits.MAX_FILE_BYTES:
                return data
            # The file grew past the limit after the size check: over the limit all the same.
            size, head = max(os.fstat(handle.fileno()).st_size, len(data)), data[:1024 * 1024]
        else:
            head = handle.read(1024 * 1024)
    if looks_policy_bearing(name, decode_loosely(head), hints):
        raise InputProblem(Problem.LIMIT, f"file is {size:,} bytes; the limit is {limits.MAX_FILE_BYTES:,}")
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
    rule = rule_for_problem(problem.kind)
    span = line_index(text).span(problem.start, problem.end)
    return Finding(name, span, rule, plan.settings.severity_of(rule, rule.severity), one_line(problem.message),
                   token=_token(text, problem.start, problem.end))


def _document_findings(document: PolicyDocument, plan: Plan) -> Iterator[Finding]:
    services = action_services(document)
    facts = Facts(document.kind.value, statement_elements(document), document.source.format,
                  services & SERVICES_ASKED if services is not None else None, document.may_hold_placeholder)
    for rule in _applicable(plan, facts):
        for violation in _run(rule, document, plan.context, document.file):
            yield _finding(rule, document, violation, plan)


def _applicable(plan: Plan, facts: Facts) -> tuple[Rule, ...]:
    """The document rules of the plan that may report on a document with these facts, loaded;
    a rule that cannot is not even imported."""
    found = plan.applicable.get(facts)
    if found is None:
        found = plan.applicable[facts] = tuple(ref.load() for ref in plan.document_rules if ref.applies(facts))
    return found


def statement_elements(document: PolicyDocument) -> frozenset[str] | None:
    """The elements the document's statements hold (Condition, Principal, ...), for the rule
    registry's ``needs``; None when a statement is not a plain mapping (an intrinsic, a
    CloudFormation Fn::If), whose elements cannot be told."""
    elements: set[str] = set()
    for statement in document.statements:
        data = statement.data
        if not isinstance(data, dict):
            return None
        elements.update(data)
    return frozenset(elements)


def action_services(document: PolicyDocument) -> frozenset[str] | None:
    """The services (lower case) the document's Action entries name, for the rule registry's
    ``services``; None when an entry may name any service: a wildcard in its service part, a
    NotAction, a value that is not a plain string, a statement that is not a mapping."""
    services = set()
    for statement in document.statements:
        if statement.action_key == "NotAction" or not isinstance(statement.data, dict):
            return None
        for item in statement.actions + statement.branch_actions:
            value = item.value
            if value is None:
                return None
            service, colon, _ = value.partition(":")
            if not colon or "*" in service or "?" in service:
                return None
            services.add(service.lower())
    return frozenset(services)


def _placed_principal_findings(located: Sequence[tuple[str, Located]], plan: Plan,
                               group: str | None) -> Iterator[tuple[Finding, PolicyDocument]]:
    """Each principal finding with the document it is placed in."""
    for principal in build_principals([loc for _, loc in located], group):
        count = sum(len(document.statements) for document in principal.documents)
        if count > limits.MAX_STATEMENTS:
            # Rules that weigh every grant against the others are quadratic: bounded here.
            yield from ((f, principal.documents[0]) for f in _principal_over_limit(principal, count, plan))
            continue
        for ref in plan.principal_rules:
            rule = ref.load()
            for violation in _run(rule, principal, plan.context, principal.label):
                document = violation.document or principal.documents[0]
                yield _finding(rule, document, violation, plan), document


def _principal_over_limit(principal: Principal, count: int, plan: Plan) -> Iterator[Finding]:
    rule = by_id(LIMIT_RULE_ID)
    if rule.id not in plan.enabled:
        return
    document = principal.documents[0]
    on_key = isinstance(document.data, dict)
    yield _finding(rule, document, Violation(("Statement",) if on_key else (), {
        "message": f"{count:,} statements in the policies of one principal ({principal.label}); the "
                   f"limit is {limits.MAX_STATEMENTS:,} (they are not evaluated together)"},
        part="key" if on_key else "opening"), plan)


def build_principals(located: Iterable[Located], group: str | None) -> list[Principal]:
    """Documents grouped by principal. A configured group joins its files' file principals."""
    infos: dict[PrincipalKey, PrincipalInfo] = {}
    members: dict[PrincipalKey, list[PolicyDocument]] = {}
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


def _group_key(principal_id: PrincipalKey, group: str | None) -> PrincipalKey:
    if group is not None and principal_id.whole_file is not None:
        return PrincipalKey("group", "", group)
    return principal_id


def _run(rule: Rule, subject: object, context: Context, where: str) -> list[Violation]:
    try:
        # At most one more than a file may report: a rule cannot pile up unbounded findings.
        return list(itertools.islice(rule.check(subject, context),  # type: ignore[misc]
                                     limits.MAX_FINDINGS_PER_FILE + 1))
    except Exception as exc:  # noqa: BLE001 - a crashing rule must not hide other files
        raise InternalError(f"rule {rule.id} failed on {where}: {type(exc).__name__}: {exc}") from exc


def _finding(rule: Rule, document: PolicyDocument, violation: Violation, plan: Plan) -> Finding:
    source = document.source
    start, end = source.value_range(tuple(document.base) + tuple(violation.path), violation.part)
    span = source.offset_span(start, end)
    severity = plan.settings.severity_of(rule, violation.severity or rule.severity)
    return Finding(document.file, span, rule, severity, one_line(rule.message(violation)),
                   tuple(document.base) + tuple(violation.path), violation.detail,
                   token=_token(source.text, start, end),
                   fix=_placed(violation.fix, source) if violation.fix is not None else None)


def _placed(fix: Fix, source) -> Fix:
    """The fix with each edit's lines and columns (its offsets are into ``source``'s text)."""
    edits = tuple(replace(edit, span=source.offset_span(edit.start, edit.end)) for edit in fix.edits)
    return replace(fix, edits=edits)


def _token(text: str, start: int, end: int) -> str:
    """The offending text (for baseline keys and fingerprints), capped."""
    return text[start:min(max(end, start), start + 1000)]


def failing(findings: Iterable[Finding], threshold: Severity) -> bool:
    return any(f.severity.rank >= threshold.rank for f in findings)


__all__ = ["Report", "Plan", "lint_paths", "lint_file", "failing", "InternalError", "Span"]
