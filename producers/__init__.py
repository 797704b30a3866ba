"""Producers: poll feeds and emit one `RawArticle` per item to ``news.raw``."""
