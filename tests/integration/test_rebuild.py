"""`newsflow index rebuild` on the real servers: a new index version, aliases swapped, no search
failing meanwhile, and nothing the live sink writes during the rebuild lost."""

from __future__ import annotations

import threading

import pytest

from newsflow.app.wiring import run_setup, run_sink
from newsflow.contract.schema import encode
from newsflow.errors import NewsflowError
from newsflow.index.indices import make_client
from newsflow.runtime.worker import StopFlag
from sinks.articles import external_version
from sinks.rebuild import next_index_name, rebuild_index
from tests.support import isolated, lag, sample_articles, send, wait_for


def sink_caught_up(settings) -> bool:
    return lag(settings, settings.sink.group_id, settings.kafka.topics.enriched) == 0


class SearchLoop(threading.Thread):
    """Searches the read alias back to back, recording every count and every failure."""

    def __init__(self, settings) -> None:
        super().__init__(daemon=True)
        self.alias = settings.elasticsearch.alias
        self.client = make_client(settings.elasticsearch)
        self.counts: list[int] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.counts.append(self.client.count(index=self.alias)["count"])
            except Exception as exc:  # noqa: BLE001 - any failure is what this loop is here to catch
                self.failures.append(repr(exc))

    def finish(self) -> None:
        self.stop.set()
        self.join(timeout=30)
        self.client.close()


def test_next_index_name_counts_up():
    assert next_index_name("news-articles-v7", "news-articles-v") == "news-articles-v8"


def test_a_rebuild_before_setup_says_to_run_setup(base_settings):
    """Against the real cluster, with names nothing created: one line, not Elasticsearch's 404."""
    nothing = isolated(base_settings, "rebuild-before-setup")
    with pytest.raises(NewsflowError, match=r"index alias '.*' does not exist: run `newsflow setup` first"):
        rebuild_index(nothing, say=lambda line: None)


def test_rebuild_swaps_aliases_while_searches_and_the_live_sink_keep_working(settings, es):
    topic = settings.kafka.topics.enriched
    articles = sample_articles(60)
    first, later = articles[:40], articles[40:]
    send(settings, topic, [(a.id.encode(), encode(a)) for a in first])

    stop_sink = StopFlag()
    sink = threading.Thread(target=run_sink, args=(settings,), kwargs={"stop": stop_sink}, daemon=True)
    sink.start()
    searches = SearchLoop(settings)
    try:
        wait_for(lambda: sink_caught_up(settings), timeout=60, what="the live sink to index the first articles")
        es.indices.refresh(index=settings.elasticsearch.alias)
        old_index = settings.elasticsearch.index_name
        searches.start()
        wait_for(lambda: len(searches.counts) >= 5, timeout=30, what="the search loop to be running")

        def articles_arrive_after_the_first_pass(line: str) -> None:
            # The worst moment: the new index is filled, the aliases still point at the old one,
            # and the live sink writes new articles there. The catch-up pass must bring them over.
            if "swapping aliases" in line:
                send(settings, topic, [(a.id.encode(), encode(a)) for a in later])
                wait_for(lambda: sink_caught_up(settings), timeout=60, what="the live sink to index the later articles")

        report = rebuild_index(settings, say=articles_arrive_after_the_first_pass)
    finally:
        stop_sink.set()
        sink.join(timeout=60)
        searches.finish()

    new_index = next_index_name(old_index, settings.elasticsearch.index_prefix)
    assert (report.old_index, report.new_index) == (old_index, new_index)
    assert (report.replayed, report.caught_up) == (len(first), len(later))
    aliases = es.indices.get_alias(name=f"{settings.elasticsearch.alias},{settings.elasticsearch.write_alias}")
    assert list(aliases) == [new_index]
    assert aliases[new_index]["aliases"][settings.elasticsearch.write_alias]["is_write_index"] is True

    es.indices.refresh(index=new_index)
    ids = {hit["_id"] for hit in es.search(index=settings.elasticsearch.alias, size=100, source=False)["hits"]["hits"]}
    assert ids == {a.id for a in articles}, "an article written during the rebuild is missing from the new index"
    assert es.get(index=new_index, id=articles[5].id)["_version"] == external_version(articles[5])

    assert searches.failures == []
    assert len(searches.counts) > 10
    assert min(searches.counts) >= len(first), "a search saw an emptier index during the rebuild"
    # setup after a rebuild neither recreates the first version nor hides which one is live.
    assert run_setup(settings)[1].startswith(f"index {new_index} behind aliases")
    assert list(es.indices.get_alias(name=settings.elasticsearch.alias)) == [new_index]
    es.indices.delete(index=new_index)  # the fixture removes the first version only
