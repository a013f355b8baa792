"""The demo: a process that imports only ``registry_core`` builds across codebases.

Run it after ``pip install . ./plugins/toydet ./plugins/toycls``::

    python plugins/demo.py

It prints the scopes that discovery found in the installed metadata (nothing
imported yet), builds a toydet detector whose backbone comes from toycls, and
prints the assembled scope tree.
"""

from __future__ import annotations

import sys

import registry_core
from registry_core.roots import ROOTS

CONFIG = {
    "type": "toydet.Detector",
    "backbone": {"type": "toycls.ResNetTiny", "depth": 18},
    "neck": {"type": "TinyFPN"},
}


def main() -> int:
    print("Installed codebases (found in package metadata, none imported yet):")
    scopes = registry_core.available_scopes()
    for info in scopes.values():
        print(f"  {info.scope:<8} {info.distribution} {info.version:<8} {info.status}")
    if not {"toydet", "toycls"} <= set(scopes):
        print("toydet and toycls are not installed: pip install ./plugins/toydet ./plugins/toycls")
        return 1
    imported = sorted(m for m in sys.modules if m.startswith("toy"))
    print(f"  plugin modules imported so far: {imported or 'none'}")

    print("\nregistry_core.MODELS.build(CONFIG) with")
    print(f"  CONFIG = {CONFIG}")
    detector = registry_core.MODELS.build(CONFIG)
    print(f"  -> {detector}")

    print("\nThe scope tree now:")
    for attr, root in ROOTS.items():
        if root.children:
            print(f"  {attr} ({root.scope}::{root.name})")
            children = list(root.children.items())
            for i, (scope, child) in enumerate(children):
                branch = "`--" if i == len(children) - 1 else "|--"
                print(f"    {branch} {scope}: {', '.join(child)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
