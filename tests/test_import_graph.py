"""The package's import graph, read with ``ast``: no module in an import cycle (function-level
imports included: a lazy import is a dependency all the same, only a later one), no rule
module importing another rule module, and the model importing nothing of the package."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "amplify_policy_lint"
NAME = PACKAGE.name


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> set[str]:
    """The package's modules that ``module`` imports, at any level but ``if TYPE_CHECKING:``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def add(target: str) -> None:
        if target in MODULES and target != module:
            found.add(target)
        # Importing a.b.c runs a.b's __init__ first (unless the importer is inside a.b).
        parts = target.split(".")
        for cut in range(2, len(parts)):
            parent = ".".join(parts[:cut])
            if parent in MODULES and parent != module and not module.startswith(parent + "."):
                found.add(parent)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # typing only: never executed
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == NAME:
                        add(alias.name)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target.split(".")[0] != NAME:
                    continue
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    add(sub if sub in MODULES else target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_is_read():
    assert len(MODULES) > 50
    assert f"{NAME}.model" in GRAPH[f"{NAME}.linter"]
    assert f"{NAME}.source" in GRAPH[f"{NAME}.rules.yaml_type_coercion"]


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_in_an_import_cycle():
    assert _cycles(GRAPH) == []


def test_no_rule_module_imports_another_rule_module():
    rules = f"{NAME}.rules"
    offenders = {module: sorted(t for t in targets if t.startswith(rules + ".") and t != module)
                 for module, targets in GRAPH.items() if module.startswith(rules + ".")}
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_model_is_the_ground_floor():
    # records.py (a frozen dataclass without dataclasses' import cost) is below it, alone.
    assert GRAPH[f"{NAME}.model"] <= {f"{NAME}.records"}
    assert GRAPH[f"{NAME}.records"] == set()


def test_reporters_do_not_import_the_pipeline():
    assert f"{NAME}.linter" not in GRAPH[f"{NAME}.reporters"]
