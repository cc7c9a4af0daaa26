"""End to end through real pre-commit: `pre-commit try-repo <checkout> amplify-policy-lint`
in a temporary git repository, exactly as a user's hook would run."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

FAILING = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "allow", "Action": "s3:GetObject", "Resource": "my-bucket/*"}
  ]
}
"""
CLEAN = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'


def pre_commit_executable() -> list[str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    return [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    # One hook environment for the module: pre-commit installs the checkout into it once.
    return tmp_path_factory.mktemp("pre-commit-home")


def git_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "init", "-q"], cwd=path, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=path, check=True, env=env)
    return path


def try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess:
    command = pre_commit_executable() + ["try-repo", str(ROOT), "amplify-policy-lint", "--all-files",
                                         "--color", "never"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=900)


def test_manifest_is_valid():
    result = subprocess.run(pre_commit_executable() + ["validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_fails_on_a_bad_policy_with_file_line_and_column(tmp_path, pre_commit_home):
    repo = git_repo(tmp_path / "repo", {"deploy-policy.json": FAILING, "package.json": '{"name": "x"}\n'})
    result = try_repo(repo, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    lines = re.findall(r"^deploy-policy\.json:\d+:\d+: APL\d{3} .*$", output, re.MULTILINE)
    assert lines == [
        'deploy-policy.json:4:16: APL101 error Effect must be "Allow" or "Deny" (case-sensitive) [invalid-policy-grammar]',
        "deploy-policy.json:4:63: APL106 error resource 'my-bucket/*' is not an ARN or \"*\" [invalid-arn]",
    ]
    assert "package.json" not in output


def test_hook_passes_on_a_clean_policy(tmp_path, pre_commit_home):
    repo = git_repo(tmp_path / "repo", {"deploy-policy.json": CLEAN, "tsconfig.json": "{\n  // c\n}\n"})
    result = try_repo(repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


MISSING_VERSION = """{
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}
  ]
}
"""


def test_hook_with_fix_fixes_the_file_fails_the_commit_and_the_next_commit_passes(tmp_path, pre_commit_home):
    """`args: [--fix]` in a user's configuration, with the checkout given to pre-commit as
    try-repo gives it (uncommitted changes included, through pre-commit's own shadow repo)."""
    executable = pre_commit_executable()
    from pre_commit.commands.try_repo import _repo_ref

    hook_repo, rev = _repo_ref(str(tmp_path), str(ROOT), None)
    repo = git_repo(tmp_path / "repo", {"deploy-policy.json": MISSING_VERSION})
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n"
        "      - id: amplify-policy-lint\n        args: [--fix]\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "PRE_COMMIT_COLOR": "never"}
    subprocess.run(executable + ["install"], cwd=repo, check=True, env=env, capture_output=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)

    first = subprocess.run(["git", "commit", "-m", "policy"], cwd=repo, capture_output=True, text=True,
                           env=env, timeout=900)
    output = first.stdout + first.stderr
    assert first.returncode != 0, output
    assert "files were modified by this hook" in output
    assert (repo / "deploy-policy.json").read_text() == MISSING_VERSION.replace(
        '{\n  "Statement"', '{\n  "Version": "2012-10-17",\n  "Statement"')
    log = subprocess.run(["git", "log", "--oneline"], cwd=repo, capture_output=True, text=True, env=env)
    assert log.stdout == ""  # nothing was committed

    subprocess.run(["git", "add", "deploy-policy.json"], cwd=repo, check=True, env=env)
    second = subprocess.run(["git", "commit", "-m", "policy"], cwd=repo, capture_output=True, text=True,
                            env=env, timeout=900)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout + second.stderr


# A configured principal of three files: one grants lambda:CreateFunction, another the
# iam:PassRole it needs, the third amplify:DeleteApp without RemoveAllBackends (a true APL301).
GROUP_CONFIG = "principals:\n  deployer:\n    - iam/deployer/*.json\n"
GROUP = {
    "create": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": '
              '"lambda:CreateFunction", "Resource": "*"}]}\n',
    "pass": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", '
            '"Resource": "arn:aws:iam::123456789012:role/fn", "Condition": {"StringEquals": '
            '{"iam:PassedToService": "lambda.amazonaws.com"}}}]}\n',
    "delete": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": '
              '"amplify:DeleteApp", "Resource": "*"}]}\n',
}
FINDING = re.compile(r"^\S+:\d+:\d+: APL\d{3} .*$", re.MULTILINE)


def group_repo(path: Path, variant: int) -> Path:
    """The group's three files among 150 clean ones, named so that each variant orders them
    differently (pre-commit passes files in name order and splits them over processes)."""
    names = ["create", "pass", "delete"]
    order = names[variant % 3:] + names[:variant % 3]
    files = {f"iam/deployer/{i}-{name}.json": GROUP[name] for i, name in enumerate(order)}
    before = 30 * variant  # how many of the others sort before the group
    for i in range(150):
        folder = "a" if i < before else "z"
        files[f"{folder}/policy-{i:03}.json"] = CLEAN
    files[".amplify-policy-lint.yaml"] = GROUP_CONFIG
    path.mkdir()
    for name in files:
        (path / name).parent.mkdir(parents=True, exist_ok=True)
    return git_repo_existing(path, files)


def git_repo_existing(path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (path / name).write_text(text)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", "init", "-q"], cwd=path, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=path, check=True, env=env)
    return path


def test_a_principal_group_split_over_processes_gives_the_result_of_the_group_alone(tmp_path, pre_commit_home):
    # pre-commit splits 153 files over one process per core; whichever process gets which
    # member, the others are read from disk, and each finding is reported once.
    outcomes = []
    splits = []
    for variant in range(5):
        repo = group_repo(tmp_path / f"repo{variant}", variant)
        result = try_repo(repo, pre_commit_home)
        output = result.stdout + result.stderr
        found = sorted(re.sub(r"/\d-", "/", line) for line in FINDING.findall(output))
        alone = subprocess.run([sys.executable, "-m", "amplify_policy_lint", "iam/deployer"], cwd=repo,
                               capture_output=True, text=True)
        expected = sorted(re.sub(r"/\d-", "/", line) for line in FINDING.findall(alone.stdout))
        assert found == expected, output
        assert result.returncode == alone.returncode == 1, output
        outcomes.append(found)
        splits.append(_split_by_pre_commit(repo))
    assert all(o == outcomes[0] for o in outcomes)
    # The test means something only if pre-commit did split the group in some variant.
    assert any(splits) or not _concurrent(), splits
    assert [line.split(": ")[1].split()[0] for line in outcomes[0]] == ["APL301"]


def _concurrent() -> bool:
    from pre_commit import lang_base

    return lang_base.target_concurrency() > 1


def _split_by_pre_commit(repo: Path) -> bool:
    """Whether pre-commit puts the group's files in more than one process: its deterministic
    shuffle and partition of the staged files, recomputed (pre-commit internals)."""
    from pre_commit import lang_base, xargs

    names = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout.split()
    names = [n for n in names if n.endswith((".json", ".yaml", ".yml"))]
    partitions = xargs.partition(("amplify-policy-lint",), lang_base._shuffled(names),
                                 lang_base.target_concurrency())
    holding = [p for p in partitions if any(a.startswith("iam/deployer/") for a in p)]
    return len(holding) > 1


BACKEND_TS = """import { defineBackend } from '@aws-amplify/backend';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { resize } from './functions/resize/resource';

const backend = defineBackend({ resize });
backend.resize.resources.lambda.addToRolePolicy(new PolicyStatement({
  actions: ['s3:GetObject', 's3:HeadObject'],
  resources: [`${backend.storage.resources.bucket.bucketArn}/*`],
}));
"""


def test_hook_lints_a_staged_amplify_gen2_backend(tmp_path, pre_commit_home):
    repo = git_repo(tmp_path / "repo", {
        "amplify/backend.ts": BACKEND_TS,
        # No IAM in it: passed to the hook, skipped after a substring search.
        "amplify/functions/resize/handler.ts": "export const handler = async () => 'ok';\n",
        "README.md": "# app\n",
    })
    result = try_repo(repo, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    lines = re.findall(r"^amplify/\S+:\d+:\d+: APL\d{3} .*$", output, re.MULTILINE)
    assert [line.split(" error ")[0] for line in lines] == ["amplify/backend.ts:7:29: APL202"], output


TERRAFORM_IAM = '''data "aws_iam_policy_document" "queue" {
  statement {
    actions   = ["sqs:SendMessageBatch"]
    resources = ["*"]
  }
}
'''


def test_hook_lints_a_staged_terraform_file(tmp_path, pre_commit_home):
    repo = git_repo(tmp_path / "repo", {
        "infra/iam.tf": TERRAFORM_IAM,
        # No IAM in it: passed to the hook (types_or terraform), skipped after a substring search.
        "infra/network.tf": 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        "infra/prod.tfvars": 'region = "eu-west-1"\n',
    })
    result = try_repo(repo, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    lines = re.findall(r"^infra/\S+:\d+:\d+: APL\d{3} .*$", output, re.MULTILINE)
    assert [line.split(" error ")[0] for line in lines] == ["infra/iam.tf:3:18: APL202"], output
