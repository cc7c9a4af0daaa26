"""Every error path: one line on stderr, exit code 2 (or the findings' code where the run itself
is fine), the other files still linted, never a traceback or "Exception ignored"."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from amplify_policy_lint import cli, linter
from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import Plan, lint_file, lint_paths

from conftest import assert_no_traceback, run_cli

CANARY = '{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'
PROG = "amplify-policy-lint"


def has_option(name: str) -> bool:
    return name in cli.build_parser()._option_string_actions


def no_config() -> list[str]:
    """Keep a configuration file above the temporary directory out of the run, where possible."""
    return ["--no-config"] if has_option("--no-config") else []


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith(f"{PROG}: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    return lines[0]


def run_main(argv: list[str], capsys) -> tuple[int, str, str]:
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    (tmp_path / "canary.json").write_text(CANARY)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- unreadable, missing, vanished, wrong kind of path ---------------------------------------------

def test_unreadable_file_is_one_line_and_exit_2_and_the_rest_is_linted(tree, monkeypatch, capsys):
    (tree / "locked.json").write_text(CANARY)
    real_open = open

    def fake_open(file, *args, **kwargs):
        if os.path.basename(str(file)) == "locked.json":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    code, out, err = run_main(["locked.json", "canary.json", *no_config()], capsys)
    assert code == 2
    assert one_error_line(err) == f"{PROG}: error: locked.json: permission denied"
    assert out.startswith("canary.json:1:")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads files whatever their permissions (the in-process test covers it)")
def test_unreadable_file_by_permissions(tree):
    locked = tree / "locked.json"
    locked.write_text(CANARY)
    locked.chmod(0)
    try:
        result = run_cli("locked.json", "canary.json", *no_config(), cwd=tree)
    finally:
        locked.chmod(0o644)
    assert result.code == 2
    assert one_error_line(result.err) == f"{PROG}: error: locked.json: permission denied"


def test_directory_where_a_file_is_expected(tree):
    (tree / "dir.json").mkdir()
    outcome = lint_file("dir.json", Plan.build(Settings()))
    assert [(e.file, e.message) for e in outcome.report.errors] == [("dir.json", "is a directory")]


def test_file_used_as_a_directory_is_one_line(tree, capsys):
    code, out, err = run_main(["canary.json/p.json", "canary.json", *no_config()], capsys)
    assert code == 2
    assert one_error_line(err).startswith(f"{PROG}: error: canary.json/p.json: ")
    assert "canary.json:1:" in out


def test_missing_file_named_on_the_command_line(tree, capsys):
    code, out, err = run_main(["missing.json", "canary.json", *no_config()], capsys)
    assert code == 2
    assert one_error_line(err) == f"{PROG}: error: missing.json: no such file"
    assert "canary.json:1:" in out


def test_file_that_vanishes_between_discovery_and_reading(tree, monkeypatch, capsys):
    (tree / "sub").mkdir()
    (tree / "sub" / "vanishing.json").write_text(CANARY)
    (tree / "sub" / "stays.json").write_text(CANARY)
    real_discover = linter.discover

    def discover_then_delete(*args, **kwargs):
        files, errors = real_discover(*args, **kwargs)
        assert any(f.endswith("vanishing.json") for f in files)
        (tree / "sub" / "vanishing.json").unlink()
        return files, errors

    monkeypatch.setattr(linter, "discover", discover_then_delete)
    code, out, err = run_main(["sub", *no_config()], capsys)
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(f"{PROG}: error: ") and line.endswith("vanishing.json: no such file")
    assert "stays.json:1:" in out


def test_directory_that_vanishes_during_the_walk(tree, monkeypatch):
    (tree / "sub" / "deeper").mkdir(parents=True)
    (tree / "sub" / "deeper" / "p.json").write_text(CANARY)
    real_walk = os.walk

    def walk(top, *args, **kwargs):
        for index, entry in enumerate(real_walk(top, *args, **kwargs)):
            if index == 0 and (tree / "sub" / "deeper").exists():
                (tree / "sub" / "deeper" / "p.json").unlink()
                (tree / "sub" / "deeper").rmdir()
            yield entry

    monkeypatch.setattr(os, "walk", walk)
    report = lint_paths(["sub", "canary.json"], Settings())
    assert [Path(f.file).name for f in report.findings] == ["canary.json"]
    assert all("\n" not in e.message for e in report.errors)


# --- configuration and options ---------------------------------------------------------------------

@pytest.mark.skipif(not has_option("--config"), reason="--config is not implemented yet")
def test_missing_config_file_is_one_line_and_exit_2(tree):
    result = run_cli("--config", "missing.yaml", "canary.json", cwd=tree)
    assert result.code == 2 and result.out == ""
    assert "missing.yaml" in one_error_line(result.err)


@pytest.mark.skipif(not has_option("--config"), reason="--config is not implemented yet")
@pytest.mark.parametrize("name, content", [
    (".amplify-policy-lint.yaml", "select: [APL1\n"),  # YAML syntax error
    (".amplify-policy-lint.yaml", "- a\n- b\n"),  # not a mapping
    (".amplify-policy-lint.yaml", "selcet: [APL1]\n"),  # unknown key
    (".amplify-policy-lint.yaml", "select: [APL999]\n"),  # unknown rule
    (".amplify-policy-lint.yaml", "select: {a: 1}\n"),  # wrong type
    (".amplify-policy-lint.yaml", "fail-on: sometimes\n"),
    (".amplify-policy-lint.yaml", "select: !!python/object/apply:os.system ['echo pwned']\n"),
    (".amplify-policy-lint.yaml", b"select: [\xff]\n"),  # not UTF-8
    (".amplify-policy-lint.yaml", "a: &a [x]\nb: [*a, *a, *a]\nselect: *a\n"),
    (".amplify-policy-lint.yaml", "".join(  # a billion laughs: checking it once hung
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
        .join(["a: &a [x, x, x, x, x, x, x, x, x, x]\n", "select: *i\n"])),
    ("pyproject.toml", "[tool.amplify-policy-lint\nselect = 1\n"),
    ("setup.cfg", "[amplify-policy-lint]\nselect = APL999\n"),
    ("config-dir", None),  # a directory
])
def test_broken_config_is_one_line_and_exit_2(tree, name, content):
    path = tree / name
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    result = run_cli("--config", name, "canary.json", cwd=tree)
    assert_no_traceback(result)
    assert "pwned" not in result.out + result.err
    assert result.code == 2, (result.out, result.err)
    line = one_error_line(result.err)
    assert name in line and "internal error" not in line


@pytest.mark.parametrize("argv, fragment", [
    (["--select", "APL999"], "APL999"),
    (["--select", "APL101,nonsense"], "nonsense"),
    (["--ignore", "no-such-rule"], "no-such-rule"),
    (["--select", "APL9"], "APL9"),
    (["--explain", "APL999"], "APL999"),
    (["--format", "xml"], "xml"),
    (["--kind", "pom"], "pom"),
    (["--fail-on", "never"], "never"),
    (["--jobs", "0"], "--jobs"),
    (["--jobs", "many"], "many"),
    (["--no-such-option"], "--no-such-option"),
])
def test_bad_options_are_one_line_and_exit_2(tree, argv, fragment):
    result = run_cli(*argv, "canary.json", *no_config(), cwd=tree)
    assert result.code == 2 and result.out == ""
    assert fragment in one_error_line(result.err)


# --- output pipe closed early ----------------------------------------------------------------------

@pytest.fixture
def many_findings(tmp_path) -> Path:
    """Far more output than a pipe buffers (64 KiB), so the writer meets the closed pipe."""
    statements = [{"Effect": "allow", "Action": "s3:GetObject", "Resource": f"bucket-{i}"} for i in range(400)]
    for index in range(40):
        (tmp_path / f"p{index:02d}.json").write_text(
            json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=1))
    return tmp_path


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell pipeline")
@pytest.mark.parametrize("arguments", [[], ["--format", "json"]])
def test_output_piped_into_head_stops_quietly(many_findings, arguments):
    command = " ".join([sys.executable, "-m", "amplify_policy_lint", *arguments, *no_config(), "."])
    completed = subprocess.run(f"{command} 2>err.txt | head -1", shell=True, cwd=many_findings,
                               capture_output=True, text=True, timeout=300)
    err = (many_findings / "err.txt").read_text()
    assert completed.stdout.count("\n") == 1
    assert "Traceback" not in err and "Exception ignored" not in err and "Error" not in err, err


def test_reader_closing_the_pipe_after_one_line(many_findings):
    process = subprocess.Popen([sys.executable, "-m", "amplify_policy_lint", *no_config(), "."], cwd=many_findings,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode()
    process.wait(timeout=300)
    assert b"APL" in first
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert process.returncode in (1, 2)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file descriptors")
def test_closed_stdout_is_no_traceback(tree):
    completed = subprocess.run(f"{sys.executable} -m amplify_policy_lint {' '.join(no_config())} canary.json >&-",
                               shell=True, cwd=tree, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in completed.stderr and "Exception ignored" not in completed.stderr, completed.stderr
    assert completed.returncode in (1, 2)


# --- interrupted -----------------------------------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_sigint_mid_run_is_one_line_and_exit_2(many_findings):
    # Enough work to be interrupted while linting (imports take a fraction of a second).
    text = (many_findings / "p00.json").read_text()
    for index in range(40, 1500):
        (many_findings / f"p{index:04d}.json").write_text(text)
    # A shell runs background jobs with SIGINT ignored, and Python then leaves it ignored:
    # the child gets the default disposition back, as a terminal's foreground process has.
    process = subprocess.Popen([sys.executable, "-m", "amplify_policy_lint", *no_config(), "."], cwd=many_findings,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1.0)
    if process.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    if process.returncode == 1 and not err:
        pytest.skip("the run finished before the signal arrived")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert process.returncode == 2
    assert err.strip().splitlines() == [f"{PROG}: interrupted"]
