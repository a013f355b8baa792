"""The demo: a process that imports only ``registry_core`` builds across codebases.

Run it after ``pip install . ./plugins/toydet ./plugins/toycls``::

    python plugins/demo.py

It prints the scopes that discovery found in the installed metadata (nothing
imported yet); validates a detector config with three mistakes
(``configs/detector_mistakes.json``) and prints every issue at once, building
nothing; then validates the corrected config (``configs/detector.json``),
builds the toydet detector whose backbone comes from toycls, and prints the
assembled scope tree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import registry_core
from registry_core.roots import ROOTS

CONFIGS = Path(__file__).resolve().parent / "configs"


def load(name: str) -> dict:
    with open(CONFIGS / name, encoding="utf-8") as f:
        return json.load(f)


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

    mistakes = load("detector_mistakes.json")
    print("\nregistry_core.validate(CONFIG) with configs/detector_mistakes.json:")
    print(f"  CONFIG = {mistakes}")
    try:
        registry_core.validate(mistakes)
    except registry_core.ConfigError as error:
        print(f"  -> ConfigError, {len(error.issues)} issues, nothing built:")
        for issue in error.issues:
            print(f"     [{issue.code}] {issue}")

    config = load("detector.json")
    print("\nThe corrected config, configs/detector.json:")
    print(f"  CONFIG = {config}")
    report = registry_core.validate(config)
    warnings = f"{len(report.issues)} warning{'s' if len(report.issues) != 1 else ''}"
    print(f"  registry_core.validate(CONFIG) -> a report: no errors, {warnings}:")
    for issue in report.issues:
        print(f"     [{issue.code}] {issue}")
    detector = registry_core.MODELS.build(config)
    print("  registry_core.MODELS.build(CONFIG)")
    print(f"  -> {detector}")

    print("\nThe scope tree now:")
    for attr, root in ROOTS.items():
        if root.children:
            print(f"  {attr} ({root.scope}::{root.name})")
            children = sorted(root.children.items())  # in scope order, as `registry-core tree`
            for i, (scope, child) in enumerate(children):
                branch = "`--" if i == len(children) - 1 else "|--"
                print(f"    {branch} {scope}: {', '.join(child)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
