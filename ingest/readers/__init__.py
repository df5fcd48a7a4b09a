"""One reader per file format, chosen by what the file holds, then by its name."""

from ingest.readers.base import Extracted, Page
from ingest.readers.choice import KINDS, check_supported, is_supported, reader_for
from ingest.readers.errors import DamagedFileError, EncryptedFileError, IngestError, NoTextLayerError

__all__ = [
    "KINDS",
    "DamagedFileError",
    "EncryptedFileError",
    "Extracted",
    "IngestError",
    "NoTextLayerError",
    "Page",
    "check_supported",
    "is_supported",
    "reader_for",
]
