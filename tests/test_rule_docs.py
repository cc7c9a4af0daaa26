"""Meta-tests of DESIGN.md section 10: the rules are documented from one source, and the
documentation is checked, not trusted.

- every rule has pass and fail fixture cases;
- every rule's documented bad example fires and its good example does not;
- the README rule table equals the generated one;
- --list-rules and --explain print every rule's parts.
"""
from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from amplify_policy_lint import cli, docs
from amplify_policy_lint.config import UNREADABLE, Settings
from amplify_policy_lint.filters import META_RULES, UNUSED_SUPPRESSION
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.rules import RULES

from conftest import FIXTURES, ROOT

RULE_IDS = [rule.id for rule in RULES]


def by_id(rule_id: str):
    return next(rule for rule in RULES if rule.id == rule_id)


@pytest.mark.parametrize("rule_id", RULE_IDS)
@pytest.mark.parametrize("outcome", ["pass", "fail"])
def test_every_rule_has_fixture_cases(rule_id, outcome):
    folder = FIXTURES / "rules" / rule_id / outcome
    cases = [p for p in folder.iterdir() if p.suffix != ".expected"] if folder.is_dir() else []
    assert cases, f"{rule_id} has no {outcome} case under {folder.relative_to(ROOT)}"


def lint_example(tmp_path: Path, monkeypatch, rule, text: str, encoding: str) -> list[str]:
    """Lint the example as the rule documents it: a file named ``rule.example_name`` in
    ``encoding``, with only that rule selected (the reader's rules APL001/3/4 always run)."""
    (tmp_path / rule.example_name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / rule.example_name).write_bytes(text.encode(encoding))
    monkeypatch.chdir(tmp_path)
    report = lint_paths([rule.example_name], Settings(select=(rule.id,)))
    assert not report.errors, report.errors
    return [f"{f.span.line}:{f.span.column}: {f.rule.id} {f.message}" for f in report.findings]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_documented_bad_example_fires(rule_id, tmp_path, monkeypatch):
    rule = by_id(rule_id)
    found = lint_example(tmp_path, monkeypatch, rule, rule.bad, rule.example_encoding)
    assert any(f": {rule_id} " in line for line in found), f"the bad example of {rule_id} does not fire"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_documented_good_example_is_clean(rule_id, tmp_path, monkeypatch):
    # A good example is a file IAM accepts, so it is written as UTF-8 (APL003's bad example
    # is the only one in another encoding).
    rule = by_id(rule_id)
    found = lint_example(tmp_path, monkeypatch, rule, rule.good, "utf-8")
    assert not [line for line in found if f": {rule_id} " in line], found
    assert not [line for line in found if line.split(": ")[1].split()[0] in UNREADABLE], found


@pytest.mark.parametrize("example, expected", [("bad", ["5:20: APL900"]), ("good", [])])
def test_meta_rule_examples(example, expected, tmp_path, monkeypatch):
    rule = UNUSED_SUPPRESSION
    (tmp_path / rule.example_name).write_text(getattr(rule, example), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = lint_paths([rule.example_name], Settings(report_unused_suppressions=True))
    assert [f"{f.span.line}:{f.span.column}: {f.rule.id}" for f in report.findings] == expected


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_is_fully_documented(rule_id):
    rule = by_id(rule_id)
    for part in ("name", "summary", "why", "bad", "good", "fix"):
        assert getattr(rule, part).strip(), f"{rule_id} has no {part}"
    assert rule.bad != rule.good or rule.example_encoding != "utf-8"
    assert rule.example_name.endswith((".json", ".yaml", ".yml"))


def test_readme_rule_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.with_table(readme) == readme, (
        "the README rule table is stale: run python -m amplify_policy_lint.docs README.md")


def test_readme_table_has_a_row_and_an_anchor_per_rule():
    table = docs.readme_table()
    for rule in RULES:
        assert f'<a id="{rule.id.lower()}"></a>{rule.id} | `{rule.name}` | {rule.severity.value} |' in table
    assert '<a id="apl900"></a>' in (ROOT / "README.md").read_text(encoding="utf-8")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(list(argv))
    return code, out.getvalue()


def test_list_rules_prints_every_rule():
    code, out = run("--list-rules")
    assert code == 0
    lines = out.splitlines()
    for rule in RULES + META_RULES:
        line = next((x for x in lines if x.startswith(rule.id + " ")), None)
        assert line is not None, rule.id
        assert rule.severity.value in line and rule.name in line and rule.summary in line


@pytest.mark.parametrize("rule_id", RULE_IDS + [UNUSED_SUPPRESSION.id])
def test_explain_prints_every_part(rule_id):
    rule = by_id(rule_id) if rule_id != UNUSED_SUPPRESSION.id else UNUSED_SUPPRESSION
    for selector in (rule.id, rule.name, rule.id.lower()):
        code, out = run("--explain", selector)
        assert code == 0
        assert out.startswith(f"{rule.id} {rule.name} (default severity: {rule.severity.value})\n")
        for title in ("Why", f"Bad ({rule.example_name})", f"Good ({rule.example_name})", "Fix"):
            assert f"\n{title}\n" in out, title
        for example in (rule.bad, rule.good):
            for line in example.strip("\n").splitlines():
                assert ("    " + line).rstrip() in out
        assert " ".join(rule.fix.split()) in " ".join(out.split())
        assert " ".join(rule.why.split()) in " ".join(out.split())
        for reference in rule.references:
            assert reference in out
        assert docs.help_uri(rule) in out


def test_explain_of_an_unknown_rule_is_a_usage_error(capsys):
    assert cli.main(["--explain", "APL999"]) == 2
    assert capsys.readouterr().err == "amplify-policy-lint: error: unknown rule 'APL999' (see --list-rules)\n"


def test_markdown_help_has_the_examples_fenced():
    for rule in RULES:
        text = docs.explain_markdown(rule)
        assert text.count("```") >= 4
        for paragraph in rule.fix.split("\n\n"):
            assert paragraph.strip() in text
            if paragraph.lstrip().startswith("{"):  # a ready-to-paste statement is fenced as JSON
                assert f"```json\n{paragraph.strip()}\n```" in text
