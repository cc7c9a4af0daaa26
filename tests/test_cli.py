"""The command line: options in --help, exit codes with --fail-on and --exit-zero, rule
selection, every format, colour and the progress line only for people on a terminal."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from amplify_policy_lint.progress import Progress, for_stream

from conftest import ROOT, assert_no_traceback, run_cli

WARNING_ONLY = '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'  # APL102
ERROR_TOO = '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "x"}]}\n'  # + APL106
CLEAN = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
         '"Resource": "arn:aws:s3:::bucket/*"}]}\n')
INFO_ONLY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "x"}]}\n'


def test_help_lists_every_option_and_format():
    result = run_cli("--help")
    assert result.code == 0
    for option in ("--format", "--select", "--ignore", "--fail-on", "--exit-zero", "--config", "--no-config",
                   "--baseline", "--write-baseline", "--report-unused-suppressions", "--list-rules",
                   "--explain", "--jobs", "--version", "--kind", "--verbose"):
        assert option in result.out, option
    for fmt in ("text", "json", "sarif", "github", "gitlab", "junit"):
        assert fmt in result.out


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


@pytest.mark.parametrize("content, args, code", [
    (WARNING_ONLY, (), 1),                                   # default --fail-on warning
    (WARNING_ONLY, ("--fail-on", "error"), 0),
    (WARNING_ONLY, ("--fail-on", "warning"), 1),
    (WARNING_ONLY, ("--fail-on", "info"), 1),
    (ERROR_TOO, ("--fail-on", "error"), 1),
    (ERROR_TOO, ("--exit-zero",), 0),
    (ERROR_TOO, ("--fail-on", "info", "--exit-zero"), 0),
    (INFO_ONLY, ("--severity-is-not-an-option",), 2),
    (INFO_ONLY, ("--fail-on", "fatal"), 2),
    (CLEAN, ("--fail-on", "info"), 0),
])
def test_exit_codes(tree, content, args, code):
    (tree / "p.json").write_text(content)
    result = run_cli(*args, "p.json", cwd=tree)
    assert_no_traceback(result)
    assert result.code == code, result.err


def test_info_findings_fail_only_with_fail_on_info(tree):
    (tree / ".amplify-policy-lint.yaml").write_text("severity: {APL106: info}\nselect: [APL106]\n")
    (tree / "p.json").write_text(INFO_ONLY)
    assert run_cli("p.json", cwd=tree).code == 0
    assert run_cli("--fail-on", "info", "p.json", cwd=tree).code == 1


def test_errors_are_exit_2_even_with_exit_zero(tree):
    result = run_cli("--exit-zero", "missing.json", cwd=tree)
    assert result.code == 2 and result.err.strip() == "amplify-policy-lint: error: missing.json: no such file"


@pytest.mark.parametrize("args, rules", [
    ((), ["APL102", "APL106"]),
    (("--select", "APL106"), ["APL106"]),
    (("--select", "invalid-arn"), ["APL106"]),
    (("--select", "APL1"), ["APL102", "APL106"]),
    (("--ignore", "APL102"), ["APL106"]),
    (("--ignore", "missing-version,APL106"), []),
    (("--select", "APL1", "--ignore", "APL106"), ["APL102"]),
    (("--select", "APL101", "--select", "APL102"), ["APL102"]),
])
def test_select_and_ignore(tree, args, rules):
    (tree / "p.json").write_text(ERROR_TOO)
    result = run_cli("--format", "json", *args, "p.json", cwd=tree)
    assert sorted({f["rule_id"] for f in json.loads(result.out)["findings"]}) == rules


def test_unknown_rule_is_a_usage_error(tree):
    result = run_cli("--select", "APL999", ".", cwd=tree)
    assert result.code == 2 and result.err.strip() == ("amplify-policy-lint: error: unknown rule 'APL999' "
                                                         "(see --list-rules)")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit"])
def test_every_format_on_the_demo(fmt):
    result = run_cli("--format", fmt, "fixtures/demo", cwd=ROOT)
    assert_no_traceback(result)
    assert result.code == 1
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(result.out)
    elif fmt == "junit":
        ET.fromstring(result.out.encode("utf-8"))
    elif fmt == "github":
        assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in result.out.splitlines())
    else:
        assert result.out.startswith("fixtures/demo/")
    # The summary line is for people only.
    assert (result.err != "") is (fmt == "text")


def test_text_format_is_one_finding_per_line():
    import re

    result = run_cli("fixtures/demo", cwd=ROOT)
    pattern = re.compile(r"[^:]+:\d+:\d+: APL\d{3} (error|warning|info) .+ \[[a-z0-9-]+\]")
    lines = result.out.splitlines()
    assert lines and all(pattern.fullmatch(line) for line in lines), lines


# ---------------------------------------------------------------------------------------------
# Terminal-only behaviour: colour and the progress line


def run_on_terminal(args: list[str], cwd: Path, env: dict | None = None, tty_stdout: bool = True,
                    tty_stderr: bool = False) -> tuple[int, bytes, bytes]:
    """Run the linter with stdout and/or stderr on a pseudo-terminal (the others go to files,
    so that a large output cannot block the child while the terminal is read)."""
    import tempfile

    pty = pytest.importorskip("pty")
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update(env or {})
    streams = {}
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        masters = {}
        for name, is_tty, fallback in (("out", tty_stdout, out_file), ("err", tty_stderr, err_file)):
            if is_tty:
                master, slave = pty.openpty()
                masters[name] = master
                streams[name] = slave
            else:
                streams[name] = fallback
        process = subprocess.Popen([sys.executable, "-m", "amplify_policy_lint", *args], cwd=cwd,
                                   env=environment, stdout=streams["out"], stderr=streams["err"])
        for name in masters:
            os.close(streams[name])
        captured = {}
        for name, master in masters.items():
            chunks = []
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            os.close(master)
            captured[name] = b"".join(chunks)
        code = process.wait(timeout=300)
        for name, handle in (("out", out_file), ("err", err_file)):
            if name not in captured:
                handle.seek(0)
                captured[name] = handle.read()
    return code, captured["out"], captured["err"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_and_never_with_no_color(tree):
    (tree / "p.json").write_text(ERROR_TOO)
    _, out, _ = run_on_terminal(["p.json"], tree)
    assert b"\x1b[31merror\x1b[0m" in out
    _, out, _ = run_on_terminal(["p.json"], tree, env={"NO_COLOR": "1"})
    assert b"\x1b[" not in out and b"error" in out
    _, out, _ = run_on_terminal(["p.json"], tree, env={"NO_COLOR": ""})  # empty: not set
    assert b"\x1b[31m" in out
    _, out, _ = run_on_terminal(["--format", "json", "p.json"], tree)
    assert b"\x1b[" not in out
    assert "\x1b[" not in run_cli("p.json", cwd=tree).out  # not a terminal


@pytest.fixture
def many(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for i in range(305):
        (tmp_path / f"p{i:03}.json").write_text(WARNING_ONLY)
    return tmp_path


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_line_on_a_terminal_for_many_files(many):
    code, _, err = run_on_terminal(["."], many, tty_stdout=False, tty_stderr=True)
    assert code == 1
    assert b"\rchecking files: 305/305 (100%)" in err
    assert b"\r\x1b[K" in err  # cleared before the summary
    assert err.rstrip().endswith(b"305 warnings; 305 files checked")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_progress_in_machine_formats_or_without_a_terminal(many):
    _, _, err = run_on_terminal(["--format", "json", "."], many, tty_stdout=False, tty_stderr=True)
    assert b"checking files" not in err
    result = run_cli(".", cwd=many)
    assert "checking files" not in result.err and "\r" not in result.err


def test_progress_threshold_and_clearing():
    class Tty(list):
        def write(self, text):
            self.append(text)

        def flush(self):
            pass

        def isatty(self):
            return True

    stream = Tty()
    progress = Progress(stream)
    progress(10, 300)
    progress.close()
    assert stream == []
    progress(1, 301)
    progress(301, 301)
    progress.close()
    assert stream[0] == "\rchecking files: 1/301 (0%)" and stream[-2] == "\rchecking files: 301/301 (100%)"
    assert stream[-1] == "\r\x1b[K"
    assert for_stream(stream, "sarif") is None and for_stream(stream, "text") is not None

    class Pipe(Tty):
        def isatty(self):
            return False

    assert for_stream(Pipe(), "text") is None


@pytest.mark.parametrize("argv", [[], ["policy.json"], ["a.json", "dir/b.yaml", "c d.json"]])
def test_a_command_line_of_paths_reads_as_argparse_would(argv):
    """pre-commit passes file names only: that command line is read without argparse, to the
    same values (cli.PLAIN_DEFAULTS must follow every option the parser gains)."""
    from amplify_policy_lint.cli import Arguments, build_parser, parse_arguments

    fast = parse_arguments(argv)
    assert isinstance(fast, Arguments)
    assert vars(fast) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [
    ["--fail-on", "error", "p.json"], ["--fail-on=info", "a.json", "b.json"], ["--exit-zero"],
    ["--format", "json", "--select", "APL3", "--select=APL1,APL2", "--ignore", "APL502", "x.json"],
    ["--format=sarif", "--format", "github", "p.json"], ["--config", "c.yaml", "--no-config", "p.json"],
    ["--baseline=b.json", "--assume-complete", "--verbose", "--report-unused-suppressions", "p.json"],
    ["--fix", "--unsafe-fixes", "--diff", "--config=", "p.json"], ["--select", "", "p.json"],
])
def test_a_hook_command_line_reads_as_argparse_would(argv):
    """Options before the file names, as a hook's args: read without argparse, to the values
    argparse gives (no other option reaches this reading: see the next test)."""
    from amplify_policy_lint.cli import Arguments, build_parser, parse_arguments

    quick = parse_arguments(argv)
    assert isinstance(quick, Arguments)
    assert vars(quick) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [
    ["-"], [""], ["--fail", "error", "p.json"], ["--fail-on", "fatal", "p.json"], ["--format"],
    ["--select", "-x", "p.json"], ["p.json", "--exit-zero"], ["--exit-zero=1"], ["--jobs", "2", "p.json"],
    ["--kind", "policy", "p.json"], ["--", "p.json"], ["-h"], ["--version"], ["--list-rules"],
])
def test_any_other_command_line_goes_through_argparse(argv):
    from amplify_policy_lint import cli

    assert cli._quick_arguments(argv) is None
