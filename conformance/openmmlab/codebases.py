"""Small codebases built on MMEngine, written as installed distributions, and a runner.

``write_mmtoy(site)`` installs (as a wheel would: dist-info with METADATA and
RECORD, and the package beside it) the distribution ``mmtoy``, which requires
``mmengine`` only under the ``mim`` extra, as OpenMMLab's wheels do. Its
``registry.py`` makes MMEngine registries with ``locations``:

- ``MODELS``, a child of MMEngine's ``MODELS`` (classes in ``mmtoy.models``);
- ``OPTIMIZERS``, named ``optimizer_wrapper``-style differently from its
  MMEngine parent, ``optim_wrapper`` (matched by identity, not by name);
- ``AUGMENTS``, parentless (as MMPretrain's ``BATCH_AUGMENTS``).

``mmtoy.extra``, which nothing imports but the tests, makes more MMEngine
registries when imported: ``EXTRA`` (scope ``mmtoy_extra``, a child of
``MODELS``), ``INNER`` (under it) and the parentless ``ALONE``.

``mmtoy.models.Net`` builds its norm layer the way MMCV's
``build_norm_layer`` does: through MMEngine's *root* ``MODELS`` with
``switch_scope_and_registry(None)``, which finds ``Norm`` only when MMEngine's
default scope is ``mmtoy``. Its ``registry.py`` appends a line to the file
named by ``$MMTOY_IMPORTS`` each time it runs, and raises while the file
named by ``$MMTOY_FAIL`` exists (after creating its registries); its
``models.py`` raises while ``$MMTOY_MODELS_FAIL`` exists (after registering).

``run(code, site)`` runs Python code in a fresh interpreter of this
environment with ``site`` first on ``sys.path``, and returns what it printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REGISTRY_PY = """\
import os

from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import Registry

if os.environ.get("MMTOY_IMPORTS"):
    with open(os.environ["MMTOY_IMPORTS"], "a") as log:
        log.write("imported\\n")

MODELS = Registry("model", parent=MMENGINE_MODELS, locations=["mmtoy.models"])
OPTIM_WRAPPERS = Registry(
    "optimizer_wrapper", parent=MMENGINE_OPTIM_WRAPPERS, locations=["mmtoy.models"]
)
AUGMENTS = Registry("batch augment", locations=["mmtoy.models"])

if os.path.exists(os.environ.get("MMTOY_FAIL", "/nonexistent/flag")):
    raise RuntimeError("mmtoy.registry is broken")
"""

MODELS_PY = """\
import os

from mmengine.registry import DefaultScope
from mmengine.registry import MODELS as MMENGINE_ROOT

from mmtoy.registry import AUGMENTS, MODELS, OPTIM_WRAPPERS


def mmengine_scope():
    current = DefaultScope.get_current_instance()
    return None if current is None else current.scope_name


@MODELS.register_module()
class Norm:
    def __init__(self, size=1):
        self.size = size


@MODELS.register_module()
class Net:
    def __init__(self, norm="Norm", fail=False):
        self.scope_seen = mmengine_scope()
        # as MMCV's build_norm_layer: MMEngine's root registry, default scope
        with MMENGINE_ROOT.switch_scope_and_registry(None) as registry:
            norm_cls = registry.get(norm)
        if norm_cls is None:
            raise KeyError(f"{norm} not found from scope {self.scope_seen}")
        self.norm = norm_cls()
        if fail:
            raise ValueError("Net refused to build")


@OPTIM_WRAPPERS.register_module()
class ToyWrapper:
    pass


@AUGMENTS.register_module()
class Mixup:
    pass


if os.path.exists(os.environ.get("MMTOY_MODELS_FAIL", "/nonexistent/flag")):
    raise RuntimeError("mmtoy.models is broken")
"""


EXTRA_PY = """\
from mmengine.registry import Registry

from mmtoy.registry import MODELS

# made when this module is imported, after mmtoy's scope loaded
EXTRA = Registry("model", parent=MODELS, scope="mmtoy_extra")
INNER = Registry("model", parent=EXTRA, scope="mmtoy_inner")
ALONE = Registry("gadget", scope="mmtoy_alone")  # parentless


@EXTRA.register_module()
class ExtraNet:
    pass


@INNER.register_module()
class InnerNet:
    pass


@ALONE.register_module()
class Gadget:
    pass
"""


def distribution(
    name: str,
    package: str,
    modules: dict[str, str],
    requires: tuple[str, ...] = ('mmengine<1.0.0,>=0.8.0; extra == "mim"',),
    entry_points: str = "",
) -> dict[str, dict[str, str] | str]:
    """The files of one installed distribution (a folder tree: name -> text or folder)."""
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires) + "\n"
    info: dict[str, str] = {
        "METADATA": metadata,
        "RECORD": "".join(f"{package}/{path},,\n" for path in modules),
    }
    if entry_points:
        info["entry_points.txt"] = entry_points
    return {f"{name.replace('-', '_')}-1.0.dist-info": info, package: modules}


def write(root: Path, tree: dict[str, object]) -> None:
    for name, content in tree.items():
        if isinstance(content, dict):
            (root / name).mkdir(parents=True, exist_ok=True)
            write(root / name, content)
        else:
            (root / name).write_text(str(content))


def write_mmtoy(site: Path) -> None:
    modules = {
        "__init__.py": "",
        "registry.py": REGISTRY_PY,
        "models.py": MODELS_PY,
        "extra.py": EXTRA_PY,
    }
    write(site, distribution("mmtoy", "mmtoy", modules))


def run(code: str, site: Path, timeout: float = 180, **variables: str) -> str:
    """Run ``code`` in a fresh interpreter with ``site`` on the path; its output."""
    env = dict(os.environ, PYTHONPATH=str(site), **variables)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
