"""Check that every process of a distributed job resolves names to the same code.

Distributed training starts one process per GPU on every node. A key such as
``'toydet.Detector'`` means the same code in all of them only if every process
discovered the same plugins, in the same versions. This module fingerprints the
discovered plugin set and compares it across the ranks of a
``torch.distributed`` process group::

    import torch.distributed as dist
    from registry_core.distributed import check_plugins_consistent

    dist.init_process_group("nccl")
    check_plugins_consistent()  # raises PluginMismatchError on every rank if they differ

``import registry_core`` does not import this module, and this module imports
torch only inside :func:`check_plugins_consistent`.

>>> rows = plugin_set()
>>> all(len(row) == 3 for row in rows)
True
>>> len(plugin_fingerprint())
64
"""

from __future__ import annotations

from registry_core.errors import PluginMismatchError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    #: One discovered plugin: ``(scope, distribution, version)``.
    Plugin = tuple[str, str, str]
    #: ``(scope, (distribution, version) on rank 0, the same on another rank)``;
    #: a side is ``None`` when that rank does not have the scope.
    Difference = tuple[str, tuple[str, str] | None, tuple[str, str] | None]

__all__ = [
    "PluginMismatchError",
    "check_plugins_consistent",
    "plugin_fingerprint",
    "plugin_set",
]


def plugin_set() -> list[Plugin]:
    """The discovered plugins, as sorted ``(scope, distribution, version)`` rows.

    Every scope that discovery found counts, whatever its status: a plugin
    that failed to load here is still a difference worth knowing about.
    Imports no plugin code.
    """
    from registry_core.discovery import available_scopes

    return sorted(
        (info.scope, info.distribution, info.version) for info in available_scopes().values()
    )


def plugin_fingerprint() -> str:
    """A stable hex digest (SHA-256) of :func:`plugin_set`.

    Equal in two processes exactly when they discovered the same scopes from
    the same distributions in the same versions, whatever the machine, the
    operating system or the Python version.
    """
    return _digest(plugin_set())


def check_plugins_consistent(group: Any = None) -> str:
    """Compare the discovered plugins across the ranks of a process group.

    A collective call: every rank of ``group`` must make it, at the same
    point (after ``init_process_group`` and before building anything from
    configs is the natural place). Only the plugin rows and host names are
    exchanged, as JSON in ``uint8`` tensors on the group's device, so it works
    on every backend and needs neither pickle nor numpy.

    Args:
        group: the ``torch.distributed`` process group; ``None`` for the
            default group.

    Returns:
        The common :func:`plugin_fingerprint`. When no process group is
        initialised (a single-process run) there is nothing to compare and
        the local fingerprint is returned.

    Raises:
        ValueError: this process is not a member of ``group``.
        PluginMismatchError: on every rank, when some rank's plugins differ
            from rank 0's; the message names each differing rank (and its
            host) and each plugin ``(scope, distribution, version)`` that
            differs.
    """
    import importlib
    import json
    import socket

    rows = plugin_set()
    dist: Any = importlib.import_module("torch.distributed")
    if not dist.is_available() or not dist.is_initialized():
        return _digest(rows)
    if group is not None and dist.get_rank(group) < 0:
        raise ValueError(
            f"check_plugins_consistent(group): this process (global rank {dist.get_rank()}) "
            "is not a member of the given process group, so it has nothing to compare with "
            "it; call it on the ranks of that group only (all of them, at the same point), "
            "or with group=None for the default group"
        )
    payload = json.dumps({"host": socket.gethostname(), "plugins": rows}).encode()
    gathered = [json.loads(data) for data in _all_gather_bytes(dist, payload, group)]
    sets = [[(str(s), str(d), str(v)) for s, d, v in item["plugins"]] for item in gathered]
    hosts = [str(item["host"]) for item in gathered]
    ranks = [_global_rank(dist, group, i) for i in range(len(gathered))]
    error = _mismatch_error(sets, ranks, hosts)
    if error is not None:
        raise error
    return _digest(rows)


