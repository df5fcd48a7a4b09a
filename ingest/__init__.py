"""Ingest: files → clean document text → metadata, sections and passages → keyword terms."""
