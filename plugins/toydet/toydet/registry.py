"""toydet's registries: children of registry_core's roots.

registry_core imports this module, through the entry point ``toydet = "toydet.registry"``, the
first time a process needs the ``toydet`` scope. Each child's scope, ``toydet``, is inferred
from this package's name. A child imports its ``locations`` on its first lookup, and that import
is what registers the classes defined there.
"""

import registry_core
from registry_core import Registry

MODELS = Registry("model", parent=registry_core.MODELS, locations=["toydet.models"])
DATASETS = Registry("dataset", parent=registry_core.DATASETS, locations=["toydet.datasets"])
