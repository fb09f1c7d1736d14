"""The codebook stage's data: themes loaded from YAML into frozen objects, validated on load.

A codebook is a data file (see ``docs/codebook.md``): an id, the languages it gives cue terms and
examples for, the reserved ``boilerplate`` label, and a tree of themes. Each theme has an id, names and
descriptions per language, inclusion and exclusion notes, cue terms and example passages per language,
and optional nested ``children`` (as in QDA tools). Every problem is reported with the file, the line and
the field, and what was expected::

    codebook = load_codebook()                 # the default codebook shipped with the package
    codebook = load_codebook("my-codes.yaml")  # a team's own
    codebook.theme_ids                         # ('trust', 'budget', ...) in tree (pre-)order
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .errors import InputError, read_user_text
from .languages import PROFILES

__all__ = [
    "BOILERPLATE",
    "codebook_for_run",
    "Codebook",
    "CodebookError",
    "Theme",
    "default_codebook",
    "load_codebook",
    "parse_codebook",
]

logger = logging.getLogger(__name__)

#: The reserved label for page chrome. It stands alone: a boilerplate passage has no theme.
BOILERPLATE = "boilerplate"

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# tab20-like palette for themes that give no colour.
_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
)
_THEME_KEYS = {"id", "name", "description", "include", "exclude", "color", "cues", "examples",
               "children"}
_TOP_KEYS = {"id", "version", "title", "languages", "boilerplate", "themes"}


class CodebookError(InputError):
    """A codebook file is not valid. The message names the file, line and field."""


def _frozen_map(d: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(d))


@dataclass(frozen=True)
class Theme:
    """One code of a codebook.

    Attributes:
        id: snake_case identifier, unique in the codebook (``"executive_sponsorship"``).
        name: display name per language code; ``"en"`` is always present.
        description: what the theme covers, per language code; ``"en"`` is always present.
        include: when to code it (English).
        exclude: when not to code it, and what to code instead (English).
        color: ``#rrggbb`` colour, used by QDA exports and the report.
        cues: cue terms per language (lemmas and phrases; Chinese words).
        examples: example passages per language.
        parent: id of the enclosing theme for nested codes, else ``None``.
        children: ids of the nested codes directly below this one.
    """

    id: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    include: str = ""
    exclude: str = ""
    color: str = "#7f7f7f"
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    parent: str | None = None
    children: tuple[str, ...] = ()

    def __deepcopy__(self, memo: dict) -> Theme:  # immutable: scikit-learn's clone may share it
        return self

    def label(self, lang: str = "en") -> str:
        """The theme's name in ``lang``, falling back to English."""
        return self.name.get(lang) or self.name["en"]

    def to_dict(self) -> dict[str, Any]:
        """A plain-data form (without ``parent``/``children`` ids: nesting is structural)."""
        return {
            "id": self.id,
            "color": self.color,
            "name": dict(self.name),
            "description": dict(self.description),
            "include": self.include,
            "exclude": self.exclude,
            "cues": {k: list(v) for k, v in self.cues.items()},
            "examples": {k: list(v) for k, v in self.examples.items()},
        }


