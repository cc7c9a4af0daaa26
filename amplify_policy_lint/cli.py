"""The command line: the only module that prints or decides the exit code.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, configuration or internal
error. No traceback ever reaches the user.
"""
from __future__ import annotations

import gc
import os
import sys

from . import PROG, __version__, caching
from .model import Severity

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Sequence
    import argparse

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")

# What every option is when it is not given: the parse of a command line of paths alone.
# pre-commit runs the hook with file names (after the user's args, if any), and argparse with
# the gettext and locale modules it imports costs a third of such a run's start-up, so that
# command line is read without it. tests/test_cli.py checks that the two agree.
PLAIN_DEFAULTS = {
    "format": "text", "select": [], "ignore": [], "fail_on": None, "exit_zero": False, "config": None,
    "no_config": False, "baseline": None, "write_baseline": None, "report_unused_suppressions": False,
    "kind": None, "jobs": None, "assume_complete": False, "fix": False, "unsafe_fixes": False,
    "diff": False, "no_cache": False, "verbose": False, "list_rules": False, "explain": None,
}


class Arguments:
    """The parsed command line: argparse's namespace, or the same attributes for paths alone."""

    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


# Options a hook's ``args:`` usually holds, read without argparse too: flags, and options with
# one value (``--name value`` or ``--name=value``) that is one of their choices. pre-commit
# puts them before the file names. Anything else (help, an abbreviation, a bad value, an
# option after a path) goes to argparse, which answers or explains; tests/test_cli.py checks
# that both read every command line of this form alike.
_FLAGS = {"--exit-zero": "exit_zero", "--no-config": "no_config", "--assume-complete": "assume_complete",
          "--report-unused-suppressions": "report_unused_suppressions", "--fix": "fix",
          "--unsafe-fixes": "unsafe_fixes", "--diff": "diff", "--no-cache": "no_cache", "--verbose": "verbose"}
_VALUES = {"--format": ("format", FORMATS), "--fail-on": ("fail_on", tuple(s.value for s in Severity)),
           "--select": ("select", None), "--ignore": ("ignore", None), "--config": ("config", None),
           "--baseline": ("baseline", None)}
_APPENDED = ("select", "ignore")


def parse_arguments(argv: Sequence[str]) -> "Arguments | argparse.Namespace":
    """The command line, read by argparse only when it holds more than paths and the options
    above."""
    quick = _quick_arguments(argv)
    return quick if quick is not None else build_parser().parse_args(argv)


def _quick_arguments(argv: Sequence[str]) -> Arguments | None:
    values: dict = {**PLAIN_DEFAULTS, "select": [], "ignore": []}
    paths: list[str] = []
    position = 0
    while position < len(argv):
        arg = argv[position]
        position += 1
        if arg and not arg.startswith("-"):
            paths.append(arg)
            continue
        if paths:
            return None  # an option after a path: argparse's own rules decide
        name, equals, value = arg.partition("=")
        if name in _FLAGS and not equals:
            values[_FLAGS[name]] = True
            continue
        if name not in _VALUES:
            return None
        if not equals:
            if position == len(argv) or argv[position].startswith("-"):
                return None
            value = argv[position]
            position += 1
        destination, choices = _VALUES[name]
        if choices is not None and value not in choices:
            return None
        values[destination] = values[destination] + [value] if destination in _APPENDED else value
    return Arguments(paths=paths, **values)


