"""The Elasticsearch side of the contract: client factory, index templates and strict mappings.

The articles index (versioned index behind read and write aliases) and the side indices (feed
health, stories): what the sinks write and the read side queries, defined once.

May import: newsflow.contract, newsflow.settings, newsflow.errors, newsflow.redaction and
third-party libraries. Never a stage, the read side, the runtime or the HTTP package.
"""
