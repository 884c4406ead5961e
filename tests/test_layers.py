"""The layers: handlers never import jobs; jobs import no handlers; flows know nothing of Bolt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder,forbidden", [
    ("bot/handlers", ("jobs",)),
    ("bot/flows", ("jobs", "bot.handlers", "slack_bolt", "slack_sdk")),
    ("bot/blocks", ("jobs", "bot.handlers")),
    ("jobs", ("bot.handlers",)),
    ("storage", ("jobs", "bot")),
])
def test_imports_follow_the_layers(folder: str, forbidden: tuple[str, ...]) -> None:
    wrong = [f"{path.relative_to(ROOT)} imports {name}"
             for path in _files(folder) for name in sorted(_imports(path))
             if any(name == f or name.startswith(f + ".") for f in forbidden)]
    assert wrong == []
