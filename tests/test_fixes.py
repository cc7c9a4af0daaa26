"""--fix, --unsafe-fixes and --diff (DESIGN.md section 12).

Fixture-driven: ``fixtures/fixes/<ID>/safe/<case>`` is fixed with ``--fix`` and
``fixtures/fixes/<ID>/unsafe/<case>`` with ``--unsafe-fixes`` (both with ``--select <ID>``),
and the result must be ``<case>.fixed`` byte for byte. A case is a file, or a directory (a
multi-file case, such as an Amplify function's ``custom-policies.json`` with its template)
whose files with a ``.fixed`` twin are the ones expected to change. For every case the fixed
file parses, linting it again reports no finding of the rule, and the edits the JSON output
announced, applied to the original, give the same bytes (so nothing outside them changed).
"""
from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from amplify_policy_lint import cli
from amplify_policy_lint.fixes import apply_fixes, fix_report, unified_diff
from amplify_policy_lint.linter import file_format
from amplify_policy_lint.model import Edit, Finding, Fix, Safety, Severity, Span
from amplify_policy_lint.rules import BY_ID
from amplify_policy_lint.source import parse

from conftest import ROOT

FIXES = ROOT / "fixtures" / "fixes"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def cases() -> list:
    found = []
    for rule_dir in sorted(FIXES.iterdir()):
        for safety in ("safe", "unsafe"):
            folder = rule_dir / safety
            if not folder.is_dir():
                continue
            for case in sorted(folder.iterdir()):
                if case.name.endswith(".fixed"):
                    continue
                found.append(pytest.param(rule_dir.name, safety, case,
                                          id=f"{rule_dir.name}-{safety}-{case.name}"))
    return found


def expected_files(case: Path) -> dict[str, bytes]:
    """Relative name -> expected bytes, for the files of the case that a fix changes."""
    if case.is_dir():
        return {str(p.relative_to(case))[:-len(".fixed")]: p.read_bytes()
                for p in sorted(case.rglob("*.fixed"))}
    return {case.name: case.with_name(case.name + ".fixed").read_bytes()}


def copy_case(case: Path, into: Path) -> list[str]:
    """The case's inputs copied into ``into``; returns the paths to lint (relative)."""
    if case.is_dir():
        shutil.copytree(case, into / case.name, ignore=shutil.ignore_patterns("*.fixed"))
        return [case.name]
    shutil.copy(case, into / case.name)
    return [case.name]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--no-config", *args])
    out, err = capsys.readouterr()
    return code, out, err


def read_text(path: Path) -> str:
    data = path.read_bytes()
    return data[3:].decode() if data.startswith(b"\xef\xbb\xbf") else data.decode()


