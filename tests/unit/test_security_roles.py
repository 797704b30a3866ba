"""newsflow/index/security.py without Elasticsearch: the roles `newsflow security roles` prints and
`newsflow security setup` puts, and the users it creates (issue 16; the processors' role, issue 18).

The processors keep their near-duplicate and story state in `elasticsearch.stories_state_index`:
their role `newsflow_processor` has that one index and nothing else, and no other role names it.
(tests/integration/test_least_privilege.py checks the other roles on a real cluster.)
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from newsflow.index.security import (
    PROCESSOR_ROLE,
    READER_ROLE,
    VIEWER_ROLE,
    WRITER_ROLE,
    ensure_security,
    role_definitions,
    roles_yaml,
)
from newsflow.settings import ElasticsearchSettings, SecuritySettings

DEFAULT = ElasticsearchSettings()
RENAMED = ElasticsearchSettings(index_prefix="acme-articles-v", alias="acme-articles", write_alias="acme-articles-write",
                                feed_health_index="acme-feed-health", stories_index="acme-stories",
                                stories_state_index="acme-stories-state")


def _names(role: dict[str, Any]) -> list[str]:
    return [name for entry in role.get("indices", []) for name in entry["names"]]


def _covers(role: dict[str, Any], index: str) -> bool:
    """Whether any index pattern of the role matches `index` (Elasticsearch's `*` wildcards)."""
    return any(fnmatchcase(index, pattern) for pattern in _names(role))


@pytest.mark.parametrize("es", [DEFAULT, RENAMED], ids=["default", "renamed"])
def test_the_processor_role_has_exactly_its_state_index(es):
    role = role_definitions(es)[PROCESSOR_ROLE]
    assert PROCESSOR_ROLE == "newsflow_processor"
    assert role["indices"] == [{"names": [es.stories_state_index], "privileges": role["indices"][0]["privileges"]}]
    privileges = role["indices"][0]["privileges"]
    # read: mget/search/msearch; write: bulk create/index, delete_by_query; view_index_metadata: whether
    # it exists. `newsflow setup` makes it: no create_index, manage or template privilege.
    assert set(privileges) == {"read", "write", "view_index_metadata"}
    assert "all" not in privileges and "delete_index" not in privileges
    # Cluster: nodes info (replicas) and its own index template; never security or cluster settings.
    assert role["cluster"] == ["monitor"]
    assert set(role) == {"cluster", "indices"}, "no applications, no run_as"
    for name in ("news-articles-v1", "news-stories", "news-feed-health", es.alias, es.write_alias, es.stories_index,
                 es.feed_health_index, f"{es.index_prefix}1"):
        assert not _covers(role, name), f"the processor role reaches {name}"


@pytest.mark.parametrize("es", [DEFAULT, RENAMED], ids=["default", "renamed"])
def test_no_other_role_names_the_state_index(es):
    roles = role_definitions(es)
    assert set(roles) == {WRITER_ROLE, READER_ROLE, VIEWER_ROLE, PROCESSOR_ROLE}
    for name in (WRITER_ROLE, READER_ROLE, VIEWER_ROLE):
        assert not _covers(roles[name], es.stories_state_index), f"{name} reaches the processors' state"
        assert es.stories_state_index not in _names(roles[name]), name
        # ...and they keep what they had: the sink's and the API's indices.
        assert _covers(roles[name], es.stories_index) and _covers(roles[name], f"{es.index_prefix}1"), name
    assert roles[WRITER_ROLE]["indices"][0]["privileges"] == ["write", "view_index_metadata"]
    assert roles[READER_ROLE]["indices"][0]["privileges"] == ["read", "view_index_metadata"]


def test_roles_yaml_prints_the_processor_role():
    printed = yaml.safe_load(roles_yaml(DEFAULT))
    assert printed == role_definitions(DEFAULT)
    assert printed[PROCESSOR_ROLE]["indices"][0]["names"] == ["news-stories-state"]


class _FakeSecurityApi:
    def __init__(self) -> None:
        self.roles: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}

    def put_role(self, *, name: str, **body: Any) -> None:
        self.roles[name] = body

    def put_user(self, *, username: str, password: str, roles: list[str]) -> None:
        self.users[username] = {"password": password, "roles": roles}


class _FakeClient:
    def __init__(self) -> None:
        self.security = _FakeSecurityApi()


def test_setup_creates_the_processor_user_with_its_role_when_its_password_is_set():
    client = _FakeClient()
    security = SecuritySettings(sink_password=SecretStr("sink-pw"), processor_password=SecretStr("processor-pw"))
    done = ensure_security(client, DEFAULT, security)  # type: ignore[arg-type]
    assert client.security.roles == role_definitions(DEFAULT)
    assert client.security.users == {
        "newsflow_sink": {"password": "sink-pw", "roles": [WRITER_ROLE]},
        "newsflow_processor": {"password": "processor-pw", "roles": [PROCESSOR_ROLE]},
    }
    assert "user newsflow_processor: role newsflow_processor, password set" in done
    assert "user newsflow_api: skipped (set security.api_password to create it)" in done
    assert "user newsflow_viewer: skipped (set security.viewer_password to create it)" in done
    assert not [line for line in done if "processor-pw" in line or "sink-pw" in line]


def test_setup_skips_the_processor_user_without_its_password_and_names_the_setting():
    client = _FakeClient()
    done = ensure_security(client, DEFAULT, SecuritySettings(processor_user="stories-bot"))  # type: ignore[arg-type]
    assert PROCESSOR_ROLE in client.security.roles and client.security.users == {}
    assert "user stories-bot: skipped (set security.processor_password to create it)" in done
