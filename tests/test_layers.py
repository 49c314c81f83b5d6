"""The shape of the code: imports only go down the layers, no cycles, and the front-ends (CLI,
daemon, Wyoming server) reach the pipeline only through `Assistant`'s public methods.

Read from the source with `ast` (lazy imports inside functions count too), so a layout change
that breaks the shape fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "voicerec"

# lower numbers are lower layers; a module may import its own layer's package or any lower layer
LAYERS: dict[str, int] = {
    "voicerec.vocab": 0, "voicerec.errors": 0, "voicerec.text": 0, "voicerec.trust": 0, "voicerec.checks": 0,
    "voicerec.types": 1, "voicerec.config": 1,
    "voicerec.catalog": 2,
    "voicerec.state": 3, "voicerec.say": 3, "voicerec.hooks": 3,
    "voicerec.rank": 4, "voicerec.understand": 4, "voicerec.speech": 4,
    # between speech/ and understand/: Whisper's hypotheses rescored by what the parser makes of them
    "voicerec.rescore": 5,
    "voicerec.assistant": 6,
    "voicerec.daemon": 7, "voicerec.wyoming": 7, "voicerec.privacy": 7,
    "voicerec.doctor": 8,  # asks each stage and front-end about itself (`voicerec doctor`)
    "voicerec.cli": 9,
    # dependency-free process helpers that live with the daemon and serve the Wyoming server too
    "voicerec.daemon.notify": 0, "voicerec.daemon.malloc": 0,
}
FRONT_ENDS = ("voicerec.cli", "voicerec.daemon", "voicerec.wyoming")
# what a front-end may not import: the stages behind the pipeline
BEHIND_THE_PIPELINE = ("voicerec.understand", "voicerec.rank", "voicerec.say", "voicerec.speech.stt",
                       "voicerec.speech.tts", "voicerec.catalog.store")
PUBLIC = {"hear", "hearing", "answer", "mark_seen", "speak", "speak_rate", "listen", "warm", "use_voice", "settings",
          "tidy"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(name: str) -> set[str]:
    """Every voicerec module `name` imports, at any depth in the file."""
    tree = ast.parse(MODULES[name].read_text())
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for a in node.names:  # `from voicerec.say import reply` imports the module voicerec.say.reply
                found.add(f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base)
    return {m for m in found if m.startswith("voicerec") and m in MODULES and m != name}


def _layer(name: str) -> tuple[str, int]:
    for prefix, level in sorted(LAYERS.items(), key=lambda kv: -len(kv[0])):
        if name == prefix or name.startswith(prefix + "."):
            return prefix, level
    raise AssertionError(f"{name} is in no layer: add it to LAYERS in {__file__}")


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        if name != "voicerec":
            _layer(name)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != "voicerec"))
def test_imports_only_go_down(name: str) -> None:
    home, level = _layer(name)
    for target in _imports(name):
        there, target_level = _layer(target)
        assert target_level < level or there == home, f"{name} imports {target} (layer {target_level} >= {level})"


def test_no_cycles() -> None:
    graph = {name: _imports(name) for name in MODULES}
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    path: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        path.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(m):] + [m]))
            if m not in state:
                visit(m)
        path.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)


def test_the_catalogue_imports_nothing_above_it() -> None:
    for name in MODULES:
        if name.startswith("voicerec.catalog"):
            above = {m for m in _imports(name) if _layer(m)[1] > LAYERS["voicerec.catalog"]}
            assert not above, f"{name} imports {above}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(FRONT_ENDS)))
def test_front_ends_use_only_the_assistants_public_methods(name: str) -> None:
    behind = {m for m in _imports(name) if m.startswith(BEHIND_THE_PIPELINE)}
    assert not behind, f"{name} reaches behind the pipeline: {sorted(behind)}"
    tree = ast.parse(MODULES[name].read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = node.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if owner_name in ("assistant", "_assistant"):
                assert node.attr in PUBLIC, f"{name}:{node.lineno} uses assistant.{node.attr}"
