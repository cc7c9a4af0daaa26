#!/usr/bin/env python3
"""Synthesize the two apps under fixtures/inputs and keep their cloud assemblies as fixtures.

    python scripts/make_cdk_fixtures.py            # npm install + cdk synth in temporary folders
    python scripts/make_cdk_fixtures.py amplify-gen2   # one of them

- ``cdk-app``: a plain CDK app (bin/app.ts, cdk.json), synthesized with ``cdk synth`` into
  ``cdk-app/cdk.out``;
- ``amplify-gen2``: an Amplify Gen 2 backend (amplify/backend.ts and its resources),
  synthesized as Amplify's pipeline does, ``cdk synth --app 'npx tsx amplify/backend.ts'`` with
  the backend identifier given as context (namespace, name, type ``branch``), into
  ``amplify-gen2/.amplify/artifacts/cdk.out``, where ``ampx`` writes it.

No AWS credentials are needed: both stacks are environment-agnostic. The committed sources
are copied to a temporary folder, the packages installed from the npm registry, the app
synthesized, and the small parts of the assembly the linter reads or must skip copied back:
the templates (nested ones too), manifest.json, the stacks' metadata files (creation stacks),
the asset manifests, tree.json and the cdk.out version file. Asset folders (bundled code) and
the CLI's reports are left out.

The linter and its tests never need Node.js; only this script does. Versions used for the
committed fixtures are pinned below; Node.js 20.
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
FIXTURES = ROOT / "fixtures" / "inputs"
CDK = ["aws-cdk-lib@2.278.0", "constructs@10.8.1", "aws-cdk@2.1149.0", "typescript@5.9.3"]
APPS = {
    "cdk-app": {
        "sources": ("bin", "cdk.json"),
        "packages": [*CDK, "ts-node@10.9.2", "@types/node@20"],
        "synth": ["npx", "cdk", "synth", "--quiet", "--no-notices"],
        "output": "cdk.out",
        "package": {"name": "cdk-app-fixture", "private": True},
    },
    "amplify-gen2": {
        "sources": ("amplify", "tsconfig.json"),
        "packages": [*CDK, "@aws-amplify/backend@1.25.1", "@aws-amplify/backend-cli@1.10.0", "tsx@4.23.15",
                     "esbuild@0.28.2"],
        "synth": ["npx", "cdk", "synth", "--quiet", "--no-notices", "--app", "npx tsx amplify/backend.ts",
                  "--context", "amplify-backend-namespace=demoapp", "--context", "amplify-backend-name=main",
                  "--context", "amplify-backend-type=branch", "--output", ".amplify/artifacts/cdk.out"],
        "output": ".amplify/artifacts/cdk.out",
        "package": {"name": "amplify-gen2-fixture", "private": True, "type": "module"},
    },
}
KEEP = ("*.template.json", "manifest.json", "*.metadata.json", "*.assets.json", "tree.json", "cdk.out")


def run(command: list[str], cwd: Path) -> None:
    print("+", " ".join(command), file=sys.stderr)
    subprocess.run(command, cwd=cwd, check=True, env={**os.environ, "CDK_DISABLE_VERSION_CHECK": "1"})


def synthesize(name: str, app: dict) -> None:
    source = FIXTURES / name
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as temporary:
        work = Path(temporary)
        for entry in app["sources"]:
            if (source / entry).is_dir():
                shutil.copytree(source / entry, work / entry)
            else:
                shutil.copy(source / entry, work / entry)
        if not (work / "tsconfig.json").exists():
            (work / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
                "target": "ES2020", "module": "commonjs", "strict": True, "esModuleInterop": True,
                "skipLibCheck": True}}))
        (work / "package.json").write_text(json.dumps(app["package"]))
        run(["npm", "install", "--no-audit", "--no-fund", *app["packages"]], work)
        run(app["synth"], work)
        target = source / app["output"]
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for entry in sorted((work / app["output"]).iterdir()):
            if entry.is_file() and any(fnmatch.fnmatch(entry.name, pattern) for pattern in KEEP):
                shutil.copy(entry, target / entry.name)
                print(f"{name}: kept {entry.name}", file=sys.stderr)


def main() -> int:
    if shutil.which("npm") is None or shutil.which("npx") is None:
        print("npm and npx are needed to synthesize the apps (Node.js 18 or later)", file=sys.stderr)
        return 2
    for name, app in APPS.items():
        if len(sys.argv) < 2 or name in sys.argv[1:]:
            synthesize(name, app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
