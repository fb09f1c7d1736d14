"""The classifier registry: names to classes, so users add a backend without editing ours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import RegistryError

__all__ = ["register_classifier", "make_classifier", "get_classifier_class", "registered_classifiers"]

_REGISTRY: dict[str, type] = {}
T = TypeVar("T", bound=type)


def register_classifier(name: str) -> Callable[[T], T]:
    """Class decorator: make a :class:`ThemeClassifier` subclass available as ``name``."""

    def deco(cls: T) -> T:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"a classifier named {name!r} is already registered "
                             f"({_REGISTRY[name].__name__}); choose another name.")
        _REGISTRY[name] = cls
        cls.name = name  # type: ignore[attr-defined]
        return cls

    return deco


def get_classifier_class(name: str) -> type:
    """The class registered as ``name``; an unknown name lists the known ones."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise RegistryError(f"No classifier named {name!r}. Known classifiers: "
                            f"{', '.join(sorted(_REGISTRY))}.") from None


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
    """Names of the registered classifiers."""
    return tuple(sorted(_REGISTRY))
