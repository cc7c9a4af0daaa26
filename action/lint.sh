#!/usr/bin/env bash
# The action's lint step. The findings are shown in the job log (text format); then, with
# APL_SARIF=true, written as SARIF to APL_SARIF_FILE for the upload step, or else printed as
# workflow commands, which GitHub turns into pull request annotations. The step itself never
# fails: the exit code goes to the step's outputs, so that the upload step runs and the last
# step fails the job.
#
# Environment: APL_PATHS (default "."), APL_ARGS, APL_SARIF (true/false), APL_SARIF_FILE,
# GITHUB_OUTPUT (the runner's output file). The linter is found on PATH (install.sh).
set -uo pipefail
read -r -a paths <<< "$(printf '%s' "${APL_PATHS:-.}" | tr '\n' ' ')"
read -r -a args <<< "${APL_ARGS:-}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
output="${GITHUB_OUTPUT:-/dev/null}"

amplify-policy-lint "${args[@]}" -- "${paths[@]}"
code=$?

if [ "${APL_SARIF:-true}" = "true" ]; then
  sarif="${APL_SARIF_FILE:-amplify-policy-lint.sarif}"
  amplify-policy-lint --format sarif "${args[@]}" -- "${paths[@]}" > "$sarif"
  # An empty file (a usage error) is not uploaded; a report of files that could not be
  # checked is (code scanning shows its notifications).
  if [ -s "$sarif" ]; then
    echo "sarif-file=$sarif" >> "$output"
    echo "SARIF report written to $sarif"
  fi
else
  amplify-policy-lint --format github "${args[@]}" -- "${paths[@]}"
fi
echo "exit-code=$code" >> "$output"
exit 0
