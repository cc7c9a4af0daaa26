"""Output safety (issue 17, point 1): what a file or its name holds never drives the terminal or
the CI runner that shows the output.

File names and contents holding line breaks, ESC sequences, C1 controls, a right-to-left
override, workflow commands (``::add-mask::``, ``%0A``, the legacy ``##[``) and bytes that are
not UTF-8 are fed to every format, with and without ``--verbose``. In every output, no line
begins (after white space, as the GitHub runner reads it) with ``::`` except the github
format's own commands; no line carries a legacy ``##[`` command; no raw control or
bidirectional character reaches the text format or stderr; the machine formats parse, are
strict UTF-8 and keep the exact values.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from amplify_policy_lint import reporters
from amplify_policy_lint.escape import for_terminal, no_surrogates, safe_line
from amplify_policy_lint.linter import Report
from amplify_policy_lint.model import FileError, Finding, Severity, Span
from amplify_policy_lint.rules import BY_ID

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")

# Every character that must not reach a terminal raw: C0 (line breaks included: a human line
# is one line), DEL, C1, LRM/RLM, bidi embeddings/overrides/isolates, line/paragraph separators.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
OWN_COMMAND = re.compile(r"^::(error|warning|notice) file=[^:]+::")  # properties hold no raw colon

NAMES = [
    "x\n::add-mask::secret.json",
    "y\r::error file=forged.json,line=1::forged.json",
    "\x1b]0;pwned\x07\x1b[2Jscreen.json",
    "c1\x85\x9b31mcontrol.json",
    "rlo\u202egnp.json",
    "iso\u2066late\u2069\u200f.json",
    "::warning::lead.json",
    " ::spaced.json",
    "%0A::stop-commands::tok.json",
    "##[add-mask]legacy.json",
    "line\u2028sep.json",
]
UNDECODABLE = b"latin\xff\xfe.json"

# A policy whose messages quote what the file says: an unknown action (APL202) and a
# duplicated Sid (APL103) holding every troublemaker, JSON-escaped.
NASTY = ("\\n::add-mask::s3cr3t\\r::error::forged\\u001b[2J\\u001b]0;t\\u0007\\u0085\\u009b"
         "\\u202egnp\\u2066\\u2028%0A::set-output name=x::y ##[add-mask]z")
POLICY = (
    '{"Version": "2012-10-17", "Statement": ['
    f'{{"Sid": "{NASTY}", "Effect": "Allow", "Action": "s3:Get{NASTY}", "Resource": "*"}},'
    f'{{"Sid": "{NASTY}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}'
    ']}\n'
)
BROKEN = '{"Statement": [\n  "\\u001b[2J::add-mask::x\n'  # does not parse (APL001), quotes text
NOT_A_POLICY = '{"name": "package"}\n'  # skipped, with a --verbose note


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nasty")
    for name in NAMES:
        (root / name).write_text(POLICY, encoding="utf-8")
    os.makedirs(os.fsencode(root / "sub"))
    with open(os.path.join(os.fsencode(root), UNDECODABLE), "w", encoding="utf-8") as handle:
        handle.write(POLICY)
    (root / "broken\n::add-mask::b.json").write_text(BROKEN, encoding="utf-8")
    (root / "pkg\x1b[31m\n::error::n.json").write_text(NOT_A_POLICY, encoding="utf-8")
    return root


def run(root: Path, *args: str | bytes) -> tuple[int, bytes, bytes]:
    completed = subprocess.run([sys.executable, "-m", "amplify_policy_lint", *args], cwd=root,
                               capture_output=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})
    return completed.returncode, completed.stdout, completed.stderr


def lines_of(data: bytes) -> list[str]:
    # Any of the line breaks a runner or terminal might honour ends a line here.
    return re.split("\r\n|\r|\n", data.decode("utf-8"))


def assert_no_command_lines(data: bytes, own_commands: bool = False) -> None:
    for line in lines_of(data):
        if own_commands and OWN_COMMAND.match(line):
            continue
        assert not line.lstrip().startswith("::"), line
        if not (own_commands and OWN_COMMAND.match(line)):
            assert "##[" not in line, line


def assert_no_raw_controls(data: bytes) -> None:
    text = data.decode("utf-8")  # strict: no lone surrogate was written
    for line in text.split("\n"):
        found = RAW_CONTROL.search(line)
        assert found is None, f"raw U+{ord(found.group()):04X} in {line!r}"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("verbose", [False, True], ids=["plain", "verbose"])
def test_a_directory_of_nasty_names_and_contents(tree, fmt, verbose):
    args = ["--format", fmt, "."] + (["--verbose"] if verbose else [])
    code, out, err = run(tree, *args)
    assert code == 1, err
    assert_no_command_lines(out, own_commands=fmt == "github")
    assert_no_command_lines(err)
    assert_no_raw_controls(err)
    if fmt == "text":
        assert_no_raw_controls(out)
        assert out.count(b"\n") >= len(NAMES) * 2
    check_machine_format(fmt, out)
    if verbose:
        assert b"pkg\\x1b[31m\\n::error::n.json: skipped" in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_named_files_missing_files_and_a_named_non_policy(tree, fmt):
    """Names given on the command line (as pre-commit gives them), one missing (a stderr
    error line and, in the machine formats, an error entry), one skipped (a --verbose note)."""
    names = [n.encode("utf-8") for n in NAMES[:4]] + [UNDECODABLE, b"gone\n::add-mask::m.json",
                                                       "pkg\x1b[31m\n::error::n.json".encode()]
    code, out, err = run(tree, "--format", fmt, "--verbose", *names)
    assert code == 2  # the missing file
    assert_no_command_lines(out, own_commands=fmt == "github")
    assert_no_command_lines(err)
    assert_no_raw_controls(err)
    assert b"gone\\n::add-mask::m.json: no such file" in err
    if fmt == "text":
        assert_no_raw_controls(out)
        assert b"latin\\xff\\xfe.json:1:" in out
    check_machine_format(fmt, out, NAMES[:4])


def check_machine_format(fmt: str, out: bytes, names=tuple(NAMES)) -> None:
    """The machine formats parse, and the names in them are exact (or, for bytes that are
    not UTF-8, written as documented)."""
    text = out.decode("utf-8")
    if fmt == "json":
        document = json.loads(text)
        files = {f["file"] for f in document["findings"]}
        assert set(names) <= files
        assert "latin\\xff\\xfe.json" in files
        messages = " ".join(f["message"] for f in document["findings"])
        assert "\x1b" not in messages and "add-mask" in messages  # one_line: C0 escaped in messages
    elif fmt == "sarif":
        document = json.loads(text)
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in document["runs"][0]["results"]}
        assert "latin%FF%FE.json" in uris
        assert "x%0A%3A%3Aadd-mask%3A%3Asecret.json" in uris
    elif fmt == "gitlab":
        paths = {issue["location"]["path"] for issue in json.loads(text)}
        assert set(names) <= paths
        assert any(p.startswith("latin\\xff") for p in paths)
    elif fmt == "junit":
        root = ET.fromstring(out)
        classes = {case.get("classname") for case in root.iter("testcase")}
        assert "x\n::add-mask::secret.json" in classes
    elif fmt == "github":
        for line in text.splitlines():
            assert OWN_COMMAND.match(line), line


def test_the_escapes_are_those_the_issue_names():
    assert for_terminal("a\nb") == "a\\nb"
    assert for_terminal("\x1b[2J") == "\\x1b[2J"
    assert for_terminal("\u202e") == "\\u202e"
    assert for_terminal("\x85\x9b\x7f\t\r") == "\\x85\\x9b\\x7f\\t\\r"
    assert for_terminal("\u200e\u200f\u2028\u2029\u2066\u2069") == "\\u200e\\u200f\\u2028\\u2029\\u2066\\u2069"
    assert for_terminal("bad\udcff name") == "bad\\xff name"
    assert for_terminal("##[add-mask]x") == "#\\x23[add-mask]x"
    assert for_terminal("plain ünïcode, 100% fine") == "plain ünïcode, 100% fine"
    assert no_surrogates("bad\udcff\ud800") == "bad\\xff\\ud800"
    assert safe_line("  ::error::x") == "  \\x3a:error::x"
    assert safe_line("a ::b") == "a ::b"


def test_reporters_given_a_report_built_by_other_code():
    """A Report whose messages and detail were not made one line by the linter still cannot
    break a line of any format."""
    rule = BY_ID["APL202"]
    message = "m\n::add-mask::x\r\n\x1b[2J\u202e\x85 ##[error]y"
    findings = [Finding(name, Span(1, 1, 1, 2), rule, Severity.ERROR, message, ("Statement", 0),
                        detail="line\n::error::d\n##[add-mask]q", token="t")
                for name in NAMES + ["latin\udcff.json"]]
    report = Report(findings=findings, errors=[FileError("e\n::add-mask::e.json", message)])
    for fmt in FORMATS:
        out = reporters.REPORTERS[fmt](report, verbose=True).encode("utf-8")
        assert_no_command_lines(out, own_commands=fmt == "github")
        if fmt == "text":
            assert_no_raw_controls(out)
        check_machine_format(fmt, out) if fmt in ("junit", "github") else json.loads(out) if fmt != "text" else None


def test_json_keeps_exact_values_and_writes_legacy_prefix_as_an_escape():
    rule = BY_ID["APL202"]
    message = "a ##[add-mask]b \u202e"
    report = Report(findings=[Finding("p.json", Span(1, 1, 1, 2), rule, Severity.ERROR, message)])
    for fmt in ("json", "sarif", "gitlab"):
        out = reporters.REPORTERS[fmt](report)
        assert "##[" not in out and "#\\u0023[" in out
        assert message in json.dumps(json.loads(out), ensure_ascii=False) or fmt == "gitlab"
    junit = reporters.junit(report)
    assert "##[" not in junit
    assert ET.fromstring(junit.encode()).find("testsuite/testcase/failure").get("message") == message


def test_diff_of_fixes_is_safe_too(tmp_path):
    """--diff prints file names and file contents: a name's line break, a content line that
    starts with '::' after white space, ESC and a right-to-left override are escaped; tabs stay."""
    name = "d\n::add-mask::diff.yaml"
    (tmp_path / name).write_text(
        "Statement:\n  - Sid: |\n      ::add-mask::secret\n      \u202e\x85 ##[error]x\n"
        "    Effect: Allow\n    Action: s3:GetObject\n    Resource: 'arn:aws:s3:::b/*'\n", encoding="utf-8")
    code, out, err = run(tmp_path, "--diff", name.encode())
    assert code == 1, err
    assert_no_command_lines(out)
    assert_no_command_lines(err)
    assert_no_raw_controls(err)
    for line in out.decode("utf-8").split("\n"):
        assert RAW_CONTROL.search(line.replace("\t", "")) is None, line
    assert b"+++ b/d\\n::add-mask::diff.yaml" in out and b"Version" in out
    assert b"\n       \\x3a:add-mask::secret\n" in out  # the context line, escaped
