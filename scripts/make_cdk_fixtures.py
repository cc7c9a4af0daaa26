#!/usr/bin/env python3
"""Synthesize the CDK app under fixtures/inputs/cdk-app and keep its cloud assembly as a fixture.

    python scripts/make_cdk_fixtures.py            # npm install + cdk synth in a temporary folder

The app's source (bin/app.ts, cdk.json) is committed; this script copies it to a temporary
folder, installs aws-cdk-lib, the cdk CLI, ts-node and TypeScript 5 from the npm registry,
runs ``cdk synth`` (no AWS credentials needed: the stack is environment-agnostic), and copies
back the small parts of cdk.out the linter reads or must skip: the templates, manifest.json,
the stacks' metadata files (creation stacks), the asset manifests, tree.json and the cdk.out
version file. Asset folders and the CLI's reports are left out.

The linter and its tests never need Node.js; only this script does. Versions used for the
committed fixture: aws-cdk-lib 2.278.0, aws-cdk 2.1149.0, ts-node 10.9.2, typescript 5.9.3,
Node.js 20.
"""
from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "fixtures" / "inputs" / "cdk-app"
PACKAGES = ["aws-cdk-lib@2.278.0", "constructs@10", "aws-cdk@2.1149.0", "ts-node@10.9.2",
            "typescript@5.9.3", "@types/node@20"]
KEEP = ("*.template.json", "manifest.json", "*.metadata.json", "*.assets.json", "tree.json", "cdk.out")


def run(command: list[str], cwd: Path) -> None:
    print("+", " ".join(command), file=sys.stderr)
    subprocess.run(command, cwd=cwd, check=True, env={**os.environ, "CDK_DISABLE_VERSION_CHECK": "1"})


def main() -> int:
    if shutil.which("npm") is None or shutil.which("npx") is None:
        print("npm and npx are needed to synthesize the app (Node.js 18 or later)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="cdk-app-") as temporary:
        work = Path(temporary)
        shutil.copytree(APP / "bin", work / "bin")
        shutil.copy(APP / "cdk.json", work / "cdk.json")
        (work / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
            "target": "ES2020", "module": "commonjs", "strict": True, "esModuleInterop": True,
            "skipLibCheck": True}}))
        (work / "package.json").write_text(json.dumps({"name": "cdk-app-fixture", "private": True}))
        run(["npm", "install", "--no-audit", "--no-fund", *PACKAGES], work)
        run(["npx", "cdk", "synth", "--quiet", "--no-notices"], work)
        target = APP / "cdk.out"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        for entry in sorted((work / "cdk.out").iterdir()):
            if entry.is_file() and any(fnmatch.fnmatch(entry.name, pattern) for pattern in KEEP):
                shutil.copy(entry, target / entry.name)
                print("kept", entry.name, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
