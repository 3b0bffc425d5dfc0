"""Neo4j URIs: recognise them (also misspelt ones) and never print their password.

A URI such as ``bolt://neo4j:ab#cd/SECRET@host:7687`` has a password with ``#`` and
``/``, which a general URL parser (``urllib.parse.urlsplit``) takes for the start of a
fragment or a path, so it would print ``SECRET`` as part of the "host". Here the
credentials are everything between ``scheme://`` and the **last** ``@``, whatever they
contain; the host part is what follows. Misspelt schemes (``bolt:/host``,
``bolt+routing://``) are still recognised as meant for Neo4j, so that they are refused
with a clear error instead of being taken for a file path (and printed whole).

Example:
    >>> redact_uri("bolt://neo4j:ab#cd/SECRET@host:7687")
    'bolt://host:7687'
    >>> uri_credentials("bolt://neo4j:p@ss:w/rd@127.0.0.1:7687")
    ('neo4j', 'p@ss:w/rd')
    >>> looks_like_neo4j("bolt+routing://x"), looks_like_neo4j("data/graphtwin.db")
    (True, False)
    >>> check_uri("bolt:/neo4j:secret@host")
    Traceback (most recent call last):
    ...
    graphtwin.errors.StoreError: bad Neo4j URI bolt:/host: write it as scheme://host:port \
(schemes: bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc)
"""

from __future__ import annotations

import re

from graphtwin.errors import StoreError

#: The schemes the Neo4j Python driver accepts.
SCHEMES: tuple[str, ...] = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

#: Anything that starts like a Neo4j scheme, up to and including the slashes after ":".
_PREFIX = re.compile(r"^\s*((?:bolt|neo4j)[a-z0-9+.\-]*):(/*)", re.IGNORECASE)


def looks_like_neo4j(target: str) -> bool:
    """True if ``target`` starts like a Neo4j URI (``bolt...:`` or ``neo4j...:``)."""
    return _PREFIX.match(target) is not None


def _split(uri: str) -> tuple[str, str, str, str]:
    """(scheme, slashes, credentials, host part) of a URI that looks like Neo4j's."""
    m = _PREFIX.match(uri)
    if m is None:
        return "", "", "", uri
    rest = uri[m.end() :]
    creds, at, host = rest.rpartition("@")
    return m[1], m[2], creds if at else "", host


def redact_uri(uri: str) -> str:
    """The URI without its user:password part (nothing of them kept), safe to print.

    >>> redact_uri("neo4j+s://neo4j:secret@abc.databases.neo4j.io:7687")
    'neo4j+s://abc.databases.neo4j.io:7687'
    >>> redact_uri("bolt+routing://u:p@h")
    'bolt+routing://h'
    """
    scheme, slashes, _, host = _split(uri)
    if not scheme:
        return uri
    return f"{scheme}:{slashes}{host}"


def uri_credentials(uri: str) -> tuple[str | None, str | None]:
    """(user, password) written in the URI, each None if absent."""
    _, _, creds, _ = _split(uri)
    if not creds:
        return None, None
    user, colon, password = creds.partition(":")
    return user or None, password if colon else None


def check_uri(uri: str) -> str:
    """``uri`` with the credentials removed, or StoreError if the scheme is not valid."""
    scheme, slashes, _, host = _split(uri)
    clean = redact_uri(uri)
    if scheme.lower() not in SCHEMES or slashes != "//" or not host:
        raise StoreError(
            f"bad Neo4j URI {clean}: write it as scheme://host:port (schemes: {', '.join(SCHEMES)})"
        )
    return f"{scheme.lower()}://{host}"
