"""The import layers of docs/architecture.md, checked on the source (issue 15, point 3).

Every import counts, at module level or inside a function (a lazy import is an
import all the same); only those under ``if TYPE_CHECKING:`` do not, since they
never run. The rules:

- no circle of imports;
- the tree (:data:`TREE`) imports only the tree: it reaches discovery, the
  help of a miss and validation through what it is handed (``_hook``);
- nothing below the package root imports the root (``import registry_core``,
  ``from registry_core import X`` for a name that is not a submodule): only the
  command line and the pytest plugin, which sit above it, may;
- nothing imports the command line or the pytest plugin but themselves.

On ``main`` before issue 15 a circle held 20 modules, and the tree imported
discovery, validation, ``_help`` and the root.
"""

from __future__ import annotations

import ast
from pathlib import Path

import registry_core

PACKAGE = Path(registry_core.__file__).parent

#: The registry tree: registries, keys, scopes, lookup, building, their errors.
TREE = frozenset(
    {
        "registry_core._hook",
        "registry_core._hook_types",
        "registry_core._keys",
        "registry_core._messages",
        "registry_core._names",
        "registry_core._node",
        "registry_core._pickling",
        "registry_core._resolve",
        "registry_core._scope",
        "registry_core._suggest",
        "registry_core._tree",
        "registry_core._version",
        "registry_core.build",
        "registry_core.errors",
        "registry_core.registry",
    }
)
#: Above the package root (the command line, ``python -m``, the pytest plugin).
TOP = ("registry_core.__main__", "registry_core.cli", "registry_core.testing")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The modules of the package that ``module`` imports when it runs."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()

    def owner(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.update(filter(None, (owner(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                head = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*head, *([node.module] if node.module else [])])
            for alias in node.names:
                target = owner(f"{base}.{alias.name}") if base else None
                if target is not None:
                    out.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    out.discard(module)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
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
                        circles.append(sorted(component))
    return circles


def test_the_checker_sees_lazy_imports_and_skips_type_checking_ones(tmp_path: Path) -> None:
    source = (
        "from registry_core import _keys\n"
        "TYPE_CHECKING = False\n"
        "if TYPE_CHECKING:\n"
        "    from registry_core.discovery import loader\n"
        "def later():\n"
        "    import registry_core\n"
        "    from registry_core.validation import validate\n"
    )
    path = tmp_path / "probe.py"
    path.write_text(source)
    known = {"registry_core", "registry_core._keys", "registry_core.validation"}
    found = _imports("registry_core.probe", path, known | {"registry_core.discovery"})
    assert found == known
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_circle_of_imports() -> None:
    assert _circles(_graph()) == []


def test_the_tree_imports_only_the_tree() -> None:
    graph = _graph()
    assert set(graph) >= TREE, "a module of the tree was renamed: update TREE"
    reaches = {m: sorted(graph[m] - TREE) for m in sorted(TREE) if graph[m] - TREE}
    assert reaches == {}


def test_only_the_top_imports_the_package_root_or_the_top() -> None:
    graph = _graph()
    below = [m for m in graph if m != "registry_core" and not m.startswith(TOP)]
    assert sorted(m for m in below if "registry_core" in graph[m]) == []
    assert sorted(m for m in below if any(t.startswith(TOP) for t in graph[m])) == []


def test_each_vocabulary_tuple_holds_exactly_its_literal_type() -> None:
    from registry_core import _vocab

    tree = ast.parse((PACKAGE / "_vocab.py").read_text(encoding="utf-8"))
    literals: dict[str, tuple[str, ...]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Subscript)
            and ast.unparse(node.value.value) == "Literal"
        ):
            words = ast.literal_eval(node.value.slice)
            literals[node.targets[0].id] = words if isinstance(words, tuple) else (words,)  # type: ignore[attr-defined]
    pairs = {
        "PluginStatus": _vocab.PLUGIN_STATUSES,
        "PluginSource": _vocab.PLUGIN_SOURCES,
        "IssueCode": _vocab.ISSUE_CODES,
        "Severity": _vocab.SEVERITIES,
        "ProblemKind": _vocab.PROBLEM_KINDS,
        "ProblemSeverity": _vocab.PROBLEM_SEVERITIES,
        "ObjectKind": _vocab.OBJECT_KINDS,
    }
    assert literals == pairs


def test_each_piece_of_tree_state_has_one_writer() -> None:
    """A private member of a node is assigned only in the module that owns it.

    Ruff's SLF rule keeps every other module off private members; the owners it
    lets through (pyproject.toml) are checked here not to write another's state:
    ``_node.py`` the tree's slots, ``_names.py`` the names and locations
    state, ``registry.py`` the build function, and ``_resolve.py`` (the lookup) nothing at all.
    """
    owners = {
        "registry_core._node": {
            "_cache",
            "_cached",
            "_children",
            "_children_view",
            "_generation",
            "_home",
            "_name",
            "_node_cache",
            "_origin",
            "_parent",
            "_root",
            "_scope",
        },
        "registry_core._names": {
            "_locations",
            "_locations_done",
            "_module_dict",
            "_module_view",
        },
        "registry_core.registry": {"_build_func", "_plain_builder"},
    }
    owned = {name: module for module, names in owners.items() for name in names}
    writes: list[str] = []
    for module, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in owned
                    and owned[target.attr] != module
                    and ast.unparse(target.value) != "self"  # (another class's own member)
                ):
                    writes.append(f"{module}: {ast.unparse(target)}")
    # MMEngine's registry, not ours: the bridge makes its dictionaries (names,
    # children) live ones.
    assert sorted(writes) == [
        "registry_core.bridge._view: mm._children",
        "registry_core.bridge._view: mm._module_dict",
    ]
