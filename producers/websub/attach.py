"""WebSub in the producer: subscribe to feeds that advertise a hub, hand verified pushes to the service.

Active only when `producer.websub_callback_url` (the public base URL the hubs can reach) and
`producer.websub_secret` are set. A push is parsed like a fetch on the service's main thread;
polling goes on at the feed's slowest rate as a safety net while a lease is active.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from newsflow.errors import FeedError
from newsflow.redaction import redact_url
from newsflow.settings import Settings
from producers.websub.protocol import WebSubCallback, callback_url, derive_secret, subscribe

__all__ = ["PushSubscriptions", "attach_websub"]

log = logging.getLogger(__name__)

# Renew a lease this long before it ends; and do not ask a hub again sooner than this.
RENEW_BEFORE_S = 24 * 3600
RETRY_SUBSCRIBE_S = 3600


class PushSubscriptions:
    """Keeps one WebSub subscription per feed that advertises a hub, renewed before its lease ends."""

    def __init__(
        self, *, callback: WebSubCallback, public_base: str, key: str, client: httpx.Client, allow_private: bool
    ) -> None:
        self._callback = callback
        self._allow_private = allow_private
        self._restored: set[str] = set()
        self._public_base = public_base
        self._key = key
        self._client = client
        self._asked: dict[str, float] = {}  # feed id -> when we last asked its hub
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="websub")

    def lease_active(self, feed_id: str) -> bool:
        expiry = self._callback.lease_expiry(feed_id)
        return expiry is not None and expiry > time.time()

    def restore(self, feed_id: str, *, topic: str) -> None:
        """Accept pushes for a subscription made before a restart (or by the feed's previous
        owner), before the feed is next fetched: a push refused with 410 would end it."""
        if feed_id not in self._restored:
            self._restored.add(feed_id)
            if self._callback.lease_expiry(feed_id) is None:
                self._callback.expect(feed_id, topic, derive_secret(self._key, feed_id))

    def ensure(self, feed_id: str, *, hub: str, topic: str) -> None:
        """Subscribe (in the background) unless a lease is active and not about to end."""
        expiry = self._callback.lease_expiry(feed_id)
        now = time.time()
        if expiry is not None and expiry - now > RENEW_BEFORE_S:
            return
        if now - self._asked.get(feed_id, 0.0) < RETRY_SUBSCRIBE_S:
            return
        self._asked[feed_id] = now
        secret = derive_secret(self._key, feed_id)
        self._callback.expect(feed_id, topic, secret)
        self._pool.submit(self._subscribe, feed_id, hub, topic, secret)

    def _subscribe(self, feed_id: str, hub: str, topic: str, secret: str) -> None:
        try:
            # The hub's URL comes from feed content: subscribe() checks its name and the peer address.
            subscribe(self._client, hub=hub, topic=topic, callback=callback_url(self._public_base, feed_id), secret=secret,
                      allow_private=self._allow_private)
            log.info("websub subscription requested feed=%s hub=%s", feed_id, redact_url(hub))
        except FeedError as exc:
            log.warning("websub subscription failed feed=%s hub=%s error=%s", feed_id, redact_url(hub), exc)

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._callback.stop()
        self._client.close()


def attach_websub(settings: Settings, service) -> PushSubscriptions | None:
    """Start the callback endpoint and connect it to `service`, when WebSub is configured."""
    from producers.service import Push

    p = settings.producer
    if not p.websub_callback_url or p.websub_secret is None:
        return None
    callback = WebSubCallback(
        lambda feed_id, body, headers: service.pushes.put(Push(feed_id=feed_id, body=body, headers=headers)),
        host=p.websub_host, port=p.websub_port, max_body_bytes=p.max_body_bytes,
    )
    callback.start()
    client = httpx.Client(timeout=httpx.Timeout(p.timeout_s, connect=p.connect_timeout_s),
                          headers={"User-Agent": p.user_agent})
    subscriptions = PushSubscriptions(callback=callback, public_base=p.websub_callback_url,
                                      key=p.websub_secret.get_secret_value(), client=client,
                                      allow_private=p.allow_private_networks)
    service.push = subscriptions
    log.info("websub callback listening on %s:%d, public at %s", p.websub_host, callback.port, p.websub_callback_url)
    return subscriptions
