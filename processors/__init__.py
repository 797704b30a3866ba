"""Processors: consume ``news.raw``, enrich each article, produce to ``news.enriched``.

`base` is the step contract (registered, versioned steps that declare what they read and
write) and the chain; `service` the worker; one module (or package) per step: `clean`,
`language`, `extract`, `entities` (with `normalise` and `gazetteer`), `topics/`, `keyphrases`,
`stories/`; `catalog` imports them all so they register.

May import: the core below the stages (newsflow.runtime, net, contract, settings, errors,
redaction). Never producers, sinks, the read side or newsflow.app.
"""
