"""Payment files from the bank, read into plain values (pure parsers, no file access).

* :mod:`reskontro.formats.ocr`: Nets OCR giro (fixed 80-character records).
* :mod:`reskontro.formats.camt054`: ISO 20022 camt.054 notifications (001.xx).

Every parser takes the file's content (``bytes`` or ``str``) and returns
immutable values, refusing a malformed file with a
:class:`~reskontro.exceptions.FileFormatError` that names the line and field
at fault; what a parser accepts but reports sits in the result's
``warnings``. Reading the file from disk is the caller's job (or the command
line's).
"""

from __future__ import annotations

from reskontro.formats.camt054 import CamtFile, CamtPayment, parse_camt054
from reskontro.formats.ocr import OcrAssignment, OcrFile, OcrPayment, parse_ocr

__all__ = [
    "CamtFile",
    "CamtPayment",
    "OcrAssignment",
    "OcrFile",
    "OcrPayment",
    "parse_camt054",
    "parse_ocr",
]
