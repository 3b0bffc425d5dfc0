"""Where the shipped UK–Korea Innovation Twins demo bundle lives.

The demo bundle (``graphtwin/data/demo/``: organisations.csv, ties.csv, sectors.csv and
SOURCES.md) holds the real stakeholders of the UK–Republic of Korea Innovation Twins
programme (Belfast–Sejong, Liverpool City Region–Busan and the national bodies), built
only from sourced public facts: every tie carries its evidence and source. It is package
data, so ``graphtwin demo`` and notebooks find it wherever graphtwin is installed.

Example:
    >>> from graphtwin.ingest.demo import demo_bundle_path
    >>> (demo_bundle_path() / "organisations.csv").is_file()
    True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from graphtwin.errors import GraphtwinError

#: Name of the demo dataset, as shown in summaries and used for default output folders.
DEMO_NAME = "uk-korea-innovation-twins"

#: Files that make up the demo bundle (SOURCES.md documents every row's source).
DEMO_FILES: tuple[str, ...] = ("organisations.csv", "ties.csv", "sectors.csv", "SOURCES.md")


def demo_bundle_path() -> Path:
    """Return the folder of the shipped demo bundle, ready for ``read_bundle``.

    Raises GraphtwinError if the package was installed without its data files (for
    example from a zip that cannot be read as a folder), saying how to fix it.

    >>> demo_bundle_path().name
    'demo'
    """
    folder = resources.files("graphtwin").joinpath("data", "demo")
    path = Path(str(folder))
    if not isinstance(folder, Path) or not (path / "organisations.csv").is_file():
        raise GraphtwinError(
            f"the demo bundle is missing from the installed package (looked in {path}); "
            "reinstall graphtwin with its package data: pip install -e ."
        )
    return path
