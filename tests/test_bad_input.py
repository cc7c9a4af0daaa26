"""Bad input: one clear line per bad file, the other files still linted, nothing written,
and never a traceback."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from amplify_policy_lint import limits
from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths

from conftest import assert_no_traceback, run_cli

GOOD = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'
# A finding every run must still produce, to prove the good files were linted too.
CANARY = '{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'

BAD_FILES = {
    "invalid.json": ('{\n  "Statement": [\n    {"Effect": "Allow",, "Action": "s3:GetObject"}\n  ]\n}\n', "invalid.json:3:24: APL001"),
    "invalid.yaml": ("Statement:\n  - Effect: Allow\n    Action: [s3:GetObject\n", "invalid.yaml:4:1: APL001"),
    "latin1.json": ('{"Statement": [], "Sid": "caf\xe9"}'.encode("latin-1"), "latin1.json:1:30: APL003"),
    "utf16.json": (GOOD.encode("utf-16"), "utf16.json:1:1: APL003"),
    "binary.json": (b'{"Statement": \x00\x01\x02\xff}', "binary.json:1:15: APL003"),
    "deep.json": ('{"Statement": ' + "[" * 10_000 + "]" * 10_000 + "}", "deep.json:1:114: APL004"),
    "bomb.yaml": (None, "bomb.yaml:7:8: APL004"),  # the first alias past the expansion limit
    "amplify/backend/function/f/custom-policies.json": ("", "amplify/backend/function/f/custom-policies.json:1:1: APL001"),
}


def alias_bomb() -> str:
    lines = ['Statement: []', 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefg", "bcdefgh"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name, (content, _) in BAD_FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content = alias_bomb() if content is None else content
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    (tmp_path / "good.json").write_text(GOOD)
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    (tmp_path / "zz-canary.json").write_text(CANARY)
    return tmp_path


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def test_each_bad_file_gets_one_finding_and_the_rest_are_still_linted(tree: Path):
    before = snapshot(tree)
    result = run_cli(".", "--format", "json", cwd=tree)
    assert_no_traceback(result)
    assert result.code == 1
    report = json.loads(result.out)
    lines = [f"{f['file']}:{f['line']}:{f['column']}: {f['rule_id']}" for f in report["findings"]]
    expected = sorted(line for _, line in BAD_FILES.values()) + ["zz-canary.json:1:52: APL101"]
    assert lines == expected
    assert snapshot(tree) == before, "the linter must never write to the files it checks"


def test_text_output_gives_one_line_per_bad_file(tree: Path):
    result = run_cli(".", cwd=tree)
    assert_no_traceback(result)
    by_file = {}
    for line in result.out.splitlines():
        by_file.setdefault(line.split(":")[0], []).append(line)
    for name in BAD_FILES:
        assert len(by_file[name]) == 1, by_file.get(name)


def test_file_over_the_size_limit_is_apl004_without_reading_it_all(tmp_path: Path):
    big = tmp_path / "huge.json"
    with open(big, "wb") as handle:
        handle.write(b'{"Statement": [], "pad": "')
        handle.seek(limits.MAX_FILE_BYTES + 10)
        handle.write(b'"}')
    (tmp_path / "canary.json").write_text(CANARY)
    result = run_cli("huge.json", "canary.json", cwd=tmp_path)
    assert_no_traceback(result)
    assert result.out.startswith("canary.json:1:")
    assert f"huge.json:1:1: APL004 error file is {limits.MAX_FILE_BYTES + 12:,} bytes" in result.out


def test_oversized_file_that_is_no_policy_is_skipped(tmp_path: Path):
    big = tmp_path / "data.json"
    with open(big, "wb") as handle:
        handle.write(b'{"rows": [')
        handle.seek(limits.MAX_FILE_BYTES + 10)
        handle.write(b"]}")
    result = run_cli("data.json", cwd=tmp_path)
    assert (result.code, result.out, result.err) == (0, "", "")


def test_missing_and_directory_paths_are_one_line_errors_with_exit_2(tmp_path: Path):
    (tmp_path / "canary.json").write_text(CANARY)
    result = run_cli("missing.json", "canary.json", cwd=tmp_path)
    assert_no_traceback(result)
    assert result.code == 2
    assert result.err.splitlines()[0] == "amplify-policy-lint: error: missing.json: no such file"
    assert "canary.json:1:" in result.out


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root reads directories whatever their permissions")
def test_unreadable_directory_is_reported_and_the_rest_is_linted(tmp_path: Path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "p.json").write_text(CANARY)
    (tmp_path / "canary.json").write_text(CANARY)
    locked.chmod(0)
    try:
        result = run_cli(".", cwd=tmp_path)
    finally:
        locked.chmod(0o755)
    assert_no_traceback(result)
    assert result.code == 2
    assert "locked: cannot read directory: permission denied" in result.err
    assert "canary.json:1:" in result.out


def test_unreadable_directory_is_reported_even_when_running_as_root(tmp_path, monkeypatch):
    # Root ignores permission bits, so make the directory listing itself fail.
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "p.json").write_text(CANARY)
    (tmp_path / "canary.json").write_text(CANARY)
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).resolve() == locked.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    report = lint_paths(["."], Settings())
    assert [(e.file, e.message) for e in report.errors] == [
        ("locked", "cannot read directory: permission denied")]
    assert [f.file for f in report.findings] == ["canary.json"]


def test_unreadable_file_is_a_one_line_error(tmp_path: Path, monkeypatch):
    target = tmp_path / "p.json"
    target.write_text(CANARY)
    real_open = open

    def fake_open(file, *args, **kwargs):
        if str(file) == "p.json":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    monkeypatch.chdir(tmp_path)
    report = lint_paths(["p.json"], Settings())
    assert [(e.file, e.message) for e in report.errors] == [("p.json", "permission denied")]
