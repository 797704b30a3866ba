"""The Kafka worker runtime every long-running stage shares.

`kafka` (client factories, topic set-up), `worker` (the consume -> prepare -> deliver -> commit
loop) and `pipelined` (the sink's variant that prepares the next batch while the last is
delivered), `deadletter` (the dead-letter topic and its headers), `metrics` (Prometheus,
/healthz, /readyz), `logs`, `supervisor` (child processes restarted when they die).

May import: newsflow.contract, newsflow.settings, newsflow.errors, newsflow.redaction and
third-party libraries. Never a stage, the read side, the index or the HTTP package.
"""
