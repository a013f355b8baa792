"""Validating configs before building them, and their JSON Schema (SPEC section 10).

- :func:`validate` (``_validate``) walks a whole config (``_walk``), resolves
  each node's type as ``build`` would (``_resolve``), binds its arguments to
  the target's signature (``_signature``) and checks them against its
  annotations (compiled by ``_annotations`` into ``_expect.Expect``, which holds
  the container rule; text annotations read by ``_evaluate``); it
  builds nothing and reports every issue at once (``_record`` writes them,
  ``_issues`` holds them). Plans and lookups are remembered per target
  (``_cache``).
- A whole OpenMMLab config is checked as MMEngine's Runner builds it
  (``_sections``), from rules read out of the installed MMEngine's source
  (``_runner``, with the function reader ``_reader``); issues that share a
  cause are led by it (``_causes``).
- :func:`config_schema` turns the same signatures into a JSON Schema for
  editors (``_schema``; a whole config file's in ``_schema_whole``).

``import registry_core`` does not import this package: ``registry_core.validate``
and ``registry_core.config_schema`` load it on first use.
"""

from __future__ import annotations

from registry_core.validation._issues import CODES, Issue, Report
from registry_core.validation._validate import validate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from registry_core.validation._schema import config_schema

__all__ = ["CODES", "Issue", "Report", "config_schema", "validate"]


def __getattr__(name: str) -> object:
    # The schema is for editors: ``registry-core validate`` never needs it.
    if name == "config_schema":
        from registry_core.validation._schema import config_schema

        globals()[name] = config_schema
        return config_schema
    raise AttributeError(f"module 'registry_core.validation' has no attribute {name!r}")
