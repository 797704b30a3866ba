"""Sinks: consume ``news.enriched`` and write articles where people search them."""
