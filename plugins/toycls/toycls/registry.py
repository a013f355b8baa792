"""toycls's registries: children of registry_core's roots.

registry_core imports this module, through the entry point ``toycls = "toycls.registry"``, the
first time a process needs the ``toycls`` scope. Each child's scope, ``toycls``, is inferred
from this package's name. A child imports its ``locations`` on its first lookup, and that import
is what registers the classes defined there.
"""

import registry_core
from registry_core import Registry

MODELS = Registry("model", parent=registry_core.MODELS, locations=["toycls.models"])
DATASETS = Registry("dataset", parent=registry_core.DATASETS, locations=["toycls.datasets"])
TRANSFORMS = Registry("transform", parent=registry_core.TRANSFORMS, locations=["toycls.transforms"])
