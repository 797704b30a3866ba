"""The entry package: the `newsflow` command and the wiring of every stage from settings.

`cli` parses arguments and dispatches; `cmd_*` hold the bigger command groups (feeds, search,
topics, eval); `wiring` builds each stage (producer, processor, sink, reprocess) from settings.
The composition root: the only package allowed to import producers, processors and sinks
together. Nothing imports it except `newsflow.__main__` and the `newsflow` script.
"""
