"""Processors: consume ``news.raw``, enrich each article, produce to ``news.enriched``."""
