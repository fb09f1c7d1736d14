"""The classifier registry: names to classes, so users add a backend without editing ours.

Each class is registered under a versioned name (``"alignment.Lexical.v1"``), which is what a saved
model records, and usually a short alias (``"lexical"``) for the command line and for people. A
change that alters what a saved model means gets a new version (``v2``) beside the old one, so old
model folders keep loading with the code they were trained with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import RegistryError

__all__ = ["register_classifier", "make_classifier", "get_classifier_class", "registered_classifiers"]

_REGISTRY: dict[str, type] = {}  # versioned name -> class
_ALIASES: dict[str, str] = {}  # short name -> versioned name
T = TypeVar("T", bound=type)


def register_classifier(name: str, alias: str | None = None) -> Callable[[T], T]:
    """Class decorator: make a :class:`ThemeClassifier` subclass available as ``name`` (the
    versioned name saved with a model, e.g. ``"mylab.Keywords.v1"``) and as ``alias``."""

    def deco(cls: T) -> T:
        for key, table in ((name, _REGISTRY), (alias, _ALIASES)):
            if key is None:
                continue
            known = _REGISTRY.get(_ALIASES.get(key, key))
            if known is not None and known is not cls:
                raise ValueError(f"a classifier named {key!r} is already registered "
                                 f"({known.__name__}); choose another name.")
        _REGISTRY[name] = cls
        if alias is not None:
            _ALIASES[alias] = name
        cls.name = name  # type: ignore[attr-defined]
        return cls

    return deco


def get_classifier_class(name: str) -> type:
    """The class registered as ``name`` (versioned or alias); an unknown name lists the known ones."""
    try:
        return _REGISTRY[_ALIASES.get(name, name)]
    except KeyError:
        raise RegistryError(f"No classifier named {name!r}. Known classifiers: "
                            f"{', '.join(registered_classifiers())}.") from None


def make_classifier(name: str, **params: Any) -> Any:
    """A new, unfitted classifier of the registered ``name`` with ``params``."""
    cls = get_classifier_class(name)
    valid = sorted(cls().get_params(deep=False))
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a parameter of {cls.__name__}; valid parameters: "
                         f"{', '.join(valid)}.")
    return cls(**params)


def registered_classifiers() -> tuple[str, ...]:
    """Names of the registered classifiers: the aliases, then versioned names without one."""
    aliased = set(_ALIASES.values())
    return tuple(sorted(_ALIASES)) + tuple(sorted(n for n in _REGISTRY if n not in aliased))
