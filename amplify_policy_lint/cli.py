"""The command line: the only module that prints or decides the exit code.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, configuration or internal
error. No traceback ever reaches the user.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from . import __version__
from .model import Severity

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
PROG = "amplify-policy-lint"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from .locate import KINDS

    parser = _Parser(prog=PROG, description="Lint AWS IAM policies (policy files, Amplify "
                     "custom-policies.json, CloudFormation/SAM/CDK templates, Terraform plans, "
                     "serverless.yml) at the exact line and column.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories to lint (default: the current directory)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--select", action="append", default=[], metavar="RULES",
                        help="only these rules: ids, id prefixes (APL3) or names, comma-separated")
    parser.add_argument("--ignore", action="append", default=[], metavar="RULES",
                        help="skip these rules: ids, id prefixes or names, comma-separated")
    parser.add_argument("--fail-on", choices=[s.value for s in Severity], default=None,
                        help="lowest severity that makes the exit code 1 (default: warning)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: discovered)")
    parser.add_argument("--kind", choices=KINDS, default=None,
                        help="treat every file as this kind (default: auto, recognise each file)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="lint with N processes (default: 1)")
    parser.add_argument("--assume-complete", action="store_true",
                        help="treat principals with policies the linter cannot see as complete")
    parser.add_argument("--verbose", action="store_true", help="say why files were skipped")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument("--explain", metavar="RULE", help="explain a rule (id or name) and exit")
    parser.add_argument("--version", action="version",
                        version=f"{PROG} {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(sys.argv[1:] if argv is None else list(argv))
    except BrokenPipeError:
        # The reader went away (`... | head -1`): stop quietly, and keep Python from
        # complaining while it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the promise: one line, exit 2, no traceback
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


def _main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    _tolerant_output()
    if args.list_rules:
        from .docs import list_rules

        sys.stdout.write(list_rules())
        return 0
    if args.explain:
        return _explain(args.explain)
    from .config import ConfigError

    try:
        settings = _settings(args)
    except ConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    if args.format not in _reporters():
        print(f"{PROG}: error: --format {args.format} is not available in this version", file=sys.stderr)
        return 2
    from .linter import failing, lint_paths

    report = lint_paths(args.paths or ["."], settings)
    for error in report.errors:
        print(f"{PROG}: error: {error.file}: {error.message}", file=sys.stderr)
    if args.verbose:
        for note in report.notes:
            print(note, file=sys.stderr)
    colour = args.format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    sys.stdout.write(_reporters()[args.format](report, colour=colour))
    sys.stdout.flush()
    if args.format == "text" and (report.findings or args.verbose):
        from .reporters import summary

        print(summary(report), file=sys.stderr)
    if report.errors:
        return 2
    if failing(report.findings, settings.fail_on) and not args.exit_zero:
        return 1
    return 0


def _reporters() -> dict:
    from .reporters import REPORTERS

    return REPORTERS


def _explain(selector: str) -> int:
    from .docs import explain
    from .rules import find

    rules = find(selector)
    if len(rules) != 1:
        print(f"{PROG}: error: unknown rule {selector!r} (see --list-rules)", file=sys.stderr)
        return 2
    sys.stdout.write(explain(rules[0]))
    return 0


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _settings(args: argparse.Namespace):
    from .config import ConfigError, Settings, expand_selectors

    select, ignore = _split(args.select), _split(args.ignore)
    expand_selectors(select)
    expand_selectors(ignore)
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be 1 or more")
    return Settings(
        select=select,
        ignore=ignore,
        fail_on=Severity(args.fail_on) if args.fail_on else Severity.WARNING,
        kind=args.kind or "auto",
        assume_complete=args.assume_complete,
        jobs=args.jobs or 1,
    )


def _tolerant_output() -> None:
    """Never fail on output encoding: a lone surrogate in a file name or value is escaped."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
