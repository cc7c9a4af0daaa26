"""Configuration: discovery and precedence, every key, bad files (one line, exit 2), the
gitignore-style globs, and the start-up promise (no parser imported when there is no file)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from amplify_policy_lint import cli
from amplify_policy_lint.config import ConfigError, Settings, find_config, load_config, make_settings
from amplify_policy_lint.globs import PathSpec
from amplify_policy_lint.model import Severity
from amplify_policy_lint.principals import principal_groups

from conftest import assert_no_traceback, run_cli

# APL102 (warning: no Version) and APL106 (error: resource 'x' is no ARN).
POLICY = '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "x"}]}\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """An empty repository (``.git`` stops discovery), the current directory."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def lint(*args: str) -> tuple[int, list[str], str]:
    """Run the command line in-process: exit code, finding lines (file:line:col: ID sev), stderr."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["--format", "json", *args])
    findings = []
    if out.getvalue():
        findings = [f"{f['file']}:{f['line']}:{f['column']}: {f['rule_id']} {f['severity']}"
                    for f in json.loads(out.getvalue())["findings"]]
    return code, findings, err.getvalue()


def rules_of(findings: list[str]) -> list[str]:
    return sorted({line.split(": ")[1].split()[0] for line in findings})


# ---------------------------------------------------------------------------------------------
# Discovery and precedence


def test_no_configuration_file(repo):
    assert find_config() is None
    write(repo / "p.json", POLICY)
    code, findings, _ = lint("p.json")
    assert code == 1 and rules_of(findings) == ["APL102", "APL106"]


def test_yaml_wins_over_pyproject_over_setup_cfg_in_one_directory(repo):
    write(repo / "setup.cfg", "[amplify-policy-lint]\nselect = APL106\n")
    assert find_config() == "setup.cfg"
    write(repo / "pyproject.toml", '[tool.amplify-policy-lint]\nselect = ["APL102"]\n')
    assert find_config() == "pyproject.toml"
    write(repo / ".amplify-policy-lint.yaml", "select: [APL101]\n")
    assert find_config() == ".amplify-policy-lint.yaml"


def test_files_without_our_table_are_passed_over(repo):
    write(repo / "pyproject.toml", '[project]\nname = "amplify-policy-lint"\n[tool.ruff]\nline-length = 99\n')
    write(repo / "setup.cfg", "[metadata]\nname = amplify-policy-lint\n[flake8]\nmax-line-length = 99\n")
    assert find_config() is None
    write(repo / "setup.cfg", "[metadata]\nname = x\n[amplify-policy-lint]\nselect = APL106\n")
    assert find_config() == "setup.cfg"


def test_the_nearest_file_wins_and_discovery_stops_at_the_repository_root(repo, monkeypatch):
    write(repo.parent / ".amplify-policy-lint.yaml", "select: [APL101]\n")  # above the repo: never used
    sub = repo / "infra" / "iam"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert find_config() is None
    write(repo / "pyproject.toml", '[tool.amplify-policy-lint]\nselect = ["APL102"]\n')
    assert Path(find_config()).resolve() == (repo / "pyproject.toml").resolve()
    write(repo / "infra" / "setup.cfg", "[amplify-policy-lint]\nselect = APL106\n")
    assert Path(find_config()).resolve() == (repo / "infra" / "setup.cfg").resolve()


def test_discovered_settings_apply(repo):
    write(repo / ".amplify-policy-lint.yaml", "select: [APL106]\n")
    write(repo / "p.json", POLICY)
    code, findings, _ = lint("p.json")
    assert rules_of(findings) == ["APL106"] and code == 1


def test_explicit_config_wins_and_no_config_uses_none(repo):
    write(repo / ".amplify-policy-lint.yaml", "select: [APL106]\n")
    write(repo / "other.toml", '[tool.amplify-policy-lint]\nselect = ["APL102"]\n')
    write(repo / "p.json", POLICY)
    assert rules_of(lint("--config", "other.toml", "p.json")[1]) == ["APL102"]
    assert rules_of(lint("--no-config", "p.json")[1]) == ["APL102", "APL106"]
    code, _, err = lint("--no-config", "--config", "other.toml", "p.json")
    assert code == 2 and "cannot be combined" in err


def test_explicit_config_in_each_format(repo):
    write(repo / "p.json", POLICY)
    write(repo / "a.yaml", "select: APL102\n")
    write(repo / "b.cfg", "[amplify-policy-lint]\nselect = APL102\n")
    write(repo / "c.ini", "[amplify-policy-lint]\nselect =\n    APL102\n")
    write(repo / "d.toml", '[tool.amplify-policy-lint]\nselect = "APL102"\n')
    for name in ("a.yaml", "b.cfg", "c.ini", "d.toml"):
        assert rules_of(lint("--config", name, "p.json")[1]) == ["APL102"], name


def test_command_line_select_replaces_and_ignore_adds(repo):
    write(repo / ".amplify-policy-lint.yaml", "select: [APL106]\nignore: [APL105]\n")
    write(repo / "p.json", POLICY)
    assert rules_of(lint("--select", "APL102", "p.json")[1]) == ["APL102"]
    config = load_config(".amplify-policy-lint.yaml")
    settings = make_settings(config, ignore=("APL101",))
    assert settings.ignore == ("APL105", "APL101")
    assert make_settings(config, select=("APL1",)).select == ("APL1",)
    assert make_settings(config).select == ("APL106",)


# ---------------------------------------------------------------------------------------------
# Every key


def test_select_and_ignore_take_ids_prefixes_names_and_comma_strings(repo):
    write(repo / "p.json", POLICY)
    write(repo / ".amplify-policy-lint.yaml", "select: APL1, APL0\nignore: [missing-version]\n")
    assert rules_of(lint("p.json")[1]) == ["APL106"]


def test_severity_overrides_by_id_name_and_prefix_most_specific_wins(repo):
    write(repo / "p.json", POLICY)
    write(repo / ".amplify-policy-lint.yaml", """\
        severity:
          invalid-arn: info
          APL1: error
        """)
    code, findings, _ = lint("p.json")
    assert sorted(line.split(": ")[1] for line in findings) == ["APL102 error", "APL106 info"]
    assert load_config(".amplify-policy-lint.yaml").values["severity"]["APL106"] is Severity.INFO


def test_fail_on_from_config_and_overridden_by_the_command_line(repo):
    write(repo / "p.json", POLICY)
    write(repo / ".amplify-policy-lint.yaml", "select: [APL102]\nfail-on: error\n")
    assert lint("p.json")[0] == 0  # a warning only
    assert lint("--fail-on", "warning", "p.json")[0] == 1


def test_per_file_ignores_globs_are_relative_to_the_config_file(repo, monkeypatch):
    write(repo / "legacy" / "old" / "p.json", POLICY)
    write(repo / "new" / "p.json", POLICY)
    write(repo / ".amplify-policy-lint.yaml", """\
        per-file-ignores:
          "legacy/": [APL102, invalid-arn]
          "new/*.json": APL102
        """)
    code, findings, _ = lint(".")
    assert [f.split(": ")[0].rsplit(":", 2)[0] + " " + f.split(": ")[1] for f in findings] == \
        ["new/p.json APL106 error"]
    monkeypatch.chdir(repo / "legacy")  # run from below: globs still relative to the file
    assert lint(".")[1] == []
    assert lint(str(repo / "legacy" / "old" / "p.json"))[1] == []


def test_exclude_is_gitignore_style_and_applies_to_named_files(repo):
    for name in ("keep/p.json", "build/p.json", "src/build/p.json", "gen/a.generated.json",
                 "gen/b.generated.json", "top.generated.json"):
        write(repo / name, POLICY)
    write(repo / ".amplify-policy-lint.yaml", """\
        select: [APL106]
        exclude:
          - "/build/"
          - "*.generated.json"
          - "!gen/b.generated.json"
        """)
    files = sorted({line.split(":")[0] for line in lint(".")[1]})
    assert files == ["gen/b.generated.json", "keep/p.json", "src/build/p.json"]
    assert lint("build/p.json")[1] == []  # named explicitly (as pre-commit does): still excluded
    assert lint("build")[1] == []


def test_principals_group_files_relative_to_the_config_file(repo, monkeypatch):
    write(repo / ".amplify-policy-lint.yaml", """\
        principals:
          deployer: ["iam/deployer-*.json", "amplify/**/custom-policies.json"]
        """)
    settings = make_settings(load_config(".amplify-policy-lint.yaml"))
    assert settings.principals == {"deployer": ("iam/deployer-*.json", "amplify/**/custom-policies.json")}
    files = ["iam/deployer-a.json", "iam/other.json", "amplify/backend/function/f/custom-policies.json",
             "iam/deployer-b.json"]
    groups = principal_groups(files, settings.principals, settings.base_dir)
    assert groups == [("iam/deployer-a.json", "amplify/backend/function/f/custom-policies.json",
                       "iam/deployer-b.json"), ("iam/other.json",)]
    monkeypatch.chdir(repo / ".git")  # another current directory: the same files, other spellings
    moved = [os.path.join("..", f) for f in files]
    assert principal_groups(moved, settings.principals, settings.base_dir)[0] == (
        moved[0], moved[2], moved[3])


def test_accounts_and_baseline(repo, monkeypatch):
    write(repo / "ci" / "lint.yaml", 'accounts: ["012345678901", "123456789012"]\nbaseline: ../baseline.json\n')
    settings = make_settings(load_config("ci/lint.yaml"))
    assert settings.accounts == frozenset({"012345678901", "123456789012"})
    assert settings.baseline == str(repo / "baseline.json")
    assert make_settings(load_config("ci/lint.yaml"), baseline="b.json").baseline == "b.json"


def test_policy_files_are_judged_as_policies_even_when_not_recognisable(repo, monkeypatch):
    write(repo / ".amplify-policy-lint.yaml", "policy-files: ['iam/*.json']\n")
    write(repo / "iam" / "typo.json", '{"Version": "2012-10-17", "Statment": []}\n')
    write(repo / "iam" / "broken.json", '{"Version": "2012-10-17",\n')
    write(repo / "other" / "typo.json", '{"Version": "2012-10-17", "Statment": []}\n')
    monkeypatch.chdir(repo / "other")  # the globs are relative to the configuration file
    code, findings, _ = lint("..")
    assert code == 1
    assert findings == [
        "../iam/broken.json:2:1: APL001 error",
        "../iam/typo.json:1:1: APL101 error",
        "../iam/typo.json:1:27: APL101 error",
    ]


def test_empty_configuration_file_is_fine(repo):
    write(repo / ".amplify-policy-lint.yaml", "# nothing yet\n")
    write(repo / "p.json", POLICY)
    assert rules_of(lint("p.json")[1]) == ["APL102", "APL106"]


# ---------------------------------------------------------------------------------------------
# Bad configuration files: one line naming the file and key, exit code 2


BAD = [
    (".amplify-policy-lint.yaml", "select: [APL1]\nselct: [APL2]\n",
     ".amplify-policy-lint.yaml:2: unknown key 'selct' (did you mean 'select'?)"),
    (".amplify-policy-lint.yaml", "per_file_ignores: {}\n", "did you mean 'per-file-ignores'?"),
    (".amplify-policy-lint.yaml", "select: [APL999]\n", ".amplify-policy-lint.yaml:1: key 'select': unknown rule 'APL999'"),
    (".amplify-policy-lint.yaml", "ignore: true\n", "key 'ignore': expected a list of rule ids"),
    (".amplify-policy-lint.yaml", "severity: {APL102: fatal}\n", "key 'severity': unknown severity 'fatal'"),
    (".amplify-policy-lint.yaml", "severity: [APL102]\n", "key 'severity': expected a mapping"),
    (".amplify-policy-lint.yaml", "severity: {nope: error}\n", "key 'severity': unknown rule 'nope'"),
    (".amplify-policy-lint.yaml", "fail-on: no\n", "key 'fail-on': expected error, warning or info, got False"),
    (".amplify-policy-lint.yaml", "per-file-ignores: {'a/*': [APL9]}\n", "key 'per-file-ignores': a/*: unknown rule 'APL9'"),
    (".amplify-policy-lint.yaml", "per-file-ignores: [a]\n", "key 'per-file-ignores': expected a mapping"),
    (".amplify-policy-lint.yaml", "exclude: ['!']\n", "key 'exclude': empty pattern '!'"),
    (".amplify-policy-lint.yaml", "exclude: {a: b}\n", "key 'exclude': expected a list of gitignore-style patterns"),
    (".amplify-policy-lint.yaml", "principals: {role: []}\n", "key 'principals': principal 'role' has no file globs"),
    (".amplify-policy-lint.yaml", "accounts: [123456789012]\n", "key 'accounts': write account ids as quoted strings"),
    (".amplify-policy-lint.yaml", "accounts: ['1234']\n", "key 'accounts': '1234' is not a 12-digit AWS account id"),
    (".amplify-policy-lint.yaml", "baseline: [a]\n", "key 'baseline': expected the path of a baseline file"),
    (".amplify-policy-lint.yaml", "select: [APL1\n", ".amplify-policy-lint.yaml:2: invalid YAML"),
    (".amplify-policy-lint.yaml", "- select\n", "the configuration must be a mapping"),
    (".amplify-policy-lint.yaml", "select: [APL1]\nselect: [APL2]\n", ".amplify-policy-lint.yaml:2: key 'select' appears twice"),
    (".amplify-policy-lint.yaml", "severity:\n  APL102: error\n  APL102: info\n", ":3: key 'APL102' appears twice"),
    ("pyproject.toml", '[tool.amplify-policy-lint]\nselect = ["APL1"\n', "pyproject.toml: invalid TOML"),
    ("pyproject.toml", '[tool.amplify-policy-lint]\nfail-on = 1\n', "pyproject.toml: key 'fail-on': expected error, warning or info"),
    ("pyproject.toml", '[tool.amplify-policy-lint]\nverbose = true\n', "pyproject.toml: unknown key 'verbose'"),
    ("setup.cfg", "[amplify-policy-lint]\nseverity = APL102\n", "setup.cfg: key 'severity': expected one 'RULE: severity' per line"),
    ("setup.cfg", "[amplify-policy-lint]\nselect = APL1\nselect = APL2\n", "setup.cfg: invalid INI file"),
]


@pytest.mark.parametrize("name, text, expected", BAD, ids=[f"{n}:{e[:40]}" for n, _, e in BAD])
def test_bad_configuration_is_one_line_naming_file_and_key(repo, name, text, expected):
    write(repo / name, text)
    write(repo / "p.json", POLICY)
    code, findings, err = lint("p.json")
    assert code == 2 and findings == []
    assert len(err.splitlines()) == 1, err
    assert err.startswith("amplify-policy-lint: error: ")
    assert expected in err


def test_bad_configuration_from_a_real_process_has_no_traceback(repo):
    write(repo / ".amplify-policy-lint.yaml", "fail-on: sometimes\n")
    result = run_cli("p.json", cwd=repo)
    assert_no_traceback(result)
    assert result.code == 2
    assert result.err == ("amplify-policy-lint: error: .amplify-policy-lint.yaml:1: key 'fail-on': "
                          "unknown severity 'sometimes' (expected error, warning or info)\n")


def test_missing_or_unreadable_explicit_configuration(repo):
    code, _, err = lint("--config", "nope.yaml", ".")
    assert code == 2 and err.strip() == "amplify-policy-lint: error: nope.yaml: configuration file not found"
    write(repo / "latin.yaml", "")
    (repo / "latin.yaml").write_bytes(b"select: [APL1] # caf\xe9\n")
    code, _, err = lint("--config", "latin.yaml", ".")
    assert code == 2 and "latin.yaml: configuration file is not UTF-8" in err
    write(repo / "no-table.toml", "[tool.other]\n")
    code, _, err = lint("--config", "no-table.toml", ".")
    assert code == 2 and "no [tool.amplify-policy-lint] table" in err


def test_toml_needs_tomli_on_python_3_10(repo, monkeypatch):
    write(repo / "pyproject.toml", '[tool.amplify-policy-lint]\nselect = ["APL1"]\n')
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    with pytest.raises(ConfigError, match=r"needs the tomli package \(pip install tomli\)"):
        find_config()


# ---------------------------------------------------------------------------------------------
# Start-up cost: no parser is imported when no configuration file applies


def test_no_config_parser_is_imported_without_a_configuration_file(repo):
    write(repo / "pyproject.toml", "[build-system]\nrequires = []\n")
    write(repo / "setup.cfg", "[metadata]\nname = x\n")
    write(repo / "p.json", POLICY)
    code = ("import sys\nfrom amplify_policy_lint.cli import main\nmain(['--fail-on', 'error', 'p.json'])\n"
            "print(sorted(m for m in ('tomllib', 'tomli', 'configparser', 'yaml') if m in sys.modules))")
    completed = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=60)
    assert completed.stdout.strip().splitlines()[-1] == "[]", completed.stderr


# ---------------------------------------------------------------------------------------------
# The glob syntax


@pytest.mark.parametrize("patterns, path, is_dir, expected", [
    (["*.json"], "a/b/c.json", False, True),
    (["c.json"], "a/b/c.json", False, True),
    (["b"], "a/b/c.json", False, True),          # a directory above matches
    (["b/"], "a/b", False, False),               # dir-only: a file named b is not matched
    (["b/"], "a/b/c.json", False, True),
    (["a/*.json"], "a/c.json", False, True),
    (["a/*.json"], "x/a/c.json", False, False),  # a middle slash anchors
    (["/c.json"], "a/c.json", False, False),
    (["/c.json"], "c.json", False, True),
    (["a/*"], "a/b/c.json", False, True),        # matches the directory a/b
    (["*"], "anything/at/all.json", False, True),
    (["a/**/c.json"], "a/c.json", False, True),
    (["a/**/c.json"], "a/x/y/c.json", False, True),
    (["**/c.json"], "c.json", False, True),
    (["a/**"], "a", True, False),                # inside a, not a itself
    (["a/**"], "a/b.json", False, True),
    (["a?.json"], "ab.json", False, True),
    (["a?.json"], "a/.json", False, False),
    (["[ab].json"], "b.json", False, True),
    (["[!ab].json"], "b.json", False, False),
    (["[^ab].json"], "c.json", False, True),
    (["\\*.json"], "*.json", False, True),
    (["\\*.json"], "x.json", False, False),
    (["\\!x.json"], "!x.json", False, True),
    (["*.json", "!keep.json"], "keep.json", False, False),
    (["*.json", "!keep.json", "keep.json"], "keep.json", False, True),
    (["build/", "!build/keep.json"], "build/keep.json", False, True),  # as in git: no re-include in an excluded dir
    (["A.json"], "a.json", False, False),        # case-sensitive
    (["a**b.json"], "axxb.json", False, True),
])
def test_glob_semantics(tmp_path, monkeypatch, patterns, path, is_dir, expected):
    monkeypatch.chdir(tmp_path)
    assert PathSpec(patterns).matches(path, is_dir) is expected


def test_globs_never_match_outside_their_base(tmp_path, monkeypatch):
    (tmp_path / "base").mkdir()
    monkeypatch.chdir(tmp_path)
    assert not PathSpec(["*"], "base").matches("other/p.json")
    assert PathSpec(["*"], "base").matches("base/p.json")
    assert PathSpec(["p.json"], str(tmp_path / "base")).matches(str(tmp_path / "base" / "p.json"))


def test_settings_keep_their_fields():
    settings = Settings()
    for name in ("select", "ignore", "severity", "fail_on", "kind", "policy_globs", "exclude",
                 "per_file_ignores", "principals", "accounts", "assume_complete", "jobs"):
        assert hasattr(settings, name)
    assert settings.fail_on is Severity.WARNING and settings.base_dir is None


def test_the_readme_configuration_examples_are_valid(repo):
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(yaml|toml|ini)\n(.*?)```", readme, re.DOTALL)
    examples = {"yaml": [b for lang, b in blocks if lang == "yaml" and "# .amplify-policy-lint.yaml" in b],
                "toml": [b for lang, b in blocks if lang == "toml" and "[tool.amplify-policy-lint]" in b],
                "cfg": [b for lang, b in blocks if lang == "ini" and "[amplify-policy-lint]" in b]}
    for suffix, texts in examples.items():
        assert len(texts) == 1, suffix
        path = write(repo / f"example.{suffix}", texts[0])
        config = load_config(str(path))
        assert config.values, suffix
        make_settings(config)
