"""A CDK cloud assembly (``cdk.out``, Amplify Gen 2's ``.amplify/artifacts/cdk.out``): which of
its files are templates, and where in the app's TypeScript each template resource was made.

The assembly's other files (``manifest.json``, ``tree.json``, ``*.assets.json``,
``*.metadata.json``, reports) are skipped without a word. For a finding in a template, the
resource's construct path (its ``aws:cdk:path`` metadata in the template; else its logical
id, ``aws:cdk:logicalId``) is looked up in the stacks' metadata (in ``manifest.json``, or the
file an artifact's ``additionalMetadataFile`` names), whose creation stack (the logicalId
entry's ``trace``, or an ``aws:cdk:creationStack`` entry) says where the construct was made:
its first frame in the app's own code. That place, found again below the app's folder, is
the finding's ``origin``.
"""
from __future__ import annotations

import os

from . import caching, regex
from .model import Finding, Origin
from .records import replace

TYPE_CHECKING = False  # typing is not imported at run time: start-up (tests/test_startup_imports.py)
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any, Iterable

# Files of an assembly that hold no template.
_OTHER_NAMES = ("manifest.json", "tree.json", "performance-counters.json", "validation-report.json")
_OTHER_SUFFIXES = (".assets.json", ".metadata.json")
# "new Stack (/path/bin/app.ts:13:21)", "at Object.<anonymous> (/path/app.js:5:1)", "/path/app.ts:3:7"
_FRAME = regex.compile(r"(?:^|\()(?P<file>[^()]+?):(?P<line>\d+):(?P<column>\d+)\)?\s*$")


def is_assembly(directory: str) -> bool:
    """Whether ``directory`` is a cloud assembly: its ``manifest.json`` beside the ``cdk.out``
    version file that the CDK writes into every assembly."""
    return _is_assembly(os.path.normpath(directory or "."))


@caching.lru_cache(maxsize=64)
def _is_assembly(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "manifest.json")) and \
        os.path.isfile(os.path.join(directory, "cdk.out"))


def skipped(name: str) -> bool:
    """Whether ``name`` is one of an assembly's files that hold no template."""
    base = os.path.basename(name)
    if base not in _OTHER_NAMES and not base.endswith(_OTHER_SUFFIXES):
        return False
    return is_assembly(os.path.dirname(name))


def with_origins(findings: Iterable[Finding]) -> list[Finding]:
    """``findings``, those in an assembly's templates given the place their resource was made."""
    result = []
    for finding in findings:
        origin = None
        if len(finding.path) >= 2 and finding.path[0] == "Resources" and finding.file.endswith(".json") \
                and is_assembly(os.path.dirname(finding.file)):
            origin = origins(finding.file).get(finding.path[1])
        result.append(finding if origin is None else replace(finding, origin=origin))
    return result


@caching.lru_cache(maxsize=16)
def origins(template: str) -> dict[str, Origin]:
    """Logical id -> where its construct was created, for a template of an assembly.

    A resource's ``aws:cdk:path`` metadata names its construct, whose creation stack the
    stacks' metadata holds (nested stacks' templates too); a template synthesized without
    path metadata is matched by logical id in the metadata of the stack it is the template of.
    """
    directory = os.path.dirname(template) or "."
    try:
        by_path, by_template = _stack_origins(directory)
        result = dict(by_template.get(os.path.basename(template), {}))
        resources = _read_json(template).get("Resources")
        for logical, resource in (resources.items() if isinstance(resources, dict) else ()):
            path = (resource.get("Metadata") or {}).get("aws:cdk:path") if isinstance(resource, dict) else None
            if isinstance(path, str) and path.strip("/") in by_path:
                result[logical] = by_path[path.strip("/")]
        return result
    except (OSError, ValueError, AttributeError, TypeError):
        return {}  # an assembly that cannot be read maps nothing: the findings stand as they are


@caching.lru_cache(maxsize=8)
def _stack_origins(directory: str) -> tuple[dict[str, Origin], dict[str, dict[str, Origin]]]:
    """(construct path -> origin, template file -> logical id -> origin) from the stacks'
    metadata of an assembly: its manifest and metadata files read once for all its templates."""
    manifest = _read_json(os.path.join(directory, "manifest.json"))
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    by_path: dict[str, Origin] = {}
    by_template: dict[str, dict[str, Origin]] = {}
    for artifact in (artifacts or {}).values():
        if not isinstance(artifact, dict) or artifact.get("type") != "aws:cloudformation:stack":
            continue
        template_file = (artifact.get("properties") or {}).get("templateFile")
        by_logical = by_template.setdefault(template_file, {}) if isinstance(template_file, str) else {}
        for path, entries in _metadata(directory, artifact).items():
            found = _origin(entries, directory) if isinstance(entries, list) else None
            if found is not None:
                logical, origin = found
                by_path.setdefault(str(path).strip("/"), origin)
                if logical is not None:
                    by_logical.setdefault(logical, origin)
    return by_path, by_template


def _metadata(directory: str, artifact: dict) -> dict:
    metadata = dict(artifact.get("metadata") or {})
    extra = artifact.get("additionalMetadataFile")
    if isinstance(extra, str) and os.path.basename(extra) == extra:
        more = _read_json(os.path.join(directory, extra))
        if isinstance(more, dict):
            metadata.update(more)
    return metadata


def _origin(entries: list, directory: str) -> tuple[str | None, Origin] | None:
    """(logical id, creation place) of a construct's metadata entries, when a place is recorded:
    the logicalId entry's ``trace`` (older releases, with --debug), or a creationStack entry."""
    logical = None
    frames: Any = None
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        if entry.get("type") == "aws:cdk:logicalId" and isinstance(entry.get("data"), str):
            logical = entry["data"]
            frames = entry.get("trace") or frames
        elif entry.get("type") == "aws:cdk:creationStack" and frames is None:
            frames = entry.get("data")
    origin = _first_app_frame(frames, directory) if isinstance(frames, list) else None
    return (logical, origin) if origin is not None else None


def _first_app_frame(frames: list, directory: str) -> Origin | None:
    """The first frame of the app's own code (not a library, not Node.js itself)."""
    for frame in frames:
        if not isinstance(frame, str) or frame.startswith("..."):
            continue
        match = _FRAME.search(frame)
        if match is None:
            continue
        recorded = match.group("file").strip()
        if recorded.startswith(("node:", "internal/")) or "node_modules" in recorded.replace("\\", "/").split("/"):
            continue
        return Origin(_local(recorded, directory), int(match.group("line")), int(match.group("column")))
    return None


def _local(recorded: str, directory: str) -> str:
    """The recorded file as a path from here: below an ancestor of the assembly (the app's
    folder), by the longest tail of the recorded path that exists there; else as recorded."""
    if recorded.startswith("file://"):
        recorded = recorded[len("file://"):]
    parts = [p for p in recorded.replace("\\", "/").split("/") if p]
    ancestor = os.path.normpath(os.path.join(directory, os.pardir))
    for _ in range(4):  # cdk.out's folder; .amplify/artifacts/cdk.out's project
        for cut in range(len(parts)):
            candidate = os.path.join(ancestor, *parts[cut:])
            if os.path.isfile(candidate):
                return os.path.normpath(candidate)
        parent = os.path.normpath(os.path.join(ancestor, os.pardir))
        if parent == ancestor or os.path.abspath(parent) == os.path.abspath(ancestor):
            break
        ancestor = parent
    return recorded


def _read_json(path: str) -> Any:
    import json  # not on the path of a valid policy (json imports re)

    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
