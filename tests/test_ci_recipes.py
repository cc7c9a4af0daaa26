"""Install and CI recipes that work as written (issue 17, point 5).

- The version the README, the GitHub Action and the GitLab snippet pin is ``v`` + __version__,
  and when the repository holds that tag, the tag's commit carries that version.
- LICENSE is the Apache-2.0 text that setup.cfg declares.
- The Action's steps (action/*.sh) and the GitLab job's script run in a shell on a fixture
  repository, offline, with the linter of this checkout on PATH. The install step needs the
  package index; it runs when AMPLIFY_POLICY_LINT_TEST_INSTALL=1 is set.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from amplify_policy_lint import __version__

from conftest import FIXTURES, ROOT

TAG = f"v{__version__}"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def pinned_versions(text: str) -> list[str]:
    """Every version a recipe pins: pre-commit ``rev:``, pip ``@vX`` / action ``uses: ...@vX``,
    the GitLab snippet's variable and raw URL."""
    patterns = [r"rev:\s*(v[0-9][^\s]*)", r"amplify-policy-lint@(v[0-9][^\s\"']*)",
                r"AMPLIFY_POLICY_LINT_VERSION:\s*(v[0-9][^\s]*)", r"amplify-policy-lint/(v[0-9][^/\s]*)/"]
    return [match for pattern in patterns for match in re.findall(pattern, text)]


@pytest.mark.parametrize("name", ["README.md", "action.yml", "gitlab/amplify-policy-lint.yml"])
def test_every_pinned_version_is_the_package_version(name):
    found = pinned_versions((ROOT / name).read_text(encoding="utf-8"))
    assert found, f"{name} pins no version"
    assert set(found) == {TAG}, f"{name} pins {sorted(set(found))}, the package is {__version__}"


def test_the_tag_when_present_carries_the_version():
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    probe = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "-q", "--verify", f"refs/tags/{TAG}^{{commit}}"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"this checkout has no tag {TAG} (it is made on the release commit)")
    shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{TAG}:amplify_policy_lint/__init__.py"],
                           capture_output=True, text=True, check=True).stdout
    assert f'__version__ = "{__version__}"' in shown


def test_license_is_the_apache_text_setup_cfg_declares():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text and "APPENDIX: How to apply the Apache License" in text
    assert len(text.splitlines()) > 190
    setup = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    assert re.search(r"^license = Apache-2.0$", setup, re.M) and re.search(r"^license_files = LICENSE$", setup, re.M)


# ---------------------------------------------------------------------------------------------
# The GitHub Action


def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def test_action_is_composite_and_passes_inputs_through_the_environment():
    spec = action()
    assert spec["runs"]["using"] == "composite"
    steps = spec["runs"]["steps"]
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            # An input pasted into a script is shell injection; they travel as env values.
            assert "${{" not in step["run"], step["run"]
            for script in re.findall(r"action/[\w.]+\.sh", step["run"]):
                assert (ROOT / script).is_file(), script
    upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert len(upload) == 1 and "always()" in upload[0]["if"]
    assert steps[-1]["name"] == "Fail on findings"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in spec["inputs"]:
        assert f"`{name}`" in readme, f"README does not document the action input {name!r}"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository to lint: the demo project."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "demo", root)
    return root


