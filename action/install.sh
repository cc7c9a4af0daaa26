#!/usr/bin/env bash
# The action's install step: a virtual environment for the linter, from the action's own
# checkout (the tag or commit the workflow names), its bin directory added to PATH.
#
# Environment: APL_ACTION_PATH (the action's checkout), APL_PYTHON (default python3),
# RUNNER_TEMP (where the environment goes), GITHUB_PATH (the runner's PATH file). pip reads
# its own PIP_* variables (an index mirror: PIP_INDEX_URL).
set -euo pipefail
python="${APL_PYTHON:-python3}"
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/amplify-policy-lint-venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${APL_ACTION_PATH:?}"
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$venv/bin" >> "$GITHUB_PATH"
fi
"$venv/bin/amplify-policy-lint" --version
