"""Browser tier: the search pages in a real headless Chromium, driven by Selenium, served by the
real API (uvicorn on 127.0.0.1, a free port) over the real Elasticsearch holding the samples.

The browser is Debian's `chromium` with its `chromedriver` (`make test` installs both where
missing). Nothing is downloaded at run time: the driver's path is given to Selenium and Selenium
Manager is kept offline. No skips: a missing browser fails every test, saying how to install it.

Every test leaves a screenshot of what the browser showed last (also when it failed) in
tests/browser/screenshots/<test>.png (not committed).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from newsflow.read.api.app import create_app
from newsflow.settings import Settings
from tests.integration.conftest import base_settings, settings  # noqa: F401 - per-test index and alias
from tests.support import wait_for

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DESKTOP = (1280, 900)
PHONE = (390, 844)
INSTALL_HINT = ("the browser tier needs Debian's chromium and chromium-driver: `make test` installs them "
                "(apt-get install chromium chromium-driver, as root)")


# -- the API ----------------------------------------------------------------------------------------


@dataclass
class RunningApi:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    settings: Settings

    def at(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def serve_api() -> Iterator[Callable[[Settings], RunningApi]]:
    """Starts `create_app(settings)` under uvicorn in a thread on a free port of 127.0.0.1 (the
    socket is bound before the server starts: no port race); every one started stops after the test."""
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def serve(api_settings: Settings) -> RunningApi:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(create_app(api_settings), host="127.0.0.1", port=port, log_config=None,
                                access_log=False, lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"api-{port}", daemon=True)
        thread.start()
        running.append((server, thread))
        wait_for(lambda: server.started or not thread.is_alive(), timeout=30, what=f"the API to listen on port {port}")
        assert server.started, f"the API on port {port} stopped before it was ready"
        return RunningApi(url=f"http://127.0.0.1:{port}", settings=api_settings)

    yield serve
    for server, _ in running:
        server.should_exit = True
    for _, thread in running:
        thread.join(timeout=30)
        assert not thread.is_alive(), "the API did not stop within 30 s"


@pytest.fixture
def api(settings: Settings, serve_api) -> RunningApi:  # noqa: F811 - the integration tier's fixture
    """The API over a per-test index holding the story sample: the 24 sample articles (sources,
    languages, topics, persons, organisations, places), grouped into four stories, and a burst of
    recent articles, two of them near-duplicates of sample0006."""
    return serve_api(settings)


@pytest.fixture
def sample(settings: Settings):  # noqa: F811
    from datetime import UTC, datetime

    from tests.integration.test_story_sink import index_story_sample

    return index_story_sample(settings, datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the browser ------------------------------------------------------------------------------------


def _binaries() -> tuple[str, str]:
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not chromedriver:
        missing = " and ".join(name for name, path in (("chromium", chromium), ("chromedriver", chromedriver)) if not path)
        pytest.fail(f"{missing} not found on PATH: {INSTALL_HINT}", pytrace=False)
    return chromium, chromedriver


def start_browser(size: tuple[int, int], *, phone: bool = False) -> WebDriver:
    chromium, chromedriver = _binaries()
    # Selenium Manager looks for (and downloads) a driver or a browser it is not given: never here.
    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--lang=en-US",
                     f"--window-size={size[0]},{size[1]}"):
        options.add_argument(argument)
    if phone:
        # A phone's viewport: its width in CSS pixels, touch, and a page laid out for a phone only
        # when it says so (<meta name="viewport" content="width=device-width">), as on a real one.
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": size[0], "height": size[1], "pixelRatio": 3.0, "touch": True, "mobile": True},
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                         "Chrome/156.0.0.0 Mobile Safari/537.36",
        })
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(10)
    return driver


def _screenshot(driver: WebDriver, request: pytest.FixtureRequest, suffix: str = "") -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_") + suffix
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture
def driver(request: pytest.FixtureRequest) -> Iterator[WebDriver]:
    """A fresh headless Chromium, 1280x900; its last view is saved as the test's screenshot."""
    browser = start_browser(DESKTOP)
    try:
        yield browser
        _screenshot(browser, request)
    finally:
        browser.quit()


@pytest.fixture
def phone(request: pytest.FixtureRequest) -> Iterator[WebDriver]:
    """A fresh headless Chromium emulating a 390x844 phone."""
    browser = start_browser(PHONE, phone=True)
    try:
        yield browser
        _screenshot(browser, request)
    finally:
        browser.quit()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[WebDriver, str], None]:
    """An extra screenshot mid-test: shot(driver, "step") -> screenshots/<test>-step.png."""
    return lambda browser, step: _screenshot(browser, request, f"-{step}")
