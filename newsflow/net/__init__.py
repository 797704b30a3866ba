"""The one HTTP package: how newsflow talks to web servers it does not control.

It holds `transport` (the bounded `HttpFetcher`: timeouts, a total deadline, a size limit and
redirects, with `deadline` and `decoding` as its parts and `response` for what a fetch returns),
`guard` (the SSRF guard), `politeness` (the per-host gate) and `robots` (robots.txt rules, cached
per origin); the producer's feed fetches, the extract step's article-page fetches (robots.txt
included) and WebSub (the guard on the hub URLs a feed names) all go through it, so each such
request is bounded and checked the same way. May import: newsflow.contract, newsflow.settings,
newsflow.errors, newsflow.redaction and third-party libraries; never a stage, the read side, the
runtime or the index.
"""
