"""Read a bundle (a folder, a .zip, or one .json) into raw rows with file and line positions.

This module knows the *layout* of the input format (which files, which columns, which
JSON types) and nothing of its meaning: :mod:`graphtwin.ingest.validate` checks the
values and builds the :class:`~graphtwin.model.Bundle`. Problems found while reading
(missing files, encodings, headers, field counts, JSON types, over-long fields) go into
a :class:`Report`, positioned as ``FILE:LINE: COLUMN: message`` for CSV and
``FILE: $.ties[3].weight: message`` for JSON, so that the validator can add its own and
the user sees every problem at once.

CSV rows are parsed with the csv module in chunks, so a 500,000-row ties.csv is never
held as one list: :meth:`RawTable.rows` yields ``(position, row)`` where ``position`` is
the physical line on which the row starts (the header is line 1; quoted newlines are
counted) and ``row`` is a list of strings with one extra empty cell at the end, which
:attr:`RawTable.index` points at for columns that the file does not have.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> text = 'id,name,kind,city,country\\na,"A\\nLtd",firm,Belfast,GB\\n'
    >>> _ = (d / "organisations.csv").write_text(text)
    >>> raw = read_raw(d)
    >>> t = raw.tables["organisations"]
    >>> [(line, row[t.index["name"]]) for line, row in t.rows()]
    [(2, 'A\\nLtd')]
    >>> raw.report.problems()
    []
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from graphtwin.errors import GraphtwinError
from graphtwin.escaping import terminal_safe
from graphtwin.ingest.files import read_member, read_regular, read_stdin

#: The files of a bundle, in the order problems are reported.
BUNDLE_FILES: tuple[str, ...] = ("organisations", "ties", "cities", "sectors")

#: Column -> value type, per file. Types: text, number, int, bool, list, date.
SCHEMA: dict[str, dict[str, str]] = {
    "organisations": {
        "id": "text",
        "name": "text",
        "kind": "text",
        "city": "text",
        "country": "text",
        "sectors": "list",
        "size": "text",
        "founded": "int",
        "ror_id": "text",
        "website": "text",
        "source": "text",
        "synthetic": "bool",
    },
    "ties": {
        "source": "text",
        "target": "text",
        "kind": "text",
        "weight": "number",
        "start": "date",
        "end": "date",
        "evidence": "text",
        "source_url": "text",
    },
    "cities": {
        "name": "text",
        "country": "text",
        "lat": "number",
        "lon": "number",
        "population": "int",
        "region": "text",
    },
    "sectors": {"id": "text", "name": "text"},
}

#: Columns every row of a file must have.
REQUIRED: dict[str, tuple[str, ...]] = {
    "organisations": ("id", "name", "kind", "city", "country"),
    "ties": ("source", "target", "kind"),
    "cities": ("name", "country"),
    "sectors": ("id",),
}

#: File names accepted for each bundle file (lower case).
FILE_NAMES: dict[str, str] = {
    "organisations.csv": "organisations",
    "organizations.csv": "organisations",
    "ties.csv": "ties",
    "cities.csv": "cities",
    "sectors.csv": "sectors",
}

#: Longest accepted value, in characters.
MAX_FIELD = 10_000
_CHUNK_ROWS = 20_000
_HUGE_FIELD = 2**31 - 1
_BOM = b"\xef\xbb\xbf"
_MAX_ENCODING_LINES = 10
_ORDER = {name: i for i, name in enumerate(BUNDLE_FILES)}


def quoted(value: object, limit: int = 80) -> str:
    """``value`` in single quotes for a message, shortened to ``limit`` characters.

    Control characters are shown escaped (graphtwin.escaping.terminal_safe), so that a
    message about a bad value never sends that value raw to the terminal.

    >>> quoted("Gwangju"), quoted("x" * 100, limit=10), quoted("a\x1bb")
    ("'Gwangju'", "'xxxxxxxxx…' (100 characters)", "'a\\\\x1bb'")
    """
    text = terminal_safe(str(value))
    if len(text) <= limit:
        return f"'{text}'"
    return f"'{text[: limit - 1]}…' ({len(text)} characters)"


class Report:
    """Problems (fatal) and warnings, each kept with a sort key (file order, position)."""

    def __init__(self) -> None:
        self._problems: list[tuple[int, int, str]] = []
        self._warnings: list[tuple[int, int, str]] = []

    def error(self, table: str | None, pos: int, text: str) -> None:
        self._problems.append((_ORDER.get(table or "", -1), pos, text))

    def warn(self, table: str | None, pos: int, text: str) -> None:
        self._warnings.append((_ORDER.get(table or "", -1), pos, text))

    @property
    def has_problems(self) -> bool:
        return bool(self._problems)

    def problems(self) -> list[str]:
        """Every problem, ordered by file (organisations, ties, cities, sectors), then line."""
        return [t for _, _, t in sorted(self._problems, key=lambda p: (p[0], p[1]))]

    def warnings(self) -> list[str]:
        return [t for _, _, t in sorted(self._warnings, key=lambda p: (p[0], p[1]))]


@dataclass
class RawTable:
    """The rows of one bundle file, not yet checked beyond their layout."""

    name: str  # "organisations", "ties", "cities" or "sectors"
    label: str  # how the file is named in messages (path as the user gave it)
    columns: list[str]  # header (lower case); for JSON, the schema's columns
    index: dict[str, int]  # schema column -> cell index (the empty pad cell if absent)
    is_json: bool
    usable: bool  # False if a required column is missing: rows are not checked
    report: Report
    header_line: int = -1  # line of the CSV header (-1 for JSON)
    flagged: set[tuple[int, str]] = field(default_factory=set)  # cells already reported
    skipped: list[tuple[int, list[str]]] = field(default_factory=list)  # too many fields
    unreadable: int = 0  # rows the csv module could not parse (reported)
    _chunks: Callable[[], Iterator[list[tuple[int, list[str]]]]] | None = None

    def where(self, pos: int, column: str | None = None) -> str:
        """The position prefix of a message: ``FILE:LINE: COLUMN`` or ``FILE: $.x[i].col``."""
        if self.is_json:
            path = f"$.{self.name}" if pos < 0 else f"$.{self.name}[{pos}]"
            return f"{self.label}: {path}.{column}" if column else f"{self.label}: {path}"
        return f"{self.label}:{pos}: {column}" if column else f"{self.label}:{pos}"

    def error(self, pos: int, column: str | None, message: str) -> None:
        self.report.error(self.name, pos, f"{self.where(pos, column)}: {message}")

    def warn(self, pos: int, column: str | None, message: str) -> None:
        self.report.warn(self.name, pos, f"{self.where(pos, column)}: warning: {message}")

    def chunks(self) -> Iterator[list[tuple[int, list[str]]]]:
        """Lists of ``(position, cells)``, lazily; the rows can be read only once."""
        if self._chunks is None:
            return iter(())
        chunks, self._chunks = self._chunks, None
        return chunks()

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(position, cells)`` for every data row; read once, lazily, in chunks."""
        for chunk in self.chunks():
            yield from chunk


