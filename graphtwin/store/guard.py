"""Read-only by construction: classify a Cypher statement before any engine sees it.

The store's own read-only modes do not cover everything: LadybugDB opened read-only
still runs ``COPY ... TO`` (writes a file), ``EXPORT DATABASE``, ``LOAD FROM '/etc/..'``,
``INSTALL`` / ``LOAD EXTENSION`` (native code) and ``CHECKPOINT``; a Neo4j read
transaction still runs ``LOAD CSV`` and ``TERMINATE TRANSACTIONS``. So every query that
users (CLI ``graphtwin query``, the Python API's ``store.query``) send goes through
:func:`check_statement` first, on both stores. It tokenises the text outside string
literals, comments and backtick-quoted names, and then applies an allow-list.

Rules (each refusal is one line naming the word that caused it):

* **One statement per call.** A ``;`` may only end the text.
* **Never allowed:** transaction control (``BEGIN``, ``COMMIT``, ``ROLLBACK``,
  ``TRANSACTION``): every call is its own transaction. (Neo4j's
  ``CALL {...} IN TRANSACTIONS`` batching is a write: allowed with ``write``.)
* **Host access** (refused unless ``host_access=True``, the CLI's
  ``--allow-host-access``, which also needs ``--write``): ``COPY``, ``EXPORT``,
  ``IMPORT``, ``LOAD`` (``LOAD FROM``, ``LOAD CSV``, ``LOAD EXTENSION``), ``INSTALL``,
  ``UNINSTALL``, ``UPDATE``, ``ATTACH``, ``DETACH`` (other than ``DETACH DELETE``),
  ``USE``, ``CHECKPOINT``.
* **Reads** (``write=False``): the statement starts with ``MATCH``, ``OPTIONAL``,
  ``WITH``, ``UNWIND``, ``RETURN`` or ``CALL`` (optionally after ``EXPLAIN`` or
  ``PROFILE``); no write or administration keyword (:data:`WRITE_WORDS`) appears
  anywhere; ``CALL`` is followed by a subquery (``{`` or ``(``) or by a procedure of
  :data:`READ_PROCEDURES`.
* **Spelling does not matter:** keywords are compared after Unicode NFKC normalisation
  and case folding; comments between keywords are skipped like spaces; a backslash,
  control or format character outside a string is refused (no engine needs one there);
  the checks run twice, on the text as given and with ``\\uXXXX`` escapes decoded, so an
  engine that decodes escapes before parsing cannot be fooled either.
* A word right after ``.`` (a property), ``$`` (a parameter) or ``AS`` (an alias), or
  inside backticks, is a name, not a keyword. Administration commands (``START
  DATABASE``, ``COMMENT ON``...) are refused by the first-word rule. Other bare names
  that collide with a keyword (``MATCH (load) ...``) are refused: quote them in
  backticks.

Example:
    >>> check_statement("MATCH (o:Organisation) RETURN o.name // all of them")
    >>> check_statement("COPY (MATCH (o) RETURN o) TO '/tmp/x.csv'")
    Traceback (most recent call last):
    ...
    graphtwin.store.guard.StatementRefused: refused: COPY reads or writes files on the \
database host; allowed only with --write --allow-host-access
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from graphtwin.errors import QueryError

#: Words a read statement may start with (after an optional EXPLAIN / PROFILE).
READ_START: frozenset[str] = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL"})

#: Words that make a statement a write or an administration command, anywhere in it.
WRITE_WORDS: frozenset[str] = frozenset(
    {
        "CREATE",
        "MERGE",
        "SET",
        "DELETE",
        "REMOVE",
        "DROP",
        "ALTER",
        "FOREACH",
        "RENAME",
        "GRANT",
        "DENY",
        "REVOKE",
        "TERMINATE",
        "SHOW",
        "ANALYZE",
        "INSERT",
        "TRANSACTIONS",
    }
)

#: Words that reach the database host: files, extensions, other databases.
HOST_WORDS: dict[str, str] = {
    "COPY": "reads or writes files on the database host",
    "EXPORT": "writes files on the database host",
    "IMPORT": "reads files on the database host",
    "LOAD": "reads files, URLs or extensions on the database host",
    "INSTALL": "installs an extension (native code)",
    "UNINSTALL": "removes an extension",
    "UPDATE": "updates an extension",
    "ATTACH": "opens another database",
    "DETACH": "detaches a database",
    "USE": "switches the database",
    "CHECKPOINT": "writes the database files",
}

#: Transaction control: never allowed (each call is its own transaction).
TRANSACTION_WORDS: frozenset[str] = frozenset({"BEGIN", "COMMIT", "ROLLBACK", "TRANSACTION"})

#: Procedures a read may CALL (case-insensitive): schema and version information.
READ_PROCEDURES: frozenset[str] = frozenset(
    name.casefold()
    for name in (
        # Neo4j
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.info",
        "db.ping",
        "dbms.components",
        # LadybugDB
        "show_tables",
        "table_info",
        "show_connection",
        "db_version",
        "show_functions",
        "show_indexes",
    )
)

_ALLOW_HOST = "allowed only with --write --allow-host-access"
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})")
#: Characters that end a line comment, in any engine (ending early is the safe side).
_LINE_ENDS = "\n\r\x0b\x0c\x85\u2028\u2029"


class StatementRefused(QueryError):
    """A statement the allow-list does not accept (the message is one line)."""


@dataclass(frozen=True)
class Token:
    """A piece of Cypher outside strings and comments: ``kind`` is ``word`` (a bare
    identifier or keyword), ``name`` (backtick-quoted), ``string``, ``number`` or
    ``punct``; ``after`` is the punctuation right before a word (``.``, ``$``) or ""."""

    kind: str
    text: str
    after: str = ""

    @property
    def keyword(self) -> str:
        """The word as a keyword: NFKC-normalised, upper case ("" if not a word)."""
        if self.kind != "word" or self.after in (".", "$", "AS"):
            return ""
        return unicodedata.normalize("NFKC", self.text).casefold().upper()


def tokenize(text: str) -> list[Token]:
    """Split Cypher into tokens; comments and whitespace are dropped.

    Raises :class:`StatementRefused` for an unterminated string, comment or quoted name
    and for a backslash, control or format character outside strings.

    >>> [t.text for t in tokenize("MATCH/*x*/(n) // y\\nRETURN n.`a b`, 'it''s'")]
    ['MATCH', '(', 'n', ')', 'RETURN', 'n', '.', 'a b', ',', 'it', 's']
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    prev = ""
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if text.startswith("//", i):
            i = _line_end(text, i)
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise StatementRefused("refused: a /* comment is not closed")
            i = end + 2
            continue
        if ch in "'\"":
            j = _string_end(text, i)
            tokens.append(Token("string", text[i + 1 : j - 1]))
            prev, i = "", j
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise StatementRefused("refused: a `quoted name` is not closed")
            tokens.append(Token("name", text[i + 1 : end], prev))
            prev, i = "", end + 1
            continue
        if ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(Token("word", text[i:j], prev))
            prev = "AS" if tokens[-1].keyword == "AS" else ""
            i = j
            continue
        if ch.isdigit():
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "._"):
                j += 1
            tokens.append(Token("number", text[i:j]))
            prev, i = "", j
            continue
        if ch == "\\" or unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn"):
            raise StatementRefused(
                f"refused: unexpected character U+{ord(ch):04X} outside a string (at offset {i})"
            )
        tokens.append(Token("punct", ch))
        prev, i = ch, i + 1
    return tokens


