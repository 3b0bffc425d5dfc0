"""Find and read the input files of the GtR and ROR importers.

:mod:`~graphtwin.ingest.gtr` and :mod:`~graphtwin.ingest.ror` both take files and
folders of saved downloads; every error names the path, so that a user with many inputs
knows which one to fix.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "b.json").write_text("[]"), (d / "a.json").write_text("{}")
    >>> [p.name for p in input_files([d], (".json",), lambda f: f.glob("*.json"), "?")]
    ['a.json', 'b.json']
    >>> read_text(d / "a.json")
    '{}'
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from graphtwin.errors import GraphtwinError


def input_files(
    paths: Iterable[str | os.PathLike[str]],
    suffixes: tuple[str, ...],
    in_folder: Callable[[Path], Iterable[Path]],
    not_input: str,
) -> list[Path]:
    """The files named by ``paths``, in order: a file ending in one of ``suffixes`` (any
    case) as given, a folder as the sorted files that ``in_folder`` finds in it.

    Raises :class:`GraphtwinError` naming the path for a missing path, a folder without
    input files, or a file of another kind (``not_input`` says what to give instead).
    A file named twice is listed twice: each importer decides what counts as the same.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise GraphtwinError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(in_folder(path))
            if not found:
                raise GraphtwinError(f"{path}: no {' or '.join(suffixes)} files in this folder")
            files.extend(found)
        elif path.suffix.lower() in suffixes:
            files.append(path)
        else:
            raise GraphtwinError(f"{path}: {not_input}")
    return files


def read_text(path: Path, source: str = "") -> str:
    """The text of the UTF-8 file ``path`` (a byte order mark dropped).

    Raises :class:`GraphtwinError` naming the path for a file that cannot be read or is
    not UTF-8; the latter says that ``source`` files (e.g. ``ROR``) are UTF-8, if given.
    """
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        note = f"{source} files are UTF-8, " if source else ""
        raise GraphtwinError(
            f"{path}: not UTF-8 (byte {exc.start}); {note}save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise GraphtwinError(f"{path}: cannot read ({exc.strerror})") from exc