@dataclass
class RawBundle:
    """The tables found at a bundle path, and the problems met while reading them."""

    origin: str
    tables: dict[str, RawTable]
    report: Report


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def read_raw(path: str | os.PathLike[str]) -> RawBundle:
    """Read the bundle at ``path`` (folder, .zip or .json) without checking its values.

    Never raises for bad input: every problem is in the returned ``report``.
    """
    label = os.fspath(path)
    if label == "-":
        label = "<stdin>"
    report = Report()
    raw = RawBundle(origin=label, tables={}, report=report)
    p = Path(path)
    try:
        if label == "<stdin>":
            _read_json(read_stdin(), label, raw)
        elif not p.exists():
            report.error(None, 0, f"{label}: path does not exist")
        elif p.is_dir():
            _read_folder(p, label, raw)
        elif p.suffix.lower() == ".zip":
            _read_zip(p, label, raw)
        elif p.suffix.lower() == ".json":
            _read_json(read_regular(p), label, raw)
        elif p.suffix.lower() == ".csv":
            report.error(
                None,
                0,
                f"{label}: a single CSV file is not a bundle; give the folder that holds "
                "organisations.csv (and ties.csv, cities.csv, sectors.csv)",
            )
        else:
            report.error(
                None, 0, f"{label}: not a bundle; expected a folder, a .zip or a .json file"
            )
    except GraphtwinError as exc:  # not a regular file, over the size cap
        report.error(None, 0, str(exc))
    except OSError as exc:
        name = exc.filename if isinstance(exc.filename, str) else label
        report.error(None, 0, f"{name}: cannot read ({exc.strerror or exc})")
    return raw


