"""The read side: searching the index, the HTTP API, the Kibana saved objects.

`query` (the typed search and the request bodies built from it), `search` (running them and
shaping results), `api/` (FastAPI app, `newsflow api`), `kibana` (the objects of deploy/kibana).
It reads what the sinks wrote; it never writes articles and never talks to Kafka.

May import: newsflow.index, newsflow.runtime (metrics and logs only), newsflow.contract,
newsflow.settings, newsflow.errors, newsflow.redaction. Never a stage or newsflow.app.
"""
