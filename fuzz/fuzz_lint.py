#!/usr/bin/env python3
"""Coverage-guided fuzzing of read -> decode -> parse -> locate -> rules with atheris.

The first byte of an input picks the file name (hence JSON or YAML, custom-policies.json or
not) and the --kind; the rest is the file's content. Every input must lint without an
exception and with every finding inside the file (see harness.py). See README.md here.

    /work/venv-fuzz/bin/python fuzz/fuzz_lint.py fuzz/corpus-work/live fuzz/corpus-work/seeds \
        -max_total_time=600 -timeout=5 -rss_limit_mb=1024 -max_len=65536
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

import atheris

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def _import_all() -> None:
    """Import every module of the package now: modules the linter imports lazily (template,
    plan and Serverless readers, rules' helpers) must be instrumented too."""
    import importlib
    import pkgutil

    import amplify_policy_lint

    for module in pkgutil.walk_packages(amplify_policy_lint.__path__, "amplify_policy_lint."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


with atheris.instrument_imports(include=["amplify_policy_lint"]):
    _import_all()
    import harness

# One scratch directory per fuzzing process: never inside the repository.
_WORK = tempfile.mkdtemp(prefix="apl-fuzz-")
atexit.register(shutil.rmtree, _WORK, True)


def split(data: bytes) -> tuple[str, str, bytes]:
    if not data:
        return harness.NAMES[0], "auto", b""
    first = data[0]
    name = harness.NAMES[first & 7]
    kind = harness.KINDS[(first >> 3) & 3]
    return name, kind, data[1:]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - atheris' name
    name, kind, content = split(data)
    harness.lint_bytes(_WORK, name, content, kind)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
