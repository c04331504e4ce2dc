"""The fakes are a test and demo kit: the product never imports them.

The demo (`congdong demo` starts the fakes) and the benchmarks (`congdong bench channels` runs
against them) may: they are the kit's users shipped inside the package."""

from __future__ import annotations

import ast
from pathlib import Path

import congdong

MAY_IMPORT_THE_FAKES = ("demo", "bench")


def test_no_product_module_imports_congdong_tools():
    root = Path(congdong.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if path.relative_to(root).parts[0] in MAY_IMPORT_THE_FAKES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "congdong_tools" for name in names):
                offenders.append(str(path.relative_to(root)))
    assert offenders == [], "product code imports the fakes"
