"""Sinks: consume ``news.enriched`` (and the story and feed-health topics) into Elasticsearch.

`base` is the sink contract; `bulk` the one bulk path every sink shares; `articles` is where an
enriched article becomes a search document; `feed_health` and `stories` the side indices;
`rebuild` the zero-downtime rebuild of the articles index.

May import: the core below the stages (newsflow.runtime, index, contract, settings, errors,
redaction). Never producers, processors, the read side or newsflow.app.
"""
