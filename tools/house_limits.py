"""The house limits, measured from the code: production modules over 250 lines, functions over 40
lines, and import cycles between the project's top-level packages.

Production code is every top-level package (a folder with an ``__init__.py``: bench/ and cli/ as
much as index/) except tests/. Usage: ``python tools/house_limits.py [ROOT]``; prints each breach,
then a line of counts, and exits 1 if there is any.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MODULE_LINES = 250
FUNCTION_LINES = 40


def packages(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if (p / "__init__.py").is_file() and p.name != "tests")


def imported_packages(tree: ast.AST, known: set[str]) -> set[str]:
    """The project packages a module imports (absolute imports; relative ones stay inside)."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return {name.split(".")[0] for name in names} & known


def long_functions(tree: ast.AST, where: str) -> list[str]:
    return [
        f"{where}:{node.lineno} {node.name} {length} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := (node.end_lineno or node.lineno) - node.lineno + 1) > FUNCTION_LINES
    ]


def cycles(graph: dict[str, set[str]]) -> list[str]:
    """Every import cycle between packages, written from its smallest name, e.g. ``a -> b -> a``."""
    found = set()
    for start in graph:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for following in graph[node]:
                if following == start:
                    i = path.index(min(path))
                    found.add(" -> ".join(path[i:] + path[:i] + [min(path)]))
                elif following not in path:
                    stack.append((following, [*path, following]))
    return sorted(found)


def breaches(root: Path) -> list[str]:
    names = packages(root)
    graph: dict[str, set[str]] = {name: set() for name in names}
    modules, functions = [], []
    for name in names:
        for path in sorted((root / name).rglob("*.py")):
            source, where = path.read_text(encoding="utf-8"), str(path.relative_to(root))
            if (lines := source.count("\n")) > MODULE_LINES:
                modules.append(f"module over {MODULE_LINES}: {where} {lines} lines")
            tree = ast.parse(source)
            functions += [f"function over {FUNCTION_LINES}: {line}" for line in long_functions(tree, where)]
            graph[name] |= imported_packages(tree, set(names)) - {name}
    return modules + functions + [f"package cycle: {loop}" for loop in cycles(graph)]


def main(root: Path) -> int:
    found = breaches(root)
    for line in found:
        print(line)
    count = {kind: sum(line.startswith(kind) for line in found) for kind in ("module", "function", "package")}
    print(
        f"modules over {MODULE_LINES} lines: {count['module']}; functions over {FUNCTION_LINES} lines: "
        f"{count['function']}; package cycles: {count['package']}"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
