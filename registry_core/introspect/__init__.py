"""What is installed, registered and broken, as plain data.

The command line (``registry-core tree | list | show | check``) is a thin layer
over the functions here; each returns small immutable objects whose
``to_json()`` gives the exact ``--json`` output of the command (documented in
``docs/cli.md``):

- :func:`scope_tree`: the root registries, their children, and every plugin
  discovery found, with its status and error.
- :func:`list_entries`: the registered objects, with their names and kinds.
- :func:`describe`: what a key resolves to, and where it is defined.
- :func:`check`: every problem with the installed plugins, and what to do.

Every function first loads every discovered plugin (``load_all()``), so what
it reports is complete; a plugin that fails to load is reported, never raised.
This module is not imported by ``import registry_core``.

Examples:
    >>> from registry_core import MODELS, Registry
    >>> from registry_core import introspect
    >>> DEMO = Registry("model", parent=MODELS, scope="demo")
    >>> @DEMO.register_module(name=["Linear", "Dense"])
    ... def linear(x, weight=1.0):
    ...     '''Scale ``x`` by ``weight``.'''
    ...     return x * weight
    >>> [e.key for e in introspect.list_entries("model", scope="demo")]
    ['demo.Linear']
    >>> hit, = introspect.describe("demo.Dense").hits
    >>> hit.kind, hit.name, hit.aliases, hit.signature, hit.doc
    ('function', 'Dense', ('Linear',), '(x, weight=1.0)', 'Scale ``x`` by ``weight``.')
"""

from __future__ import annotations

from registry_core.introspect._check import (
    Problem,
    Report,
    check,
)
from registry_core.introspect._common import (
    KINDS,
    SCHEMA,
)
from registry_core.introspect._describe import (
    Description,
    Miss,
    Resolution,
    describe,
)
from registry_core.introspect._listing import (
    Entry,
    find_root,
    list_entries,
)
from registry_core.introspect._tree import (
    Node,
    ScopeTree,
    scope_tree,
)

__all__ = [
    "KINDS",
    "SCHEMA",
    "Description",
    "Entry",
    "Miss",
    "Node",
    "Problem",
    "Report",
    "Resolution",
    "ScopeTree",
    "check",
    "describe",
    "find_root",
    "list_entries",
    "scope_tree",
]
