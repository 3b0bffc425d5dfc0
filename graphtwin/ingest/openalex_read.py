"""Read OpenAlex files: API result pages, JSON Lines and the snapshot's gzipped parts.

Used by :mod:`graphtwin.ingest.openalex`. A ``.json`` file holds an API result page
(``{"meta": …, "results": [...]}``), a list of records or one record; ``.jsonl`` and
``.gz`` files hold one record a line and are streamed (binary lines into orjson, through
a 1 MB buffer), never read whole. Every error names the file and the line or index.

Example:
    for where, record in read_records(Path("part_000.gz")):
        ...
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.files import input_files

try:  # orjson parses works 2-3x faster than json; json is the fallback
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads = json.loads

OPENALEX_PREFIX = "https://openalex.org/"
#: What a file must end with to be read (a folder is searched for these).
SUFFIXES: tuple[str, ...] = (".json", ".jsonl", ".gz")
#: Files a folder may hold that are not records (the download state of openalex_api).
SKIPPED = frozenset({"openalex-fetch.json", "manifest", "manifest.json"})


# --------------------------------------------------------------------------------------


def openalex_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The .json, .jsonl and .gz files of ``paths`` (folders searched recursively).

    Raises :class:`GraphtwinError` naming the path for a missing path, a folder without
    such files, or a file of another kind.
    """
    return input_files(
        paths,
        SUFFIXES,
        lambda folder: (
            p
            for p in folder.rglob("*")
            if p.is_file() and p.name.lower().endswith(SUFFIXES) and p.name not in SKIPPED
        ),
        "not an OpenAlex file; give API result pages (.json), JSON Lines (.jsonl) or "
        "snapshot parts (.gz)",
    )


def read_records(
    path: Path, position: Callable[[int], None] | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(where, record)`` for every JSON object in an OpenAlex file.

    A ``.json`` file holds an API result page (its ``results``), a list, or one
    record; JSON Lines (``.jsonl``, or any ``.gz``) one record per line, streamed.
    ``where`` is ``file:line`` (JSON Lines) or ``file[index]``; ``position`` is called
    now and then with the bytes of ``path`` read so far (compressed bytes of a .gz). Raises
    :class:`GraphtwinError` naming the file and line for text that is not JSON.
    """
    name = path.name.lower()
    gzipped = name.endswith(".gz")
    lines = gzipped or name.endswith((".jsonl", ".ndjson"))
    try:
        if lines:
            # Binary lines straight into orjson: no text decoding, 2-3x the speed of json.
            raw = open(path, "rb")  # noqa: SIM115 (closed below, after the reader)
            with raw, _binary_lines(raw, gzipped) as fh:
                for number, line in enumerate(fh, 1):
                    if position and number % 2000 == 0:
                        position(raw.tell())
                    if number == 1:
                        line = line.removeprefix(b"\xef\xbb\xbf")
                    if not line.strip():
                        continue
                    try:
                        record = _loads(line)
                    except ValueError as exc:
                        reason = getattr(exc, "msg", None) or str(exc)
                        raise GraphtwinError(
                            f"{path}:{number}: not a JSON record ({reason})"
                        ) from None
                    yield f"{path}:{number}", _object(record, f"{path}:{number}")
            return
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GraphtwinError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except (OSError, EOFError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise GraphtwinError(f"{path}: cannot read ({reason})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GraphtwinError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        items = data["results"]
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    for i, item in enumerate(items):
        yield f"{path}[{i}]", _object(item, f"{path}[{i}]")


def _binary_lines(raw: IO[bytes], gzipped: bool) -> io.BufferedReader:
    """``raw`` read as binary lines through a 1 MB buffer, gunzipped if ``gzipped``
    (GzipFile's own readline is several times slower)."""
    source = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
    return io.BufferedReader(source, buffer_size=1 << 20)  # type: ignore[arg-type]


def _object(record: Any, where: str) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise GraphtwinError(f"{where}: not an OpenAlex record (a JSON object)")
    return record


def short_openalex_id(value: str) -> str:
    """``https://openalex.org/I27837315`` → ``I27837315`` (short ids pass through).

    >>> short_openalex_id("https://openalex.org/I27837315"), short_openalex_id("I1")
    ('I27837315', 'I1')
    """
    value = value.strip()
    return value[len(OPENALEX_PREFIX) :] if value.startswith(OPENALEX_PREFIX) else value


def clean_text(value: Any) -> str:
    """A string value stripped; anything else is ''."""
    return value.strip() if isinstance(value, str) else ""


def as_float(value: Any) -> float | None:
    """A JSON number as a float; anything else (booleans too) is None."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def institution_ids(paths: Iterable[str | os.PathLike[str]]) -> set[str]:
    """The OpenAlex short ids of the institutions named in the works of ``paths``."""
    ids: set[str] = set()
    for path in openalex_files(paths):
        for _, work in read_records(path):
            for authorship in work.get("authorships") or ():
                for inst in (authorship or {}).get("institutions") or ():
                    key = (
                        short_openalex_id(clean_text(inst.get("id")))
                        if isinstance(inst, dict)
                        else ""
                    )
                    if key:
                        ids.add(key)
    return ids