@dataclass(frozen=True)
class Codebook:
    """A validated codebook: the themes in tree pre-order plus the reserved boilerplate label.

    Attributes:
        id: codebook identifier.
        version: integer version of the codebook.
        title: title per language.
        languages: languages for which cue terms and examples are given.
        themes: every theme, nested codes included, parents before their children.
        boilerplate: the reserved boilerplate label, described like a theme.
        source: the file it was loaded from, if any.
    """

    id: str
    version: int
    title: Mapping[str, str]
    languages: tuple[str, ...]
    themes: tuple[Theme, ...]
    boilerplate: Theme
    source: str | None = None

    @property
    def theme_ids(self) -> tuple[str, ...]:
        """Theme ids in tree pre-order (boilerplate excluded)."""
        return tuple(t.id for t in self.themes)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label a classifier predicts: the theme ids, then ``"boilerplate"``."""
        return self.theme_ids + (BOILERPLATE,)

    def __len__(self) -> int:
        return len(self.themes)

    def __deepcopy__(self, memo: dict) -> Codebook:  # immutable: scikit-learn's clone may share it
        return self

    def __iter__(self) -> Iterator[Theme]:
        return iter(self.themes)

    def __contains__(self, theme_id: object) -> bool:
        return theme_id in self._index()

    def __getitem__(self, theme_id: str) -> Theme:
        if theme_id == BOILERPLATE:
            return self.boilerplate
        try:
            return self._index()[theme_id]
        except KeyError:
            raise KeyError(
                f"No theme {theme_id!r} in codebook {self.id!r}. Known: {', '.join(self.theme_ids)}."
            ) from None

    def _index(self) -> Mapping[str, Theme]:
        return {t.id: t for t in self.themes}

    @property
    def roots(self) -> tuple[Theme, ...]:
        """The top-level themes."""
        return tuple(t for t in self.themes if t.parent is None)

    def to_dict(self) -> dict[str, Any]:
        """The codebook as plain data in the YAML layout (nested children kept)."""
        by_parent: dict[str | None, list[Theme]] = {}
        for t in self.themes:
            by_parent.setdefault(t.parent, []).append(t)

        def tree(parent: str | None) -> list[dict[str, Any]]:
            out = []
            for t in by_parent.get(parent, []):
                d = t.to_dict()
                d["children"] = tree(t.id)
                out.append(d)
            return out

        bp = self.boilerplate
        return {
            "id": self.id,
            "version": self.version,
            "title": dict(self.title),
            "languages": list(self.languages),
            "boilerplate": {"name": dict(bp.name), "description": dict(bp.description)},
            "themes": tree(None),
        }

    def dump(self, path: str | Path) -> None:
        """Write the codebook as YAML (loadable with :func:`load_codebook`)."""
        Path(path).write_text(
            yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100),
            encoding="utf-8",
        )


# --------------------------------------------------------------------------- loading


class _Located:
    """Plain data plus the line of every node, keyed by its path of keys/indices."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[tuple[Any, ...], int] = {}

    def convert(self, node: yaml.Node, path: tuple[Any, ...] = ()) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self._scalar(key_node)
                if key in out:
                    raise CodebookError(
                        f"duplicate key {key!r}; each key may appear once.",
                        path=self.source, line=key_node.start_mark.line + 1,
                        field=_dotted(path + (key,)),
                    )
                out[key] = self.convert(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(v, path + (i,)) for i, v in enumerate(node.value)]
        return self._scalar(node)

    @staticmethod
    def _scalar(node: yaml.Node) -> Any:
        return yaml.SafeLoader.construct_object(_LOADER, node)  # type: ignore[arg-type]

    def error(self, path: tuple[Any, ...], message: str) -> CodebookError:
        line = None
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                line = self.lines[path[:cut]]
                break
        return CodebookError(message, path=self.source, line=line, field=_dotted(path) or None)


_LOADER = yaml.SafeLoader("")


