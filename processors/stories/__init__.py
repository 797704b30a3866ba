"""Near-duplicates and stories: the `news.duplicates.v1` and `news.stories.v1` steps.

`neardup` (MinHash fingerprints and LSH), `features` (what an article is about, as weighted
vectors, and their similarity), `clustering` (incremental story clustering), `state`
(the decisions kept in Kafka and replayed), `steps` (the two registered steps), `evaluation`
(`newsflow eval stories` on a labelled set). The first three are pure and storage-free.
"""
