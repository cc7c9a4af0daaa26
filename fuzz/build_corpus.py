#!/usr/bin/env python3
"""Build the fuzzing seed corpus in fuzz/corpus-work/seeds (git-ignored).

Copies every fixture (fixtures/) and every file of the shared corpus (../shared/corpus, when
present) up to --max-len bytes, each prefixed with the selector byte that makes the fuzz
target lint it under a file name of the same type (JSON, YAML, custom-policies.json). Files
are named by the SHA-1 of their content, so identical inputs are stored once. Nothing outside
fuzz/corpus-work is written.

    python fuzz/build_corpus.py [--max-len 65536] [--out fuzz/corpus-work/seeds]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = (ROOT / "fixtures", ROOT.parent / "shared" / "corpus")

sys.path.insert(0, str(HERE))
from harness import KINDS, NAMES  # noqa: E402


def fuzz_name(path: Path) -> str | None:
    """The harness file name a real file is linted as, or None for files that are no input."""
    base = path.name.lower()
    if base.endswith(".expected") or base.endswith(".md"):
        return None
    if base == "custom-policies.json":
        return "amplify/backend/function/f/custom-policies.json"
    if base in ("serverless.yml", "serverless.yaml"):
        return "serverless.yml"
    if base.endswith(".json"):
        return "policy.json"
    if base.endswith((".yaml", ".yml")):
        return "policy.yaml"
    return "policy.txt"


def selector(name: str, kind: str = "auto") -> bytes:
    return bytes([NAMES.index(name) | (KINDS.index(kind) << 3)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-len", type=int, default=65536)
    parser.add_argument("--out", default=str(HERE / "corpus-work" / "seeds"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = skipped = 0
    for source in SOURCES:
        if not source.is_dir():
            print(f"skipping {source}: absent", file=sys.stderr)
            continue
        for directory, subdirs, names in os.walk(source, followlinks=False):
            subdirs.sort()
            for file_name in sorted(names):
                path = Path(directory, file_name)
                name = fuzz_name(path)
                if name is None or path.is_symlink():
                    continue
                data = path.read_bytes()
                if len(data) + 1 > args.max_len:
                    skipped += 1
                    continue
                seed = selector(name) + data
                target = out / hashlib.sha1(seed).hexdigest()
                if not target.exists():
                    target.write_bytes(seed)
                    written += 1
    total = sum(1 for _ in out.iterdir())
    print(f"{written} seeds written, {skipped} files over {args.max_len} bytes left out; "
          f"{total} seeds in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
