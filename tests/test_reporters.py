"""Reporters: golden files pin each format's exact output for a fixed set of findings; the
SARIF output validates against the OASIS schema; escaping, fingerprints and XML hold up.

Regenerate the golden files after an intended change with
``UPDATE_GOLDEN=1 python -m pytest tests/test_reporters.py`` and review the diff.
"""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from amplify_policy_lint import __version__, reporters
from amplify_policy_lint.config import Settings
from amplify_policy_lint.filters import UNUSED_SUPPRESSION
from amplify_policy_lint.linter import Report, lint_paths
from amplify_policy_lint.model import Edit, FileError, Finding, Fix, Safety, Severity, Span
from amplify_policy_lint.rules import BY_ID

from conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
ODD_FILE = "iam/ünïcode, policy:1.yaml"
ODD_MESSAGE = 'resource \'arn:aws:s3:::bucket/100%,x\' is "odd"\r\nsecond line <&> 50%'


def golden_report() -> Report:
    """A fixed report: every severity, a multi-line span, a file name with non-ASCII, a comma
    and a colon, a message with %, comma, colon, CR/LF, quotes and XML specials, a detail, two
    findings that share file, rule and path (unique names and fingerprints), a meta finding,
    a file that could not be read."""
    r = BY_ID
    findings = [
        Finding("broken.yaml", Span(3, 5, 3, 6), r["APL001"], Severity.ERROR,
                "while parsing a block mapping: expected <block end>, but found '-'", (), None, token="-"),
        Finding("iam/deployer-policy.json", Span(1, 1, 4, 2), r["APL102"], Severity.INFO,
                'policy document has no Version; add "Version": "2012-10-17"', (), None, token="{",
                fix=Fix(Safety.SAFE, 'add "Version": "2012-10-17"', (
                    Edit("iam/deployer-policy.json", 4, 4, '"Version": "2012-10-17",\n  ', Span(2, 3, 2, 3)),))),
        Finding("iam/deployer-policy.json", Span(16, 14, 16, 33), r["APL103"], Severity.ERROR,
                "duplicate Sid 'ManageAmplifyApps' (first used at 5:14); statement ids must be unique",
                ("Statement", 1, "Sid"), None, token='"ManageAmplifyApps"'),
        Finding("iam/deployer-policy.json", Span(20, 9, 20, 40), r["APL101"], Severity.ERROR,
                "Effect must be Allow or Deny", ("Statement", 1, "Effect"), None, token='"allow"'),
        Finding("iam/deployer-policy.json", Span(20, 9, 20, 40), r["APL101"], Severity.ERROR,
                "Effect must be a string", ("Statement", 1, "Effect"), None, token='"allow"'),
        Finding(ODD_FILE, Span(1, 10, 1, 20), r["APL005"], Severity.WARNING,
                "unquoted 2012-10-17 is a YAML date, not a string; quote it", ("Version",), None,
                token="2012-10-17", fix=Fix(Safety.SAFE, "quote 2012-10-17", (
                    Edit(ODD_FILE, 9, 19, '"2012-10-17"', Span(1, 10, 1, 20)),))),
        Finding(ODD_FILE, Span(7, 7, 7, 41), r["APL106"], Severity.ERROR, ODD_MESSAGE,
                ("Statement", 0, "Resource", 0), '{\n  "Resource": "arn:aws:s3:::bucket/*"\n}',
                token="arn:aws:s3:::bucket/100%,x"),
        Finding(ODD_FILE, Span(9, 20, 9, 58), UNUSED_SUPPRESSION, Severity.WARNING,
                "unused suppression: no APL303 finding starts on line 10", (), None),
    ]
    findings.sort(key=lambda f: f.sort_key)
    return Report(findings=findings, errors=[FileError("missing.json", "no such file")],
                  files_checked=3, files_skipped=1)


