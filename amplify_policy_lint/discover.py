"""Which files a run looks at: the files named, and policy-like files below directories.

Walking a directory skips, and ``--verbose`` says so with the reason:

- version-control metadata (``.git``, ``.hg``, ``.svn``), always;
- what ``.gitignore`` files ignore (git's rules, see gitignore.py): those in the walked tree,
  those above it up to the repository root, and the repository's ``.git/info/exclude``
  (configuration ``respect-gitignore: false`` turns this off);
- generated and downloaded copies (``GENERATED``), which would report every finding a second
  time: Amplify CLI's build and deployed copies, CDK's ``cdk.out``, SAM's ``.aws-sam``, the
  Serverless Framework's ``.serverless``, ``node_modules``, ``.terraform``, virtual
  environments (configuration ``skip-generated: false`` walks them);
- what the configured ``exclude`` patterns match;
- symbolic links, FIFOs, sockets and devices;
- the asset folders of a cloud assembly (``asset.*`` beside its ``manifest.json``), TypeScript
  declarations (``.d.ts``) and JavaScript compiled beside its TypeScript source (``app.js``
  next to ``app.ts``), silently.

A path named on the command line is never skipped for being ignored or generated (pre-commit
names exactly the staged files; ``amplify-policy-lint cdk.out`` asks for cdk.out): only the
configured ``exclude`` applies to it. A named FIFO, socket or device is skipped with a note (a
read would wait forever).
"""
from __future__ import annotations

import os
import stat

from .model import FileError

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Sequence

EXTENSIONS = (".json", ".yaml", ".yml", ".tf", ".ts", ".mts", ".cts", ".js", ".mjs", ".cjs")
# JavaScript compiled from a TypeScript file beside it (tsc without outDir): the same IAM twice.
_COMPILED = {".js": (".ts", ".tsx"), ".mjs": (".mts",), ".cjs": (".cts",)}
# TypeScript declarations: types, no values.
_DECLARATIONS = (".d.ts", ".d.mts", ".d.cts")
# Version-control metadata: never walked.
VCS_DIRECTORIES = frozenset((".git", ".hg", ".svn"))
# Generated or downloaded copies, by directory name, with the reason --verbose gives.
GENERATED = {
    "node_modules": "installed npm packages",
    ".venv": "a Python virtual environment",
    "venv": "a Python virtual environment",
    "__pycache__": "Python's bytecode cache",
    ".tox": "tox's environments",
    ".terraform": "Terraform's provider and module cache",
    "#current-cloud-backend": "Amplify CLI's copy of the deployed backend",
    "cdk.out": "CDK's cloud assembly, synthesised from the source (name it to lint it)",
    ".aws-sam": "SAM's build output",
    ".serverless": "the Serverless Framework's packaged output",
}
# Generated copies recognised by the end of their path (directory names, in order).
GENERATED_PATHS = {
    ("amplify", "backend", "awscloudformation", "build"): "Amplify CLI's build copy of the backend templates",
    ("amplify", ".temp"): "Amplify CLI's temporary files",
}
_GENERATED_LAST = frozenset(os.path.normcase(parts[-1]) for parts in GENERATED_PATHS)
_GENERATED_NAMES = {os.path.normcase(name): why for name, why in GENERATED.items()}


