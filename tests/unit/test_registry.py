"""The feed registry file: edits that keep what people wrote, URL checks, OPML import and export."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from newsflow.errors import ConfigError
from producers.base import FeedSpec
from producers.opml import OPML_NAMESPACE, export_opml, import_opml
from producers.registry import (
    add_feed,
    check_feed_url,
    load_registry,
    localize_path,
    read_registry,
    remove_feed,
    save_registry,
    update_feed,
)

HEADER = "# Our feeds.\n#   Owner: the news desk.\n\n# Keep this list short.\n"


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    (tmp_path / "local.xml").write_text("<rss version='2.0'><channel><title>L</title></channel></rss>")
    path = tmp_path / "feeds.yaml"
    path.write_text(
        HEADER
        + "owner: news-desk\n"
        + "feeds:\n"
        + "  - local.xml\n"
        + "  - url: https://example.org/world/rss\n"
        + "    name: Example World\n"
        + "    tags: [world]\n"
        + "    enabled: true   # said explicitly\n",
        encoding="utf-8",
    )
    return path


def _opml(body: str, head: str = "<head><title>subs</title></head>") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">{head}<body>{body}</body></opml>'.encode()


# --- reading ---------------------------------------------------------------------------------


def test_two_forms_relative_paths_as_written_and_resolved(registry: Path):
    written = read_registry(registry)
    loaded = load_registry(registry)
    assert [f.url for f in written] == ["local.xml", "https://example.org/world/rss"]
    assert loaded[0].url == str((registry.parent / "local.xml").resolve())
    assert loaded[1] == written[1]


def test_an_empty_or_comment_only_registry_has_no_feeds(tmp_path: Path):
    for text in ("", "# nothing yet\n", "feeds:\n", "feeds: []\n"):
        (tmp_path / "feeds.yaml").write_text(text)
        assert load_registry(tmp_path / "feeds.yaml") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("feeds:\n  - url: https://a.example/rss\n    colour: red\n", "feed #1 (https://a.example/rss): unknown option 'colour'"),
    ("feeds:\n  - url: https://a.example/rss\n    min_interval_s: -5\n", "feed #1 (https://a.example/rss): min_interval_s:"),
    ("feeds:\n  - url: https://a.example/rss\n    min_interval_s: 600\n    max_interval_s: 60\n",
     "min_interval_s (600) is above max_interval_s (60)"),
    ("feeds:\n  - https://a.example/rss\n  - url: HTTPS://A.example/rss#top\n", "feed #2 (HTTPS://A.example/rss#top): the same feed as feed #1"),
    ("feeds:\n  - ftp://a.example/rss\n", "feed #1 (ftp://a.example/rss): unsupported URL scheme 'ftp'"),
    ("feeds:\n  - 42\n", "feed #1: expected a URL or a mapping"),
    ("feeds:\n  - name: no url\n", "feed #1: url: Field required"),
    ("feeds: {url: x}\n", "must hold a list under 'feeds:'"),
    ("- https://a.example/rss\n", "must hold a list under 'feeds:'"),
    ("feeds:\n  - url: [unclosed\n", "is not valid YAML:"),
    ("feeds: " + "[" * 50_000 + "]" * 50_000 + "\n", "nests lists or mappings too deeply"),
])
def test_a_bad_registry_is_one_line_naming_file_and_entry(tmp_path: Path, text: str, expected: str):
    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_registry(path)
    message = str(caught.value)
    assert expected in message and str(path) in message
    assert "\n" not in message


def test_invalid_yaml_names_the_line(tmp_path: Path):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - url: a\n  - url: [b\n")
    with pytest.raises(ConfigError, match=r"line \d+, column \d+"):
        load_registry(path)


def test_a_missing_registry_is_an_error_except_for_editing(tmp_path: Path):
    with pytest.raises(ConfigError, match="feeds file not found"):
        load_registry(tmp_path / "none.yaml")
    assert read_registry(tmp_path / "none.yaml", missing_ok=True) == []


def test_tags_written_as_one_string_are_split(tmp_path: Path):
    (tmp_path / "feeds.yaml").write_text("feeds:\n  - url: https://a.example/rss\n    tags: world, politics\n")
    assert load_registry(tmp_path / "feeds.yaml")[0].tags == ("world", "politics")


# --- editing ---------------------------------------------------------------------------------


def test_add_list_remove_round_trip(registry: Path):
    added = add_feed(registry, FeedSpec(url=" https://news.example/rss ", name="News", tags=("a", "b", "a"),
                                        language="pt-BR", min_interval_s=600, max_interval_s=7200, enabled=False))
    assert added == FeedSpec(url="https://news.example/rss", name="News", tags=("a", "b"), language="pt-BR",
                             min_interval_s=600, max_interval_s=7200, enabled=False)
    assert read_registry(registry)[-1] == added
    assert load_registry(registry)[-1] == added
    raw = yaml.safe_load(registry.read_text())["feeds"][-1]
    assert raw == {"url": "https://news.example/rss", "name": "News", "tags": ["a", "b"], "language": "pt-BR",
                   "enabled": False, "min_interval_s": 600, "max_interval_s": 7200}

    assert remove_feed(registry, "News") == added
    assert remove_feed(registry, "https://EXAMPLE.org/world/rss") .name == "Example World"
    assert remove_feed(registry, "./local.xml").url == "local.xml"
    assert read_registry(registry) == []
    with pytest.raises(ConfigError, match=f"no feed with URL or name 'News' in {registry}"):
        remove_feed(registry, "News")


def test_add_creates_a_missing_registry_with_an_explanatory_header(tmp_path: Path):
    path = tmp_path / "new.yaml"
    add_feed(path, FeedSpec(url="https://a.example/rss"))
    text = path.read_text()
    assert text.startswith("# ") and "newsflow feeds" in text
    assert load_registry(path) == [FeedSpec(url="https://a.example/rss")]
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_edits_keep_the_leading_comments_other_keys_and_untouched_entries(registry: Path):
    add_feed(registry, FeedSpec(url="https://b.example/rss", tags=("x",)))
    text = registry.read_text()
    assert text.startswith(HEADER)
    document = yaml.safe_load(text)
    assert document["owner"] == "news-desk"
    assert document["feeds"][0] == "local.xml"  # a bare string entry stays one
    assert document["feeds"][1]["enabled"] is True  # written explicitly, kept explicitly
    assert document["feeds"][2] == {"url": "https://b.example/rss", "tags": ["x"]}  # defaults left out
    remove_feed(registry, "https://b.example/rss")
    assert registry.read_text().startswith(HEADER)
    assert yaml.safe_load(registry.read_text()) == yaml.safe_load(
        HEADER + "owner: news-desk\nfeeds:\n  - local.xml\n  - url: https://example.org/world/rss\n"
        "    name: Example World\n    tags: [world]\n    enabled: true\n")


def test_saving_the_resolved_form_writes_relative_paths_back_as_given(registry: Path):
    save_registry(registry, load_registry(registry))
    assert yaml.safe_load(registry.read_text())["feeds"][0] == "local.xml"
    changed = [f.model_copy(update={"name": "Local"}) if f.url.endswith("local.xml") else f for f in load_registry(registry)]
    save_registry(registry, changed)
    assert yaml.safe_load(registry.read_text())["feeds"][0] == {"url": "local.xml", "name": "Local"}


def test_a_relative_file_path_added_stays_relative(registry: Path):
    (registry.parent / "more").mkdir()
    (registry.parent / "more" / "b.xml").write_text("<rss/>")
    add_feed(registry, FeedSpec(url="more/b.xml"))
    assert read_registry(registry)[-1].url == "more/b.xml"
    assert load_registry(registry)[-1].url == str(registry.parent.resolve() / "more" / "b.xml")


def test_localize_path_rewrites_paths_from_another_folder(registry: Path, tmp_path: Path,
                                                         tmp_path_factory: pytest.TempPathFactory):
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "b.xml").write_text("<rss/>")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "c.xml").write_text("<rss/>")
    # A file in the registry's folder (or below): relative to that folder. Outside it: absolute.
    assert localize_path("local.xml", origin=tmp_path, registry=registry) == "local.xml"
    assert localize_path("../local.xml", origin=inside, registry=registry) == "local.xml"
    assert localize_path("b.xml", origin=inside, registry=registry) == "inside/b.xml"
    assert localize_path("c.xml", origin=elsewhere, registry=registry) == str(elsewhere / "c.xml")
    for unchanged in ("https://a.example/rss", "/abs/path.xml", "missing.xml"):
        assert localize_path(unchanged, origin=elsewhere, registry=registry) == unchanged


@pytest.mark.parametrize("same", ["https://EXAMPLE.org/world/rss", "https://example.org/world/rss#latest",
                                  "./local.xml", "local.xml", "file://{dir}/local.xml"])
def test_a_duplicate_url_is_refused(registry: Path, same: str):
    before = registry.read_bytes()
    with pytest.raises(ConfigError, match=f"is already in {registry}: feed #"):
        add_feed(registry, FeedSpec(url=same.format(dir=registry.parent)))
    assert registry.read_bytes() == before


def test_removing_by_a_shared_name_asks_for_the_url(registry: Path):
    add_feed(registry, FeedSpec(url="https://a.example/rss", name="Top stories"))
    add_feed(registry, FeedSpec(url="https://b.example/rss", name="Top stories"))
    with pytest.raises(ConfigError, match="2 feeds match 'Top stories'.*give the URL"):
        remove_feed(registry, "Top stories")
    remove_feed(registry, "https://b.example/rss")
    assert remove_feed(registry, "Top stories").url == "https://a.example/rss"


def test_update_changes_one_feed_in_place(registry: Path):
    update_feed(registry, "Example World", enabled=False, url="https://example.org/world/rss2")
    feeds = read_registry(registry)
    assert feeds[1] == FeedSpec(url="https://example.org/world/rss2", name="Example World", tags=("world",), enabled=False)
    with pytest.raises(ConfigError, match="the same feed as feed #1"):
        update_feed(registry, "Example World", url="./local.xml")
    with pytest.raises(ConfigError, match="cannot update"):
        update_feed(registry, "Example World", colour="red")


# --- checks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://a.example/rss", "unsupported feed URL scheme 'ftp'"),
    ("javascript:alert(1)", "unsupported feed URL scheme 'javascript'"),
    ("localhost:8080/rss", "give the whole URL, e.g. https://localhost:8080/rss"),
    ("example.org/rss", "feed file not found: example.org/rss.*e.g. https://example.org/rss"),
    ("missing.xml", "feed file not found: missing.xml \\(a relative path is relative to "),
    ("http://", "has no host"),
    ("https://a.example/my feed", "white space"),
    ("file://otherhost/x.xml", "another host"),
    ("file:///no/such/feed.xml", "feed file not found"),
    ("   ", "empty feed URL"),
])
def test_only_http_urls_and_existing_files_are_feeds(tmp_path: Path, url: str, message: str):
    with pytest.raises(ConfigError, match=message):
        check_feed_url(url, base=tmp_path)


def test_valid_urls_come_back_normalized(tmp_path: Path):
    (tmp_path / "a.xml").write_text("<rss/>")
    assert check_feed_url(" https://a.example/rss ", base=tmp_path) == "https://a.example/rss"
    assert check_feed_url("feed://a.example/rss", base=tmp_path) == "http://a.example/rss"
    assert check_feed_url("feed:https://a.example/rss", base=tmp_path) == "https://a.example/rss"
    assert check_feed_url("a.xml", base=tmp_path) == "a.xml"
    assert check_feed_url(f"file://{tmp_path}/a.xml", base=tmp_path) == f"file://{tmp_path}/a.xml"
    with pytest.raises(ConfigError, match="is a folder"):
        check_feed_url(".", base=tmp_path)


def test_add_checks_the_options(registry: Path):
    with pytest.raises(ConfigError, match="language 'english!' is not a language tag"):
        add_feed(registry, FeedSpec(url="https://a.example/rss", language="english!"))
    with pytest.raises(ConfigError, match="min_interval_s \\(7200\\) is above max_interval_s \\(60\\)"):
        add_feed(registry, FeedSpec(url="https://a.example/rss", min_interval_s=7200, max_interval_s=60))
    with pytest.raises(ConfigError, match="holds a comma"):
        add_feed(registry, FeedSpec(url="https://a.example/rss", tags=("a,b",)))


# --- atomic writes ---------------------------------------------------------------------------


def test_a_failed_write_leaves_the_registry_as_it_was_and_no_debris(registry: Path, monkeypatch: pytest.MonkeyPatch):
    before = registry.read_bytes()
    replaced = []

    def failing_replace(src, dst):
        replaced.append((Path(src), Path(dst)))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ConfigError, match=f"cannot write feeds file {registry}: No space left on device"):
        add_feed(registry, FeedSpec(url="https://b.example/rss"))
    assert registry.read_bytes() == before
    assert sorted(p.name for p in registry.parent.iterdir()) == ["feeds.yaml", "local.xml"]
    # The new content went to a temporary file in the registry's own folder (so the rename is atomic).
    [(src, dst)] = replaced
    assert src.parent == dst.parent == registry.parent.resolve() and src != dst


def test_a_write_keeps_permissions_and_follows_a_symlink(registry: Path, tmp_path: Path):
    registry.chmod(0o600)
    link = tmp_path / "link.yaml"
    link.symlink_to(registry)
    add_feed(link, FeedSpec(url="https://b.example/rss"))
    assert link.is_symlink()
    assert stat.S_IMODE(registry.stat().st_mode) == 0o600
    assert read_registry(registry)[-1].url == "https://b.example/rss"


def test_a_registry_in_a_missing_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="cannot write feeds file .*No such file or directory"):
        add_feed(tmp_path / "nope" / "feeds.yaml", FeedSpec(url="https://a.example/rss"))


# --- OPML import -----------------------------------------------------------------------------

READER_EXPORT = _opml("""
  <outline text="News" title="News">
    <outline text="World">
      <outline type="rss" text="Example World" title="Example World" xmlUrl="https://example.org/world/rss"/>
      <outline type="rss" text="Agency &amp; Wire" xmlUrl="https://wire.example/rss?lang=en&amp;n=50" htmlUrl="https://wire.example/"/>
    </outline>
    <outline type="rss" text="Local" title="Local" xmlUrl="https://local.example/feed" category="/city/hall,sports"/>
  </outline>
  <outline text="Tech">
    <outline type="rss" text="Byte" xmlUrl="https://byte.example/atom.xml"/>
    <outline type="rss" text="Byte again" xmlUrl="https://byte.example/atom.xml"/>
  </outline>
  <outline type="rss" title="Only a title" xmlUrl="https://titled.example/rss"/>
  <outline type="rss" text="Gopher" xmlUrl="gopher://old.example/feed"/>
  <outline type="rss" text="Not here" xmlUrl="missing-file.xml"/>
  <outline type="link" text="Another list" url="https://lists.example/more.opml"/>