def run_step(script: str, cwd: Path, tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess, dict]:
    output = tmp_path / "github_output"
    output.write_text("", encoding="utf-8")
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                   "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path), "NO_COLOR": "1", **env}
    completed = subprocess.run(["bash", str(ROOT / "action" / script)], cwd=cwd, env=environment,
                               capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
    return completed, outputs


def test_lint_step_writes_sarif_for_the_upload_and_shows_findings_in_the_log(repository, tmp_path):
    completed, outputs = run_step("lint.sh", repository, tmp_path, APL_PATHS="iam\namplify",
                                  APL_SARIF="true", APL_SARIF_FILE="out.sarif", APL_ARGS="--fail-on error")
    assert completed.returncode == 0, completed.stderr
    assert outputs == {"exit-code": "1", "sarif-file": "out.sarif"}
    assert "iam/amplify-deployer-policy.json:" in completed.stdout and "APL301" in completed.stdout
    assert not any(line.startswith("::") for line in completed.stdout.splitlines())
    document = json.loads((repository / "out.sarif").read_text(encoding="utf-8"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert "iam/amplify-deployer-policy.json" in uris
    if SARIF_SCHEMA.is_file():
        import jsonschema

        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
        assert not list(jsonschema.validators.validator_for(schema)(schema).iter_errors(document))


def test_lint_step_annotates_without_sarif(repository, tmp_path):
    completed, outputs = run_step("lint.sh", repository, tmp_path, APL_SARIF="false")
    assert completed.returncode == 0, completed.stderr
    assert outputs == {"exit-code": "1"}
    commands = [line for line in completed.stdout.splitlines() if line.startswith("::")]
    assert commands and all(re.match(r"::(error|warning|notice) file=", line) for line in commands)
    assert any("file=iam/amplify-deployer-policy.json" in line for line in commands)


def test_lint_step_on_a_clean_repository_and_on_a_usage_error(tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "p.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                  '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}', encoding="utf-8")
    completed, outputs = run_step("lint.sh", clean, tmp_path, APL_SARIF="true")
    assert completed.returncode == 0 and outputs["exit-code"] == "0"
    assert outputs["sarif-file"] == "amplify-policy-lint.sarif"
    completed, outputs = run_step("lint.sh", clean, tmp_path, APL_SARIF="true", APL_ARGS="--select NOPE")
    assert outputs == {"exit-code": "2"}  # nothing to upload
    assert "unknown rule 'NOPE'" in completed.stderr


@pytest.mark.skipif(os.environ.get("AMPLIFY_POLICY_LINT_TEST_INSTALL") != "1",
                    reason="the install step downloads the dependencies from the package index; "
                    "set AMPLIFY_POLICY_LINT_TEST_INSTALL=1 to run it")
def test_install_step_puts_the_linter_on_path(tmp_path):
    path_file = tmp_path / "github_path"
    # The action's checkout, as a workflow gets it (pip builds in it: not in this checkout).
    checkout = tmp_path / "action"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".*-venv"))
    environment = {**os.environ, "APL_ACTION_PATH": str(checkout), "APL_PYTHON": sys.executable,
                   "RUNNER_TEMP": str(tmp_path), "GITHUB_PATH": str(path_file)}
    completed = subprocess.run(["bash", str(ROOT / "action" / "install.sh")], env=environment,
                               capture_output=True, text=True, timeout=900)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().endswith(f"amplify-policy-lint {__version__}")
    bin_dir = path_file.read_text(encoding="utf-8").strip()
    assert (Path(bin_dir) / "amplify-policy-lint").is_file()


# ---------------------------------------------------------------------------------------------
# The GitLab CI job


def test_gitlab_job_writes_the_code_quality_report(repository, tmp_path):
    spec = yaml.safe_load((ROOT / "gitlab" / "amplify-policy-lint.yml").read_text(encoding="utf-8"))
    job = spec["amplify-policy-lint"]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    # The install line needs the network; the rest runs as GitLab runs it: one shell, stop on error.
    lines = [line for line in job["script"] if not line.startswith("python -m pip install")]
    assert len(lines) == len(job["script"]) - 1
    environment = {**os.environ, **{k: str(v) for k, v in job["variables"].items()},
                   "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1"}
    completed = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", "\n".join(lines)], cwd=repository,
                               env=environment, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 1, completed.stderr
    assert "APL301" in completed.stdout  # the findings in the job log
    issues = json.loads((repository / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert issues and all(i["location"]["path"] and i["fingerprint"] for i in issues)
