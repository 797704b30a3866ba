"""Property tier for the labelled sets people bring to `newsflow eval` (processors/stories/evaluation.py,
processors/entities_eval.py): whatever the file holds, the reader gives labelled data or a
`ConfigError` naming the file, never another exception; and what it gives is consistent (story
ids and originals known, entity spans on the tokens they label)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsflow.errors import ConfigError
from processors.entities_eval import parse_conll
from processors.stories.evaluation import load_eval_articles

PROPERTIES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
ids = st.sampled_from(["a", "b", "c", "d"])
dates = st.sampled_from(["2026-03-02T08:00:00+00:00", "2026-03-02T09:30:00Z", "2026-03-02", "yesterday", ""])
labels = st.fixed_dictionaries({"story": st.one_of(st.sampled_from(["s1", "s2"]), json_values)},
                                optional={"duplicate_of": st.one_of(ids, st.none(), json_values)})
rows = st.fixed_dictionaries(
    {"id": st.one_of(ids, json_values), "published": st.one_of(dates, json_values), "text": st.one_of(st.text(max_size=30), json_values),
     "labels": st.one_of(labels, json_values)},
    optional={"fetched_at": st.one_of(dates, json_values), "title": json_values, "source": json_values,
              "date_source": st.one_of(st.sampled_from(["feed", "page", "fetched"]), json_values)},
)
lines = st.lists(st.one_of(rows.map(json.dumps), json_values.map(json.dumps), st.text(max_size=30)), max_size=6)


@PROPERTIES
@given(lines)
@example(['{"id": "a", "published": "2026-03-02T08:00:00+00:00", "text": "t", "labels": {"story": "s1", "duplicate_of": {"x": 1}}}'])
def test_a_stories_set_is_read_or_refused_in_one_line(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "set.jsonl"
        path.write_text("\n".join(content), encoding="utf-8")
        try:
            articles = load_eval_articles(path)
        except ConfigError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc)
            return
    known = {a.id for a in articles}
    assert len(known) == len(articles) and all(isinstance(a.story, str) for a in articles)
    assert all(a.duplicate_of is None or a.duplicate_of in known for a in articles)


tokens = st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=8)
tags = st.one_of(st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-ORG", "E-MISC", "S-LOC", "I-XYZ"]), tokens)
conll_lines = st.lists(st.one_of(
    st.builds(lambda token, middle, tag: " ".join([token, *middle, tag]), tokens, st.lists(tokens, max_size=2), tags),
    st.just(""), st.just("-DOCSTART- -X- O O"), tokens, st.text(max_size=20),
), max_size=30)


@PROPERTIES
@given(conll_lines)
def test_a_conll_file_is_read_or_refused_and_its_spans_label_its_tokens(content):
    try:
        documents = parse_conll(content)
    except ConfigError as exc:
        assert str(exc).startswith("CoNLL line ") and "\n" not in str(exc)
        return
    for document in documents:
        for span in document.spans:
            assert 0 <= span.start < span.end <= len(document.text)
            labelled = document.text[span.start:span.end]
            assert labelled == labelled.strip() and "\n" not in labelled