@pytest.mark.parametrize("rule_id, safety, case", cases())
def test_fix_gives_the_expected_file(rule_id, safety, case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    targets = copy_case(case, tmp_path)
    expected = expected_files(case)
    prefix = f"{case.name}/" if case.is_dir() else ""
    originals = {name: (tmp_path / prefix / name).read_bytes() for name in expected}

    # What the JSON output announces, before anything is written.
    code, out, _ = run(capsys, "--format", "json", "--select", rule_id, *targets)
    announced = [f for f in json.loads(out)["findings"] if f["rule_id"] == rule_id and "fix" in f]
    assert announced, f"no fix offered for {rule_id} in {case.name}"
    assert all(f["fix"]["safety"] in ("safe", "unsafe") for f in announced)
    if safety == "unsafe":
        # --fix alone applies no unsafe fix: the file stays as it was.
        run(capsys, "--fix", "--select", rule_id, *targets)
        for name, data in originals.items():
            assert (tmp_path / prefix / name).read_bytes() == data

    option = "--fix" if safety == "safe" else "--unsafe-fixes"
    run(capsys, option, "--select", rule_id, *targets)
    for name, data in expected.items():
        fixed = tmp_path / prefix / name
        assert fixed.read_bytes() == data, f"{name} differs from {name}.fixed"
        text = read_text(fixed)
        source, problems = parse(str(fixed), text, file_format(name, text))
        assert source is not None and not problems, f"{name} does not parse after the fix"
        # Every byte outside the announced edits is unchanged: applying them reproduces the file.
        edits = [Edit(e["file"], e["start"], e["end"], e["replacement"])
                 for f in announced for e in f["fix"]["edits"]
                 if os.path.normpath(e["file"]) == os.path.normpath(prefix + name)]
        fixes = [Fix(Safety.SAFE, "", (edit,)) for edit in edits]
        original_text = originals[name][3:].decode() if originals[name].startswith(b"\xef\xbb\xbf") else originals[name].decode()
        rebuilt, _, left = apply_fixes(original_text, fixes)
        if not left:  # one pass: the announced edits are exactly what changed
            assert rebuilt == text

    code, out, _ = run(capsys, "--format", "json", "--select", rule_id, *targets)
    assert [f for f in json.loads(out)["findings"] if f["rule_id"] == rule_id] == []


def test_every_rule_with_a_fix_has_fixtures_and_says_what_it_does():
    with_fixtures = {p.name for p in FIXES.iterdir() if p.is_dir()}
    documented = {rule.id for rule in BY_ID.values() if rule.autofix}
    assert documented <= with_fixtures
    assert with_fixtures <= documented


def test_diff_prints_the_change_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    case = FIXES / "APL102" / "safe" / "crlf.json"
    shutil.copy(case, tmp_path / "p.json")
    before = (tmp_path / "p.json").read_bytes()
    code, out, err = run(capsys, "--diff", "p.json")
    assert code == 1
    assert out.startswith("--- a/p.json\n+++ b/p.json\n")
    assert '+  "Version": "2012-10-17",\r\n' in out
    assert "nothing written" in err
    assert (tmp_path / "p.json").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["p.json"]
    code, out, _ = run(capsys, "--diff", str(FIXES / "APL102" / "safe" / "crlf.json.fixed"))
    assert (code, out) == (0, "")


def test_fix_keeps_permissions_and_leaves_no_temporary_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXES / "APL102" / "safe" / "indent-2.json", tmp_path / "p.json")
    os.chmod(tmp_path / "p.json", 0o640)
    os.symlink("p.json", tmp_path / "link.json")
    code, _, err = run(capsys, "--fix", "link.json")
    assert code == 0, err
    assert "fixed 1 finding in 1 file" in err
    assert (tmp_path / "link.json").is_symlink()  # the link stays; its target is fixed
    assert (tmp_path / "p.json").read_bytes() == (FIXES / "APL102" / "safe" / "indent-2.json.fixed").read_bytes()
    assert stat.S_IMODE(os.stat(tmp_path / "p.json").st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["link.json", "p.json"]


def test_text_format_says_how_many_findings_are_fixable(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXES / "APL102" / "safe" / "indent-2.json", tmp_path / "p.json")
    shutil.copy(FIXES / "APL304" / "unsafe" / "crlf.json", tmp_path / "q.json")
    code, _, err = run(capsys, "p.json", "q.json")
    assert "1 fixable with --fix, 1 more with --unsafe-fixes (--diff shows the changes)\n" in err
    assert err.endswith("files checked\n")  # the summary stays the last line


def test_without_fix_nothing_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXES / "APL102" / "safe" / "indent-2.json", tmp_path / "p.json")
    before = (tmp_path / "p.json").read_bytes()
    for fmt in ("text", "json", "sarif"):
        assert run(capsys, "--format", fmt, "p.json")[0] == 1
    assert (tmp_path / "p.json").read_bytes() == before


def test_fix_reports_what_is_left(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.json").write_text('{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
                                     '"Resource": "my-bucket/*"}]}\n')
    code, out, err = run(capsys, "--fix", "p.json")
    assert code == 1
    assert "APL102" not in out and "APL106" in out
    assert (tmp_path / "p.json").read_text().startswith('{"Version": "2012-10-17", "Statement"')


@pytest.mark.parametrize("args", [["--fix", "--diff"], ["--fix", "--write-baseline", "b.json"]])
def test_conflicting_options(args, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *args, ".")
    assert code == 2 and "cannot be combined" in err


def test_sarif_with_fixes_validates(tmp_path, monkeypatch, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    monkeypatch.chdir(tmp_path)
    for case in (FIXES / "APL102" / "safe").iterdir():
        if not case.name.endswith(".fixed"):
            shutil.copy(case, tmp_path / case.name)
    shutil.copy(FIXES / "APL005" / "safe" / "comments.yaml", tmp_path / "trust.yaml")
    shutil.copy(FIXES / "APL301" / "unsafe" / "comments.yaml", tmp_path / "teardown.yaml")
    shutil.copy(FIXES / "APL304" / "unsafe" / "crlf.json", tmp_path / "deploy.json")
    code, out, _ = run(capsys, "--format", "sarif", ".")
    document = json.loads(out)
    results = document["runs"][0]["results"]
    assert sum(1 for r in results if r.get("fixes")) >= 10
    fixed = [r for r in results if r["ruleId"] == "APL005"][0]["fixes"][0]
    replacement = fixed["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == '"2012-10-17"'
    assert replacement["deletedRegion"] == {"startLine": 2, "startColumn": 10, "endLine": 2, "endColumn": 20}
    unsafe = [r for r in results if r["ruleId"] in ("APL301", "APL304")]
    assert {r["ruleId"] for r in unsafe} == {"APL301", "APL304"}
    assert all(r["fixes"][0]["properties"]["safety"] == "unsafe" for r in unsafe)
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} is absent (it lives beside the checkout in ../shared); "
                    "the fixes were checked, the schema validation was not")
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text()))


