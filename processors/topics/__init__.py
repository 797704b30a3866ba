"""Topics: the `news.topics.v1` step, with IPTC Media Topics out of the box or a trained taxonomy.

`step` (the step, the trained classifier, the evaluation metrics), `iptc` (the zero-shot IPTC
classifier; its lexicon is a data file beside it).
"""
