"""Producers: poll feeds and emit one `RawArticle` per new or changed item to ``news.raw``.

`base` is the contract (FeedSpec, ParsedFeed, Fetcher); `service` drives one producer; `reader`
fetches and parses one feed (through newsflow.net); `items` and `jsonfeed` turn entries into
articles; `state`, `outcome`, `schedule` and `ownership` keep each feed's state in
``news.feeds.state``; `health` the feed-health events and status table; `registry` and `opml`
the feed list; `websub/` push subscriptions.

May import: the core below the stages (newsflow.runtime, net, contract, settings, errors,
redaction). Never processors, sinks, the read side or newsflow.app.
"""
