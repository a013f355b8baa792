"""toydet: a toy object-detection codebase, written as a registry_core plugin.

Importing this package imports nothing else. registry_core imports ``toydet.registry`` (named
by the entry point in ``pyproject.toml``) the first time a process needs a ``toydet.*`` key.
"""

__version__ = "0.1.0"
