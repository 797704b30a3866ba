"""Near-duplicates and stories: the `news.duplicates.v1` and `news.stories.v1` steps.

`neardup` (MinHash fingerprints and LSH), `clustering` (incremental story clustering), `state`
(the decisions kept in Kafka and replayed), `steps` (the two registered steps), `evaluation`
(`newsflow eval stories` on a labelled set). The first two are pure and storage-free.
"""
