"""Baselines: written with --write-baseline, applied with --baseline (or the config key),
keyed by file, rule and JSON path so that moving lines does not bring findings back."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from amplify_policy_lint import baseline
from amplify_policy_lint.model import Finding, Severity, Span
from amplify_policy_lint.rules import BY_ID

from conftest import assert_no_traceback, run_cli

# Each statement its own action, so that none makes another redundant (APL506).
ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging")
STATEMENT = '    {{"Sid": "S{n}", "Effect": "Allow", "Action": "{action}", "Resource": "{resource}"}}'


def policy(*resources: str, version: bool = True, above: str = "") -> str:
    statements = ",\n".join(STATEMENT.format(n=i, action=ACTIONS[i], resource=r) for i, r in enumerate(resources))
    head = '  "Version": "2012-10-17",\n' if version else ""
    return "{\n" + above + head + '  "Statement": [\n' + statements + "\n  ]\n}\n"


def findings(result) -> list[str]:
    return [f"{f['file']}:{f['line']}: {f['rule_id']} {f['message'].split(' is ')[0]}"
            for f in json.loads(result.out)["findings"]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "iam").mkdir()
    return tmp_path


def lint(repo: Path, *args: str):
    result = run_cli("--format", "json", *args, cwd=repo)
    assert_no_traceback(result)
    return result


def test_write_then_apply(repo):
    (repo / "iam" / "p.json").write_text(policy("bucket-a", "*", version=False))
    written = run_cli("--write-baseline", "baseline.json", ".", cwd=repo)
    assert written.code == 0 and written.out == ""
    assert written.err == "wrote 2 findings to baseline baseline.json\n"
    data = json.loads((repo / "baseline.json").read_text())
    assert data["version"] == 1
    assert [(e["file"], e["rule_id"], e["json_path"], e["count"]) for e in data["entries"]] == [
        ("iam/p.json", "APL102", [], 1), ("iam/p.json", "APL106", ["Statement", 0, "Resource"], 1)]
    assert all("line" not in e for e in data["entries"])
    result = lint(repo, "--baseline", "baseline.json", ".")
    assert result.code == 0 and findings(result) == []


def test_baseline_survives_lines_inserted_above_the_finding(repo):
    target = repo / "iam" / "p.json"
    target.write_text(policy("bucket-a", "*"))
    run_cli("--write-baseline", "baseline.json", ".", cwd=repo)
    target.write_text(policy("bucket-a", "*", above='\n\n  "Id": "moved-down",\n\n'))
    assert lint(repo, ".").code == 1  # the finding is still there, further down
    result = lint(repo, "--baseline", "baseline.json", ".")
    assert result.code == 0 and findings(result) == []


def test_baseline_survives_a_statement_inserted_above_and_reports_the_new_one(repo):
    target = repo / "iam" / "p.json"
    target.write_text(policy("bucket-a", "*"))
    run_cli("--write-baseline", "baseline.json", ".", cwd=repo)
    target.write_text(policy("bucket-new", "bucket-a", "*"))  # bucket-a moves to Statement[1]
    result = lint(repo, "--baseline", "baseline.json", ".")
    assert findings(result) == ["iam/p.json:4: APL106 resource 'bucket-new'"]


def test_a_finding_edited_in_place_stays_accepted_by_path(repo):
    target = repo / "iam" / "p.json"
    target.write_text(policy("bucket-a"))
    run_cli("--write-baseline", "baseline.json", ".", cwd=repo)
    target.write_text(policy("bucket-b"))
    assert findings(lint(repo, "--baseline", "baseline.json", ".")) == []


def test_a_new_finding_elsewhere_is_reported(repo):
    (repo / "iam" / "p.json").write_text(policy("bucket-a"))
    run_cli("--write-baseline", "baseline.json", ".", cwd=repo)
    (repo / "iam" / "q.json").write_text(policy("bucket-a"))
    result = lint(repo, "--baseline", "baseline.json", ".")
    assert result.code == 1 and findings(result) == ["iam/q.json:4: APL106 resource 'bucket-a'"]


def make(file: str, rule: str, path: tuple, token: str, line: int = 1) -> Finding:
    return Finding(file, Span(line, 1, line, 2), BY_ID[rule], Severity.ERROR, "m", path, token=token)


def test_counts_two_identical_findings_need_two_entries(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one = make("p.json", "APL101", ("Statement", 0, "Effect"), '"allow"')
    two = make("p.json", "APL101", ("Statement", 0, "Effect"), '"allow"', line=2)
    path = str(tmp_path / "b.json")
    baseline.write(path, [one], ["."])
    result = baseline.match(baseline.load(path), [one, two])
    assert result.kept == [two] and result.suppressed == 1
    baseline.write(path, [one, two], ["."])
    assert json.loads(Path(path).read_text())["entries"][0]["count"] == 2
    assert baseline.match(baseline.load(path), [one, two]).kept == []


def test_input_findings_without_a_path_are_keyed_by_their_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = make("p.yaml", "APL001", (), "-", line=3)
    path = str(tmp_path / "b.json")
    baseline.write(path, [old], ["."])
    loaded = baseline.load(path)
    assert baseline.match(loaded, [make("p.yaml", "APL001", (), "-", line=9)]).kept == []
    other = make("p.yaml", "APL001", (), "]", line=3)
    assert baseline.match(loaded, [other]).kept == [other]


def test_paths_are_relative_to_the_baseline_file(repo):
    (repo / "iam" / "p.json").write_text(policy("bucket-a"))
    (repo / "ci").mkdir()
    run_cli("--write-baseline", "ci/baseline.json", "iam", cwd=repo)
    entry = json.loads((repo / "ci" / "baseline.json").read_text())["entries"][0]
    assert entry["file"] == "../iam/p.json"
    # From another directory, with the file named differently: still the same finding.
    result = run_cli("--format", "json", "--baseline", "../ci/baseline.json", "p.json", cwd=repo / "iam")
    assert result.code == 0 and json.loads(result.out)["findings"] == []


def test_baseline_from_the_configuration_file(repo):
    (repo / "iam" / "p.json").write_text(policy("bucket-a"))
    (repo / "ci").mkdir()
    run_cli("--write-baseline", "ci/accepted.json", ".", cwd=repo)
    (repo / ".amplify-policy-lint.yaml").write_text("baseline: ci/accepted.json\n")
    assert lint(repo, ".").code == 0
    result = run_cli("--format", "json", ".", cwd=repo / "iam")  # relative to the config file
    assert result.code == 0, result.err
    assert lint(repo, "--no-config", ".").code == 1


def test_unused_entries_are_reported_at_their_line_in_the_baseline(repo):
    target = repo / "iam" / "p.json"
    target.write_text(policy("bucket-a", "bucket-b"))
    run_cli("--write-baseline", "baseline.json", ".", cwd=repo)
    target.write_text(policy("bucket-a", "*"))  # bucket-b fixed
    assert lint(repo, "--baseline", "baseline.json", ".").code == 0
    result = run_cli("--baseline", "baseline.json", "--report-unused-suppressions", ".", cwd=repo)
    assert result.code == 1
    assert result.out == ('baseline.json:6:5: APL900 warning unused baseline entry: no APL106 finding at '
                          'Statement[1].Resource in iam/p.json [unused-suppression]\n')


def test_unused_entries_outside_the_run_or_its_rules_are_not_reported(repo):
    (repo / "iam" / "p.json").write_text(policy("bucket-a"))
    (repo / "other.json").write_text(policy("bucket-b"))
    run_cli("--write-baseline", "baseline.json", ".", cwd=repo)
    # A pre-commit run names only some files; the others' entries are not stale.
    result = run_cli("--baseline", "baseline.json", "--report-unused-suppressions", "iam/p.json", cwd=repo)
    assert result.code == 0 and result.out == ""
    result = run_cli("--baseline", "baseline.json", "--report-unused-suppressions", "--select", "APL102",
                     ".", cwd=repo)
    assert result.code == 0 and result.out == ""
    (repo / "other.json").unlink()
    result = run_cli("--baseline", "baseline.json", "--report-unused-suppressions", ".", cwd=repo)
    assert result.code == 1 and "in other.json" in result.out


def test_write_baseline_keeps_entries_it_could_not_have_reproduced(repo):
    (repo / "iam" / "p.json").write_text(policy("bucket-a", version=False))
    (repo / "other.json").write_text(policy("bucket-b"))
    run_cli("--write-baseline", "baseline.json", ".", cwd=repo)
    (repo / "iam" / "p.json").write_text(policy("*", version=False))
    run_cli("--write-baseline", "baseline.json", "--select", "APL106", "iam", cwd=repo)
    entries = json.loads((repo / "baseline.json").read_text())["entries"]
    assert [(e["file"], e["rule_id"]) for e in entries] == [("iam/p.json", "APL102"), ("other.json", "APL106")]


def test_write_baseline_respects_inline_directives_and_per_file_ignores(repo):
    (repo / "iam" / "p.yaml").write_text(
        "Statement:\n  - Effect: Allow\n    Action: s3:GetObject\n"
        "    Resource: bucket  # amplify-policy-lint: disable=APL106 -- ok\n")
    (repo / ".amplify-policy-lint.yaml").write_text("per-file-ignores: {'*.yaml': [APL102]}\n")
    result = run_cli("--write-baseline", "baseline.json", ".", cwd=repo)
    assert result.err == "wrote 0 findings to baseline baseline.json\n"
    assert json.loads((repo / "baseline.json").read_text())["entries"] == []


@pytest.mark.parametrize("content, message", [
    (None, "baseline.json: baseline file not found (create it with --write-baseline baseline.json)"),
    ("{", "baseline.json: baseline file is not valid JSON"),
    ('{"version": 2, "entries": []}', "baseline.json: not an amplify-policy-lint baseline"),
    ('{"version": 1, "entries": [{"file": "p.json"}]}', "baseline.json: baseline entry 1 is malformed"),
    ('{"version": 1, "entries": [{"file": "p.json", "rule_id": "APL1", "json_path": [], "count": 0}]}',
     "baseline entry 1 is malformed"),
])
def test_bad_baseline_is_one_line_and_exit_2(repo, content, message):
    if content is not None:
        (repo / "baseline.json").write_text(content)
    result = run_cli("--baseline", "baseline.json", ".", cwd=repo)
    assert_no_traceback(result)
    assert result.code == 2 and result.out == ""
    assert len(result.err.splitlines()) == 1 and message in result.err


def test_write_baseline_and_baseline_cannot_be_combined(repo):
    result = run_cli("--write-baseline", "a.json", "--baseline", "b.json", ".", cwd=repo)
    assert result.code == 2 and "cannot be combined" in result.err


def test_rendered_baseline_is_stable_and_escapes_lone_surrogates():
    entries = [baseline.Entry("b.json", "APL106", ("Statement", 1), '"x"'),
               baseline.Entry("a\udcff.json", "APL102", (), "{"),
               baseline.Entry("b.json", "APL106", ("Statement", 1), '"x"')]
    text = baseline.render(entries)
    text.encode("utf-8")
    data = json.loads(text)
    assert [e["file"] for e in data["entries"]] == ["a\udcff.json", "b.json"]
    assert data["entries"][1]["count"] == 2
    assert text == baseline.render(reversed(entries))
