"""The MMEngine bridge: codebases built on MMEngine attach unchanged (SPEC §12).

This package is the only code that knows MMEngine's internals, and it imports
MMEngine only when a bridged scope loads (``attach``) or a bridged scope
becomes the default one. Discovery finds the codebases
(``discovery/_mmengine_scan``); loading one is a plugin load, whose import
step is :func:`attach`:

- ``_attach``: imports ``PKG.registry`` and puts a view of each MMEngine
  registry of the scope at its place in the tree, undoing MMEngine's side too
  when the load fails;
- ``_view``: the view, a ``Registry`` whose own names are MMEngine's
  registry's (``_live``), which builds with MMEngine's build function;
- ``_engine_scope``: MMEngine's default scope, set for a build through a view
  and following ``default_scope``, ``init_default_scope`` and ``_scope_``;
- ``_late``: views for MMEngine registries made after their scope loaded.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

    from registry_core._scope import ScopeSync
    from registry_core.discovery._records import EntryPointRecord

__all__ = ["attach", "attach_late", "default_scope_sync"]


def attach(record: EntryPointRecord, loader: Any) -> ModuleType:
    """Import a bridged scope's ``registry`` module and attach its views."""
    from registry_core.bridge._attach import attach_scope

    return attach_scope(record, loader)


def attach_late(loader: Any) -> bool:
    """View the MMEngine registries made since their scope loaded; True if any was."""
    from registry_core.bridge._late import attach_late as attach_them

    return attach_them(loader)


def default_scope_sync() -> ScopeSync:
    """What keeps MMEngine's default scope in step with ours (imports no MMEngine)."""
    from registry_core.bridge._engine_scope import SYNC

    return SYNC
