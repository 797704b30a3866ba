"""The wire contract: every message type on every topic, article identity, feed HTML to text.

What two stages agree on when one writes a topic and the other reads it: `schema` (RawArticle,
EnrichedArticle, StoryDocument, FeedHealthEvent; versioned, frozen, JSON), `ids` (an article's id
from its canonical URL) and `text` (the one HTML-to-text both the producer and the processor use).

May import: newsflow.settings, newsflow.errors, newsflow.redaction and third-party libraries.
Nothing else in newsflow, and no stage.
"""
