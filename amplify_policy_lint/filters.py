"""The filter stage: findings -> the findings people decided they do not want to see.

In order: configured ``per-file-ignores``, inline YAML directives, then the baseline. A
finding dropped by an earlier stage is not offered to a later one. With
``--report-unused-suppressions``, directives and baseline entries that suppressed nothing
become findings of the meta rule APL900 ``unused-suppression`` (placed at the directive's
comment, or at the entry in the baseline file). It is not one of the APL0-4xx rules: it cannot
be selected, ignored or re-rated, and only that option turns it on. Directives and entries
naming a rule that did not run (``--select``) or a file outside the run are not reported.
"""
from __future__ import annotations


from .config import Settings
from .model import Finding, Rule, Scope, Severity, Span, one_line
from .records import Record, field

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Collection, Sequence

UNUSED_SUPPRESSION = Rule(
    id="APL900",
    name="unused-suppression",
    severity=Severity.WARNING,
    scope=Scope.INPUT,
    summary="an inline directive or baseline entry that suppresses nothing (only with --report-unused-suppressions)",
    why=(
        "A suppression outlives the finding it was written for: the policy gets fixed, the "
        "statement moves, the rule is renamed. A stale directive then hides the next real "
        "problem on that line, and a stale baseline entry hides a new finding that happens to "
        "share its key. Reporting them keeps suppressions honest, as ruff does for unused noqa "
        "comments. A malformed directive, or one that names an unknown rule, is reported too."
    ),
    bad=(
        'Version: "2012-10-17"\n'
        "Statement:\n"
        "  - Effect: Allow\n"
        "    Action: s3:GetObject\n"
        "    Resource: \"*\"  # amplify-policy-lint: disable=APL303 -- nothing here passes a role\n"
    ),
    good=(
        'Version: "2012-10-17"\n'
        "Statement:\n"
        "  - Effect: Allow\n"
        "    Action: s3:GetObject\n"
        "    Resource: \"*\"\n"
    ),
    fix=(
        "Delete the directive, or the rule from it; regenerate the baseline with "
        "--write-baseline FILE."
    ),
    messages={
        "directive": "unused suppression: no {rule} finding starts on line {target}",
        "unknown": "suppression names unknown rule {rule!r} (see --list-rules)",
        "malformed": "malformed suppression comment: {problem}",
        "baseline": "unused baseline entry: no {rule} finding at {where} in {file}",
    },
    example_name="policy.yaml",
)
META_RULES = (UNUSED_SUPPRESSION,)


class Outcome(Record, frozen=False, slots=False):
    findings: list[Finding]
    suppressed: dict[str, int] = field(default_factory=dict)


def apply(findings: Sequence[Finding], directives: Sequence, settings: Settings,
          enabled: Collection[str], scope: Sequence[str]) -> Outcome:
    """The findings left after the filter stage, plus APL900 findings when asked for.
    ``scope`` is the paths the run was given; ``enabled`` the ids of the rules that ran."""
    suppressed: dict[str, int] = {}
    kept = list(findings)
    unused: list[Finding] = []
    if settings.per_file_ignores:
        before = len(kept)
        kept = _per_file_ignores(kept, settings)
        _count(suppressed, "per-file-ignores", before - len(kept))
    if directives:
        before = len(kept)
        kept, unused_directives = _directives(kept, directives, enabled)
        _count(suppressed, "inline", before - len(kept))
        unused.extend(unused_directives)
    if settings.baseline:
        from . import baseline as baseline_file

        baseline = baseline_file.load(settings.baseline)
        result = baseline_file.match(baseline, kept)
        kept = result.kept
        _count(suppressed, "baseline", result.suppressed)
        if settings.report_unused_suppressions:  # a hook run leaves most entries unused
            unused.extend(_unused_entries(baseline, result.unused, enabled, scope))
    if settings.report_unused_suppressions:
        kept.extend(unused)
    return Outcome(kept, suppressed)


def _count(counts: dict[str, int], what: str, n: int) -> None:
    if n:
        counts[what] = counts.get(what, 0) + n


def _per_file_ignores(findings: list[Finding], settings: Settings) -> list[Finding]:
    from .globs import PathSpec

    specs = [(PathSpec([glob], settings.base_dir), frozenset(ids))
             for glob, ids in settings.per_file_ignores.items()]
    ignored: dict[str, frozenset[str]] = {}
    kept = []
    for finding in findings:
        if finding.file not in ignored:
            rules: set[str] = set()
            for spec, ids in specs:
                if spec.matches(finding.file):
                    rules |= ids
            ignored[finding.file] = frozenset(rules)
        if finding.rule.id not in ignored[finding.file]:
            kept.append(finding)
    return kept


def _directives(findings: list[Finding], directives: Sequence, enabled: Collection[str]):
    from .rules import find

    # (file, target line) -> [(directive, selector, rule ids)]
    table: dict[tuple[str, int], list[tuple[object, str, frozenset[str]]]] = {}
    unused: list[Finding] = []
    used: set[tuple[int, str]] = set()
    for directive in directives:
        if directive.problem:
            unused.append(_meta(directive.file, _directive_span(directive), "malformed",
                                problem=directive.problem))
            continue
        for selector in directive.selectors:
            rules = find(selector)
            if not rules:
                unused.append(_meta(directive.file, _directive_span(directive), "unknown", rule=selector))
                continue
            table.setdefault((directive.file, directive.target), []).append(
                (directive, selector, frozenset(r.id for r in rules)))
    kept = []
    for finding in findings:
        hit = False
        for directive, selector, ids in table.get((finding.file, finding.span.line), ()):
            if finding.rule.id in ids:
                used.add((id(directive), selector))
                hit = True
        if not hit:
            kept.append(finding)
    for entries in table.values():
        for directive, selector, ids in entries:
            if (id(directive), selector) not in used and ids & set(enabled):
                unused.append(_meta(directive.file, _directive_span(directive), "directive",
                                    rule=selector, target=directive.target))
    return kept, unused


def _directive_span(directive) -> Span:
    return Span(directive.line, directive.column, directive.end_line, directive.end_column)


def _unused_entries(baseline, unused, enabled: Collection[str], scope: Sequence[str]) -> list[Finding]:
    from .baseline import in_scope

    findings = []
    from .globs import shown

    where_file = shown(baseline.path)
    for entry, _remaining in unused:
        if entry.rule_id not in enabled or not in_scope(baseline.target(entry), scope):
            continue
        where = _path_text(entry.json_path) if entry.json_path else f"the document root ({entry.token!r})"
        findings.append(_meta(where_file, baseline.entry_span(entry), "baseline", rule=entry.rule_id,
                              where=where, file=entry.file))
    return findings


def _meta(where: str, span: Span, variant: str, /, **args: object) -> Finding:
    rule = UNUSED_SUPPRESSION
    return Finding(where, span, rule, rule.severity, one_line(rule.messages[variant].format(**args)))


def _path_text(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text

