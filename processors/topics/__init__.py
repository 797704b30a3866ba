"""Topics: the `news.topics.v1` step, with IPTC Media Topics out of the box or a trained taxonomy.

`step` (the step; re-exports the rest), `classifier` (what a classifier gives the step, and the
built-in IPTC one), `iptc` (the zero-shot lexicon classifier; its lexicon is a data file beside it,
iptc_lexicon.json, whose format, tokenizer and inflections are in `lexicon`), `taxonomy` (the 17
IPTC top-level categories), `custom` (`newsflow topics train`'s classifier), `labelled` (labelled
JSONL) and `evaluation` (`newsflow eval topics`'s figures).
"""
