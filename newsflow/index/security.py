"""Least privilege in Elasticsearch: the roles and users each part of newsflow runs as.

`newsflow security setup` runs this once, with an administrator's credentials (the `elastic`
user, or any with `manage_security`), after `newsflow setup`; on a cluster whose roles are files,
`newsflow security roles` prints them as a roles.yml instead. Then:
- the sink runs as `newsflow_sink` (role `newsflow_writer`): writes the newsflow indices and
  nothing else, reads none of them;
- the search API as `newsflow_api` (role `newsflow_reader`): reads them, writes nothing;
- people in Kibana as `newsflow_viewer` (role `newsflow_viewer`): read them and the dashboards.
Producers and processors talk to Kafka only and need no Elasticsearch user. Re-running it is
safe: roles are replaced by their definitions, and each user's password set to the setting's.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError, Elasticsearch

from newsflow.errors import ConfigError
from newsflow.index.indices import TRANSIENT_ERRORS, unavailable
from newsflow.settings import ElasticsearchSettings, SecuritySettings

__all__ = ["READER_ROLE", "VIEWER_ROLE", "WRITER_ROLE", "ensure_security", "role_definitions", "roles_yaml"]

WRITER_ROLE = "newsflow_writer"
READER_ROLE = "newsflow_reader"
VIEWER_ROLE = "newsflow_viewer"

# What a Kibana user may do with the dashboards newsflow imports: look, not edit.
_KIBANA_READ = ["feature_discover.read", "feature_dashboard.read", "feature_visualize.read"]


def newsflow_indices(es: ElasticsearchSettings) -> list[str]:
    """Every index and alias newsflow writes: the versioned articles indices and their aliases,
    feed health, stories."""
    return [f"{es.index_prefix}*", es.alias, es.write_alias, es.feed_health_index, es.stories_index]


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
    }


def roles_yaml(es: ElasticsearchSettings) -> str:
    """The roles as a roles.yml, for clusters whose roles are files: a self-managed node's
    config/roles.yml, ECK's `spec.auth.roles` secret. Users then come from that cluster's own
    tooling (bin/elasticsearch-users, ECK's file realm secret) with these role names."""
    import yaml

    header = "# newsflow's Elasticsearch roles (`newsflow security roles`); see `newsflow security --help`.\n"
    return header + yaml.safe_dump(role_definitions(es), sort_keys=False)


def _users(security: SecuritySettings) -> list[tuple[str, str, Any]]:
    return [(security.sink_user, WRITER_ROLE, security.sink_password),
            (security.api_user, READER_ROLE, security.api_password),
            (security.viewer_user, VIEWER_ROLE, security.viewer_password)]


def ensure_security(client: Elasticsearch, es: ElasticsearchSettings, security: SecuritySettings) -> list[str]:
    """Create or update the roles, then each user whose password is set; returns what it did."""
    done = []
    try:
        for name, body in role_definitions(es).items():
            client.security.put_role(name=name, **body)
        done.append(f"roles: {', '.join(role_definitions(es))} (on {', '.join(newsflow_indices(es))})")
        for user, role, password in _users(security):
            if password is None:
                done.append(f"user {user}: skipped (set security.{_setting(user, security)}_password to create it)")
                continue
            client.security.put_user(username=user, password=password.get_secret_value(), roles=[role])
            done.append(f"user {user}: role {role}, password set")
    except TRANSIENT_ERRORS as exc:
        raise unavailable(es, exc) from None
    except ApiError as exc:
        raise ConfigError(_refusal(exc)) from None
    return done


def _setting(user: str, security: SecuritySettings) -> str:
    return {security.sink_user: "sink", security.api_user: "api"}.get(user, "viewer")


def _refusal(exc: ApiError) -> str:
    reason = str(exc.message)
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        reason = str(error.get("reason") or error.get("type") or reason)
    lowered = reason.lower()
    # Security off: 8.x+ has no _security handlers at all; older answers say it is not enabled.
    if ("no handler found" in lowered and "_security" in lowered) or ("security" in lowered and "enabled" in lowered):
        return ("Elasticsearch security is off on this cluster (xpack.security.enabled: false): there are no users "
                "to create; turn it on first")
    if exc.meta.status in (401, 403):
        return (f"Elasticsearch refused to manage security ({exc.meta.status}): run this with an administrator's "
                f"credentials (elasticsearch.username/password of a user with manage_security): {reason}")
    return f"Elasticsearch refused the security setup ({exc.meta.status}): {reason}"
