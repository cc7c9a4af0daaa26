"""Shared test helpers: running the command line, and where the fixtures and corpus are."""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"

try:
    from hypothesis import HealthCheck, settings

    # Default runs stay within a few minutes on two cores; HYPOTHESIS_PROFILE=long digs deeper.
    settings.register_profile("default", max_examples=100, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("long", max_examples=5_000, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
except ImportError:  # pragma: no cover - hypothesis is a test extra
    pass


def corpus(*parts: str) -> Path:
    """A folder of the shared corpus, or a skip when this checkout has none beside it."""
    path = CORPUS.joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"the shared corpus folder {path} is absent (it lives beside the checkout in ../shared)")
    return path


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | str | None = None, env: dict | None = None,
            stdin: str | None = None) -> Result:
    """Run the linter as users do: a separate process, so tracebacks and exit codes are real."""
    completed = subprocess.run(
        [sys.executable, "-m", "amplify_policy_lint", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})},
        input=stdin, timeout=300,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.err and "Traceback" not in result.out, result.err


# Command-line runs keep the compact catalog in a cache directory (catalog_cache.py): the
# suite's runs use one of their own, never the user's ~/.cache. Tests of the cache's place set
# their own environment.
_TEST_CACHE = tempfile.mkdtemp(prefix="amplify-policy-lint-test-cache-")
os.environ["AMPLIFY_POLICY_LINT_CACHE_DIR"] = _TEST_CACHE
atexit.register(shutil.rmtree, _TEST_CACHE, True)
