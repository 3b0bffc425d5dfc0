"""Find and read input files: bundles (folder, zip, JSON) and importer downloads.

:mod:`~graphtwin.ingest.gtr` and :mod:`~graphtwin.ingest.ror` both take files and
folders of saved downloads; every error names the path, so that a user with many inputs
knows which one to fix.

Bounded reading (:func:`read_regular`, :func:`read_member`, :func:`read_stdin`): only
regular files are read (a FIFO or a device such as ``/dev/zero`` is refused without
waiting on it; a symlink is resolved and, inside a bundle folder, must stay inside it),
and no file or decompressed zip member over :func:`max_input_bytes` is read whole
(default 1024 MB; set ``GRAPHTWIN_MAX_INPUT_MB`` to change it): a 5 MB zip that expands
to 5 GB is refused after reading at most the limit, not with a MemoryError.

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
import stat
import sys
import zipfile
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


#: Default largest input file (and decompressed zip member), in megabytes.
DEFAULT_MAX_INPUT_MB = 1024
MAX_INPUT_ENV = "GRAPHTWIN_MAX_INPUT_MB"


def max_input_bytes() -> int:
    """The size cap in bytes: ``GRAPHTWIN_MAX_INPUT_MB`` megabytes, else 1024 MB."""
    raw = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_INPUT_MB * 2**20
    if not (raw.isascii() and raw.isdigit()) or int(raw) == 0:
        raise GraphtwinError(f"{MAX_INPUT_ENV}={raw!r}: give a whole number of megabytes")
    return int(raw) * 2**20


def _too_big(label: str, what: str, limit: int) -> GraphtwinError:
    return GraphtwinError(
        f"{label}: {what} over the {limit // 2**20:,} MB input limit; split it, or raise "
        f"the limit with {MAX_INPUT_ENV}=<megabytes>"
    )


_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def read_regular(path: Path, inside: Path | None = None, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` (default the cap).

    ``inside``: a folder the file must be in once symlinks are resolved. Raises
    :class:`GraphtwinError` naming the path for anything else.
    """
    limit = max_input_bytes() if limit is None else limit
    if inside is not None:
        real, root = Path(path).resolve(), Path(inside).resolve()
        if not real.is_relative_to(root):
            raise GraphtwinError(
                f"{path}: a link to {real}, outside the bundle folder; copy the file in"
            )
    # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise GraphtwinError(f"{path}: {kind}, not a regular file; give a file")
        size = os.fstat(fd).st_size
        if size > limit:
            raise _too_big(str(path), f"{size / 2**20:,.0f} MB,", limit)
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise _too_big(str(path), "grew", limit)
    return data


def read_member(zf: zipfile.ZipFile, name: str, label: str, limit: int | None = None) -> bytes:
    """A zip member's decompressed bytes, refused once they pass ``limit`` (the cap)."""
    limit = max_input_bytes() if limit is None else limit
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise _too_big(label, f"expands to {info.file_size / 2**20:,.0f} MB,", limit)
    with zf.open(info) as fh:
        data = fh.read(limit + 1)  # the declared size may lie: read no further
    if len(data) > limit:
        raise _too_big(label, "expands to", limit)
    return data


def read_stdin(limit: int | None = None) -> bytes:
    """Standard input's bytes (``-`` as a path), with the same cap as files."""
    limit = max_input_bytes() if limit is None else limit
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise _too_big("<stdin>", "input is", limit)
    return data
