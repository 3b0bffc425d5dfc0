"""User-facing errors: the CLI prints their message on one line and exits 1."""

from __future__ import annotations


class GraphtwinError(Exception):
    """An error caused by input, configuration or environment, not by a bug.

    The message must say what is wrong and, where possible, how to fix it.
    """


class ValidationFailed(GraphtwinError):
    """A bundle has one or more fatal problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[str], warnings: list[str] | None = None):
        self.problems = problems
        self.warnings = warnings or []
        n = len(problems)
        super().__init__(f"{n} problem{'' if n == 1 else 's'} found; nothing was written")


class StoreError(GraphtwinError):
    """A store could not be opened, reached or queried."""


class QueryError(GraphtwinError):
    """A Cypher query failed, or a named query or one of its parameters is missing."""
