"""Which file set a config path: the record behind ``Config.source_of``.

Every loaded file leaves a ``SourceNode``: its file name, the *skeleton* of
its own values (their mapping keys, nested, before merging; or the values
themselves when nothing changes them later: only their mapping keys are
read), the paths it changed inside its bases (``_base_.model.depth = 101``, ``del _base_.x``),
and the nodes of its bases with the top-level keys each gave. A path was set
by the last file in the inheritance order whose own values or changes reach
it; a path into a list or tuple stops at the list, which one file set.
Looking a path up walks down from the loaded file to the base that gave its
top-level key, so nothing is computed until ``source_of`` is called.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, TypeAlias

    Path: TypeAlias = tuple[Any, ...]
    Skeleton: TypeAlias = dict[Any, "Skeleton | None"]

__all__ = ["SourceNode", "WriteLog", "skeleton"]


def skeleton(values: dict[Any, Any]) -> Skeleton:
    """The mapping keys of ``values``, nested: a non-mapping value is ``None``.

    >>> skeleton({"a": {"b": 1, "c": [1]}, "d": 2})
    {'a': {'b': None, 'c': None}, 'd': None}
    """
    out: Skeleton = {}
    for key, value in values.items():
        out[key] = skeleton(value) if isinstance(value, dict) else None
    return out


class SourceNode:
    """What one loaded file set. Immutable once made; shared by every load of it."""

    __slots__ = ("bases", "file", "skeleton", "writes")

    def __init__(
        self,
        file: str,
        skeleton: dict[Any, Any],
        writes: Iterable[Path] = (),
        bases: Iterable[tuple[frozenset[Any], SourceNode]] = (),
    ) -> None:
        self.file = file
        self.skeleton = skeleton
        self.writes = frozenset(writes)
        self.bases = tuple(bases)

    def __repr__(self) -> str:
        return f"SourceNode({self.file!r}, bases={[b.file for _, b in self.bases]!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # (a node holding the file's values is pickled, or copied, as their skeleton)
        return (SourceNode, (self.file, skeleton(self.skeleton), self.writes, self.bases))

    def find(self, parts: Path) -> str:
        """The file that set ``parts`` (a path of mapping keys, not empty)."""
        node = self
        while True:
            if node._sets(parts):
                return node.file
            for keys, base in node.bases:
                if parts[0] in keys:
                    node = base
                    break
            else:
                return node.file

    def _sets(self, parts: Path) -> bool:
        level: Any = self.skeleton  # a skeleton, or values: only mappings are walked
        for part in parts:
            if part not in level:
                level = None
                break
            level = level[part]
            if not isinstance(level, dict):
                return True
        else:
            return True
        n = len(parts)
        return any(w[:n] == parts or parts[: len(w)] == w for w in self.writes)


class WriteLog:
    """The paths a ``.py`` file changes inside ``_base_``, as it is evaluated.

    ``root`` is set when the file first reads ``_base_``. The paths of the
    containers under it are indexed on the first change (a path inside a
    list stops at the list), holding the containers so that their ids stay
    theirs.
    """

    __slots__ = ("_index", "paths", "root")

    def __init__(self) -> None:
        self.root: dict[Any, Any] | None = None
        self.paths: set[Path] = set()
        self._index: dict[int, tuple[Any, Path, bool]] | None = None

    def touch(self, container: Any, key: Any = None) -> None:
        """Record a change of ``container`` (at ``key`` for a mapping)."""
        if self.root is None:
            return
        if self._index is None:
            self._index = _index(self.root)
        entry = self._index.get(id(container))
        if entry is None:
            return
        _, path, in_list = entry
        if key is None or in_list or not isinstance(container, dict) or type(key) is slice:
            self.paths.add(path)
        else:
            self.paths.add((*path, key))


def _index(root: dict[Any, Any]) -> dict[int, tuple[Any, Path, bool]]:
    index: dict[int, tuple[Any, Path, bool]] = {}
    stack: list[tuple[Any, Path, bool]] = [(root, (), False)]
    while stack:
        value, path, in_list = stack.pop()
        index[id(value)] = (value, path, in_list)
        if isinstance(value, dict):
            for key, item in dict.items(value):
                if isinstance(item, (dict, list, tuple)):
                    stack.append((item, path if in_list else (*path, key), in_list))
        else:
            for item in value:
                if isinstance(item, (dict, list, tuple)):
                    stack.append((item, path, True))
    return index
