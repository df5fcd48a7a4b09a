"""Index versions in Milvus (a server, or Milvus Lite embedded): docs/architecture.md, docs/scaling.md.

One version is two collections, ``briefqa_v000001`` (passages: row, filters, dense and keyword
vectors) and ``briefqa_v000001_docs`` (documents); the alias ``briefqa`` names the served one.
"""