def check_golden(name: str, output: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(output.encode("utf-8"))
    assert path.is_file(), f"{path} is missing; run with UPDATE_GOLDEN=1 to create it"
    assert output.encode("utf-8") == path.read_bytes(), f"{name} differs from its golden file"


def versionless(output: str) -> str:
    return output.replace(f'"version": "{__version__}"', '"version": "@VERSION@"')


@pytest.mark.parametrize("fmt, name", [
    ("text", "findings.txt"), ("json", "findings.json"), ("sarif", "findings.sarif"),
    ("github", "findings.github.txt"), ("gitlab", "findings.gitlab.json"), ("junit", "findings.junit.xml"),
])
def test_golden_output(fmt, name):
    check_golden(name, versionless(reporters.REPORTERS[fmt](golden_report())))


@pytest.mark.parametrize("fmt, name", [
    ("text", "empty.txt"), ("json", "empty.json"), ("sarif", "empty.sarif"),
    ("github", "empty.github.txt"), ("gitlab", "empty.gitlab.json"), ("junit", "empty.junit.xml"),
])
def test_golden_output_without_findings(fmt, name):
    report = Report(files_checked=2)
    check_golden(name, versionless(reporters.REPORTERS[fmt](report)))


def test_verbose_text_shows_the_detail_indented():
    out = reporters.text(golden_report(), verbose=True)
    assert '\n    {\n      "Resource": "arn:aws:s3:::bucket/*"\n    }\n' in out


def test_text_keeps_one_line_per_finding():
    out = reporters.text(golden_report())
    assert len(out.splitlines()) == len(golden_report().findings)
    assert "is \"odd\"\\r\\nsecond line" in out


def test_colour_only_wraps_the_severity():
    out = reporters.text(golden_report(), colour=True)
    assert "\033[31merror\033[0m" in out and "\033[33mwarning\033[0m" in out and "\033[36minfo\033[0m" in out
    plain = reporters.text(golden_report())
    assert "\033" not in plain


# ---------------------------------------------------------------------------------------------
# SARIF


def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} is absent (it lives beside the checkout in ../shared)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def demo_report(monkeypatch) -> Report:
    monkeypatch.chdir(ROOT)
    report = lint_paths([str(Path("fixtures") / "demo")], Settings())
    assert report.findings
    return report


def test_sarif_of_the_demo_fixtures_validates_against_the_schema(monkeypatch):
    validator = sarif_validator()
    document = json.loads(reporters.sarif(demo_report(monkeypatch)))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("report", [golden_report(), Report()], ids=["golden", "empty"])
def test_sarif_of_edge_cases_validates_against_the_schema(report):
    validator = sarif_validator()
    document = json.loads(reporters.sarif(report))
    assert not list(validator.iter_errors(document))


