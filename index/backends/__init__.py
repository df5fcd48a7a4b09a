"""Where index versions live: local folders (FAISS + bm25s) or a Milvus server (``base.IndexBackend``)."""
