"""Every input limit in limits.py is an APL004 finding at the right position, never a crash, a
hang or a silent pass; and wildcard matching stays linear however a pattern is written.

Limits are lowered with monkeypatch where the real value would make the test slow; the code
reads ``limits.X`` at call time, so the same code path is exercised.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amplify_policy_lint import limits, wildcard
from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity

from conftest import assert_no_traceback, run_cli

POLICY = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def lint(path: Path, **options) -> list[str]:
    report = lint_paths([str(path)], Settings(fail_on=Severity.INFO, **options))
    assert report.errors == []
    return [f"{f.span.line}:{f.span.column}: {f.rule.id} {f.message}" for f in report.findings]


def apl004(lines: list[str]) -> list[str]:
    return [line for line in lines if " APL004 " in line]


def line_col(text: str, offset: int) -> str:
    before = text[:offset]
    return f"{before.count(chr(10)) + 1}:{offset - (before.rfind(chr(10)) + 1) + 1}"


# --- file size -----------------------------------------------------------------------------------

def test_file_at_the_size_limit_is_read_and_one_byte_more_is_apl004(tmp_path, monkeypatch):
    text = json.dumps(POLICY)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", len(text))
    exact = tmp_path / "exact.json"
    exact.write_text(text)
    assert lint(exact) == []
    over = tmp_path / "over.json"
    over.write_text(text + " ")
    assert lint(over) == [f"1:1: APL004 file is {len(text) + 1:,} bytes; the limit is {len(text):,}"]


def test_file_that_grows_past_the_limit_after_its_size_was_taken_is_apl004(tmp_path, monkeypatch):
    # The size check (fstat) sees the small file; by the time it is read it has grown.
    text = json.dumps(POLICY)
    path = tmp_path / "growing.json"
    path.write_text(text + " " * 100)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", len(text) + 50)
    real_fstat = os.fstat
    calls = []

    def fstat(fd):
        result = real_fstat(fd)
        calls.append(fd)
        if len(calls) == 1:  # the first look: as it was before it grew
            values = list(result)
            values[6] = len(text)  # st_size
            return os.stat_result(values)
        return result

    monkeypatch.setattr(os, "fstat", fstat)
    findings = lint(path)
    assert findings == [f"1:1: APL004 file is {len(text) + 100:,} bytes; the limit is {len(text) + 50:,}"]


def test_file_that_grows_within_the_limit_after_its_size_was_taken_is_read_whole(tmp_path, monkeypatch):
    # read_bytes asks for the size fstat saw plus one byte: a file that grew since is read on.
    from amplify_policy_lint.linter import read_bytes
    from amplify_policy_lint.locate import Hints

    text = json.dumps(POLICY) + " " * 100
    path = tmp_path / "growing.json"
    path.write_text(text)
    real_fstat = os.fstat

    def fstat(fd):
        values = list(real_fstat(fd))
        values[6] = 10  # st_size: as it was before it grew
        return os.stat_result(values)

    monkeypatch.setattr(os, "fstat", fstat)
    assert read_bytes(str(path), Hints("auto", (), str(tmp_path))) == text.encode()


def test_oversized_file_that_is_no_policy_is_skipped_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"rows": list(range(100))}))
    report = lint_paths([str(path)], Settings())
    assert (report.findings, report.errors, report.files_skipped) == ([], [], 1)


# --- nesting depth -------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [limits.MAX_DEPTH + 1, 3 * limits.MAX_DEPTH, 5_000])
def test_json_nesting_one_past_the_limit_is_apl004_at_the_first_bracket_too_deep(tmp_path, depth):
    # Depth MAX_DEPTH + 1 passes the fast C reader; 5,000 makes it raise RecursionError.
    prefix = '{"Version": "2012-10-17", "Statement": '
    text = prefix + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    path = tmp_path / "deep.json"
    path.write_text(text)
    # The root object is level 1, so the bracket at level MAX_DEPTH + 1 is the MAX_DEPTH-th.
    offset = len(prefix) + limits.MAX_DEPTH - 1
    assert apl004(lint(path)) == [f"{line_col(text, offset)}: APL004 nesting deeper than {limits.MAX_DEPTH} levels"]


def test_json_nesting_at_the_limit_is_read(tmp_path):
    prefix = '{"Version": "2012-10-17", "Statement": [], "Deep": '
    text = prefix + "[" * (limits.MAX_DEPTH - 1) + "]" * (limits.MAX_DEPTH - 1) + "}"
    path = tmp_path / "deep.json"
    path.write_text(text)
    assert apl004(lint(path)) == []


@pytest.mark.parametrize("style", ["flow", "block"])
def test_yaml_nesting_one_past_the_limit_is_apl004_where_that_level_opens(tmp_path, style):
    if style == "flow":
        prefix = 'Version: "2012-10-17"\nStatement: '
        # The root mapping is level 1.
        text = prefix + "[" * limits.MAX_DEPTH + "]" * limits.MAX_DEPTH + "\n"
        offset = len(prefix) + limits.MAX_DEPTH - 1
    else:
        lines = ['Version: "2012-10-17"', "Statement:"]
        for level in range(1, limits.MAX_DEPTH + 1):
            lines.append(" " * level + f"k{level}:")
        lines[-1] += " v"
        text = "\n".join(lines) + "\n"
        # Level 2 is the mapping under Statement (at k1), level MAX_DEPTH + 1 opens at k<MAX_DEPTH>.
        offset = text.index(f"k{limits.MAX_DEPTH}:")
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    assert apl004(lint(path)) == [f"{line_col(text, offset)}: APL004 nesting deeper than {limits.MAX_DEPTH} levels"]


# --- YAML aliases --------------------------------------------------------------------------------

def test_one_alias_past_the_alias_limit_is_apl004_at_that_alias(tmp_path):
    head = 'Version: "2012-10-17"\nStatement: []\nanchor: &x v\nuses:\n'
    text = head + "".join("  - *x\n" for _ in range(limits.MAX_YAML_ALIASES + 1))
    path = tmp_path / "aliases.yaml"
    path.write_text(text)
    line = head.count("\n") + limits.MAX_YAML_ALIASES + 1
    assert apl004(lint(path)) == [f"{line}:5: APL004 more than {limits.MAX_YAML_ALIASES:,} YAML aliases"]
    # At the limit itself: read.
    path.write_text(head + "".join("  - *x\n" for _ in range(limits.MAX_YAML_ALIASES)))
    assert apl004(lint(path)) == []


def test_alias_expansion_past_the_limit_is_apl004_at_the_alias_that_crosses_it(tmp_path):
    # The anchored list counts 1 + 999 nodes = 1,000: the alias that brings the expansion past
    # MAX_YAML_EXPANSION is number MAX_YAML_EXPANSION // 1000 + 1.
    items = ", ".join(["x"] * 999)
    head = f'Version: "2012-10-17"\nStatement: []\nanchor: &x [{items}]\nuses:\n'
    crossing = limits.MAX_YAML_EXPANSION // 1000 + 1
    text = head + "".join("  - *x\n" for _ in range(crossing + 5))
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    line = head.count("\n") + crossing
    assert apl004(lint(path)) == [
        f"{line}:5: APL004 YAML aliases expand to more than {limits.MAX_YAML_EXPANSION:,} nodes (an alias bomb?)"]


def test_classic_billion_laughs_is_refused_quickly(tmp_path):
    lines = ['Statement: []', 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    path = tmp_path / "lol.yaml"
    path.write_text("\n".join(lines) + "\n")
    (finding,) = lint(path)
    assert " APL004 YAML aliases expand to more than" in finding


# --- string length -------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix, quote", [(".json", '"'), (".yaml", '"'), (".yaml", "")])
def test_string_at_the_limit_is_read_and_one_character_longer_is_apl004(tmp_path, monkeypatch, suffix, quote):
    monkeypatch.setattr(limits, "MAX_STRING_CHARS", 20)
    for length, expected in ((20, False), (21, True)):
        value = "s" * length
        if suffix == ".json":
            text = '{"Version": "2012-10-17", "Statement": [], "Sid": "' + value + '"}'
        else:
            text = f'Version: "2012-10-17"\nStatement: []\nSid: {quote}{value}{quote}\n'
        path = tmp_path / f"p{length}{suffix}"
        path.write_text(text)
        offset = text.index(value) - len(quote if suffix != ".json" else '"')
        found = apl004(lint(path))
        if expected:
            assert found == [f"{line_col(text, offset)}: APL004 string longer than 20 characters"]
        else:
            assert found == []


def test_json_string_length_counts_characters_not_escapes(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_STRING_CHARS", 20)
    path = tmp_path / "p.json"
    path.write_text('{"Version": "2012-10-17", "Statement": [], "Sid": "' + "\\u0041" * 20 + '"}')
    assert apl004(lint(path)) == []


def test_long_json_key_is_apl004(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_STRING_CHARS", 20)
    text = '{"Version": "2012-10-17", "Statement": [], "' + "k" * 21 + '": 1}'
    path = tmp_path / "p.json"
    path.write_text(text)
    assert apl004(lint(path)) == [f"1:{text.index('kkk')}: APL004 string longer than 20 characters"]


@pytest.mark.parametrize("effect", ["Allow", "allow"])
def test_real_limit_long_json_string_is_apl004_whether_or_not_another_rule_fires(tmp_path, effect):
    # Regression: the fast JSON reader did not check string length, so a file without other
    # findings passed, and one with a finding crashed when its positions were computed.
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": effect, "Action": "s3:GetObject", "Resource": "*", "Sid": "a" * (limits.MAX_STRING_CHARS + 1)}]}
    path = tmp_path / "long.json"
    text = json.dumps(policy)
    path.write_text(text)
    result = run_cli(str(path), "--format", "json")
    assert_no_traceback(result)
    assert result.code == 1, result.err
    findings = json.loads(result.out)["findings"]
    assert [(f["rule_id"], f["line"], f["column"]) for f in findings] == [
        ("APL004", 1, text.index('"aaaa') + 1)]


# --- statements ----------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_document_with_too_many_statements_is_apl004_at_statement_and_checked_no_further(
        tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(limits, "MAX_STATEMENTS", 5)
    bad = {"Effect": "allow", "Action": "s3:GetObject", "Resource": "not-an-arn"}
    path = tmp_path / f"many{suffix}"
    for count, expect_limit in ((5, False), (6, True)):
        document = {"Version": "2012-10-17", "Statement": [bad] * count}
        text = json.dumps(document, indent=2)  # JSON is YAML too
        path.write_text(text)
        findings = lint(path)
        if expect_limit:
            offset = text.index('"Statement"')
            assert findings == [f"{line_col(text, offset)}: APL004 6 statements; the limit is 5 "
                                "(the document is not checked further)"]
        else:
            assert findings and not apl004(findings)


def test_custom_policies_with_too_many_statements_is_apl004_at_the_list(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_STATEMENTS", 3)
    folder = tmp_path / "amplify" / "backend" / "function" / "f"
    folder.mkdir(parents=True)
    path = folder / "custom-policies.json"
    path.write_text("\n" + json.dumps([{"Action": ["s3:GetObject"], "Resource": ["x"]}] * 4))
    assert lint(path) == ["2:1: APL004 4 statements; the limit is 3 (the document is not checked further)"]


def test_statement_limit_applies_per_document_of_a_yaml_stream(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_STATEMENTS", 2)
    statement = '  - {Effect: allow, Action: "s3:GetObject", Resource: "*"}\n'
    text = ('Version: "2012-10-17"\nStatement:\n' + statement * 3 + "---\n"
            'Version: "2012-10-17"\nStatement:\n' + statement)
    path = tmp_path / "two.yaml"
    path.write_text(text)
    findings = lint(path)
    assert findings[0] == "2:1: APL004 3 statements; the limit is 2 (the document is not checked further)"
    # The second document is still checked (its Effect is wrong).
    assert [f.split(":")[0] for f in findings[1:]] == ["9"] and " APL101 " in findings[1]


# --- wildcard patterns ---------------------------------------------------------------------------

PATHOLOGICAL = [
    "a*a*a*a*a*a*a*a*b",
    "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
    "*a?a?a?a?a?a?a?a?b*",
    "*?a?a?a?a?a?a?a?ab*",
    "s3:*?*?*?*?*?*?*?*?*b",
    "*aaaaaaaaaaaaaaaab*",
    "a*" * 40 + "b",
    "*" + "a?" * 40 + "b*",
]
TEXTS = [
    lambda n: "a" * n,
    lambda n: "s3:" + "a" * n,
    lambda n: "ab" * (n // 2),
    lambda n: ("a" * 16 + "c") * (n // 17),
    lambda n: "a" * n + "c",
    lambda n: "a" * (n - 1) + "b",
]


@pytest.mark.parametrize("pattern", PATHOLOGICAL)
def test_pathological_patterns_cost_grows_linearly_with_the_text(pattern):
    compiled = wildcard.Pattern(pattern)
    for make in TEXTS:
        small = compiled.match_with_steps(make(4_000))[1]
        large = compiled.match_with_steps(make(64_000))[1]
        # 16 times the text: about 16 times the steps (quadratic would be 256 times).
        assert large <= 20 * small + 4 * len(pattern) + 64, (pattern, small, large)
        assert large <= (len(pattern) + 2) * (64_000 + len(pattern) + 2)


def test_steps_on_long_action_names_stay_within_text_times_pattern_length():
    compiled = wildcard.Pattern("a*a*a*a*a*a*a*a*b")
    matched, steps = compiled.match_with_steps("a" * 100_000)
    assert not matched and steps <= 100_000 + 20


@settings(max_examples=300)
@given(pattern=st.text("ab*?:", max_size=24), text=st.text("ab:", max_size=300))
def test_any_pattern_costs_at_most_pattern_times_text(pattern, text):
    matched, steps = wildcard.Pattern(pattern).match_with_steps(text)
    assert steps <= (len(pattern) + 2) * (len(text) + 2)


def test_principal_whose_policies_together_exceed_the_statement_limit_is_apl004(tmp_path, monkeypatch):
    # Each document is within the limit; the principal (the file's two documents) is not, so the
    # rules that weigh all its grants together are skipped, with a finding that says so.
    monkeypatch.setattr(limits, "MAX_STATEMENTS", 4)
    statement = '  - {Effect: Allow, Action: "s3:GetObject", Resource: "*"}\n'
    text = ('Version: "2012-10-17"\nStatement:\n' + statement * 3 + "---\n"
            'Version: "2012-10-17"\nStatement:\n' + statement * 2)
    path = tmp_path / "two.yaml"
    path.write_text(text)
    assert apl004(lint(path)) == [
        f"2:1: APL004 5 statements in the policies of one principal (the policies of {path}); the limit is 4 "
        "(they are not evaluated together)"]


# --- findings per file ---------------------------------------------------------------------------

@pytest.mark.parametrize("suffix, text", [
    (".yaml", "Statement: []\n" + "k: 1\n" * 12),  # APL002 from the reader
    (".json", '{"Statement": [], ' + '"k": 1, ' * 12 + '"z": 0}'),
    (".json", '{"Version": "2012-10-17", "Statement": [], ' + ", ".join(f'"k{i}": 1' for i in range(12)) + "}"),  # APL101
])
def test_findings_beyond_the_per_file_limit_are_cut_with_one_apl004(tmp_path, monkeypatch, suffix, text):
    monkeypatch.setattr(limits, "MAX_FINDINGS_PER_FILE", 5)
    path = tmp_path / f"many{suffix}"
    path.write_text(text)
    findings = lint(path)
    assert len(findings) == 6
    assert apl004(findings) == ["1:1: APL004 more than 5 findings; the rest are not reported"]


def test_findings_at_the_per_file_limit_are_all_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FINDINGS_PER_FILE", 5)
    path = tmp_path / "five.yaml"
    path.write_text('Version: "2012-10-17"\nStatement: []\n' + "k: v\n" * 6)  # 5 duplicates of k
    findings = lint(path, select=("APL0",))
    assert len(findings) == 5 and not apl004(findings)