# --------------------------------------------------------------------------------------
# Containers: folder, zip
# --------------------------------------------------------------------------------------


def _pick_files(
    names: list[str], label: str, join: Callable[[str], str], raw: RawBundle
) -> dict[str, str]:
    """Map bundle file -> file name among ``names``; warn about other CSV files."""
    chosen: dict[str, str] = {}
    for name in sorted(names):
        base = PurePosixPath(name).name
        table = FILE_NAMES.get(base.lower())
        if table is None:
            if base.lower().endswith(".csv"):
                raw.report.warn(
                    None,
                    0,
                    f"{join(name)}: warning: unknown file, ignored (a bundle has "
                    "organisations.csv, ties.csv, cities.csv and sectors.csv)",
                )
            continue
        if table in chosen:
            raw.report.error(
                None,
                0,
                f"{label}: both {join(chosen[table])} and {join(name)} found; keep only one",
            )
            continue
        chosen[table] = name
    return chosen


def _read_folder(folder: Path, label: str, raw: RawBundle) -> None:
    names = [e.name for e in os.scandir(folder)]
    csvs = [n for n in names if n.lower().endswith(".csv")]
    if not csvs:
        hint = ""
        jsons = sorted(n for n in names if n.lower().endswith(".json"))
        if jsons:
            hint = f" (to read a JSON bundle, give the file itself: {folder / jsons[0]})"
        raw.report.error(
            None,
            0,
            f"{label}: no CSV files found; a bundle folder needs organisations.csv "
            f"(and optionally ties.csv, cities.csv, sectors.csv){hint}",
        )
        return

    def join(n: str) -> str:
        return os.path.join(label, n)

    chosen = _pick_files(csvs, label, join, raw)
    if "organisations" not in chosen:
        raw.report.error(
            "organisations",
            0,
            f"{join('organisations.csv')}: required file is missing "
            f"(found: {', '.join(sorted(csvs))})",
        )
    for table, name in chosen.items():
        path = folder / name
        if path.is_dir():
            raw.report.error(table, 0, f"{join(name)}: is a folder, not a CSV file")
            continue
        try:
            data = read_regular(path, inside=folder)
        except GraphtwinError as exc:
            raw.report.error(table, 0, f"{join(name)}: {str(exc).split(': ', 1)[-1]}")
            continue
        except OSError as exc:
            raw.report.error(table, 0, f"{join(name)}: cannot read ({exc.strerror or exc})")
            continue
        _add_csv(table, join(name), data, raw)


def _read_zip(path: Path, label: str, raw: RawBundle) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(read_regular(path)))
    except zipfile.BadZipFile as exc:
        raw.report.error(None, 0, f"{label}: not a valid zip archive ({exc})")
        return
    with zf:
        members = [
            i.filename
            for i in zf.infolist()
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not PurePosixPath(i.filename).name.startswith("._")
        ]
        # the bundle files may sit at the top or inside one folder of the archive
        folders = sorted(
            {
                str(PurePosixPath(m).parent)
                for m in members
                if FILE_NAMES.get(PurePosixPath(m).name.lower()) == "organisations"
            }
        )
        if not folders:
            found = ", ".join(members[:10]) + (", ..." if len(members) > 10 else "")
            raw.report.error(
                "organisations",
                0,
                f"{label}: organisations.csv not found in the zip archive "
                f"(it holds: {found or 'nothing'})",
            )
            return
        if len(folders) > 1:
            raw.report.error(
                None,
                0,
                f"{label}: organisations.csv found in several folders of the archive "
                f"({', '.join(folders)}); a zip must hold one bundle",
            )
            return
        top = folders[0]
        inside = [m for m in members if str(PurePosixPath(m).parent) == top]

        def join(n: str) -> str:
            return f"{label}/{n}"

        for table, name in _pick_files(inside, label, join, raw).items():
            try:
                data = read_member(zf, name, join(name))
            except GraphtwinError as exc:
                raw.report.error(table, 0, str(exc))
                continue
            except (zipfile.BadZipFile, RuntimeError, OSError, ValueError) as exc:
                raw.report.error(table, 0, f"{join(name)}: cannot read from the archive ({exc})")
                continue
            _add_csv(table, join(name), data, raw)


# --------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------


_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13))