def test_explain_says_what_the_fix_does(capsys):
    code, out, _ = run(capsys, "--explain", "APL005")
    assert code == 0
    assert "With --fix\n    safe: quotes" in out


# ---------------------------------------------------------------------------------------------
# The passes, the overlap rule, and the parse check, on hand-made fixes


def _finding(name: str, rule_id: str, fix: Fix, token: str = "") -> Finding:
    return Finding(name, Span(1, 1, 1, 2), BY_ID[rule_id], Severity.WARNING, "m", (), None,
                   token=token, fix=fix)


def test_overlapping_fixes_are_applied_one_at_a_time():
    text = "abcdef"
    first = Fix(Safety.SAFE, "", (Edit("f", 1, 3, "X"),))
    clash = Fix(Safety.SAFE, "", (Edit("f", 2, 4, "Y"),))
    apart = Fix(Safety.SAFE, "", (Edit("f", 5, 5, "Z"),))
    same_point = Fix(Safety.SAFE, "", (Edit("f", 5, 5, "W"),))
    again = Fix(Safety.SAFE, "", (Edit("f", 1, 3, "X"),))
    new, applied, left = apply_fixes(text, [apart, clash, first, same_point, again])
    assert new == "aXdeZf"
    assert left == [clash, same_point]
    assert len(applied) == 3  # "again" makes the same edits as "first": counted, applied once


def test_left_over_fixes_get_another_pass_from_the_edited_text(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("[1, 2]\n")
    name = str(path)
    one = _finding(name, "APL102", Fix(Safety.SAFE, "", (Edit(name, 1, 2, "10"),)), token="1")
    two = _finding(name, "APL005", Fix(Safety.SAFE, "", (Edit(name, 1, 2, "3"),)), token="1b")
    seen = []

    def relint(texts):
        seen.append(dict(texts))
        assert texts[name] == b"[10, 2]\n"
        return [_finding(name, "APL005", Fix(Safety.SAFE, "", (Edit(name, 5, 6, "3"),)), token="1b")]

    outcome = fix_report([one, two], relint, unsafe=False)
    assert outcome.changes[name] == (b"[1, 2]\n", b"[10, 3]\n")
    assert outcome.applied == 2 and len(seen) == 1 and not outcome.notes
    assert path.read_bytes() == b"[1, 2]\n"  # fix_report itself never writes


def test_a_fix_that_would_break_the_syntax_is_never_applied(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"Statement": []}\n')
    name = str(path)
    broken = _finding(name, "APL102", Fix(Safety.SAFE, "", (Edit(name, 0, 1, ""),)))
    outcome = fix_report([broken], lambda texts: [], unsafe=False)
    assert outcome.changes == {}
    assert "would not parse" in outcome.notes[0]


def test_unsafe_fixes_need_unsafe(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("[1]\n")
    name = str(path)
    finding = _finding(name, "APL107", Fix(Safety.UNSAFE, "", (Edit(name, 1, 2, "2"),)))
    assert fix_report([finding], lambda texts: [], unsafe=False).changes == {}
    assert fix_report([finding], lambda texts: [], unsafe=True).changes[name][1] == b"[2]\n"


def test_diff_marks_a_missing_final_newline():
    diff = unified_diff({"x.json": (b"{}", b'{"a": 1}')})
    assert diff.endswith('+{"a": 1}\n\\ No newline at end of file\n')


def test_no_fix_where_the_edits_cannot_be_written_exactly(tmp_path, monkeypatch, capsys):
    """A policy written as a JSON string inside a template gets findings but no fix (its
    characters are escaped in the file); nothing is written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "template.json").write_text(json.dumps({"Resources": {"P": {
        "Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": json.dumps({
            "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject"], "Resource": "*"}]})}}}}))
    code, out, _ = run(capsys, "--format", "json", ".")
    findings = json.loads(out)["findings"]
    assert {f["rule_id"] for f in findings} >= {"APL502", "APL102"}
    assert all("fix" not in f for f in findings)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    run(capsys, "--unsafe-fixes", ".")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_suppressed_findings_are_not_fixed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = ("Version: 2012-10-17  # amplify-policy-lint: disable=APL005 -- our converter wants a date\n"
            "Statement:\n  - Effect: Allow\n    Action: s3:GetObject\n    Resource: '*'\n")
    (tmp_path / "p.yaml").write_text(text)
    (tmp_path / "q.json").write_bytes((FIXES / "APL102" / "safe" / "indent-2.json").read_bytes())
    (tmp_path / ".amplify-policy-lint.yaml").write_text('per-file-ignores:\n  "q.json": [APL102]\n')
    code, _, err = cli.main(["--fix", "p.yaml", "q.json"]), *capsys.readouterr()
    assert code == 0, err
    assert (tmp_path / "p.yaml").read_text() == text
    assert (tmp_path / "q.json").read_bytes() == (FIXES / "APL102" / "safe" / "indent-2.json").read_bytes()
