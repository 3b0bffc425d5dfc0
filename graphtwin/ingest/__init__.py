"""Reading input: bundles (folder, .zip, .json), importers, demo data, synthetic data.

The public entry point is :func:`read_bundle`, which reads and validates a bundle and
returns a :class:`~graphtwin.model.Bundle` or raises :class:`ValidationFailed` listing
every problem. This package imports nothing heavy, so ``graphtwin validate`` starts fast.

Example:
    >>> from graphtwin.ingest import read_bundle, ValidationFailed
    >>> try:
    ...     read_bundle("missing-bundle/")
    ... except ValidationFailed as exc:
    ...     exc.problems
    ['missing-bundle/: path does not exist']
"""

from graphtwin.errors import ValidationFailed
from graphtwin.ingest.validate import read_bundle

__all__ = ["ValidationFailed", "read_bundle"]
