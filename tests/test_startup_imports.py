"""What a pre-commit run on one small valid JSON policy imports, checked in a fresh process.

Interpreter start-up dominates that run; a heavy import on its path costs every commit of
every user. The figures behind this list (valgrind instruction counts, see README
Performance): `python -c pass` 38 million instructions; `import dataclasses` alone 72
million (it imports inspect, ast, dis, tokenize).
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Never on the one-small-file path: each only for inputs or options that need it. re (with
# enum, functools and collections: a sixth of the run) is there only when a pattern is used,
# which a valid policy does not need; json only for output formats and messages (fastjson.py
# reads JSON); importlib (with warnings) and the utf-8-sig codec, which the package does without;
# the rest are inputs' readers, options and their stdlib.
NEVER = ("dataclasses", "inspect", "argparse", "gettext", "typing", "jsonschema", "yaml", "tree_sitter",
         "tree_sitter_typescript", "tree_sitter_hcl", "difflib", "hypothesis", "tomllib", "tomli", "re", "enum",
         "functools", "collections", "json", "contextlib", "importlib", "importlib.util", "warnings", "array",
         "fnmatch", "types", "encodings.utf_8_sig", "keyword")

# As bin/amplify-policy-lint-hook (the pre-commit entry) runs it; the modules are listed before
# the probe's own json import.
_PROBE = r"""
import sys
from amplify_policy_lint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
names = sorted(sys.modules)
import json
print(json.dumps(names), file=sys.stderr)
"""


@pytest.fixture()
def small_policy(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["amplify:GetApp", "amplify:ListApps"], "Resource": "*"}]}))
    return path


def _modules_after(*args: str, cwd: str | None = None) -> set[str]:
    # Without site (-S): an editable install's import hook, which site runs, imports re,
    # contextlib and more before any code of ours; a regular install has no such hook.
    import os
    import site
    from pathlib import Path

    paths = [str(Path(__file__).resolve().parent.parent), *site.getsitepackages()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run([sys.executable, "-S", "-c", _PROBE, *args], capture_output=True, text=True,
                          timeout=60, cwd=cwd, env=env)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_one_small_json_policy_imports_nothing_heavy(small_policy):
    # From the policy's folder, as in a repository without a configuration file.
    loaded = _modules_after(small_policy.name, cwd=str(small_policy.parent))
    assert sorted(name for name in NEVER if name in loaded) == []


def test_a_typical_policy_imports_nothing_heavy_either(tmp_path):
    # Sids, ARNs with a region and an account, two services, a condition, two statements.
    policy = tmp_path / "deploy.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadAssets", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::my-app-assets", "arn:aws:s3:::my-app-assets/*"],
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": "web"}}},
        {"Sid": "DeployAmplify", "Effect": "Allow", "Action": ["amplify:StartJob", "amplify:GetApp"],
         "Resource": "arn:aws:amplify:eu-west-1:123456789012:apps/d1a2b3c4e5f6g7/*"}]}, indent=2))
    loaded = _modules_after(policy.name, cwd=str(policy.parent))
    assert sorted(name for name in NEVER if name in loaded) == []


def test_the_package_never_imports_dataclasses():
    """records.record gives the same frozen value classes without the import (see its docstring)."""
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "amplify_policy_lint"
    offenders = [f"{path.relative_to(package)}:{number}" for path in sorted(package.rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if line.startswith(("import dataclasses", "from dataclasses "))]
    assert offenders == [], "use amplify_policy_lint.records (record, field) instead of dataclasses"


@pytest.mark.parametrize("text", ['{"Version": "2012-10-17", "Statement": [{"Effect" "Allow"}]}',
                                  '{"Statement": [{"Action": "s3:GetObject\x01"}]}', '{"Statement": [1,]}', '{"Statement": [1, 2'])
def test_a_broken_json_file_in_a_fresh_process_is_a_finding(tmp_path, text):
    # Without json imported (as on the path of a valid policy), json's C scanner cannot raise
    # most of its syntax errors before Python 3.12: fastjson reads such a text again with json.
    import os
    import site
    from pathlib import Path

    (tmp_path / "broken.json").write_text(text)
    paths = [str(Path(__file__).resolve().parent.parent), *site.getsitepackages()]
    done = subprocess.run([sys.executable, "-S", "-c", "import sys\nfrom amplify_policy_lint.cli import main\n"
                           "raise SystemExit(main(['broken.json']))"], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
    assert done.returncode == 1, done.stdout + done.stderr
    assert " APL001 " in done.stdout and "internal error" not in done.stderr


def test_fastjson_raises_what_json_raises_in_a_fresh_process():
    probe = ("import sys\nfrom amplify_policy_lint.fastjson import loads\nanswers = []\n"
             "for text in ['{\"a\" 1}', '[1,]', '\"\\\\x\"', '{\"a\": 1} x', '', '[1, 2']:\n"
             "    try:\n        loads(text)\n    except ValueError as error:\n"
             "        answers.append((type(error).__name__, str(error)))\n"
             "import json\nexpected = []\n"
             "for text in ['{\"a\" 1}', '[1,]', '\"\\\\x\"', '{\"a\": 1} x', '', '[1, 2']:\n"
             "    try:\n        json.loads(text)\n    except ValueError as error:\n"
             "        expected.append((type(error).__name__, str(error)))\n"
             "assert answers == expected, (answers, expected)\nprint(len(answers))\n")
    import os
    import site
    from pathlib import Path

    paths = [str(Path(__file__).resolve().parent.parent), *site.getsitepackages()]
    done = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
    assert done.returncode == 0 and done.stdout.strip() == "6", done.stdout + done.stderr
