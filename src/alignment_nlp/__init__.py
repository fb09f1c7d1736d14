"""alignment-nlp: multilingual (nl, de, zh, da) articles and interview transcripts to coded passages.

Quick start::

    import alignment_nlp as an

    result = an.analyze(["corpora/nl", "corpora/da"])
    result.passages[["doc_id", "kind", "speaker", "lang", "boilerplate", "text"]]

    an.detect_language("Hvad med budgettet?").lang      # 'da'
"""

from __future__ import annotations

__version__ = "0.1.0"

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
from .ingest import Block, Document, read_document, register_reader, registered_formats
from .langid import LanguageDetector, LanguageResult, detect_language, detect_languages
from .languages import PROFILES, TARGET_LANGUAGES, LanguageProfile, get_profile, normalize_lang
from .output import write_tables
from .pipeline import AnalysisOptions, AnalysisResult, FileResult, analyze, process_file
from .segment import Passage, segment

__all__ = [
    "__version__",
    "analyze",
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
