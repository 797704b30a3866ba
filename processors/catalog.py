"""Every enrichment step module, imported so that its steps register (processors.base)."""

from __future__ import annotations

__all__ = ["load_steps"]


def load_steps() -> None:
    """Import the step modules (spaCy, trafilatura...): only processes that enrich pay for them."""
    import processors.clean  # noqa: F401
    import processors.entities  # noqa: F401
    import processors.extract  # noqa: F401
    import processors.keyphrases  # noqa: F401
    import processors.language  # noqa: F401
    import processors.stories.steps  # noqa: F401
    import processors.topics.step  # noqa: F401
