"""The command line stays readable whatever installed code does.

Names with control characters are escaped in ``list`` and ``tree``; ``show``
prints an error, never a raw traceback, for a location that fails to import
and for an object whose ``__signature__`` raises. Runs the real command in a
fresh process, as ``tests/test_cli.py`` does (its ``env`` fixture).
"""

from __future__ import annotations

from tests._cli_env import Env

HOSTILE = """\
    import registry_core
    MODELS = registry_core.Registry(
        "model", parent=registry_core.MODELS, locations=["hostile.models"]
    )
"""

HOSTILE_MODELS = """\
    from hostile.registry import MODELS


    class Net:
        pass


    MODELS.register_module(name="bell\\x07\\x1b[31mred", module=Net)


    class Tricky:
        @property
        def __signature__(self):
            raise RuntimeError("no signature for you")

        def __call__(self):
            return 1


    MODELS.register_module(name="Tricky", module=Tricky())
"""


def add_hostile(env: Env, models: str = HOSTILE_MODELS) -> None:
    env.add(
        "hostile",
        scopes={"hostile": "hostile.registry"},
        modules={
            "hostile/__init__.py": "",
            "hostile/registry.py": HOSTILE,
            "hostile/models.py": models,
        },
    )


def test_list_and_tree_escape_control_characters(env: Env) -> None:
    add_hostile(env)
    for command in (["list"], ["tree"], ["list", "--scope", "hostile"]):
        out = env.run(*command).stdout
        assert "\x1b" not in out and "\x07" not in out
    assert "bell\\x07\\x1b[31mred" in env.run("list").stdout


def test_show_of_an_object_whose_signature_raises(env: Env) -> None:
    add_hostile(env)
    done = env.run("show", "hostile.Tricky")
    assert "Traceback" not in done.stdout + done.stderr
    assert "hostile.Tricky" in done.stdout


def test_show_when_a_location_fails_to_import(env: Env) -> None:
    add_hostile(env, models="import no_such_dependency_anywhere\n")
    for key in ("hostile.Net", "Nothing"):
        done = env.run("show", key, code=1)
        assert "Traceback" not in done.stdout + done.stderr
    assert "no_such_dependency_anywhere" in env.run("show", "hostile.Net", code=1).stderr