""")


def test_opml_import_folders_become_tags_and_duplicates_are_skipped(registry: Path):
    report = import_opml(registry, READER_EXPORT)
    by_url = {f.url: f for f in read_registry(registry)}
    assert by_url["https://wire.example/rss?lang=en&n=50"] == FeedSpec(
        url="https://wire.example/rss?lang=en&n=50", name="Agency & Wire", tags=("News", "World"))
    assert by_url["https://local.example/feed"].tags == ("city", "hall", "sports", "News")
    assert by_url["https://byte.example/atom.xml"] == FeedSpec(url="https://byte.example/atom.xml", name="Byte", tags=("Tech",))
    assert by_url["https://titled.example/rss"].name == "Only a title"
    assert [f.url for f in report.added] == ["https://wire.example/rss?lang=en&n=50", "https://local.example/feed",
                                             "https://byte.example/atom.xml", "https://titled.example/rss"]
    # Already in the registry: skipped, and the registry's entry is left as it was.
    assert [f.url for f in report.duplicates] == ["https://example.org/world/rss"]
    assert by_url["https://example.org/world/rss"].tags == ("world",)
    assert [url for url, _ in report.refused] == ["gopher://old.example/feed", "missing-file.xml"]
    assert "unsupported feed URL scheme 'gopher'" in report.refused[0][1]
    assert report.found == 7
    assert registry.read_text().startswith(HEADER)

    again = import_opml(registry, READER_EXPORT)
    assert again.added == () and len(again.duplicates) == 5


def test_opml_import_from_a_file_resolves_its_relative_paths(tmp_path: Path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "local.xml").write_text("<rss/>")
    (subs / "list.opml").write_bytes(_opml('<outline type="rss" text="L" xmlUrl="local.xml"/>'))
    registry = subs / "feeds.yaml"
    report = import_opml(registry, subs / "list.opml")
    assert [f.url for f in report.added] == ["local.xml"]
    other = tmp_path / "other" / "feeds.yaml"
    other.parent.mkdir()
    assert [f.url for f in import_opml(other, str(subs / "list.opml")).added] == [str(subs / "local.xml")]


@pytest.mark.parametrize(("document", "message"), [
    (b"", "is empty"),
    (b"this is not xml at all", "is not OPML"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', "is not OPML"),
    (b"<html><body><p>Sign in</p></body></html>", "is not OPML"),
    (b"\xff\xfe\x00<\x00o", "is not OPML"),
    (b'<?xml version="1.0" encoding="no-such-codec"?><opml version="2.0"><body>\xff</body></opml>', "is not text in UTF-8"),
])
def test_invalid_opml_is_a_config_error(registry: Path, document: bytes, message: str):
    before = registry.read_bytes()
    with pytest.raises(ConfigError, match=message):
        import_opml(registry, document)
    assert registry.read_bytes() == before


def test_small_defects_listparser_flags_do_not_refuse_a_list(tmp_path: Path):
    document = _opml('<outline type="rss" text="A" xmlUrl="https://a.example/rss"/>',
                     head="<head><title>x</title><dateCreated>2024-05-01T10:00:00Z</dateCreated></head>")
    assert [f.url for f in import_opml(tmp_path / "feeds.yaml", document).added] == ["https://a.example/rss"]


def test_an_opml_path_is_read_never_fetched(registry: Path):
    # listparser fetches a str that looks like a URL; a str here is always a file path.
    with pytest.raises(ConfigError, match="OPML file not found: https:/"):
        import_opml(registry, "https://lists.example/subs.opml")


def test_opml_in_a_legacy_encoding_or_with_a_bom(tmp_path: Path):
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><opml version="1.0"><body>' \
            '<outline text="Café Noticias" xmlUrl="https://cafe.example/rss"/></body></opml>'
    report = import_opml(tmp_path / "a.yaml", latin.encode("iso-8859-1"))
    assert report.added[0].name == "Café Noticias"
    bom = b"\xef\xbb\xbf" + _opml('<outline text="Zürich" xmlUrl="https://z.example/rss"/>')
    assert import_opml(tmp_path / "b.yaml", bom).added[0].name == "Zürich"
    utf16 = _opml('<outline text="Kyiv" xmlUrl="https://k.example/rss"/>').decode().replace("UTF-8", "UTF-16")
    assert import_opml(tmp_path / "c.yaml", b"\xff\xfe" + utf16.encode("utf-16-le")).added[0].name == "Kyiv"


def test_an_opml_with_entities_is_not_expanded(tmp_path: Path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<opml version="2.0"><body><outline text="&b;" xmlUrl="https://e.example/rss" language="en"/></body></opml>')
    report = import_opml(tmp_path / "feeds.yaml", bomb.encode())
    assert [f.url for f in report.added] == ["https://e.example/rss"]
    assert "aaaaaaaaaa" not in (report.added[0].name or "")


# --- OPML export -----------------------------------------------------------------------------

FEEDS = [
    FeedSpec(url="https://a.example/rss?x=1&y=2", name="A & B <news>", tags=("world", "politics"), language="en"),
    FeedSpec(url="https://b.example/atom", min_interval_s=600, max_interval_s=7200.5, enabled=False),
    FeedSpec(url="https://c.example/feed.json", name="Ünïcode 新闻", tags=("tech",), language="zh-Hans", max_interval_s=3600),
]


def test_export_is_opml_2_with_one_rss_outline_per_feed():
    document = export_opml(FEEDS)
    assert document.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ElementTree.fromstring(document)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title").text == "newsflow feeds"
    outlines = root.findall("body/outline")
    assert [o.attrib.get("type") for o in outlines] == ["rss"] * 3
    first, second, _ = outlines
    assert (first.get("text"), first.get("title"), first.get("xmlUrl")) == ("A & B <news>", "A & B <news>", "https://a.example/rss?x=1&y=2")
    assert first.get("category") == "world,politics" and first.get("language") == "en"
    assert second.get("text") == "https://b.example/atom"  # text is required: the URL where no name
    assert second.get(f"{{{OPML_NAMESPACE}}}enabled") == "false"
    assert second.get(f"{{{OPML_NAMESPACE}}}maxInterval") == "7200.5"


def test_export_then_import_round_trips_every_option(tmp_path: Path):
    report = import_opml(tmp_path / "feeds.yaml", export_opml(FEEDS))
    assert list(report.added) == FEEDS
    assert load_registry(tmp_path / "feeds.yaml") == FEEDS


def test_a_registry_with_file_feeds_round_trips_through_opml(registry: Path, tmp_path: Path):
    exported = export_opml(load_registry(registry))
    elsewhere = tmp_path / "copy" / "feeds.yaml"
    elsewhere.parent.mkdir()
    import_opml(elsewhere, exported)
    assert load_registry(elsewhere) == load_registry(registry)


def test_an_empty_registry_exports_a_valid_empty_list(tmp_path: Path):
    root = ElementTree.fromstring(export_opml([]))
    assert root.find("body") is not None and root.findall("body/outline") == []
    assert import_opml(tmp_path / "feeds.yaml", export_opml([])).found == 0


def test_a_path_starting_with_the_home_of_no_user_is_a_config_error(tmp_path: Path):
    """`~someone/feed.xml` where no user `someone` exists: pathlib raises RuntimeError ("Could not
    determine home directory"), which was a traceback from `feeds add`, the registry load of a
    producer and an OPML import."""
    nobody = "~no-such-user-newsflow"
    with pytest.raises(ConfigError, match="names no user with a home folder"):
        check_feed_url(f"{nobody}/feed.xml", base=tmp_path)
    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - url: {nobody}/feed.xml\n")
    with pytest.raises(ConfigError, match="names no user with a home folder"):
        load_registry(path)
    document = f'<opml version="2.0"><body><outline type="rss" xmlUrl="{nobody}/feed.xml"/></body></opml>'.encode()
    report = import_opml(tmp_path / "imported.yaml", document)
    assert report.added == () and "names no user" in report.refused[0][1]


def test_a_path_holding_a_nul_character_is_a_config_error(tmp_path: Path):
    """YAML can write one ("\\0"); pathlib's resolve() raised ValueError: embedded null byte."""
    path = tmp_path / "feeds.yaml"
    path.write_text('feeds:\n  - url: "feed\\0.xml"\n')
    with pytest.raises(ConfigError, match="cannot hold a NUL character"):
        load_registry(path)
    with pytest.raises(ConfigError, match="cannot hold a NUL character"):
        check_feed_url("feed\x00.xml", base=tmp_path)
