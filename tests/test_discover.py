"""Directory walks (issue 17, point 3): .gitignore files (nested, above the walked directory, the
repository's info/exclude) and generated copies are skipped, with a --verbose note saying why;
a path named on the command line never is; a FIFO named on the command line is skipped with a
note instead of blocking the run. No git is needed: the rules are read from the files.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from amplify_policy_lint.config import Settings
from amplify_policy_lint.discover import Skipped, discover
from amplify_policy_lint.linter import lint_paths

from conftest import FIXTURES, run_cli

# The .gitignore that Amplify CLI (Gen 1) writes into a project.
AMPLIFY_GITIGNORE = """\
#amplify-do-not-edit-begin
amplify/\\#current-cloud-backend
amplify/.config/local-*
amplify/logs
amplify/mock-data
amplify/mock-api-resources
amplify/backend/amplify-meta.json
amplify/backend/.temp
build/
dist/
node_modules/
aws-exports.js
awsconfiguration.json
amplifyconfiguration.json
amplifyconfiguration.dart
amplify-build-config.json
amplify-gradle-config.json
amplifytools.xcconfig
.secret-*
**.sample
#amplify-do-not-edit-end
"""

TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "LambdaExecutionRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]},
                                   "Action": ["sts:AssumeRole"]}]},
                "Policies": [{"PolicyName": "deploy", "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*"}]}}],
            },
        },
    },
}


def amplify_project(root: Path, gitignore: bool = True) -> Path:
    """An Amplify Gen 1 project as the CLI leaves it after `amplify push`: the backend as
    written, its build copy, the copy of the deployed backend, installed packages."""
    function = root / "amplify" / "backend" / "function" / "cleanup"
    function.mkdir(parents=True)
    shutil.copy(FIXTURES / "demo" / "amplify" / "backend" / "function" / "cleanup" / "custom-policies.json", function)
    (function / "cleanup-cloudformation-template.json").write_text(json.dumps(TEMPLATE, indent=2), encoding="utf-8")
    (root / "iam").mkdir()
    shutil.copy(FIXTURES / "demo" / "iam" / "amplify-deployer-policy.json", root / "iam")
    copies = [root / "amplify" / "backend" / "awscloudformation" / "build" / "function" / "cleanup",
              root / "amplify" / "#current-cloud-backend" / "function" / "cleanup",
              root / "node_modules" / "some-package" / "iam"]
    for copy in copies:
        shutil.copytree(function, copy)
    shutil.copy(root / "iam" / "amplify-deployer-policy.json", copies[2])
    if gitignore:
        (root / ".gitignore").write_text(AMPLIFY_GITIGNORE, encoding="utf-8")
    return root


def finding_keys(report) -> Counter:
    return Counter((os.path.basename(f.file), f.rule.id, f.span.line, f.span.column) for f in report.findings)


@pytest.mark.parametrize("gitignore", [True, False], ids=["with .gitignore", "without .gitignore"])
def test_an_amplify_gen1_project_reports_each_finding_once(tmp_path, monkeypatch, gitignore):
    project = amplify_project(tmp_path / "project", gitignore)
    monkeypatch.chdir(project)
    report = lint_paths(["."], Settings())
    keys = finding_keys(report)
    assert keys and max(keys.values()) == 1, [k for k, n in keys.items() if n > 1]
    assert {f.file.split(os.sep)[0] for f in report.findings} == {"amplify", "iam"}
    assert not any("build" in f.file or "#current" in f.file for f in report.findings)
    # The copies are there: with nothing skipped, the function's findings come four times
    # (as written, build copy, deployed copy, the package's copy), the deployer's twice.
    everything = finding_keys(lint_paths(["."], Settings(respect_gitignore=False, skip_generated=False)))
    assert {name: n for (name, *_), n in everything.items()} == {
        "cleanup-cloudformation-template.json": 4, "custom-policies.json": 4, "amplify-deployer-policy.json": 2}


def test_verbose_says_what_was_skipped_and_why(tmp_path):
    project = amplify_project(tmp_path / "project")
    result = run_cli("--verbose", ".", cwd=project)
    assert result.code == 1, result.err
    err = result.err
    assert f"amplify{os.sep}backend{os.sep}awscloudformation{os.sep}build{os.sep}: skipped: " in err
    assert ".gitignore:9 (build/)" in err or "Amplify CLI's build copy" in err
    assert f"amplify{os.sep}#current-cloud-backend{os.sep}: skipped: Amplify CLI's copy of the deployed backend" in err
    assert f"node_modules{os.sep}: skipped: installed npm packages" in err


def test_gitignore_alone_decides_when_generated_folders_are_walked(tmp_path, monkeypatch):
    project = amplify_project(tmp_path / "project")
    monkeypatch.chdir(project)
    skipped = Skipped()
    files, _ = discover(["."], skip_generated=False, skipped=skipped)
    assert not any("build" in f or "#current" in f or "node_modules" in f for f in files)
    notes = "\n".join(skipped.notes)
    assert "ignored by .gitignore:9 (build/)" in notes
    assert "ignored by .gitignore:2 (amplify/\\#current-cloud-backend)" in notes
    assert "ignored by .gitignore:11 (node_modules/)" in notes


def test_a_path_named_on_the_command_line_is_never_skipped(tmp_path, monkeypatch):
    project = amplify_project(tmp_path / "project")
    monkeypatch.chdir(project)
    build = os.path.join("amplify", "backend", "awscloudformation", "build", "function", "cleanup")
    named = os.path.join(build, "cleanup-cloudformation-template.json")
    files, _ = discover([named])
    assert files == [named]
    files, _ = discover([os.path.join("amplify", "backend", "awscloudformation", "build")])
    assert sorted(os.path.basename(f) for f in files) == ["cleanup-cloudformation-template.json",
                                                          "custom-policies.json"]
    files, _ = discover(["node_modules"])
    assert len(files) == 3


def test_nested_gitignore_negation_and_info_exclude(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("# local\nscratch/\n", encoding="utf-8")
    (root / ".gitignore").write_text("*.generated.json\nlegacy/\n", encoding="utf-8")
    (root / "iam").mkdir()
    (root / "iam" / ".gitignore").write_text("!keep.generated.json\nlocal-*.json\n", encoding="utf-8")
    for name in ("iam/a.json", "iam/keep.generated.json", "iam/drop.generated.json", "iam/local-x.json",
                 "legacy/old.json", "scratch/s.json", "other/local-y.json", "other/z.generated.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{}", encoding="utf-8")
    monkeypatch.chdir(root)
    files, _ = discover(["."])
    assert sorted(f.replace(os.sep, "/") for f in files) == ["iam/a.json", "iam/keep.generated.json",
                                                             "other/local-y.json"]
    # Walking a subdirectory still honours the .gitignore above it, up to the repository root.
    files, _ = discover(["iam"])
    assert sorted(f.replace(os.sep, "/") for f in files) == ["iam/a.json", "iam/keep.generated.json"]
    monkeypatch.chdir(root / "iam")
    files, _ = discover(["."])
    assert sorted(files) == ["a.json", "keep.generated.json"]
    # Turned off, everything is walked.
    monkeypatch.chdir(root)
    files, _ = discover(["."], respect_gitignore=False)
    assert len(files) == 8


def test_info_exclude_of_a_linked_worktree_is_the_main_repositorys(tmp_path, monkeypatch):
    main_git = tmp_path / "main" / ".git"
    (main_git / "info").mkdir(parents=True)
    (main_git / "info" / "exclude").write_text("private/\n", encoding="utf-8")
    (main_git / "worktrees" / "wt").mkdir(parents=True)
    (main_git / "worktrees" / "wt" / "commondir").write_text("../..\n", encoding="utf-8")
    worktree = tmp_path / "wt"
    (worktree / "private").mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {main_git / 'worktrees' / 'wt'}\n", encoding="utf-8")
    (worktree / "private" / "p.json").write_text("{}", encoding="utf-8")
    (worktree / "q.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(worktree)
    assert discover(["."])[0] == ["q.json"]


def test_cdk_out_is_walked_only_when_asked_for(tmp_path, monkeypatch):
    (tmp_path / "cdk.out").mkdir()
    (tmp_path / "cdk.out" / "Stack.template.json").write_text("{}", encoding="utf-8")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "policy.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert discover(["."])[0] == [os.path.join("lib", "policy.json")]
    assert discover(["cdk.out"])[0] == [os.path.join("cdk.out", "Stack.template.json")]
    assert len(discover(["."], skip_generated=False)[0]) == 2


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_on_the_command_line_is_skipped_with_a_note(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    (tmp_path / "p.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                     '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}', encoding="utf-8")
    result = run_cli("--verbose", "--format", "json", "pipe.json", "p.json", cwd=tmp_path)
    assert result.code == 0, result.err
    assert "pipe.json: skipped: a FIFO (named pipe), not a regular file" in result.err
    document = json.loads(result.out)
    assert document["files_skipped"] >= 1 and document["files_checked"] == 1


def test_configuration_keys_turn_the_skips_off(tmp_path):
    project = amplify_project(tmp_path / "project")
    (project / ".amplify-policy-lint.yaml").write_text("respect-gitignore: false\nskip-generated: false\n",
                                                       encoding="utf-8")
    result = run_cli("--format", "json", ".", cwd=project)
    files = Counter(f["file"].split("/")[0] for f in json.loads(result.out)["findings"])
    assert files["node_modules"] and any("build" in f["file"] for f in json.loads(result.out)["findings"])


def test_an_anchored_pattern_above_the_walked_directory(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("/iam/local-*.json\n", encoding="utf-8")
    (tmp_path / "iam" / "sub").mkdir(parents=True)
    for name in ("iam/local-a.json", "iam/b.json", "iam/sub/local-c.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "iam")
    assert sorted(f.replace(os.sep, "/") for f in discover(["."])[0]) == ["b.json", "sub/local-c.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_gitignore_that_is_a_fifo_or_a_link_is_not_read(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / ".gitignore")
    (tmp_path / "sub").mkdir()
    (tmp_path / "outside").write_text("*.json\n", encoding="utf-8")
    os.symlink(tmp_path / "outside", tmp_path / "sub" / ".gitignore")
    (tmp_path / "sub" / "p.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert discover(["."])[0] == [os.path.join("sub", "p.json")]  # and no read blocked