class Skipped:
    """What discovery left out: notes for --verbose, and how many named files it skipped."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.files = 0


def discover(paths: Sequence[str], exclude: Sequence[str] = (), base: str | None = None, *,
             respect_gitignore: bool = True, skip_generated: bool = True,
             skipped: Skipped | None = None) -> tuple[list[str], list[FileError]]:
    """Files to lint, in a stable order, and the paths that could not be read.

    A file named explicitly is linted unless the configured ``exclude`` patterns (gitignore
    syntax, relative to ``base``, see globs.py) match it; directories are walked for
    .json/.yaml/.yml/.tf files and TypeScript/JavaScript sources as the module's notes say. ``skipped`` collects what was left out.
    """
    spec = None
    if exclude:
        from .globs import PathSpec

        spec = PathSpec(exclude, base)
    skipped = skipped if skipped is not None else Skipped()
    files: list[str] = []
    errors: list[FileError] = []
    seen: set[str] = set()
    for path in paths:
        kind = _kind(path)
        if kind == "directory":
            if spec is not None and spec.matches(path, is_dir=True):
                skipped.notes.append(f"{path}: skipped: matches 'exclude' in the configuration")
                continue
            walker = _Walker(path, spec, errors, skipped, respect_gitignore, skip_generated)
            for found in walker.walk():
                if found not in seen:
                    seen.add(found)
                    files.append(found)
        elif kind not in ("file", "missing"):
            # Reading a FIFO waits for a writer that may never come; a device never ends.
            skipped.files += 1
            skipped.notes.append(f"{path}: skipped: {kind}, not a regular file")
        else:
            # A missing file is reported by the reader, like an unreadable one.
            if path in seen:
                continue
            if spec is not None and spec.matches(path):
                skipped.notes.append(f"{path}: skipped: matches 'exclude' in the configuration")
                continue
            seen.add(path)
            files.append(path)
    return files, errors


def _kind(path: str) -> str:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"  # or unreadable: the reader says which, in one line
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


class _Walker:
    def __init__(self, root: str, spec, errors: list[FileError], skipped: Skipped,
                 respect_gitignore: bool, skip_generated: bool) -> None:
        self.root = root
        self.spec = spec
        self.root_parts = spec.parts(root) if spec is not None else None
        self.errors = errors
        self.skipped = skipped
        self.skip_generated = skip_generated
        self.ignores = None
        if respect_gitignore:
            from .gitignore import IgnoreRules

            self.ignores = IgnoreRules.above(root)

    def walk(self) -> list[str]:
        found = []
        for directory, subdirs, names in os.walk(self.root, onerror=self._on_error, followlinks=False):
            relative_dir = os.path.relpath(directory, self.root)
            parts = () if relative_dir in (".", "") else tuple(relative_dir.replace(os.sep, "/").split("/"))
            if self.ignores is not None and ".gitignore" in names:
                self.ignores.read(os.path.join(directory, ".gitignore"), parts)
            kept = []
            for name in sorted(subdirs):
                full = os.path.join(directory, name)
                why = self._directory_skipped(full, parts + (name,))
                if why is None:
                    kept.append(name)
                elif why:
                    self.skipped.notes.append(f"{_tidy(full)}{os.sep}: skipped: {why}")
            subdirs[:] = kept
            present = set(names)
            for name in sorted(names):
                if not name.lower().endswith(EXTENSIONS) or _not_source(name, present):
                    continue
                full = os.path.join(directory, name)
                if not _regular(full):
                    # A FIFO would block the read forever; a socket, a device; a link may
                    # lead outside the tree.
                    continue
                why = self._file_skipped(parts + (name,))
                if why is None:
                    found.append(_tidy(full))
                else:
                    self.skipped.notes.append(f"{_tidy(full)}: skipped: {why}")
        return found

    def _on_error(self, exc: OSError) -> None:
        self.errors.append(FileError(_tidy(exc.filename or self.root), "cannot read directory: permission denied"
                                     if isinstance(exc, PermissionError)
                                     else f"cannot read directory: {exc.strerror}"))

    def _directory_skipped(self, full: str, parts: tuple[str, ...]) -> str | None:
        """Why a directory met while walking is not entered ('' for no note), or None."""
        name = os.path.normcase(parts[-1])
        if name in VCS_DIRECTORIES:
            return ""
        if os.path.islink(full):
            return ""
        if self._configured(parts, True):
            return "matches 'exclude' in the configuration"
        if name.startswith("asset.") and os.path.isfile(os.path.join(os.path.dirname(full), "manifest.json")):
            return ""  # a cloud assembly's asset (bundled Lambda code, files to upload): not the app's IAM
        if self.skip_generated:
            why = _GENERATED_NAMES.get(name) or (self._generated_path(full) if name in _GENERATED_LAST else None)
            if why:
                return f"{why} (skip-generated: false in the configuration lints it)"
        if self.ignores is not None:
            return self.ignores.why(parts, True)
        return None

    def _file_skipped(self, parts: tuple[str, ...]) -> str | None:
        if self._configured(parts, False):
            return "matches 'exclude' in the configuration"
        if self.ignores is not None:
            return self.ignores.why(parts, False)
        return None

    def _configured(self, parts: tuple[str, ...], is_dir: bool) -> bool:
        # Directories above were already checked (an excluded one is never entered), so the
        # entry itself is all that is left to decide.
        if self.root_parts is None:
            return False
        return bool(self.spec.decide(self.root_parts + parts, is_dir))

    def _generated_path(self, full: str) -> str | None:
        names = tuple(os.path.normcase(part) for part in os.path.abspath(full).split(os.sep))
        for tail, why in GENERATED_PATHS.items():
            if names[-len(tail):] == tuple(os.path.normcase(part) for part in tail):
                return why
        return None


def _regular(path: str) -> bool:
    """A regular file that is not a symbolic link (one lstat)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _not_source(name: str, present: set[str]) -> bool:
    """A TypeScript declaration, or JavaScript that tsc compiled beside its .ts source."""
    lower = name.lower()
    if lower.endswith(_DECLARATIONS):
        return True
    stem, extension = os.path.splitext(name)
    return any(stem + source in present for source in _COMPILED.get(extension.lower(), ()))


def _tidy(path: str) -> str:
    """A walked path without a leading ``./`` (``lint .`` reports ``iam/p.json``)."""
    prefix = os.curdir + os.sep
    while path.startswith(prefix) and len(path) > len(prefix):
        path = path[len(prefix):]
    return path
