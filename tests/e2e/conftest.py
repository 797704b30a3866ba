# The e2e tier runs against the same real servers, with the same per-test isolation.
from tests.integration.conftest import base_settings, es, feed_server, local_elasticsearch, settings  # noqa: F401
