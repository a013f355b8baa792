"""The loader's lock, and the condition its threads wait on, made on first wait.

Every load takes the lock; a thread waits only when another one loads what it
needs. ``threading`` (with ``_weakrefset``) costs a fresh process about 1 ms
to import, a twentieth of finding a plugin among 1,000 installed
distributions, so the :class:`threading.Condition` is made (and ``threading``
imported) by the first :meth:`LoadLock.wait`, under the lock, on the same
reentrant lock. Until then no thread can be waiting, so a notification has
no one to wake.
"""

from __future__ import annotations

from _thread import RLock

TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading
    from types import TracebackType

__all__ = ["LoadLock"]


class LoadLock:
    """A reentrant lock with a condition: ``with``, ``acquire``/``release``,
    and, lock held, ``wait`` and ``notify_all``."""

    __slots__ = ("_condition", "_lock", "acquire", "release")

    def __init__(self) -> None:
        self._lock = RLock()
        self._condition: threading.Condition | None = None
        self.acquire = self._lock.acquire
        self.release = self._lock.release

    def __enter__(self) -> bool:
        return self._lock.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()

    def wait(self, timeout: float | None = None) -> bool:
        """Release the lock until notified (or ``timeout`` s passed); lock held."""
        condition = self._condition
        if condition is None:
            import threading

            condition = self._condition = threading.Condition(self._lock)
        return condition.wait(timeout)

    def notify_all(self) -> None:
        """Wake every waiting thread; lock held."""
        if self._condition is not None:
            self._condition.notify_all()
