"""`newsflow.index.indices.refusal_reason`: the one place that reads why Elasticsearch refused a
request, for the search API, the security setup and the index rebuild. Pure: answers built by hand."""

from __future__ import annotations

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError

from newsflow.index.indices import refusal_reason


def refused(body: object, message: str = "client message") -> ApiError:
    meta = ApiResponseMeta(status=400, http_version="1.1", headers=HttpHeaders(), duration=0.0,
                           node=NodeConfig("http", "127.0.0.1", 9200))
    return ApiError(message, meta, body)


@pytest.mark.parametrize(("body", "reason"), [
    # the most specific first: the root cause, as a failed search answers
    ({"error": {"root_cause": [{"type": "query_shard_exception", "reason": "failed to create query: x"}],
                "type": "search_phase_execution_exception", "reason": "all shards failed"}}, "failed to create query: x"),
    ({"error": {"type": "index_not_found_exception", "reason": "no such index [news]"}}, "no such index [news]"),
    ({"error": {"root_cause": [{"type": "t"}], "type": "t", "reason": "outer"}}, "outer"),
    ({"error": {"type": "security_exception"}}, "security_exception"),
    ({"error": {"root_cause": ["not an object"], "reason": "outer"}}, "outer"),
    ({"error": "no handler found for uri [/_security/user/x] and method [PUT]"}, "client message"),
    ("<html>proxy error</html>", "client message"),
])
def test_the_reason_is_the_most_specific_the_answer_gives(body, reason):
    assert refusal_reason(refused(body)) == reason
