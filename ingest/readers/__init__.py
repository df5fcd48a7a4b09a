"""One reader per file format, chosen by what the file holds, then by its name."""

from ingest.readers.base import Extracted, Page
from ingest.readers.choice import KINDS, SUFFIXES, reader_for
from ingest.readers.errors import DamagedFileError, EncryptedFileError, IngestError, NoTextLayerError

__all__ = [
    "KINDS",
    "SUFFIXES",
    "DamagedFileError",
    "EncryptedFileError",
    "Extracted",
    "IngestError",
    "NoTextLayerError",
    "Page",
    "reader_for",
]
