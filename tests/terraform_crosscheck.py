"""Cross-check of the Terraform reader with an independent parser, pygohcl (HashiCorp's HCL).

Every literal value the reader extracts from a ``.tf`` file (attribute values, list
elements, ``jsonencode`` arguments, heredoc JSON without interpolations) must equal what
pygohcl reads at the same place. Values the reader treats as unknown are not compared.

    python tests/terraform_crosscheck.py DIR...   # every .tf file below DIR: counts, disagreements
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def compare_values(mine: Any, theirs: Any) -> bool:
    return _compare(mine, theirs, [0])


def _compare(mine: Any, theirs: Any, count: list[int]) -> bool:
    from amplify_policy_lint.inputs.hcl import is_unknown

    if is_unknown(mine):
        return True
    if isinstance(mine, dict):
        return isinstance(theirs, dict) and set(mine) == set(theirs) \
            and all(_compare(v, theirs[k], count) for k, v in mine.items())
    if isinstance(mine, list):
        return isinstance(theirs, list) and len(mine) == len(theirs) \
            and all(_compare(a, b, count) for a, b in zip(mine, theirs))
    count[0] += 1
    if isinstance(mine, bool) or isinstance(theirs, bool):
        return mine is theirs
    if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
        return float(mine) == float(theirs)
    return mine == theirs


def disagreements(path: Path) -> tuple[int, list[str]]:
    """(number of literal values compared, descriptions of the values that differ)."""
    import pygohcl

    from amplify_policy_lint.inputs.hcl import HclFile

    text = path.read_text(encoding="utf-8")
    hcl = HclFile(str(path), text)
    try:
        theirs = pygohcl.loads(text)
    except Exception as exc:  # noqa: BLE001 - pygohcl raises its own error types
        if hcl.tree.root_node.has_error:
            return 0, []  # both parsers refuse it
        return 0, [f"{path}: pygohcl cannot parse it: {exc}"]
    count = [0]
    problems: list[str] = []
    seen: dict[tuple, int] = {}
    for block in hcl.blocks:
        target: Any = theirs.get(block.type)
        for label in block.labels:
            target = target.get(label) if isinstance(target, dict) else None
        key = (block.type, block.labels)
        index = seen.get(key, 0)
        seen[key] = index + 1
        if isinstance(target, list):
            target = target[index] if index < len(target) else None
        _block(hcl, block, target, f"{path}:{block.type} {' '.join(block.labels)}", count, problems)
    return count[0], problems


def _block(hcl: Any, block: Any, theirs: Any, where: str, count: list[int], problems: list[str]) -> None:
    import pygohcl

    from amplify_policy_lint.inputs.hcl import Values, function_call

    if not isinstance(theirs, dict):
        problems.append(f"{where}: pygohcl has no such block")
        return
    for name, attribute in block.attributes.items():
        if name not in theirs:
            problems.append(f"{where}.{name}: pygohcl has no such attribute")
            continue
        mine = Values(hcl).value(attribute.expr, ("crosscheck",))
        other = theirs[name]
        call = function_call(hcl, attribute.expr)
        if call is not None and call[0] == "jsonencode" and len(call[1]) == 1:
            mine = Values(hcl).value(call[1][0], ("crosscheck",))
            try:
                other = pygohcl.loads("v = " + hcl.node_text(call[1][0]))["v"]
            except Exception:  # noqa: BLE001
                continue
        elif attribute.expr.type == "template_expr" and attribute.expr.named_children[0].type == "heredoc_template":
            mine = _heredoc_json(hcl, attribute.expr.named_children[0])
            if mine is None:
                continue
            try:
                other = json.loads(other)
            except ValueError:
                problems.append(f"{where}.{name}: pygohcl's heredoc text is no JSON")
                continue
        if not _compare(mine, other, count):
            problems.append(f"{where}.{name}: reader {mine!r} but pygohcl {other!r}")
    by_type: dict[str, int] = {}
    for child in block.blocks:
        if child.type == "dynamic":
            continue
        target = theirs.get(child.type)
        for label in child.labels:
            target = target.get(label) if isinstance(target, dict) else None
        index = by_type.get(child.type, 0)
        by_type[child.type] = index + 1
        if isinstance(target, list):
            target = target[index] if index < len(target) else None
        _block(hcl, child, target, f"{where}.{child.type}", count, problems)


def _heredoc_json(hcl: Any, node: Any) -> Any:
    """The JSON of a heredoc without interpolations, as the reader parses it (else None)."""
    from amplify_policy_lint.source import parse_json

    if any(c.type in ("template_interpolation", "template_directive") for c in node.named_children):
        return None
    identifiers = [c for c in node.named_children if c.type == "heredoc_identifier"]
    text = hcl.data[identifiers[0].end_byte:identifiers[-1].start_byte].decode("utf-8")
    source, _ = parse_json("heredoc", text)
    if source is None:
        return None
    return json.loads(json.dumps(source.data).replace("$${", "${").replace("%%{", "%{"))


def main(directories: list[str]) -> int:
    files = checked = 0
    failures = []
    for directory in directories:
        for path in sorted(Path(directory).rglob("*.tf")):
            if ".terraform" in path.parts:
                continue
            files += 1
            count, problems = disagreements(path)
            checked += count
            failures.extend(problems)
    for problem in failures:
        print(problem)
    print(f"{files} files, {checked} literal values compared, {len(failures)} disagreements")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
