"""newsflow's shared core, and its entry package.

The stages (producers/, processors/, sinks/) meet only through Kafka topics; what they share
lives here, split by what it is (docs/architecture.md draws the walls, `lint-imports` checks them):

- `newsflow.contract`: the wire contract (message types, article ids, feed HTML to text);
- `newsflow.runtime`: the Kafka worker runtime (clients, batch loop, dead letters, metrics, logs,
  supervisor);
- `newsflow.net`: the one HTTP package (bounded transport, SSRF guard, politeness, robots.txt);
- `newsflow.index`: the Elasticsearch indices (client, templates, strict mappings);
- `newsflow.read`: the read side (search, HTTP API, Kibana objects);
- `newsflow.stack`: the local Kafka and Elasticsearch for development and tests;
- `newsflow.settings`, `newsflow.errors`, `newsflow.redaction`: typed settings, the exception
  family, the one URL redaction;
- `newsflow.app`: the `newsflow` command and the wiring of stages from settings, the only
  package allowed to import every stage.
"""
