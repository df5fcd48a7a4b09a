"""``briefqa bench``: latency, throughput, ingest and scale figures for briefqa, as one table and JSON."""
