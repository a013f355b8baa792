"""``Config``: a loaded config, a plain ``dict`` that knows where its values came from."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from registry_core.config._sources import SourceNode

__all__ = ["Config"]


class Config(dict):  # type: ignore[type-arg]
    """The values of a config file, after inheritance: a ``dict`` of plain values.

    ``load_config`` makes it. Its values are what the file gives, merged over
    its bases: nested ``dict``, ``list`` and ``tuple``, and scalars. Change it
    like any ``dict``; ``source_of`` reports where a path was set at load time.

    Attributes:
        filename: the absolute path of the file loaded, or ``None`` for a
            ``Config`` made from a mapping.
    """

    def __init__(
        self,
        values: Mapping[Any, Any] | None = None,
        *,
        filename: str | None = None,
        _sources: SourceNode | None = None,
    ) -> None:
        super().__init__(values or {})
        self.filename = filename
        self._sources = _sources

    def __repr__(self) -> str:
        return f"Config({dict.__repr__(self)}, filename={self.filename!r})"

    def source_of(self, path: str) -> str | None:
        """The file that set the value at ``path``, after inheritance.

        Args:
            path: a config path (``'model.backbone.depth'``, ``'pipeline[1].type'``,
                ``'heads["a.b"]'``; ``''`` is the whole config).

        Returns:
            The absolute path of the last file in the inheritance order whose
            own values (or changes to ``_base_``) set that path; for a path
            inside a list or tuple, the file that set the list. ``None`` when
            the config has no value at ``path``.

        Raises:
            ValueError: ``path`` is not written in the config path syntax.
        """
        from registry_core._paths import parse_path

        parts = parse_path(path)
        value: Any = self
        keys: list[Any] = []
        in_list = False
        for part in parts:
            if isinstance(value, dict):
                if part not in value:
                    return None
                if not in_list:
                    keys.append(part)
            elif isinstance(value, (list, tuple)):
                if type(part) is not int or not -len(value) <= part < len(value):
                    return None
                in_list = True
            else:
                return None
            value = value[part]
        if not keys or self._sources is None:
            return self.filename
        return self._sources.find(tuple(keys))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (dict(self), self.filename, self._sources))


def _rebuild(values: dict[Any, Any], filename: str | None, sources: SourceNode | None) -> Config:
    return Config(values, filename=filename, _sources=sources)
