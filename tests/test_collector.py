"""The cycle collector around a run (cli.main, cli.run, linter.lint_paths).

Start-up makes objects that live for the whole run (modules, catalog services), and the
collector's passes over them found no garbage while costing a tenth of a one-file run. So a
command-line run pauses the collector until its first group of files is linted, and the
process entry freezes what is left before exit. A library caller gets the collector back as
it was.
"""
from __future__ import annotations

import gc
import json
import sys

import pytest

from amplify_policy_lint import cli, linter
from amplify_policy_lint.config import Settings

POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


@pytest.fixture
def policies(tmp_path, monkeypatch):
    for name in ("a.json", "b.json", "c.json"):
        (tmp_path / name).write_text(json.dumps(POLICY))
    monkeypatch.chdir(tmp_path)
    return ["a.json", "b.json", "c.json"]


@pytest.fixture
def collector_seen(monkeypatch):
    """Whether the collector was on as each group of files was linted, in order."""
    seen: list[bool] = []
    lint_group = linter.lint_group

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return lint_group(*args, **kwargs)

    monkeypatch.setattr(linter, "lint_group", watching)
    return seen


def test_a_run_pauses_the_collector_for_its_first_group_only(policies, collector_seen):
    assert gc.isenabled()
    assert cli.main(policies) == 0
    assert collector_seen == [False, True, True]


def test_main_gives_the_collector_back_as_it_was(policies):
    assert cli.main(policies) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        assert cli.main(policies) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_main_gives_the_collector_back_when_the_run_stops_early(policies):
    assert cli.main(["--select", "APL999", "a.json"]) == 2  # a usage error, before any file is read
    assert gc.isenabled()


def test_a_paused_collector_stays_paused_for_a_library_caller(policies, collector_seen):
    gc.disable()
    try:
        linter.lint_paths(policies, Settings())
        assert collector_seen == [False, False, False]
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_the_process_entry_freezes_what_is_left_for_exit(policies, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["amplify-policy-lint", *policies])
    try:
        assert cli.run() == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_worker_collects_though_its_parent_paused(monkeypatch):
    monkeypatch.setattr(linter, "_worker_plan", None)
    gc.disable()
    try:
        linter._start_worker(Settings())
        assert gc.isenabled()
    finally:
        gc.enable()
