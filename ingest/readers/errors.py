"""Why a file could not be ingested, one type per thing a user can do about it.

Every message names the file and says what to do. Folder syncs report these and skip the file;
a file named on its own stops the ingest before anything is written.
"""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested; the message names the file and what to do."""


class NoTextLayerError(IngestError):
    """A PDF whose pages hold no text (a scan or images of text): it needs OCR first."""


class DamagedFileError(IngestError):
    """A file that is not what its name says, or is truncated or corrupt: re-export or re-download it."""


class EncryptedFileError(IngestError):
    """A password-protected file: save an unprotected copy."""