# -- helpers (pure, tested without torch) ------------------------------------


def _digest(rows: Sequence[Plugin]) -> str:
    import hashlib
    import json

    canonical = json.dumps(sorted(rows), ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _differences(reference: Sequence[Plugin], other: Sequence[Plugin]) -> list[Difference]:
    """The scopes on which ``other`` differs from ``reference``, in scope order.

    >>> _differences([("a", "a", "1.0"), ("b", "b", "2.0")], [("a", "a", "1.1"), ("c", "c", "1")])
    [('a', ('a', '1.0'), ('a', '1.1')), ('b', ('b', '2.0'), None), ('c', None, ('c', '1'))]
    """
    ref = {scope: (dist, version) for scope, dist, version in reference}
    oth = {scope: (dist, version) for scope, dist, version in other}
    return [
        (scope, ref.get(scope), oth.get(scope))
        for scope in sorted(ref.keys() | oth.keys())
        if ref.get(scope) != oth.get(scope)
    ]


def _mismatch_error(
    sets: Sequence[Sequence[Plugin]], ranks: Sequence[int], hosts: Sequence[str]
) -> PluginMismatchError | None:
    """The error for gathered plugin sets (group order), or ``None`` if all agree."""
    mismatches = {
        ranks[i]: _differences(sets[0], sets[i])
        for i in range(1, len(sets))
        if list(sets[i]) != list(sets[0])
    }
    if not mismatches:
        return None
    first = f"rank {ranks[0]} (host {hosts[0]})"
    lines = []
    for i, rank in enumerate(ranks):
        for scope, on_first, on_rank in mismatches.get(rank, ()):
            lines.append(
                f"rank {rank} (host {hosts[i]}) has {_side(on_rank)} for scope {scope!r}, "
                f"{first} has {_side(on_first)}"
            )
    return PluginMismatchError(
        f"the {len(sets)} ranks of the process group discovered different plugins, so the "
        f"same config could build different code on different ranks: "
        + "; ".join(lines)
        + ". Install the same plugin distributions, in the same versions, in every "
        "environment of the job (compare `pip list` on the hosts named), then restart it",
        mismatches=mismatches,
        fingerprints=[_digest(rows) for rows in sets],
        hosts=hosts,
    )


def _side(side: tuple[str, str] | None) -> str:
    if side is None:
        return "nothing"
    distribution, version = side
    return f"{distribution} {version}"


def _all_gather_bytes(dist: Any, payload: bytes, group: Any) -> list[bytes]:
    """Every rank's ``payload``, in group order, through two ``all_gather`` calls."""
    import importlib

    torch: Any = importlib.import_module("torch")
    device = _device(dist, group)
    size = torch.tensor([len(payload)], dtype=torch.int64, device=device)
    world = dist.get_world_size(group)
    sizes = [torch.zeros_like(size) for _ in range(world)]
    dist.all_gather(sizes, size, group=group)
    lengths = [int(s.item()) for s in sizes]
    buffer = torch.zeros(max(lengths), dtype=torch.uint8, device=device)
    buffer[: len(payload)] = torch.frombuffer(bytearray(payload), dtype=torch.uint8).to(device)
    buffers = [torch.empty_like(buffer) for _ in range(world)]
    dist.all_gather(buffers, buffer, group=group)
    return [bytes(b[:n].cpu().tolist()) for b, n in zip(buffers, lengths, strict=True)]


def _device(dist: Any, group: Any) -> str:
    """The device object collectives use for ``group``, as torch itself picks it."""
    pick = getattr(dist.distributed_c10d, "_get_object_coll_device", None)
    if pick is not None:
        return str(pick(group))
    return "cuda" if str(dist.get_backend(group)) == "nccl" else "cpu"


def _global_rank(dist: Any, group: Any, group_rank: int) -> int:
    if group is None:
        return group_rank
    return int(dist.get_global_rank(group, group_rank))
