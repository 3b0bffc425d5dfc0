"""Every example in the package's docstrings runs and gives the output it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import graphtwin

MODULES = sorted(m.name for m in pkgutil.walk_packages(graphtwin.__path__, prefix="graphtwin."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_public_modules_have_examples() -> None:
    """The public API modules document themselves with runnable examples."""
    for name in ("graphtwin.model", "graphtwin.analysis.projection", "graphtwin.cli.output"):
        assert doctest.testmod(importlib.import_module(name)).attempted > 0, name
