"""A spaCy component for users who already work in spaCy: ``nlp.add_pipe("alignment_themes")``.

It codes each ``Doc`` with a theme model: ``doc.cats`` gets the score of every label (themes and
``boilerplate``), ``doc._.alignment_themes`` the predicted themes, and ``doc.spans["alignment_themes"]``
one span per cue term that supports a predicted theme (label = theme id). The factory is registered
through the ``spacy_factories`` entry point, so importing alignment_nlp first is not required::

    import spacy
    nlp = spacy.blank("nl")
    nlp.add_pipe("alignment_themes")                 # default model; or config={"model": "DIR"}
    doc = nlp("Wie betaalt de nieuwe klantapp: marketing of IT?")
    doc.cats["budget"], doc._.alignment_themes, doc.spans["alignment_themes"]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .languages import PROFILES

__all__ = ["ThemeComponent", "make_theme_component", "SPANS_KEY"]

SPANS_KEY = "alignment_themes"

if not Doc.has_extension("alignment_themes"):
    Doc.set_extension("alignment_themes", default=())


class ThemeComponent:
    """Codes docs with a theme model. ``predict`` never mutates; ``set_annotations`` does."""

    def __init__(self, nlp: Language, name: str, model: str | None = None) -> None:
        from .classify import default_model, load_model

        self.name = name
        profile = PROFILES.get(nlp.lang)
        self.lang = profile.code if profile is not None and profile.target else None
        self.model = load_model(model) if model else default_model()

    def predict(self, docs: Iterable[Doc]) -> list[Any]:
        """Theme predictions for ``docs`` (the docs are not changed)."""
        docs = list(docs)
        items = [{"id": str(i), "text": d.text, "lang": self.lang} for i, d in enumerate(docs)]
        return self.model.classify(items) if items else []

    def set_annotations(self, docs: Iterable[Doc], predictions: list[Any]) -> None:
        """Write ``predictions`` to ``doc.cats``, ``doc._.alignment_themes`` and the spans."""
        for doc, pred in zip(docs, predictions, strict=True):
            doc.cats = dict(pred.scores)
            doc._.alignment_themes = pred.themes
            spans = []
            for theme in pred.themes:
                for cue in pred.evidence.get(theme, {}).get("cues", []):
                    span = doc.char_span(cue["start"], cue["end"], label=theme,
                                         alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
            doc.spans[SPANS_KEY] = spans

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Code a stream of docs in batches."""
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) >= batch_size:
                self.set_annotations(batch, self.predict(batch))
                yield from batch
                batch = []
        if batch:
            self.set_annotations(batch, self.predict(batch))
            yield from batch


@Language.factory("alignment_themes", default_config={"model": None})
def make_theme_component(nlp: Language, name: str, model: str | None) -> ThemeComponent:
    """spaCy factory: ``model`` is a model folder, or ``None`` for the default model."""
    return ThemeComponent(nlp, name, model)
