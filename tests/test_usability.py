"""Small things a user meets (issue 17, point 6): the .yml spelling of the configuration file,
"did you mean" for a misspelled rule, and the walk's configuration keys."""
from __future__ import annotations

import pytest

from amplify_policy_lint.config import ConfigError, find_config, load_config

from conftest import run_cli

POLICY = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", '
          '"Resource": "*"}]}\n')


def test_the_yml_spelling_is_found_and_read(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".amplify-policy-lint.yml").write_text("ignore: [APL303, APL304]\n", encoding="utf-8")
    (tmp_path / "p.json").write_text(POLICY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert find_config() == ".amplify-policy-lint.yml"
    result = run_cli("--verbose", "p.json", cwd=tmp_path)
    assert result.code == 0, result.out + result.err
    assert "using configuration .amplify-policy-lint.yml" in result.err


def test_the_yaml_spelling_wins_in_one_directory(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".amplify-policy-lint.yml").write_text("ignore: [APL303]\n", encoding="utf-8")
    (tmp_path / ".amplify-policy-lint.yaml").write_text("ignore: [APL304]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert find_config() == ".amplify-policy-lint.yaml"


@pytest.mark.parametrize("args, suggestion", [
    (["--select", "APL3O3"], "did you mean 'APL303'"),
    (["--ignore", "passrole-wildcard-resorce"], "did you mean 'passrole-wildcard-resource'"),
    (["--ignore", "apl3o4"], "did you mean 'APL304'"),
])
def test_a_misspelled_rule_on_the_command_line_gets_a_suggestion(tmp_path, args, suggestion):
    result = run_cli(*args, ".", cwd=tmp_path)
    assert result.code == 2
    assert suggestion in result.err and len(result.err.splitlines()) == 1, result.err


@pytest.mark.parametrize("text, suggestion", [
    ("select: [APL3O3]\n", "did you mean 'APL303'"),
    ("ignore: [admin-wildcards]\n", "did you mean 'admin-wildcard'"),
    ("severity: {pasrole-missing: warning}\n", "did you mean 'passrole-missing'"),
    ("per-file-ignores: {'*.json': [APL4O3]}\n", "did you mean 'APL403'"),
])
def test_a_misspelled_rule_in_the_configuration_gets_a_suggestion(tmp_path, text, suggestion):
    path = tmp_path / ".amplify-policy-lint.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=suggestion):
        load_config(str(path))


def test_nothing_close_gets_no_suggestion(tmp_path):
    result = run_cli("--select", "XYZ999", ".", cwd=tmp_path)
    assert result.code == 2 and "did you mean" not in result.err


@pytest.mark.parametrize("key", ["respect-gitignore", "skip-generated"])
def test_walk_keys_take_booleans(tmp_path, key):
    path = tmp_path / ".amplify-policy-lint.yaml"
    path.write_text(f"{key}: false\n", encoding="utf-8")
    assert load_config(str(path)).values[key] is False
    path.write_text(f"{key}: sometimes\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected true or false"):
        load_config(str(path))
    ini = tmp_path / "setup.cfg"
    ini.write_text(f"[amplify-policy-lint]\n{key} = false\n", encoding="utf-8")
    assert load_config(str(ini)).values[key] is False
