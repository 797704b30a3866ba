"""Per-host politeness: concurrency per host, delay between starts, hosts independent, bounded memory.

Real threads where the point is threads; a fake clock where the point is arithmetic. No test
sleeps in the hope that something has happened: every wait is on a condition, with a deadline.
"""

from __future__ import annotations

import threading
import time

import pytest

from newsflow.net.politeness import HostGate, host_key

DEADLINE_S = 10.0  # generous: only reached when something is broken


class FakeClock:
    """A clock that moves only when the gate sleeps (single-threaded tests)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def run_threads(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:  # reported by the test, not lost in a thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_S)
        assert not thread.is_alive(), "a thread is stuck in the gate"
    return errors


# --- host_key -----------------------------------------------------------------------------------


def test_hosts_are_compared_by_lower_cased_name_and_port():
    assert host_key("HTTP://News.Example.COM/feed.xml") == host_key("http://news.example.com:80/other") == "news.example.com:80"
    assert host_key("https://example.com/a") == "example.com:443"
    assert host_key("https://example.com./a") == "example.com:443"
    assert host_key("http://example.com:8080/") != host_key("http://example.com/")
    assert host_key("http://example.com/") != host_key("https://example.com/")
    assert host_key("http://www.example.com/") != host_key("http://example.com/")
    assert host_key("http://[::1]:8000/feed") == "::1:8000"
    assert host_key("https://Bücher.example/feed") == host_key("https://xn--bcher-kva.example/feed")


def test_a_url_with_no_host_is_not_gated():
    assert host_key("/var/feeds/local.xml") is None
    clock = FakeClock()
    gate = HostGate(per_host_concurrency=1, min_delay_s=60.0, clock=clock, sleep=clock.sleep)
    with gate.slot("/var/feeds/local.xml"), gate.slot("/var/feeds/local.xml"):
        pass
    assert clock.sleeps == [] and gate.tracked_hosts == 0


@pytest.mark.parametrize(("limit", "delay"), [(0, 1.0), (1, -1.0), (1, float("nan")), (1, float("inf"))])
def test_a_gate_refuses_nonsense_settings(limit, delay):
    with pytest.raises(ValueError):
        HostGate(per_host_concurrency=limit, min_delay_s=delay)


# --- the delay, on a fake clock -----------------------------------------------------------------


def test_the_second_request_to_a_host_waits_out_the_delay():
    clock = FakeClock()
    gate = HostGate(per_host_concurrency=2, min_delay_s=5.0, clock=clock, sleep=clock.sleep)
    with gate.slot("http://a.example/1") as first:
        pass
    with gate.slot("http://A.example:80/2") as second:
        pass
    assert clock.sleeps == [5.0]
    assert second - first == 5.0


def test_the_delay_counts_from_the_start_of_the_last_request():
    clock = FakeClock()
    gate = HostGate(per_host_concurrency=1, min_delay_s=5.0, clock=clock, sleep=clock.sleep)
    with gate.slot("http://a.example/"):
        clock.now += 3.0  # the request itself takes 3 s
    with gate.slot("http://a.example/"):
        pass
    assert clock.sleeps == [2.0]
    clock.now += 60.0
    with gate.slot("http://a.example/"):
        pass
    assert clock.sleeps == [2.0], "a host quiet for longer than the delay is not delayed"


def test_other_hosts_are_not_delayed_by_one():
    clock = FakeClock()
    gate = HostGate(per_host_concurrency=1, min_delay_s=5.0, clock=clock, sleep=clock.sleep)
    for url in ("http://a.example/", "http://b.example/", "https://a.example/", "http://a.example:8080/"):
        with gate.slot(url):
            pass
    assert clock.sleeps == []


def test_no_delay_means_no_sleep():
    clock = FakeClock()
    gate = HostGate(per_host_concurrency=1, min_delay_s=0.0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        with gate.slot("http://a.example/"):
            pass
    assert clock.sleeps == []


# --- memory -------------------------------------------------------------------------------------


def test_idle_hosts_are_forgotten_once_their_delay_has_run_out():
    clock = FakeClock()
    gate = HostGate(per_host_concurrency=2, min_delay_s=5.0, clock=clock, sleep=clock.sleep)
    for i in range(5000):
        with gate.slot(f"https://host{i}.example/feed"):
            pass
    assert gate.tracked_hosts == 5000, "within the delay a host's last start must be remembered"
    clock.now += 5.0
    with gate.slot("https://another.example/feed"):
        assert gate.tracked_hosts == 1
    with gate.slot("https://host1.example/feed"):
        pass
    assert clock.sleeps == [], "a host forgotten after its delay is not delayed"


def test_without_a_delay_a_host_is_forgotten_as_soon_as_it_is_idle():
    gate = HostGate(per_host_concurrency=2, min_delay_s=0.0)
    for i in range(1000):
        with gate.slot(f"https://host{i}.example/feed"):
            assert gate.tracked_hosts == 1
    assert gate.tracked_hosts == 0


def test_a_failing_request_frees_its_slot():
    gate = HostGate(per_host_concurrency=1, min_delay_s=0.0)
    with pytest.raises(RuntimeError), gate.slot("http://a.example/"):
        raise RuntimeError("fetch failed")
    assert gate.tracked_hosts == 0
    with gate.slot("http://a.example/"):
        pass


# --- real threads -------------------------------------------------------------------------------


def test_at_most_n_requests_to_one_host_are_in_flight():
    gate = HostGate(per_host_concurrency=2, min_delay_s=0.0)
    state = threading.Condition()
    inside = 0
    most = 0
    done = 0

    def fetch(_: int) -> None:
        nonlocal inside, most, done
        with gate.slot("https://busy.example/feed"):
            with state:
                inside += 1
                most = max(most, inside)
                state.notify_all()
                # Stay until the host is full (or this is the last thread), so the limit is reached
                # on every run; then a little longer, so a gate that let a third in would be seen.
                assert state.wait_for(lambda: inside >= 2 or done == 9, timeout=DEADLINE_S)
            time.sleep(0.01)
            with state:
                inside -= 1
                done += 1
                state.notify_all()

    assert run_threads(fetch, 10) == []
    assert done == 10
    assert most == 2
    assert gate.tracked_hosts == 0


def test_requests_to_one_host_start_at_least_the_delay_apart():
    delay = 0.05
    gate = HostGate(per_host_concurrency=4, min_delay_s=delay)
    lock = threading.Lock()
    asked: list[float] = []
    granted: list[float] = []
    seen: list[float] = []

    def fetch(_: int) -> None:
        before = time.monotonic()
        with gate.slot("https://slow.example/feed") as started:
            inside = time.monotonic()
        with lock:
            asked.append(before)
            granted.append(started)
            seen.append(inside)

    assert run_threads(fetch, 5) == []
    granted.sort()  # float rounding aside, the gate grants no start before the previous one plus the delay
    assert all(later - earlier >= delay - 1e-9 for earlier, later in zip(granted, granted[1:], strict=False))
    # Measured from outside the gate too: five starts need four delays between the first call and the last start.
    assert max(seen) - min(asked) >= 4 * delay - 1e-9


def test_a_host_waiting_for_a_free_slot_does_not_hold_up_another():
    gate = HostGate(per_host_concurrency=1, min_delay_s=0.0)
    holding = threading.Event()
    release = threading.Event()
    second_started = threading.Event()

    def holder(_: int) -> None:
        with gate.slot("https://busy.example/a"):
            holding.set()
            assert release.wait(DEADLINE_S)

    def waiter(_: int) -> None:
        assert holding.wait(DEADLINE_S)
        with gate.slot("https://busy.example/b"):
            second_started.set()

    threads = [threading.Thread(target=f, args=(0,), daemon=True) for f in (holder, waiter)]
    for thread in threads:
        thread.start()
    try:
        assert holding.wait(DEADLINE_S)
        done = threading.Event()

        def use_other() -> None:
            with gate.slot("https://other.example/"):
                pass
            done.set()

        other = threading.Thread(target=use_other, daemon=True)
        other.start()
        assert done.wait(DEADLINE_S), "a free host waited for a busy one"
        assert not second_started.is_set(), "the busy host's second request must still be waiting"
    finally:
        release.set()
        for thread in threads:
            thread.join(DEADLINE_S)
    assert second_started.is_set()


def test_a_host_sleeping_out_its_delay_does_not_hold_up_another():
    # The delay is slept on a clock the test moves, so the test knows when a thread is asleep in
    # the gate and decides when it wakes; the other host's request must go through meanwhile.
    clock_lock = threading.Lock()
    now = [0.0]
    asleep = threading.Event()
    wake = threading.Event()

    def clock() -> float:
        with clock_lock:
            return now[0]

    def sleep(seconds: float) -> None:
        asleep.set()
        assert wake.wait(DEADLINE_S)
        with clock_lock:
            now[0] += seconds

    gate = HostGate(per_host_concurrency=2, min_delay_s=30.0, clock=clock, sleep=sleep)
    with gate.slot("https://slow.example/1"):
        pass
    finished = threading.Event()

    def second_request() -> None:
        with gate.slot("https://slow.example/2"):
            pass
        finished.set()

    second = threading.Thread(target=second_request, daemon=True)
    second.start()
    try:
        assert asleep.wait(DEADLINE_S), "the second request to the host should be sleeping out the delay"
        other_done = threading.Event()

        def other() -> None:
            with gate.slot("https://other.example/"):
                pass
            other_done.set()

        threading.Thread(target=other, daemon=True).start()
        assert other_done.wait(DEADLINE_S), "another host waited while one slept out its delay"
        assert not finished.is_set()
    finally:
        wake.set()
        second.join(DEADLINE_S)
    assert finished.is_set()
