"""`newsflow feeds`: the registry commands as a user meets them, run through `newsflow.app.cli.main`."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from newsflow.app.cli import build_parser, main
from producers.base import FeedSpec
from producers.registry import load_registry

ACTIONS = ["add", "remove", "list", "import-opml", "export-opml"]


@pytest.fixture(autouse=True)
def _keep_logging():
    """`main` configures the root logger for the process; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    (tmp_path / "local.xml").write_text("<rss version='2.0'><channel><title>L</title></channel></rss>")
    path = tmp_path / "feeds.yaml"
    path.write_text("# Our feeds.\nfeeds:\n  - url: local.xml\n    name: Local\n    tags: [sample]\n    language: en\n")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("newsflow: error: ") and "Traceback" not in err
    return lines[0]


# --- help ------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", [None, *ACTIONS])
def test_every_action_explains_itself(capsys: pytest.CaptureFixture[str], action: str | None):
    argv = ["feeds", "--help"] if action is None else ["feeds", action, "--help"]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: newsflow feeds{'' if action is None else ' ' + action}")
    description = out.split("\n\n")[1]
    assert len(description.split()) >= 8, "each action needs a real description"
    assert "--feeds FILE" in out


def test_feeds_help_lists_the_actions_and_the_file_format(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit):
        main(["feeds", "--help"])
    out = capsys.readouterr().out
    for action in ACTIONS:
        assert action in out
    assert "min_interval_s" in out and "NEWSFLOW_PRODUCER__FEEDS_FILE" in out and "examples:" in out


