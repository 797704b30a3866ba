"""Least privilege in Elasticsearch: the roles and users each part of newsflow runs as.

`newsflow security setup` runs this once, with an administrator's credentials (the `elastic`
user, or any with `manage_security`), after `newsflow setup`; on a cluster whose roles are files,
`newsflow security roles` prints them as a roles.yml instead. Then:
- the sink runs as `newsflow_sink` (role `newsflow_writer`): writes the newsflow indices and
  nothing else, reads none of them;
- the search API as `newsflow_api` (role `newsflow_reader`): reads them, writes nothing;
- people in Kibana as `newsflow_viewer` (role `newsflow_viewer`): read them and the dashboards;
- the processors as `newsflow_processor` (role `newsflow_processor`): read and write their
  stories state index (`elasticsearch.stories_state_index`), which no other role names.
Producers talk to Kafka only and need no Elasticsearch user. Re-running it is safe: roles are
replaced by their definitions, and each user's password set to the setting's.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError, Elasticsearch

from newsflow.errors import ConfigError
from newsflow.index.indices import TRANSIENT_ERRORS, refusal_reason, unavailable
from newsflow.settings import ElasticsearchSettings, SecuritySettings

__all__ = [
    "PROCESSOR_ROLE", "READER_ROLE", "VIEWER_ROLE", "WRITER_ROLE", "ensure_security", "role_definitions", "roles_yaml",
]

WRITER_ROLE = "newsflow_writer"
READER_ROLE = "newsflow_reader"
VIEWER_ROLE = "newsflow_viewer"
PROCESSOR_ROLE = "newsflow_processor"

# What a Kibana user may do with the dashboards newsflow imports: look, not edit.
_KIBANA_READ = ["feature_discover.read", "feature_dashboard.read", "feature_visualize.read"]


def newsflow_indices(es: ElasticsearchSettings) -> list[str]:
    """Every index and alias the sink writes and people read: the versioned articles indices and
    their aliases, feed health, stories. Not the processors' stories state: only their role has it."""
    return [f"{es.index_prefix}*", es.alias, es.write_alias, es.feed_health_index, es.stories_index]


# What a processor does to its stories state index (newsflow/index/indices.py
# `ensure_stories_state_index`, processors/stories/es_store.py), each with the privilege it needs:
# - read: mget, search, msearch (and the search half of delete_by_query);
# - write: bulk create/index with if_seq_no, delete_by_query (`delete` is part of `write`);
# - view_index_metadata: ask whether it exists.
# Not create_index, manage or manage_index_templates: `newsflow setup` (run with the administrator's
# credentials) makes the index, its template and mapping; a processor creates it only when it is
# missing, which on a secured cluster is refused with a one-line reason (run `newsflow setup`)
# and waited out. A cluster privilege to put templates could not be limited to this one index.
_PROCESSOR_INDEX_PRIVILEGES = ["read", "write", "view_index_metadata"]
# monitor: cluster health, as the other roles have.
_PROCESSOR_CLUSTER_PRIVILEGES = ["monitor"]


def role_definitions(es: ElasticsearchSettings) -> dict[str, dict[str, Any]]:
    names = newsflow_indices(es)
    return {
        # monitor: the readiness probe reads cluster health. view_index_metadata: the alias checks.
        WRITER_ROLE: {"cluster": ["monitor"],
                      "indices": [{"names": [*names], "privileges": ["write", "view_index_metadata"]}]},
        READER_ROLE: {"cluster": ["monitor"],
                      "indices": [{"names": [*names], "privileges": ["read", "view_index_metadata"]}]},
        VIEWER_ROLE: {"indices": [{"names": [*names], "privileges": ["read", "view_index_metadata"]}],
                      "applications": [{"application": "kibana-.kibana", "privileges": _KIBANA_READ,
                                        "resources": ["*"]}]},
        PROCESSOR_ROLE: {"cluster": [*_PROCESSOR_CLUSTER_PRIVILEGES],
                         "indices": [{"names": [es.stories_state_index], "privileges": [*_PROCESSOR_INDEX_PRIVILEGES]}]},
    }


def roles_yaml(es: ElasticsearchSettings) -> str:
    """The roles as a roles.yml, for clusters whose roles are files: a self-managed node's
    config/roles.yml, ECK's `spec.auth.roles` secret. Users then come from that cluster's own
    tooling (bin/elasticsearch-users, ECK's file realm secret) with these role names."""
    import yaml

    header = "# newsflow's Elasticsearch roles (`newsflow security roles`); see `newsflow security --help`.\n"
    return header + yaml.safe_dump(role_definitions(es), sort_keys=False)


def _users(security: SecuritySettings) -> list[tuple[str, str, str, Any]]:
    """(setting, user, role, password) of each user: the setting is security.<setting>_password."""
    return [("sink", security.sink_user, WRITER_ROLE, security.sink_password),
            ("api", security.api_user, READER_ROLE, security.api_password),
            ("viewer", security.viewer_user, VIEWER_ROLE, security.viewer_password),
            ("processor", security.processor_user, PROCESSOR_ROLE, security.processor_password)]


def ensure_security(client: Elasticsearch, es: ElasticsearchSettings, security: SecuritySettings) -> list[str]:
    """Create or update the roles, then each user whose password is set; returns what it did."""
    done = []
    try:
        for name, body in role_definitions(es).items():
            client.security.put_role(name=name, **body)
        done.append(f"roles: {', '.join(role_definitions(es))} (on {', '.join(newsflow_indices(es))}; "
                    f"{PROCESSOR_ROLE} on {es.stories_state_index} only)")
        for setting, user, role, password in _users(security):
            if password is None:
                done.append(f"user {user}: skipped (set security.{setting}_password to create it)")
                continue
            client.security.put_user(username=user, password=password.get_secret_value(), roles=[role])
            done.append(f"user {user}: role {role}, password set")
    except TRANSIENT_ERRORS as exc:
        raise unavailable(es, exc) from None
    except ApiError as exc:
        raise ConfigError(_refusal(exc)) from None
    return done


def _refusal(exc: ApiError) -> str:
    reason = refusal_reason(exc)
    lowered = reason.lower()
    # Security off: 8.x+ has no _security handlers at all; older answers say it is not enabled.
    if ("no handler found" in lowered and "_security" in lowered) or ("security" in lowered and "enabled" in lowered):
        return ("Elasticsearch security is off on this cluster (xpack.security.enabled: false): there are no users "
                "to create; turn it on first")
    if exc.meta.status in (401, 403):
        return (f"Elasticsearch refused to manage security ({exc.meta.status}): run this with an administrator's "
                f"credentials (elasticsearch.username/password of a user with manage_security): {reason}")
    return f"Elasticsearch refused the security setup ({exc.meta.status}): {reason}"
