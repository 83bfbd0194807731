"""The README's "Dependencies point down", checked on the source: what models and bot.nlu import
from bot (at run time: an import under ``if TYPE_CHECKING`` names a type only)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _runtime_imports(path: Path) -> set[str]:
    """The modules ``path`` imports when it runs, absolute names (relative ones within bot.nlu)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-node.level])
                base = f"{package}.{base}" if base else package
            found |= {f"{base}.{a.name}" if not node.module and node.level else base for a in node.names}
    return found


def _bot_imports(folder: str) -> dict[str, set[str]]:
    return {str(p.relative_to(ROOT)): {m for m in _runtime_imports(p) if m == "bot" or m.startswith("bot.")}
            for p in sorted((ROOT / folder).rglob("*.py"))}


def test_models_use_only_the_status_words_and_the_grammar_of_bot_nlu():
    allowed = {"bot.statuses", "bot.nlu.codes", "bot.nlu.notices", "bot.nlu.scopes", "bot.nlu.model",
               "bot.nlu.numbers"}
    used = {f: ms - allowed for f, ms in _bot_imports("models").items()}
    assert {f: ms for f, ms in used.items() if ms} == {}
    assert "bot.statuses" in _bot_imports("models")["models/tables.py"]


def test_bot_nlu_is_a_leaf_and_the_status_words_import_nothing():
    outside = {f: {m for m in ms if not m.startswith("bot.nlu")} - {"bot.statuses"}
               for f, ms in _bot_imports("bot/nlu").items()}
    assert {f: ms for f, ms in outside.items() if ms} == {}
    assert _runtime_imports(ROOT / "bot" / "statuses.py") == {"__future__"}