def check_statement(text: str, *, write: bool = False, host_access: bool = False) -> None:
    """Raise :class:`StatementRefused` unless ``text`` is one statement the rules allow.

    ``write`` allows writes (``--write``); ``host_access`` additionally allows file,
    extension and database access (``--allow-host-access``). See the module doc.
    """
    _check_tokens(tokenize(text), write, host_access)
    decoded = _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), text)
    if decoded != text:
        try:
            tokens = tokenize(decoded)
        except StatementRefused as exc:
            raise StatementRefused(f"{exc} (after decoding \\u escapes)") from None
        _check_tokens(tokens, write, host_access)


def _check_tokens(tokens: list[Token], write: bool, host_access: bool) -> None:
    semis = [i for i, t in enumerate(tokens) if t.kind == "punct" and t.text == ";"]
    if any(i != len(tokens) - 1 for i in semis):
        raise StatementRefused("refused: one statement per call (a ';' is followed by more)")
    tokens = tokens[: semis[0]] if semis else tokens
    words = [t.keyword for t in tokens]
    if not tokens:
        raise StatementRefused("refused: the query is empty")
    for i, word in enumerate(words):
        if not word:
            continue
        if word in TRANSACTION_WORDS:
            raise StatementRefused(
                f"refused: {word} (transaction control): every query runs in its own transaction"
            )
        if word in HOST_WORDS and not host_access:
            if word == "DETACH" and write and _next_word(words, i) == "DELETE":
                continue
            raise StatementRefused(f"refused: {word} {HOST_WORDS[word]}; {_ALLOW_HOST}")
    if write:
        return
    for i, word in enumerate(words):
        if word in WRITE_WORDS:
            raise StatementRefused(
                f"refused: {word} writes to the store or administers it; run it with "
                "--write to allow that"
            )
        if word == "CALL":
            _check_call(tokens, i)
    lead = [w for w in words if w]
    start = 1 if lead and lead[0] in ("EXPLAIN", "PROFILE") else 0
    if len(lead) <= start or lead[start] not in READ_START:
        shown = lead[start] if len(lead) > start else tokens[0].text
        raise StatementRefused(
            f"refused: a read-only query starts with MATCH, OPTIONAL MATCH, WITH, UNWIND, "
            f"RETURN or CALL, not {shown!r}; run writes with --write"
        )


def _check_call(tokens: list[Token], i: int) -> None:
    """A read's ``CALL`` must open a subquery or name an allow-listed procedure."""
    rest = tokens[i + 1 :]
    if rest and rest[0].kind == "punct" and rest[0].text in "{(":
        return
    parts: list[str] = []
    for j, t in enumerate(rest):
        if j % 2 == 0 and t.kind in ("word", "name"):
            parts.append(unicodedata.normalize("NFKC", t.text).casefold())
        elif j % 2 == 1 and t.kind == "punct" and t.text == ".":
            continue
        else:
            break
    name = ".".join(parts)
    if name not in READ_PROCEDURES:
        raise StatementRefused(
            f"refused: CALL {name or '(nothing)'} is not a procedure the read-only allow-list "
            f"knows ({', '.join(sorted(READ_PROCEDURES))}); run it with --write if it is safe"
        )


def _next_word(words: list[str], i: int) -> str:
    return next((w for w in words[i + 1 :] if w), "")


def _line_end(text: str, i: int) -> int:
    ends = [p for p in (text.find(c, i) for c in _LINE_ENDS) if p >= 0]
    return min(ends) if ends else len(text)


def _string_end(text: str, i: int) -> int:
    """Index just past the string literal starting at ``i`` (backslash escapes)."""
    quote, j, n = text[i], i + 1, len(text)
    while j < n:
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == quote:
            return j + 1
        j += 1
    raise StatementRefused("refused: a string literal is not closed")