def test_the_installed_command_has_feeds():
    assert "feeds" in next(a for a in build_parser()._actions if a.dest == "command").choices
    result = subprocess.run([sys.executable, "-m", "newsflow", "feeds", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "usage: newsflow feeds" in result.stdout


def test_no_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exited:
        main(["feeds"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == "newsflow feeds: error: the following arguments are required: ACTION"


# --- add / list / remove ---------------------------------------------------------------------


def test_add_list_remove(capsys: pytest.CaptureFixture[str], registry: Path):
    code, out, _ = run(capsys, "feeds", "add", "--feeds", str(registry), "https://example.org/rss", "--name", "Example",
                       "--tag", "world,politics", "--tag", "world", "--language", "fr", "--min-interval", "15m",
                       "--max-interval", "2h", "--disabled")
    assert code == 0 and out == f"added Example (https://example.org/rss) to {registry}\n"
    assert load_registry(registry)[-1] == FeedSpec(url="https://example.org/rss", name="Example", tags=("world", "politics"),
                                                   language="fr", min_interval_s=900, max_interval_s=7200, enabled=False)
    assert registry.read_text().startswith("# Our feeds.\n")

    code, out, _ = run(capsys, "feeds", "list", "--feeds", str(registry))
    assert code == 0
    header, local, example = out.splitlines()
    assert header.split() == ["NAME", "URL", "TAGS", "LANG", "ENABLED", "INTERVAL"]
    assert local.split() == ["Local", "local.xml", "sample", "en", "yes", "5m..1d"]  # the producer's defaults
    assert example.split() == ["Example", "https://example.org/rss", "world,politics", "fr", "no", "15m..2h"]

    code, out, _ = run(capsys, "feeds", "remove", "--feeds", str(registry), "Example")
    assert code == 0 and out == f"removed Example (https://example.org/rss) from {registry}\n"
    code, out, _ = run(capsys, "feeds", "remove", "--feeds", str(registry), "local.xml")
    assert code == 0 and load_registry(registry) == []


def test_list_json(capsys: pytest.CaptureFixture[str], registry: Path):
    code, out, _ = run(capsys, "feeds", "list", "--feeds", str(registry), "--json")
    assert code == 0
    [item] = json.loads(out)
    assert item == {"id": load_registry(registry)[0].id, "url": "local.xml", "name": "Local", "tags": ["sample"],
                    "language": "en", "enabled": True, "min_interval_s": None, "max_interval_s": None}


def test_the_table_masks_the_credentials_of_a_feed_url(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    registry = tmp_path / "feeds.yaml"
    registry.write_text("feeds:\n  - url: https://reader:s3cret@example.org/rss?token=t0ken\n")
    code, out, _ = run(capsys, "feeds", "list", "--feeds", str(registry))
    assert code == 0 and "https://***@example.org/rss?token=***" in out
    assert "s3cret" not in out and "t0ken" not in out


def test_a_registry_entry_that_cannot_be_parsed_is_an_error_not_a_traceback(capsys, tmp_path: Path):
    registry = tmp_path / "feeds.yaml"
    registry.write_text('feeds:\n  - url: "https://[2001:db8::1/rss"\n')
    code, out, err = run(capsys, "feeds", "list", "--feeds", str(registry))
    assert code == 2 and "cannot be parsed: Invalid IPv6 URL" in one_error_line(err)


def test_an_empty_registry_lists_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    (tmp_path / "feeds.yaml").write_text("feeds: []\n")
    assert run(capsys, "feeds", "list", "--feeds", str(tmp_path / "feeds.yaml")) == (0, "", f"no feeds in {tmp_path / 'feeds.yaml'}\n")
    assert run(capsys, "feeds", "list", "--feeds", str(tmp_path / "feeds.yaml"), "--json")[:2] == (0, "[]\n")


def test_the_registry_comes_from_the_setting_or_feeds_before_the_action(capsys, registry: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWSFLOW_PRODUCER__FEEDS_FILE", str(registry))
    code, out, _ = run(capsys, "feeds", "list")
    assert code == 0 and "local.xml" in out
    other = tmp_path / "other.yaml"
    assert run(capsys, "feeds", "--feeds", str(other), "add", "https://a.example/rss")[0] == 0
    assert [f.url for f in load_registry(other)] == ["https://a.example/rss"]
    assert len(load_registry(registry)) == 1


def test_a_relative_path_is_taken_from_the_current_folder(capsys, registry: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "b.xml").write_text("<rss/>")
    monkeypatch.chdir(tmp_path / "more")
    assert run(capsys, "feeds", "add", "--feeds", "../feeds.yaml", "b.xml")[0] == 0
    assert yaml.safe_load(registry.read_text())["feeds"][-1] == {"url": "more/b.xml"}  # relative to the registry
    assert run(capsys, "feeds", "remove", "--feeds", "../feeds.yaml", "b.xml")[0] == 0
    assert [f.url for f in load_registry(registry)] == [str(tmp_path / "local.xml")]


@pytest.mark.parametrize(("argv", "message"), [
    (["add", "https://EXAMPLE.org/rss"], "https://EXAMPLE.org/rss is already in {registry}: feed #2"),
    (["add", "ftp://example.org/rss"], "unsupported feed URL scheme 'ftp'"),
    (["add", "example.org/rss"], "e.g. https://example.org/rss"),
    (["add", "http://[::1/rss"], "feed URL 'http://[::1/rss' cannot be parsed: Invalid IPv6 URL"),
    (["add", "https://b.example/rss", "--min-interval", "2h", "--max-interval", "10m"], "is above max_interval_s"),
    (["add", "https://b.example/rss", "--language", "en us"], "is not a language tag"),
    (["remove", "nothing-like-it"], "no feed with URL or name 'nothing-like-it' in {registry}"),
    (["import-opml", "{registry}"], "is not OPML"),
    (["import-opml", "missing.opml"], "OPML file not found: missing.opml"),
    (["export-opml", "/no/such/folder/out.opml"], "cannot write /no/such/folder/out.opml"),
])
def test_errors_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], registry: Path, argv: list[str], message: str):
    run(capsys, "feeds", "add", "--feeds", str(registry), "https://example.org/rss")
    before = registry.read_bytes()
    argv = [a.format(registry=registry) for a in argv]
    code, out, err = run(capsys, "feeds", argv[0], "--feeds", str(registry), *argv[1:])
    assert code == 2 and out == ""
    assert message.format(registry=registry) in one_error_line(err)
    assert registry.read_bytes() == before


@pytest.mark.parametrize("action", ["list", "remove x", "export-opml"])
def test_a_missing_or_broken_registry_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path, action: str):
    missing = tmp_path / "missing.yaml"
    code, _, err = run(capsys, "feeds", *action.split(), "--feeds", str(missing))
    assert code == 2 and one_error_line(err) == f"newsflow: error: feeds file not found: {missing}"
    broken = tmp_path / "broken.yaml"
    broken.write_text("feeds:\n  - url: https://a.example/rss\n    colour: red\n")
    code, _, err = run(capsys, "feeds", *action.split(), "--feeds", str(broken))
    assert code == 2 and f"{broken}, feed #1 (https://a.example/rss): unknown option 'colour'" in one_error_line(err)


@pytest.mark.parametrize("value", ["0", "-5", "soon", "5 weeks"])
def test_a_bad_interval_is_a_usage_error(capsys: pytest.CaptureFixture[str], registry: Path, value: str):
    with pytest.raises(SystemExit) as exited:
        main(["feeds", "add", "--feeds", str(registry), "https://b.example/rss", f"--min-interval={value}"])
    assert exited.value.code == 2
    assert "is not a duration such as 300, 90s, 15m, 2h or 1d" in capsys.readouterr().err.splitlines()[-1]


# --- OPML ------------------------------------------------------------------------------------

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My subscriptions</title></head><body>
  <outline text="News"><outline text="World">
    <outline type="rss" text="Example World" xmlUrl="https://example.org/world/rss"/>
  </outline></outline>
  <outline text="Tech"><outline type="rss" text="Byte" xmlUrl="https://byte.example/atom.xml"/></outline>
</body></opml>
"""


def test_import_then_import_again(capsys: pytest.CaptureFixture[str], registry: Path, tmp_path: Path):
    (tmp_path / "subs.opml").write_bytes(OPML)
    code, out, err = run(capsys, "feeds", "import-opml", "--feeds", str(registry), str(tmp_path / "subs.opml"))
    assert code == 0 and err == ""
    assert out == f"imported 2 of 2 feeds from {tmp_path / 'subs.opml'} into {registry} (0 already there, 0 refused)\n"
    assert load_registry(registry)[1:] == [
        FeedSpec(url="https://example.org/world/rss", name="Example World", tags=("News", "World")),
        FeedSpec(url="https://byte.example/atom.xml", name="Byte", tags=("Tech",)),
    ]
    code, out, _ = run(capsys, "feeds", "import-opml", "--feeds", str(registry), str(tmp_path / "subs.opml"))
    assert code == 0
    assert out.splitlines() == [
        f"imported 0 of 2 feeds from {tmp_path / 'subs.opml'} into {registry} (2 already there, 0 refused)",
        "  already there: https://example.org/world/rss",
        "  already there: https://byte.example/atom.xml",
    ]


def test_import_with_refused_outlines_imports_the_rest_and_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    (tmp_path / "subs.opml").write_bytes(OPML.replace(b"https://byte.example/atom.xml", b"gopher://byte.example/atom"))
    code, out, err = run(capsys, "feeds", "import-opml", "--feeds", str(tmp_path / "new.yaml"), str(tmp_path / "subs.opml"))
    assert code == 1
    assert "imported 1 of 2 feeds" in out and "1 refused" in out
    [warning] = err.splitlines()
    assert warning.startswith("newsflow: warning: refused gopher://byte.example/atom: unsupported feed URL scheme 'gopher'")
    assert [f.url for f in load_registry(tmp_path / "new.yaml")] == ["https://example.org/world/rss"]


def test_export_to_stdout_and_to_a_file_round_trips(capsys: pytest.CaptureFixture[str], registry: Path, tmp_path: Path):
    run(capsys, "feeds", "add", "--feeds", str(registry), "https://example.org/rss", "--tag", "world",
        "--max-interval", "1h", "--disabled")
    code, out, _ = run(capsys, "feeds", "export-opml", "--feeds", str(registry))
    assert code == 0
    outlines = ElementTree.fromstring(out.encode()).findall("body/outline")
    assert [(o.get("text"), o.get("xmlUrl")) for o in outlines] == [
        ("Local", str(tmp_path / "local.xml")), ("https://example.org/rss", "https://example.org/rss")]

    code, out, _ = run(capsys, "feeds", "export-opml", "--feeds", str(registry), str(tmp_path / "out.opml"))
    assert code == 0 and out == f"exported 2 feeds from {registry} to {tmp_path / 'out.opml'}\n"
    copy = tmp_path / "copy" / "feeds.yaml"
    copy.parent.mkdir()
    assert run(capsys, "feeds", "import-opml", "--feeds", str(copy), str(tmp_path / "out.opml"))[0] == 0
    assert load_registry(copy) == load_registry(registry)


# --- the extension point ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_stray_config(monkeypatch: pytest.MonkeyPatch):
    """The commands read settings: keep a developer's NEWSFLOW_CONFIG or feeds file out of these tests."""
    for name in list(os.environ):
        if name in ("NEWSFLOW_CONFIG", "NEWSFLOW_PRODUCER__FEEDS_FILE"):
            monkeypatch.delenv(name)
