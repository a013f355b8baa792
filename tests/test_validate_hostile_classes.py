"""``validate`` survives registered classes whose details cannot be read (issue 16, scenario 8).

A real installed plugin (``plugin_site``) registers a class whose metaclass
``__getattr__`` raises ``ImportError`` for every missing attribute: the usual
placeholder for a missing optional backend. ``build`` of the config works; so
must ``validate``: details that cannot be read are skipped (SPEC section 10).
"""

from __future__ import annotations

import registry_core
from registry_core import validate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from registry_core.testing import PluginSite

OPTDET_REGISTRY = """\
import registry_core
from registry_core import Registry

MODELS = Registry("model", parent=registry_core.MODELS, locations=["optdet.models"])
"""

OPTDET_MODELS = """\
from optdet.registry import MODELS


class NeedsBackend(type):
    def __getattr__(cls, name):
        raise ImportError(f"{cls.__name__}.{name} needs the optional package 'tensorrt'")


@MODELS.register_module()
class Engine(metaclass=NeedsBackend):
    def __init__(self, depth: int = 1, head=None):
        self.depth = depth
        self.head = head


@MODELS.register_module()
class Head:
    def __init__(self, classes: int):
        self.classes = classes
"""


def _install(plugin_site: PluginSite) -> None:
    plugin_site.add_distribution(
        "optdet",
        scopes={"optdet": "optdet.registry"},
        modules={
            "optdet/__init__.py": "",
            "optdet/registry.py": OPTDET_REGISTRY,
            "optdet/models.py": OPTDET_MODELS,
        },
    )


def test_8_validate_survives_a_metaclass_getattr_raising_import_error(
    plugin_site: PluginSite,
) -> None:
    _install(plugin_site)
    cfg = {"type": "optdet.Engine", "depth": 2, "head": {"type": "optdet.Head", "classes": 3}}
    built = registry_core.MODELS.build(cfg)  # the build works ...
    assert built.depth == 2 and built.head == {"type": "optdet.Head", "classes": 3}
    report = validate(cfg, registry_core.MODELS)  # ... and so does validate
    assert [i.code for i in report.issues if i.severity == "error"] == []


def test_8_what_can_be_read_is_still_checked(plugin_site: PluginSite) -> None:
    _install(plugin_site)
    cfg = {"type": "optdet.Engine", "depht": 2, "head": {"type": "optdet.Head", "clases": 3}}
    try:
        validate(cfg, registry_core.MODELS)
    except registry_core.ConfigError as exc:
        issues = {(i.path, i.code) for i in exc.issues}
    else:  # pragma: no cover - the head's misspelt argument is an error
        issues = set()
    # the engine's signature cannot be read (its metaclass raises): skipped, not an error
    assert issues == {("head.clases", "unexpected-argument"), ("head.classes", "missing-argument")}
