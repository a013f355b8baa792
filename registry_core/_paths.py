"""Config paths: where a value sits in a nested config, written as users read it.

A path is a tuple of parts: a ``str`` for a mapping key, an ``int`` for a list
or tuple index. Written out, keys are joined with ``.``, indices are ``[1]``,
and a key that is not a Python identifier is quoted as ``["a.b"]`` (a JSON
string), so every path reads back to the same parts. The top of a config is
the empty path ``""``. ``validate`` reports issues with these paths and
``Config.source_of`` takes them.

>>> format_path(("model", "backbone", "depth"))
'model.backbone.depth'
>>> format_path(("pipeline", 1, "type"))
'pipeline[1].type'
>>> format_path(("heads", "a.b", "x"))
'heads["a.b"].x'
>>> parse_path('heads["a.b"].x')
('heads', 'a.b', 'x')
>>> parse_path('pipeline[1].type')
('pipeline', 1, 'type')
>>> format_path(())
''
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["format_path", "parse_path", "path_sort_key"]


def format_path(parts: Sequence[str | int]) -> str:
    """Write ``parts`` as a path string (see the module docstring)."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            out.append(f"[{part}]")
        elif isinstance(part, str) and part.isidentifier():
            out.append(f".{part}" if out else part)
        else:
            import json  # (only for a key that is not an identifier: rare)

            out.append(f"[{json.dumps(str(part), ensure_ascii=False)}]")
    return "".join(out)


def parse_path(path: str) -> tuple[str | int, ...]:
    """Read a path string back into its parts.

    Raises:
        ValueError: ``path`` is not written in the path syntax.

    >>> parse_path('a.b[0]["c d"]')
    ('a', 'b', 0, 'c d')
    >>> parse_path('a..b')
    Traceback (most recent call last):
    ...
    ValueError: invalid config path 'a..b': expected a key at character 2
    """
    if not isinstance(path, str):
        raise TypeError(f"a config path is a str, got {type(path).__name__}")
    parts: list[str | int] = []
    i, end = 0, len(path)
    while i < end:
        if path[i] == "[":
            if path.startswith('["', i):
                import json  # (only for a quoted key: rare)

                try:
                    key, stop = json.JSONDecoder().raw_decode(path, i + 1)
                except ValueError:
                    raise _bad(path, i, "a closed JSON string") from None
                if not isinstance(key, str) or not path.startswith("]", stop):
                    raise _bad(path, i, "a JSON string and ']'")
                parts.append(key)
                i = stop + 1
            else:
                stop = path.find("]", i)
                digits = path[i + 1 : stop] if stop > 0 else ""
                if not digits.isdigit() or not digits.isascii():
                    raise _bad(path, i, "an index such as [0]")
                parts.append(int(digits))
                i = stop + 1
            continue
        if parts:
            if path[i] != ".":
                raise _bad(path, i, "'.' or '['")
            i += 1
        start = i
        while i < end and path[i] not in ".[":
            i += 1
        key = path[start:i]
        if not key.isidentifier():
            raise _bad(path, start, "a key")
        parts.append(key)
    return tuple(parts)


def path_sort_key(parts: Sequence[str | int]) -> tuple[tuple[int, str | int], ...]:
    """A sort key that orders paths part by part, list indices by number.

    >>> paths = [("a", 10), ("a", 2), ("a", "b"), ()]
    >>> [format_path(p) for p in sorted(paths, key=path_sort_key)]
    ['', 'a[2]', 'a[10]', 'a.b']
    """
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in parts)


def _bad(path: str, at: int, expected: str) -> ValueError:
    return ValueError(f"invalid config path {path!r}: expected {expected} at character {at}")
