"""The exception tree: hierarchy, messages without quotes, pickling."""

from __future__ import annotations

import pickle

import pytest

import registry_core
from registry_core import (
    DuplicateRegistrationError,
    IncompatiblePluginError,
    NotRegisteredError,
    PluginLoadError,
    PluginMismatchError,
    RegistryError,
    ScopeConflictError,
    ScopeNotFoundError,
)


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (NotRegisteredError, (RegistryError, KeyError)),
        (DuplicateRegistrationError, (RegistryError, KeyError)),
        (ScopeNotFoundError, (RegistryError, KeyError)),
        (ScopeConflictError, (RegistryError,)),
        (PluginLoadError, (RegistryError, ImportError)),
        (IncompatiblePluginError, (RegistryError, PluginLoadError)),
        (PluginMismatchError, (RegistryError,)),
    ],
)
def test_hierarchy(cls: type, bases: tuple[type, ...]) -> None:
    assert all(issubclass(cls, base) for base in bases)
    assert cls.__name__ in registry_core.__all__


@pytest.mark.parametrize(
    "error",
    [
        NotRegisteredError("X is not in the a::b registry", key="X", found_in=["c"]),
        DuplicateRegistrationError("dup", name="n", existing="m.A", new="m.B"),
        ScopeNotFoundError("no scope", scope="s", known=["a"]),
        ScopeConflictError("conflict", scope="s", claimants=["p", "q"]),
        PluginLoadError("failed", scope="s", module="m", distribution="d"),
        IncompatiblePluginError("old", scope="s", requirement="registry-core>9", running="0.1"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_pickle_with_their_attributes(error: RegistryError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) == error.message
    assert copy.__dict__ == error.__dict__


def test_key_errors_print_without_quotes() -> None:
    assert str(NotRegisteredError("a b")) == "a b"
    assert str(KeyError("a b")) == "'a b'"
