"""When a thread may wait for another thread's load, and when it must not.

Two kinds of waiting meet here. Our own: a thread that needs a unit another
thread is loading waits on the loader's condition. Python's: a thread that
imports a module another thread is executing waits on that module's import
lock. A cycle through both would hang for ever, and Python cannot see our
half of it, so before it waits a thread asks :func:`closes_cycle`.

The graph is kept by the loader: ``waiting`` maps each waiting thread to what
it waits for (a unit, or :data:`TURN`, the right to start a load) and to the
packages it was executing when it began to wait; ``owned`` maps a thread to
the units it is loading. A wait closes a cycle when, following owners and
waiters from what I would wait for, I come back to myself, or reach a thread
loading a unit of a package I am executing: that thread may be blocked on an
import lock I hold (a module of that package I am importing myself). Python
does the same for circular imports in one thread (the importer sees the
module as far as it got), and so do we: the thread goes on instead.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from registry_core.discovery._units import Unit

__all__ = ["TURN", "closes_cycle", "executing_packages"]

#: What a thread waits for when it needs to start a load while another
#: thread holds the turn (one load runs at a time, unless that would hang).
TURN = object()


def executing_packages() -> frozenset[str]:
    """The top-level packages whose module bodies this thread is running now.

    A module body being executed is an import in progress, whose import lock
    this thread holds.
    """
    found: set[str] = set()
    frame = sys._getframe(1)  # noqa: SLF001  # CPython's documented frame accessor
    while frame is not None:
        if frame.f_code.co_name == "<module>":
            name = frame.f_globals.get("__name__")
            if isinstance(name, str):
                found.add(name.partition(".")[0])
        frame = frame.f_back  # type: ignore[assignment]
    return frozenset(found)


def closes_cycle(
    me: int,
    target: object,
    mine: frozenset[str],
    *,
    turn_holder: int | None,
    waiting: Mapping[int, tuple[object, frozenset[str]]],
    owned: Mapping[int, Sequence[Unit]],
) -> bool:
    """Whether waiting for ``target`` could leave ``me`` waiting for ever.

    Args:
        me: the thread that would wait.
        target: a unit, or :data:`TURN`.
        mine: :func:`executing_packages` of ``me``.
        turn_holder: the thread holding the turn, if any.
        waiting: thread -> (what it waits for, the packages it executes).
        owned: thread -> the units it is loading, outermost first.
    """
    pending: list[object] = [target]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current is TURN:
            holders = [] if turn_holder is None else [turn_holder]
        else:
            unit: Unit = current  # type: ignore[assignment]
            if unit.packages & mine:
                return True  # its owner may need an import lock I hold
            holders = [] if unit.owner is None else [unit.owner]
            # a thread executing the unit's code outside the loader (a
            # direct import) that is itself waiting holds it up too
            holders += [t for t, (_, runs) in waiting.items() if runs & unit.packages]
        for thread in holders:
            if thread == me:
                return True
            if any(u.packages & mine for u in owned.get(thread, ())):
                return True  # it may be blocked on an import lock I hold
            waits = waiting.get(thread)
            if waits is not None:
                pending.append(waits[0])
    return False