def _dotted(path: Sequence[Any]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def parse_codebook(text: str, source: str = "<string>") -> Codebook:
    """Parse and validate a codebook from YAML text. ``source`` names it in error messages."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CodebookError(
            f"not valid YAML ({getattr(exc, 'problem', exc)}); check quoting and indentation.",
            path=source, line=mark.line + 1 if mark else None,
        ) from None
    loc = _Located(source)
    if node is None:
        raise CodebookError("the file is empty; expected a mapping with 'id' and 'themes'.",
                            path=source)
    data = loc.convert(node)
    return _validate(data, loc)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook YAML file; ``None`` loads the default codebook.

    Raises:
        CodebookError: naming the file, line and field of the first problem found.
    """
    if path is None:
        return default_codebook()
    text = read_user_text(path, CodebookError, "the path of a codebook YAML file", "the codebook")
    return parse_codebook(text, source=str(Path(path)))


_DEFAULT: Codebook | None = None


def default_codebook() -> Codebook:
    """The default codebook shipped with the package (13 themes, nl/de/zh/da)."""
    global _DEFAULT
    if _DEFAULT is None:
        ref = resources.files("alignment_nlp") / "data" / "codebook.yaml"
        _DEFAULT = parse_codebook(ref.read_text(encoding="utf-8"), source=str(ref))
    return _DEFAULT


def codebook_for_run(codebook: Codebook | str | Path | None, models: Iterable[str]) -> Codebook:
    """The codebook to present a run with: the one given; else the ``codebook.yaml`` saved with the
    model that coded the run (when exactly one model did and its file loads); else the default."""
    if isinstance(codebook, Codebook):
        return codebook
    if codebook is not None:
        return load_codebook(codebook)
    names = sorted({m for m in models if isinstance(m, str) and m})
    if len(names) == 1 and (Path(names[0]) / "codebook.yaml").is_file():
        try:
            return load_codebook(Path(names[0]) / "codebook.yaml")
        except CodebookError as exc:  # a damaged model folder must not stop a report or export
            logger.warning("%s; using the default codebook", exc)
    return default_codebook()


def _validate(data: Any, loc: _Located) -> Codebook:
    if not isinstance(data, dict):
        raise loc.error((), f"expected a mapping with 'id' and 'themes', got {type(data).__name__}.")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        key = sorted(map(str, unknown))[0]
        raise loc.error((key,), f"unknown key {key!r}; valid keys: {', '.join(sorted(_TOP_KEYS))}.")
    cb_id = data.get("id", "codebook")
    if not isinstance(cb_id, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", cb_id):
        raise loc.error(("id",), f"expected an identifier of letters, digits, '_', '-', '.'; "
                                 f"got {cb_id!r}.")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise loc.error(("version",), f"expected a positive integer; got {version!r}.")
    languages = data.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise loc.error(("languages",), f"expected a list of language codes; got {languages!r}.")
    for i, lang in enumerate(languages):
        if lang not in PROFILES:
            raise loc.error(("languages", i), f"unknown language code {lang!r}; known: "
                                              f"{', '.join(sorted(PROFILES))}.")
    title = _texts(data.get("title", {"en": cb_id}), ("title",), loc, required_en=False)
    bp_data = data.get("boilerplate", {})
    if not isinstance(bp_data, dict):
        raise loc.error(("boilerplate",), "expected a mapping with 'name' and 'description'.")
    boilerplate = Theme(
        id=BOILERPLATE,
        name=_texts(bp_data.get("name", {"en": "Boilerplate"}), ("boilerplate", "name"), loc),
        description=_texts(
            bp_data.get("description", {"en": "Page chrome: navigation, notices, bylines."}),
            ("boilerplate", "description"), loc),
        color="#bbbbbb",
    )
    if "themes" not in data:
        raise loc.error((), "missing field 'themes': a list of themes, each with id, name and "
                            "description.")
    themes: list[Theme] = []
    seen: dict[str, tuple[Any, ...]] = {}
    _themes(data["themes"], ("themes",), None, loc, themes, seen, set(languages))
    if not themes:
        raise loc.error(("themes",), "the codebook has no themes; give at least one.")
    return Codebook(id=cb_id, version=version, title=title, languages=tuple(languages),
                    themes=tuple(themes), boilerplate=boilerplate, source=loc.source)


def _themes(items: Any, path: tuple[Any, ...], parent: str | None, loc: _Located,
            out: list[Theme], seen: dict[str, tuple[Any, ...]], languages: set[str]) -> list[str]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise loc.error(path, f"expected a list of themes; got {type(items).__name__}.")
    ids = []
    for i, item in enumerate(items):
        p = path + (i,)
        if not isinstance(item, dict):
            raise loc.error(p, f"expected a theme mapping with id, name and description; "
                               f"got {item!r}.")
        unknown = set(item) - _THEME_KEYS
        if unknown:
            key = sorted(map(str, unknown))[0]
            raise loc.error(p + (key,), f"unknown theme key {key!r}; valid keys: "
                                        f"{', '.join(sorted(_THEME_KEYS))}.")
        tid = item.get("id")
        if not isinstance(tid, str) or not _ID_RE.match(tid):
            raise loc.error(p + ("id",), f"expected a snake_case id (a-z, 0-9, '_', starting with a "
                                         f"letter); got {tid!r}.")
        if tid == BOILERPLATE:
            raise loc.error(p + ("id",), "'boilerplate' is reserved; configure it under the "
                                         "top-level 'boilerplate' key.")
        if tid in seen:
            raise loc.error(p + ("id",), f"duplicate theme id {tid!r} (first at "
                                         f"{_dotted(seen[tid])}); ids must be unique.")
        seen[tid] = p
        if "name" not in item:
            raise loc.error(p, f"theme {tid!r} has no 'name'; give at least name.en.")
        if "description" not in item:
            raise loc.error(p, f"theme {tid!r} has no 'description'; give at least description.en.")
        color = item.get("color", _PALETTE[len(out) % len(_PALETTE)])
        if not isinstance(color, str) or not _COLOR_RE.match(color):
            raise loc.error(p + ("color",), f"expected a colour '#rrggbb'; got {color!r}.")
        include = item.get("include", "")
        exclude = item.get("exclude", "")
        for key, value in (("include", include), ("exclude", exclude)):
            if not isinstance(value, str):
                raise loc.error(p + (key,), f"expected a string; got {value!r}.")
        theme_index = len(out)
        out.append(Theme(id=tid, name={}, description={}))  # placeholder keeps pre-order
        children = _themes(item.get("children"), p + ("children",), tid, loc, out, seen, languages)
        out[theme_index] = Theme(
            id=tid,
            name=_texts(item["name"], p + ("name",), loc),
            description=_texts(item["description"], p + ("description",), loc),
            include=include,
            exclude=exclude,
            color=color,
            cues=_per_language(item.get("cues", {}), p + ("cues",), loc, languages),
            examples=_per_language(item.get("examples", {}), p + ("examples",), loc, languages),
            parent=parent,
            children=tuple(children),
        )
        ids.append(tid)
    return ids


def _texts(value: Any, path: tuple[Any, ...], loc: _Located, required_en: bool = True
           ) -> Mapping[str, str]:
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict):
        raise loc.error(path, f"expected a mapping of language code to text, e.g. "
                              f"{{en: ..., nl: ...}}; got {value!r}.")
    for lang, text in value.items():
        if lang not in PROFILES:
            raise loc.error(path + (lang,), f"unknown language code {lang!r}.")
        if not isinstance(text, str) or not text.strip():
            raise loc.error(path + (lang,), f"expected non-empty text; got {text!r}.")
    if required_en and "en" not in value:
        raise loc.error(path, "missing the English ('en') text, which every theme needs.")
    return _frozen_map({k: v.strip() for k, v in value.items()})


def _per_language(value: Any, path: tuple[Any, ...], loc: _Located, languages: set[str]
                  ) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise loc.error(path, f"expected a mapping of language code to a list of strings; "
                              f"got {value!r}.")
    out = {}
    for lang, items in value.items():
        if lang not in PROFILES:
            raise loc.error(path + (lang,), f"unknown language code {lang!r}.")
        if languages and lang not in languages and lang != "en":
            raise loc.error(path + (lang,), f"language {lang!r} is not in the codebook's "
                                            f"'languages' {sorted(languages)}; add it there.")
        if not isinstance(items, list):
            raise loc.error(path + (lang,), f"expected a list of strings; got {items!r}.")
        clean = []
        for i, s in enumerate(items):
            if not isinstance(s, str) or not s.strip():
                hint = (" (YAML reads yes, no, on and off as booleans: quote the word)"
                        if isinstance(s, bool) else
                        " (quote a number meant as text)" if isinstance(s, (int, float)) else "")
                raise loc.error(path + (lang, i), f"expected a non-empty string; got {s!r}{hint}.")
            clean.append(s.strip())
        out[lang] = tuple(clean)
    return _frozen_map(out)