def test_sarif_has_what_github_code_scanning_reads(monkeypatch):
    run = json.loads(reporters.sarif(demo_report(monkeypatch)))["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "amplify-policy-lint" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"
    for rule in driver["rules"]:
        assert set(rule) >= {"id", "name", "shortDescription", "fullDescription", "help", "helpUri",
                             "defaultConfiguration"}
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].endswith("#" + rule["id"].lower())
    fingerprints = set()
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "./"))
        assert set(location["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
        fingerprints.add(result["partialFingerprints"][reporters.FINGERPRINT_KEY])
    assert len(fingerprints) == len(run["results"])


def test_sarif_uri_is_percent_encoded_and_detail_kept():
    run = json.loads(reporters.sarif(golden_report()))["runs"][0]
    odd = [r for r in run["results"] if r["ruleId"] == "APL106"][0]
    uri = odd["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "iam/%C3%BCn%C3%AFcode%2C%20policy%3A1.yaml"
    assert odd["properties"]["detail"].startswith("{")
    assert odd["properties"]["jsonPath"] == ["Statement", 0, "Resource", 0]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_file_outside_the_current_directory_gets_an_absolute_file_uri(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outside = str(tmp_path.parent / "elsewhere" / "p.json")
    report = Report(findings=[Finding(outside, Span(1, 1, 1, 2), BY_ID["APL102"], Severity.WARNING, "m")])
    location = json.loads(reporters.sarif(report))["runs"][0]["results"][0]["locations"][0]
    artifact = location["physicalLocation"]["artifactLocation"]
    assert artifact["uri"].startswith("file:///") and artifact["uri"].endswith("/elsewhere/p.json")
    assert "uriBaseId" not in artifact


def test_absolute_path_inside_the_current_directory_is_made_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = Report(findings=[Finding(str(tmp_path / "iam" / "p.json"), Span(1, 1, 1, 2),
                                      BY_ID["APL102"], Severity.WARNING, "m")])
    assert reporters.github(report).startswith("::warning file=iam/p.json,")
    assert json.loads(reporters.gitlab(report))[0]["location"]["path"] == "iam/p.json"


# ---------------------------------------------------------------------------------------------
# Fingerprints


POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "bucket-a"},
    {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
  ]
}
"""


def fingerprints_of(tmp_path, monkeypatch, text: str, fmt: str) -> dict:
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = lint_paths(["p.json"], Settings())
    assert report.findings
    if fmt == "sarif":
        results = json.loads(reporters.sarif(report))["runs"][0]["results"]
        return {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]):
                r["partialFingerprints"][reporters.FINGERPRINT_KEY] for r in results}
    issues = json.loads(reporters.gitlab(report))
    return {(i["check_name"], i["location"]["lines"]["begin"]): i["fingerprint"] for i in issues}


@pytest.mark.parametrize("fmt", ["sarif", "gitlab"])
def test_fingerprints_do_not_change_when_unrelated_lines_move(tmp_path, monkeypatch, fmt):
    before = fingerprints_of(tmp_path, monkeypatch, POLICY, fmt)
    moved = POLICY.replace('  "Version": "2012-10-17",\n', '\n\n  "Version": "2012-10-17",\n\n')
    after = fingerprints_of(tmp_path, monkeypatch, moved, fmt)
    assert sorted(before.values()) == sorted(after.values())
    assert sorted(line for _, line in before) != sorted(line for _, line in after)


def test_fingerprints_differ_per_finding_and_between_files():
    report = golden_report()
    prints = reporters.fingerprints(report.findings)
    assert len(set(prints)) == len(prints)
    moved = Report(findings=[Finding("other.json", f.span, f.rule, f.severity, f.message, f.path,
                                     token=f.token) for f in report.findings])
    assert not set(prints) & set(reporters.fingerprints(moved.findings))


# ---------------------------------------------------------------------------------------------
# GitHub workflow commands


def parse_command(line: str) -> tuple[str, dict, str]:
    """Undo the documented escaping of one workflow command."""
    def unescape(text: str) -> str:
        return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
                .replace("%2C", ",").replace("%25", "%"))

    assert line.startswith("::")
    head, _, data = line[2:].partition("::")
    level, _, props = head.partition(" ")
    properties = {}
    for item in props.split(","):
        key, _, value = item.partition("=")
        properties[key] = unescape(value)
    return level, properties, unescape(data)


def test_github_annotations_escape_and_round_trip():
    report = golden_report()
    lines = reporters.github(report).splitlines()
    assert len(lines) == len(report.findings) + len(report.errors)
    parsed = [parse_command(line) for line in lines]
    odd = [p for p in parsed if p[1].get("title", "").startswith("APL106")][0]
    assert odd[0] == "error"
    assert odd[1]["file"] == ODD_FILE
    assert odd[2].startswith(ODD_MESSAGE)
    levels = {p[1].get("title", "").split(" ")[0]: p[0] for p in parsed}
    assert levels["APL102"] == "notice" and levels["APL005"] == "warning"


def test_github_annotation_of_a_multi_line_span_has_no_columns():
    report = golden_report()
    line = [x for x in reporters.github(report).splitlines() if "APL102" in x][0]
    _, props, _ = parse_command(line)
    assert props["line"] == "1" and props["endLine"] == "4"
    assert "col" not in props and "endColumn" not in props


# ---------------------------------------------------------------------------------------------
# GitLab and JUnit


def test_gitlab_report_has_the_required_fields():
    issues = json.loads(reporters.gitlab(golden_report()))
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    for issue in issues:
        assert issue["description"] and (issue["check_name"].startswith("APL")
                                         or issue["check_name"] == reporters.FILE_NOT_CHECKED)
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] and issue["location"]["lines"]["begin"] >= 1


def test_junit_is_well_formed_with_unique_names():
    report = golden_report()
    root = ET.fromstring(reporters.junit(report).encode("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = suites[0].findall("testcase")
    names = [case.get("name") for case in cases]
    assert len(names) == len(set(names)) == len(report.findings) + len(report.errors)
    assert suites[0].get("failures") == str(len(report.findings))
    odd = [c for c in cases if c.get("name", "").endswith("APL106")][0]
    assert odd.find("failure").get("message") == ODD_MESSAGE


def test_junit_survives_characters_xml_cannot_hold():
    bad = Finding("p\x01.json", Span(1, 1, 1, 2), BY_ID["APL102"], Severity.WARNING,
                  "control \x00\x1b and a lone surrogate \udcff", ())
    root = ET.fromstring(reporters.junit(Report(findings=[bad])).encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert "\\u0000" in failure.get("message") and "\\xff" in failure.get("message")


def test_junit_without_findings_has_one_passing_case():
    root = ET.fromstring(reporters.junit(Report()).encode("utf-8"))
    cases = root.findall("testsuite/testcase")
    assert len(cases) == 1 and not list(cases[0])


def test_every_reporter_is_a_format_the_command_line_offers():
    from amplify_policy_lint import cli, reporters

    assert cli.FORMATS == tuple(reporters.REPORTERS)


# ---------------------------------------------------------------------------------------------
# What GitHub code scanning and GitLab Code Quality need (issue 17, point 4)


def test_every_sarif_rule_has_tags_and_a_security_severity():
    from amplify_policy_lint import taxonomy
    from amplify_policy_lint.rules import RULES

    for rule in RULES:
        properties = reporters._sarif_rule(rule)["properties"]
        assert properties["tags"] == taxonomy.tags(rule) and 1 <= len(properties["tags"]) <= 10
        score = float(properties["security-severity"])
        assert 0.1 <= score <= 10.0
        if "security" in properties["tags"]:
            assert score >= 3.0 and any(t.startswith("external/cwe/") for t in properties["tags"])
    assert "security" in taxonomy.tags(BY_ID["APL401"]) and float(taxonomy.security_severity(BY_ID["APL401"])) >= 7.0
    assert "security" in taxonomy.tags(BY_ID["APL303"])
    assert "security" not in taxonomy.tags(BY_ID["APL101"])


def many_findings(count: int) -> list[Finding]:
    rules = [BY_ID["APL102"], BY_ID["APL303"], BY_ID["APL401"]]  # warning, warning, error
    findings = []
    for i in range(count):
        rule = rules[i % 3]
        findings.append(Finding(f"p{i // 100}.json", Span(i % 100 + 1, 1, i % 100 + 1, 2), rule, rule.severity,
                                f"finding {i}", ("Statement", i % 100), token=f'"{i}"'))
    return findings


def test_sarif_results_are_capped_below_githubs_limit_with_a_notification():
    validator = sarif_validator()
    findings = many_findings(reporters.MAX_SARIF_RESULTS + 1_200)
    document = json.loads(reporters.sarif(Report(findings=findings)))
    assert not list(validator.iter_errors(document))
    run = document["runs"][0]
    assert len(run["results"]) == reporters.MAX_SARIF_RESULTS
    # The most severe are kept: every error, then the earliest warnings.
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    assert sum(1 for r in run["results"] if r["level"] == "error") == errors
    notification = run["invocations"][0]["toolExecutionNotifications"][-1]
    assert notification["level"] == "warning"
    assert notification["message"]["text"].startswith("1,200 more findings were left out")
    # A finding keeps its fingerprint whether or not others were cut.
    full = dict(zip((f.message for f in findings), reporters.fingerprints(findings)))
    for result in run["results"]:
        assert result["partialFingerprints"][reporters.FINGERPRINT_KEY] == full[result["message"]["text"]]


def test_sarif_below_the_cap_has_no_notification():
    run = json.loads(reporters.sarif(Report(findings=many_findings(30))))["runs"][0]
    assert len(run["results"]) == 30 and "toolExecutionNotifications" not in run["invocations"][0]


def test_gitlab_reports_unreadable_and_unchecked_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.json").write_text('{"Statement": [', encoding="utf-8")
    (tmp_path / "latin1.json").write_bytes(b'{"Statement": "\xe9"}')
    big = b'{"Statement": [' + b" " * (21 * 1024 * 1024) + b"]}"
    (tmp_path / "big.json").write_bytes(big)
    report = lint_paths(["broken.json", "latin1.json", "big.json", "missing.json"], Settings())
    issues = json.loads(reporters.gitlab(report))
    by_name = {issue["check_name"]: issue for issue in issues}
    assert {"APL001", "APL003", "APL004", "file-not-checked"} <= set(by_name)
    assert by_name["file-not-checked"]["location"]["path"] == "missing.json"
    assert by_name["file-not-checked"]["severity"] == "major"
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
