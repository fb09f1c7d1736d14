"""alignment-nlp: multilingual (nl, de, zh, da) articles and interview transcripts to coded passages.

Quick start::

    import alignment_nlp as an

    result = an.analyze(["corpora/nl", "corpora/da"])
    result.passages[["doc_id", "kind", "speaker", "lang", "boilerplate", "text"]]

    an.detect_language("Hvad med budgettet?").lang      # 'da'

    result.codings                                      # passage, theme, score, evidence
    model = an.train("my-coding.jsonl", codebook=an.load_codebook("codes.yaml"))
    an.evaluate("gold.jsonl", model=model).summary      # micro/macro F1, alpha, per language
    an.evaluate_passages(result.passages, "my-coding-of-these-passages.jsonl").summary
"""

from __future__ import annotations

__version__ = "0.1.0"

from .annotations import Annotation, AnnotationError, load_annotations
from .classify import (
    ThemeClassifier,
    ThemePrediction,
    default_model,
    load_model,
    make_classifier,
    register_classifier,
    save_model,
)
from .codebook import Codebook, CodebookError, Theme, default_codebook, load_codebook
from .errors import (
    AlignmentError,
    CorruptFileError,
    DecodeError,
    EmptyDocumentError,
    InputError,
    OutputExistsError,
    UnknownLanguageError,
    UnsupportedFormatError,
)
from .evaluate import Evaluation, agreement, compare_codings, evaluate_passages
from .ingest import Block, Document, read_document, register_reader, registered_formats
from .langid import LanguageDetector, LanguageResult, detect_language, detect_languages
from .languages import PROFILES, TARGET_LANGUAGES, LanguageProfile, get_profile, normalize_lang
from .output import write_tables
from .pipeline import AnalysisOptions, AnalysisResult, FileResult, Pipeline, analyze, process_file
from .segment import Passage, segment
from .training import evaluate, train

__all__ = [
    "__version__",
    "analyze",
    "Pipeline",
    "load_codebook",
    "default_codebook",
    "Codebook",
    "Theme",
    "CodebookError",
    "load_annotations",
    "Annotation",
    "AnnotationError",
    "train",
    "evaluate",
    "agreement",
    "evaluate_passages",
    "compare_codings",
    "Evaluation",
    "ThemeClassifier",
    "ThemePrediction",
    "default_model",
    "load_model",
    "save_model",
    "make_classifier",
    "register_classifier",
    "process_file",
    "AnalysisOptions",
    "AnalysisResult",
    "FileResult",
    "write_tables",
    "detect_language",
    "detect_languages",
    "LanguageDetector",
    "LanguageResult",
    "read_document",
    "register_reader",
    "registered_formats",
    "Document",
    "Block",
    "segment",
    "Passage",
    "PROFILES",
    "TARGET_LANGUAGES",
    "LanguageProfile",
    "get_profile",
    "normalize_lang",
    "AlignmentError",
    "InputError",
    "UnsupportedFormatError",
    "EmptyDocumentError",
    "DecodeError",
    "CorruptFileError",
    "OutputExistsError",
    "UnknownLanguageError",
]
