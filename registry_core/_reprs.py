"""Bounded, safe summaries of user values, for error messages.

An error about a bad config must not become a second problem: a config 10,000
levels deep, a list of 20 million items or a value whose ``__repr__`` raises
would make a plain ``repr()`` recurse, take seconds or raise. :func:`summary`
shows built-in containers only a few levels and items deep, and values of
other types by their type name alone, so it is cheap whatever it is given.

>>> summary({"type": "ResNet", "depth": 50})
"{'depth': 50, 'type': 'ResNet'}"
>>> summary(list(range(1000)))
'[0, 1, 2, 3, 4, 5, ...]'
>>> class Opaque: ...
>>> summary(Opaque())
'<Opaque object>'
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["summary"]

_PLAIN = (str, bytes, int, float, complex, bool, type(None), list, tuple, dict, set, frozenset)
_SUMMARY: Any = None


def _summarizer() -> Any:
    """The ``reprlib.Repr`` of :func:`summary`, made on first use (error path only)."""
    global _SUMMARY
    if _SUMMARY is None:
        import reprlib

        class Summary(reprlib.Repr):
            def repr_instance(self, obj: object, level: int) -> str:
                # Never call a user type's __repr__: it may raise, recurse or be huge.
                return f"<{type(obj).__qualname__} object>"

        short = Summary()
        short.maxlevel = 3
        short.maxdict = short.maxlist = short.maxtuple = short.maxset = 6
        short.maxfrozenset = short.maxdeque = short.maxarray = 6
        short.maxstring = short.maxother = 60
        short.maxlong = 40
        _SUMMARY = short
    return _SUMMARY


def summary(value: object, limit: int = 120) -> str:
    """A short description of ``value``: at most ``limit`` characters, never raises."""
    short = _summarizer()
    try:
        if isinstance(value, type):
            text = f"<class {value.__module__}.{value.__qualname__}>"
        elif type(value) in _PLAIN:
            text = short.repr(value)
        elif isinstance(value, dict):  # a subclass, such as a loaded Config
            text = short.repr_dict(value, short.maxlevel)
        elif isinstance(value, (list, tuple)):
            text = short.repr_list(list(value[:7]), short.maxlevel)
        elif callable(value):
            text = _callable(value)
        else:
            text = f"<{type(value).__qualname__} object>"
    except Exception:  # a hostile __qualname__, say
        text = "<object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _callable(value: object) -> str:
    name = getattr(value, "__qualname__", None)
    if isinstance(name, str):
        module = getattr(value, "__module__", None)
        return f"<{module}.{name}>" if isinstance(module, str) else f"<{name}>"
    return f"<{type(value).__qualname__} object>"
