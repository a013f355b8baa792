"""toycls: a toy image-classification codebase, written as a registry_core plugin.

Importing this package imports nothing else. registry_core imports ``toycls.registry`` (named
by the entry point in ``pyproject.toml``) the first time a process needs a ``toycls.*`` key.
"""

__version__ = "0.1.0"