@caching.lru_cache(maxsize=1)
def _terminal_width() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def build_parser() -> "argparse.ArgumentParser":
    import argparse

    from .locate import KINDS

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> None:  # type: ignore[override]
            self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    class _HelpFormatter(argparse.HelpFormatter):
        """argparse's layout, with the terminal's width found as shutil finds it but without
        importing shutil: argparse makes a formatter for every option it adds, so every run
        paid for that import."""

        def __init__(self, prog: str) -> None:
            super().__init__(prog, width=_terminal_width() - 2)

    parser = _Parser(prog=PROG, formatter_class=_HelpFormatter,
                     description="Lint AWS IAM policies (policy files, Amplify "
                     "custom-policies.json, CloudFormation/SAM/CDK templates, Terraform plans, "
                     "serverless.yml) at the exact line and column.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories to lint (default: the current directory)")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="output format: text (default; for people), json, sarif (GitHub code "
                        "scanning), github (workflow annotations), gitlab (Code Quality), junit")
    parser.add_argument("--select", action="append", default=[], metavar="RULES",
                        help="only these rules: ids, id prefixes (APL3) or names, comma-separated")
    parser.add_argument("--ignore", action="append", default=[], metavar="RULES",
                        help="skip these rules: ids, id prefixes or names, comma-separated")
    parser.add_argument("--fail-on", choices=[s.value for s in Severity], default=None,
                        help="lowest severity that makes the exit code 1 (default: warning)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (default: the nearest .amplify-policy-lint.yaml, "
                        "pyproject.toml [tool.amplify-policy-lint] or setup.cfg [amplify-policy-lint], "
                        "up to the repository root)")
    parser.add_argument("--no-config", action="store_true", help="use no configuration file")
    parser.add_argument("--baseline", metavar="FILE",
                        help="do not report findings recorded in this baseline file")
    parser.add_argument("--write-baseline", metavar="FILE",
                        help="record every current finding in FILE (a baseline) and exit 0")
    parser.add_argument("--report-unused-suppressions", action="store_true",
                        help="report inline directives and baseline entries that suppress nothing "
                        "(as APL900 findings, which make the exit code 1)")
    parser.add_argument("--kind", choices=KINDS, default=None,
                        help="treat every file as this kind (default: auto, recognise each file)")
    parser.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                        help="lint with N processes, or 'auto' for one per CPU (default: 1; a run "
                        "of fewer than 50 files uses one)")
    parser.add_argument("--assume-complete", action="store_true",
                        help="treat principals with policies the linter cannot see as complete")
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe fixes to the files (then report what is left)")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply fixes that change what a policy grants (implies --fix "
                        "unless --diff is given)")
    parser.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff and change no file")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the compact catalog in the cache directory "
                        "(default: $AMPLIFY_POLICY_LINT_CACHE_DIR, $XDG_CACHE_HOME/amplify-policy-lint "
                        "or ~/.cache/amplify-policy-lint; AMPLIFY_POLICY_LINT_NO_CACHE=1 does the same)")
    parser.add_argument("--verbose", action="store_true", help="say what was skipped and why (files and directories) and which configuration is used; "
                        "show each finding's detail")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit (with --format json: "
                        "id, name, severity, summary and the IAM Access Analyzer checks of each)")
    parser.add_argument("--explain", metavar="RULE", help="explain a rule (id or name) and exit")
    parser.add_argument("--version", action="version",
                        version=f"{PROG} {__version__}")
    return parser


def _jobs(text: str) -> int:
    """--jobs N (a whole number) or --jobs auto (the CPUs this process may run on)."""
    if text.strip().lower() == "auto":
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except (AttributeError, OSError):  # not Linux
            return max(1, os.cpu_count() or 1)
    return int(text)


_jobs.__name__ = "jobs"  # argparse names the type in its error: "invalid jobs value: 'many'"


