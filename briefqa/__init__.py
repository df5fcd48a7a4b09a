"""briefqa: retrieval question answering over Chinese policy briefings."""

__version__ = "0.1.0"