def _looks_binary(sample: bytes) -> bool:
    """True if over 5% of ``sample`` are control bytes (text has tabs and newlines only)."""
    if b"\x00" not in sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls > max(1, len(sample) // 20)


def _decode(data: bytes, label: str, table: str | None, report: Report) -> str | None:
    """UTF-8 text of ``data`` (a BOM is dropped); None if it is not text at all."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.error(table, 0, f"{label}: the file is UTF-16; save it as UTF-8")
        return None
    if _looks_binary(data[:8192]):
        report.error(
            table, 0, f"{label}: not a text file (it contains NUL bytes); expected UTF-8 text"
        )
        return None
    if data.startswith(_BOM):
        data = data[3:]
    if b"\x00" in data:
        lines = [n for n, line in enumerate(data.split(b"\n"), start=1) if b"\x00" in line]
        for n in lines[:_MAX_ENCODING_LINES]:
            report.error(table, n, f"{label}:{n}: NUL byte (0x00) in the text; remove it")
        if len(lines) > _MAX_ENCODING_LINES:
            report.error(
                table,
                lines[_MAX_ENCODING_LINES],
                f"{label}: {len(lines) - _MAX_ENCODING_LINES} more lines with NUL bytes",
            )
        data = data.replace(b"\x00", b"")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _control_characters(text, _CONTROL_TEXT, label, table, report)
        return text
    bad = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append((number, exc.start, line[exc.start]))
    for number, column, byte in bad[:_MAX_ENCODING_LINES]:
        report.error(
            table,
            number,
            f"{label}:{number}: invalid UTF-8 (byte 0x{byte:02x} at byte {column + 1} of the "
            "line); save the file as UTF-8",
        )
    if len(bad) > _MAX_ENCODING_LINES:
        report.error(
            table,
            bad[_MAX_ENCODING_LINES][0],
            f"{label}: {len(bad) - _MAX_ENCODING_LINES} more lines with invalid UTF-8",
        )
    return data.decode("utf-8", errors="replace")


#: Control characters that may not appear in bundle text (tab and line breaks may; a
#: lone CR is not a line break here). NUL is reported separately.
_CONTROL_TEXT = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
_CONTROL_QUICK = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: The same, written as JSON string escapes (an odd number of backslashes before it).
_CONTROL_JSON = re.compile(
    r"(?<!\\)(?:\\\\)*\\(?:u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|[bf])"
)


def _control_characters(
    text: str, pattern: re.Pattern, label: str, table: str | None, report: Report
) -> None:
    """Report the lines of ``text`` holding control characters (first ten lines).

    Quick checks first (one character-class scan, substring counts): almost no text
    has any, and the full pattern (lone CRs, escapes) costs several times more.
    """
    if pattern is _CONTROL_TEXT:
        lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
        if not lone_cr and _CONTROL_QUICK.search(text) is None:
            return
    elif not any(marker in text for marker in ("\\u00", "\\b", "\\f")):
        return
    lines: dict[int, str] = {}
    for m in pattern.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        lines.setdefault(line, m[0])
        if len(lines) > _MAX_ENCODING_LINES:
            break
    for n, found in list(lines.items())[:_MAX_ENCODING_LINES]:
        report.error(
            table,
            n,
            f"{label}:{n}: control character U+{_code(found):04X} in the text (only tabs and line "
            "breaks may appear in values); remove it",
        )
    if len(lines) > _MAX_ENCODING_LINES:
        report.error(table, n, f"{label}: more lines with control characters")


def _code(found: str) -> int:
    """The code point of a control character, or of its JSON escape (``\\u001b``)."""
    if len(found) == 1:
        return ord(found)
    if found[-2] == "\\":
        return {"b": 8, "f": 12}[found[-1]]
    return int(found[-4:], 16)


def _usable_header(table: str, columns: list[str], t: RawTable, header_line: int) -> bool:
    ok = True
    required = REQUIRED[table]
    present = set(columns)
    for col in required:
        if col not in present:
            t.error(
                header_line,
                col,
                f"missing required column (the header must include {', '.join(required)})",
            )
            ok = False
    return ok


class _CsvChunks:
    """Yields lists of ``(line, cells)`` from a csv reader, checking field counts and sizes."""

    def __init__(self, text: str, reader, t: RawTable, ncols: int):
        self.text, self.t, self.ncols = text, t, ncols
        self.reader = reader  # positioned after the header
        self.slow = False  # True once a long field was seen: check every cell

    def _skip_to(self, line: int) -> None:
        while self.reader.line_num < line:
            with contextlib.suppress(csv.Error):  # reported on the first pass
                next(self.reader)

    def __call__(self) -> Iterator[list[tuple[int, list[str]]]]:
        done = False
        while not done:
            chunk, done = self._chunk()
            if chunk:
                yield chunk

    def _chunk(self) -> tuple[list[tuple[int, list[str]]], bool]:
        t, ncols, reader, slow = self.t, self.ncols, self.reader, self.slow
        chunk: list[tuple[int, list[str]]] = []
        add = chunk.append
        size = _CHUNK_ROWS
        old = csv.field_size_limit(_HUGE_FIELD if slow else MAX_FIELD)
        prev = reader.line_num
        try:
            for row in reader:
                start = prev + 1
                prev = reader.line_num
                if len(row) != ncols:
                    n = len(row)
                    if n == 0 or (n == 1 and not row[0].strip()):
                        continue
                    if n > ncols:
                        t.error(
                            start,
                            None,
                            f"row has {n} fields but the header has {ncols}; "
                            "quote values that contain commas",
                        )
                        t.skipped.append((start, row))
                        continue
                    row.extend([""] * (ncols - n))
                row.append("")
                if slow:
                    self._check_sizes(start, row)
                add((start, row))
                if len(chunk) >= size:
                    return chunk, False
            return chunk, True
        except csv.Error as exc:
            if "field larger than field limit" in str(exc) and not self.slow:
                # a value over MAX_FIELD: re-read from the start of that row, checking sizes
                self.slow = True
                self.reader = _reader(self.text)
                self._skip_to(prev)
                return chunk, False
            t.error(prev + 1, None, _csv_error(exc))
            t.unreadable += 1
            return chunk, False  # the reader goes on with the next line
        finally:
            csv.field_size_limit(old)

    def _check_sizes(self, line: int, row: list[str]) -> None:
        for j, value in enumerate(row):
            if len(value) > MAX_FIELD:
                column = self.t.columns[j] if j < len(self.t.columns) else f"field {j + 1}"
                self.t.error(
                    line,
                    column or f"field {j + 1}",
                    f"value is {len(value)} characters long; the limit is {MAX_FIELD}",
                )
                self.t.flagged.add((line, column))
                row[j] = ""


def _reader(text: str):
    """csv.reader over ``text`` counting physical lines; strict, so bad quoting is an error."""
    return csv.reader(io.StringIO(text, newline=""), strict=True)


def _csv_error(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "a quoted value that starts in this row is never closed (a '\"' is missing)"
    if "expected after" in text:
        return (
            "a '\"' inside a value must be doubled ('\"\"') and the value quoted; "
            "the row is skipped"
        )
    return f"cannot parse the row: {text}; the row is skipped"


_DELIMITERS = {";": "semicolons (';')", "\t": "tabs", "|": "vertical bars ('|')"}


def _add_csv(table: str, label: str, data: bytes, raw: RawBundle) -> None:
    report = raw.report
    text = _decode(data, label, table, report)
    if text is None:
        return
    if not text.strip():
        report.error(
            table,
            0,
            f"{label}: file is empty; expected a header line with the columns "
            f"{', '.join(REQUIRED[table])}",
        )
        return
    reader = _reader(text)
    old = csv.field_size_limit(_HUGE_FIELD)
    try:
        header: list[str] = []
        while not header or (len(header) == 1 and not header[0].strip()):
            header = next(reader)
        header_line = reader.line_num
    except csv.Error as exc:
        report.error(table, 1, f"{label}:1: cannot parse the header: {exc}")
        return
    finally:
        csv.field_size_limit(old)
    columns = [h.strip().lower() for h in header]
    t = RawTable(
        table,
        label,
        columns,
        {},
        is_json=False,
        usable=True,
        report=report,
        header_line=header_line,
    )
    schema = SCHEMA[table]
    if len(columns) == 1 and not any(c in schema for c in columns):
        for delim, what in _DELIMITERS.items():
            if delim in header[0]:
                t.error(
                    header_line,
                    None,
                    f"the header is separated by {what}, not commas; "
                    "save the file as comma-separated CSV",
                )
                return
    pad = len(columns)
    for i, col in enumerate(columns):
        if not col:
            t.warn(header_line, None, f"column {i + 1} has no name; ignored")
        elif col in t.index:
            t.error(header_line, col, "duplicate column")
        elif col in schema:
            t.index[col] = i
        else:
            t.warn(header_line, col, "unknown column, ignored")
    for col in schema:
        t.index.setdefault(col, pad)
    t.usable = _usable_header(table, columns, t, header_line)
    t._chunks = _CsvChunks(text, reader, t, len(columns))
    raw.tables[table] = t


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


_EXPECTED = {
    "text": "a string",
    "number": "a number",
    "int": "a whole number",
    "bool": "true or false",
    "list": "a list of strings",
    "date": "a string (YYYY or YYYY-MM-DD)",
}


def _json_cell(kind: str, value: object) -> str | None:
    """The CSV text of a JSON value of a column of type ``kind``; None if of a wrong type."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "number" and is_number:
        return repr(value)
    if kind in ("int", "date") and is_number:
        if isinstance(value, int):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if kind == "bool" and isinstance(value, bool):
        return "true" if value else "false"
    if kind == "list" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    return None


def _read_json(data: bytes, label: str, raw: RawBundle) -> None:
    report = raw.report
    text = _decode(data, label, None, report)
    if text is None:
        return
    if not text.strip():
        report.error(None, 0, f"{label}: file is empty; expected a JSON object")
        return
    _control_characters(text, _CONTROL_JSON, label, None, report)
    duplicates: list[str] = []
    try:
        doc = json.loads(text, object_pairs_hook=lambda pairs: _object(pairs, duplicates))
    except json.JSONDecodeError as exc:
        report.error(
            None, 0, f"{label}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})"
        )
        return
    except RecursionError:
        report.error(None, 0, f"{label}: not valid JSON: nested too deeply")
        return
    except ValueError as exc:  # e.g. an integer literal of more than 4300 digits
        report.error(None, 0, f"{label}: not valid JSON: {exc}")
        return
    for key in dict.fromkeys(duplicates):
        report.error(
            None,
            0,
            f"{label}: duplicate key {quoted(key)} in a JSON object (JSON readers keep only "
            "one of them, silently); remove the other",
        )
    if not isinstance(doc, dict):
        report.error(
            None,
            0,
            f"{label}: $: expected an object with the keys organisations, ties, cities "
            f"and sectors, got {_json_type(doc)}",
        )
        return
    for key in doc:
        if key not in SCHEMA:
            report.warn(None, 0, f"{label}: $.{key}: warning: unknown key, ignored")
    if "organisations" not in doc:
        report.error("organisations", -1, f"{label}: $.organisations: required key is missing")
    for table in BUNDLE_FILES:
        if table in doc:
            _json_table(table, doc[table], label, raw)


def _object(pairs: list[tuple[str, object]], duplicates: list[str]) -> dict[str, object]:
    """A JSON object as a dict, noting keys that appear twice in it."""
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            duplicates.append(key)
        out[key] = value
    return out


def _json_table(table: str, items: object, label: str, raw: RawBundle) -> None:
    schema = SCHEMA[table]
    columns = list(schema)
    t = RawTable(
        table,
        label,
        columns,
        {c: i for i, c in enumerate(columns)},
        is_json=True,
        usable=True,
        report=raw.report,
    )
    if not isinstance(items, list):
        t.error(-1, None, f"expected a list of objects, got {_json_type(items)}")
        return
    rows: list[tuple[int, list[str]]] = []
    unknown: set[str] = set()
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            t.error(i, None, f"expected an object, got {_json_type(item)}")
            continue
        row = [""] * (len(columns) + 1)
        for key, value in item.items():
            kind = schema.get(key)
            if kind is None:
                if key not in unknown:
                    unknown.add(key)
                    t.warn(i, key, "unknown field, ignored")
                continue
            seen.add(key)
            cell = _json_cell(kind, value)
            if cell is None:
                t.error(i, key, f"expected {_EXPECTED[kind]}, got {_json_type(value)}")
                t.flagged.add((i, key))
                cell = ""
            elif len(cell) > MAX_FIELD:
                t.error(i, key, f"value is {len(cell)} characters long; the limit is {MAX_FIELD}")
                t.flagged.add((i, key))
                cell = ""
            row[t.index[key]] = cell
        rows.append((i, row))
    if rows:
        for col in REQUIRED[table]:
            if col not in seen:
                t.error(-1, None, f"no object has the required field '{col}'")
                t.usable = False
    t._chunks = lambda: iter([rows])
    raw.tables[table] = t