def run() -> int:
    """The process's entry point (console script, pre-commit hook, ``python -m``): ``main``,
    then the objects still alive are frozen. At exit the interpreter runs one last full
    collection, which would walk every one of them for no garbage: a tenth of a one-file
    run (callgrind)."""
    code = main()
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up (importing the modules this run needs, reading the catalog services of its
    # first files) makes objects that live for the whole run, none of them garbage, and the
    # collector would walk them again and again: it is paused until the first group of files
    # is linted (lint_paths turns it back on), and as it was when main returns.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(sys.argv[1:] if argv is None else list(argv), collecting)
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
        _say(f"{PROG}: internal error: {type(exc).__name__}: {exc}")
        return 2
    finally:
        if collecting:
            gc.enable()


def _main(argv: list[str], collecting: bool) -> int:
    args = parse_arguments(argv)
    _tolerant_output()
    if args.list_rules:
        from .docs import list_rules, list_rules_json

        sys.stdout.write(list_rules_json() if args.format == "json" else list_rules())
        return 0
    if args.explain:
        return _explain(args.explain)
    from .config import ConfigError

    try:
        settings = _settings(args)
    except ConfigError as exc:
        _say(f"{PROG}: error: {exc}")
        return 2
    from .linter import failing, lint_paths
    from .progress import for_stream

    if args.verbose and settings.config_file:
        _say(f"using configuration {settings.config_file}")
    paths = args.paths or ["."]
    progress = for_stream(sys.stderr, args.format)
    try:
        report = lint_paths(paths, settings, progress=progress, resume_collector=collecting)
    except ConfigError as exc:
        _say(f"{PROG}: error: {exc}")
        return 2
    finally:
        if progress is not None:
            progress.close()
    for error in report.errors:
        _say(f"{PROG}: error: {error.file}: {error.message}")
    if args.verbose:
        for note in report.notes:
            _say(note)
    if args.write_baseline:
        return _write_baseline(args.write_baseline, report, paths, settings)
    if args.fix or args.unsafe_fixes or args.diff:
        from .fixes import fix_files

        report, code = fix_files(report, paths, settings, args.unsafe_fixes, write=not args.diff)
        if args.diff:
            return 2 if report.errors else code
    if args.format != "text" or report.findings:  # the text of no findings is empty
        colour = (args.format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
        sys.stdout.write(_reporters()[args.format](report, colour=colour, verbose=args.verbose))
        sys.stdout.flush()
    if args.format == "text" and (report.findings or args.verbose or report.suppressed):
        from .reporters import summary

        if not (args.fix or args.unsafe_fixes):
            from .fixes import fixable_note

            note = fixable_note(report.findings)
            if note:
                print(note, file=sys.stderr)
        print(summary(report), file=sys.stderr)
    if report.errors:
        return 2
    if args.exit_zero:
        return 0
    if failing(report.findings, settings.fail_on):
        return 1
    if settings.report_unused_suppressions and any(f.rule.id == "APL900" for f in report.findings):
        return 1
    return 0


def _write_baseline(path: str, report, paths: list[str], settings) -> int:
    from .baseline import write
    from .linter import Plan

    enabled = Plan.build(settings).enabled
    try:
        count = write(path, report.findings, paths, enabled)
    except OSError as exc:
        _say(f"{PROG}: error: {path}: cannot write baseline: {exc.strerror or exc}")
        return 2
    _say(f"wrote {count} finding{'s' if count != 1 else ''} to baseline {path}")
    return 2 if report.errors else 0


def _reporters() -> dict:
    from .reporters import REPORTERS

    return REPORTERS


def _explain(selector: str) -> int:
    from .docs import explain, find_documented

    rules = find_documented(selector)
    if len(rules) != 1:
        _say(f"{PROG}: error: unknown rule {selector!r} (see --list-rules)")
        return 2
    sys.stdout.write(explain(rules[0]))
    return 0


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _settings(args: "Arguments | argparse.Namespace"):
    """Settings from the command line and the configuration file (see config.make_settings
    for which wins)."""
    from .config import ConfigError, find_config, load_config, make_settings

    select, ignore = _split(args.select), _split(args.ignore)
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be 1 or more")
    if args.config and args.no_config:
        raise ConfigError("--config and --no-config cannot be combined")
    if args.write_baseline and args.baseline:
        raise ConfigError("--write-baseline and --baseline cannot be combined")
    if args.write_baseline and (args.fix or args.unsafe_fixes or args.diff):
        raise ConfigError("--write-baseline cannot be combined with --fix, --unsafe-fixes or --diff")
    if args.fix and args.diff:
        raise ConfigError("--fix and --diff cannot be combined (--diff changes no file)")
    path = args.config or (None if args.no_config else find_config())
    config = load_config(path) if path else None
    settings = make_settings(
        config,
        select=select,
        ignore=ignore,
        fail_on=Severity(args.fail_on) if args.fail_on else None,
        baseline=args.baseline,
        kind=args.kind or "auto",
        assume_complete=args.assume_complete,
        jobs=args.jobs or 1,
        report_unused_suppressions=args.report_unused_suppressions and not args.write_baseline,
    )
    if not args.no_cache:
        from .catalog_cache import default_cache_dir

        settings = settings._replace(cache_dir=default_cache_dir(os.environ))
    if args.write_baseline:
        # Record everything the other filters leave, whatever the current baseline holds.
        settings = settings._replace(baseline=None)
    elif settings.baseline:
        from .baseline import load

        load(settings.baseline)  # a missing or broken baseline is reported before linting
    return settings


def _say(line: str) -> None:
    """One line on stderr, escaped for the terminal: file names, paths and messages in it
    may hold anything a file or its name held (see escape.py)."""
    from .escape import for_terminal, safe_line

    print(safe_line(for_terminal(line)), file=sys.stderr)


def _tolerant_output() -> None:
    """Never fail on output encoding: a lone surrogate in a file name or value is escaped."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
