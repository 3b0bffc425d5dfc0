"""Download OpenAlex works (and their institutions) page by page, resumably.

:func:`fetch_works` asks the OpenAlex API (https://api.openalex.org, CC0 data) for the
works matching a filter in OpenAlex's own syntax (e.g.
``authorships.countries:GB,authorships.countries:KR``), pages through them with a
cursor (``cursor=*``, then each response's ``meta.next_cursor``, 200 works a page) and
saves every response as it arrives, unchanged, in a folder. A state file there
(``openalex-fetch.json``: the filter, the next cursor, pages and works so far) makes
the download resumable: run the same command again after an interruption and it goes
on from the page after the last one saved; a finished download is not repeated.
:func:`fetch_institutions` then fetches the institution records (city, coordinates)
of the institutions named in those works, 50 ids a request. The saved pages are what
:func:`graphtwin.ingest.openalex.import_openalex` reads.

Authentication as the API asks today: an API key (``api_key=``; from the option or
``OPENALEX_API_KEY``) and/or an e-mail address for the polite pool (``mailto=``; or
``OPENALEX_MAILTO``). Failures that may pass (HTTP 429 and 5xx, timeouts, refused
connections) are retried with exponential back-off (1, 2, 4, 8, 16 s, or the server's
``Retry-After``); other HTTP errors stop with the API's own message.

Only the standard library is used (urllib), so nothing is added to the install.

Example:
    from pathlib import Path
    fetch_works("authorships.countries:GB,authorships.countries:KR", Path("oa/"),
                mailto="me@example.org")
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graphtwin.errors import GraphtwinError
from graphtwin.progress import ProgressFn

API_URL = "https://api.openalex.org"
#: Overrides :data:`API_URL` (tests point it at a local replay server).
API_URL_ENV = "GRAPHTWIN_OPENALEX_URL"
STATE_FILE = "openalex-fetch.json"
PER_PAGE = 200
INSTITUTIONS_PER_REQUEST = 50
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(slots=True)
class FetchState:
    """What has been downloaded into a folder, saved after every page."""

    filter: str
    next_cursor: str | None = "*"
    pages: int = 0
    works: int = 0
    count: int | None = None  # meta.count of the first page: the works to expect
    done: bool = False
    retries: int = 0


class Client:
    """GET JSON from the OpenAlex API with authentication, retries and back-off."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        mailto: str | None = None,
        base_url: str | None = None,
        max_retries: int = 5,
        backoff: float = 1.0,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api_key = api_key or os.environ.get("OPENALEX_API_KEY") or None
        self.mailto = mailto or os.environ.get("OPENALEX_MAILTO") or None
        self.base_url = (base_url or os.environ.get(API_URL_ENV) or API_URL).rstrip("/")
        self.max_retries = max_retries
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.retries = 0

    def url(self, endpoint: str, params: dict[str, str]) -> str:
        """The request URL: ``params`` plus the authentication parameters."""
        query = dict(params)
        if self.api_key:
            query["api_key"] = self.api_key
        if self.mailto:
            query["mailto"] = self.mailto
        return f"{self.base_url}/{endpoint}?{urllib.parse.urlencode(query)}"

    def get(self, endpoint: str, params: dict[str, str]) -> bytes:
        """The body of a successful GET; retries what may pass, raises the rest."""
        url = self.url(endpoint, params)
        shown = url.replace(self.api_key, "<api-key>") if self.api_key else url
        agent = "graphtwin (https://github.com/graphtwin)"
        if self.mailto:
            agent += f" mailto:{self.mailto}"
        request = urllib.request.Request(url, headers={"User-Agent": agent})
        for attempt in range(self.max_retries + 1):
            wait = self.backoff * 2**attempt
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as exc:
                body = exc.read()
                if exc.code not in RETRY_STATUSES or attempt == self.max_retries:
                    raise GraphtwinError(
                        f"OpenAlex answered HTTP {exc.code} to {shown}: {_api_message(body)}"
                    ) from None
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                if retry_after and retry_after.strip().isdigit():
                    wait = float(retry_after.strip())
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == self.max_retries:
                    reason = getattr(exc, "reason", exc)
                    raise GraphtwinError(
                        f"cannot reach OpenAlex at {self.base_url} ({reason}) after "
                        f"{self.max_retries + 1} attempts; run the command again to resume"
                    ) from None
            self.retries += 1
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover


def _api_message(body: bytes) -> str:
    """The ``error``/``message`` of an OpenAlex error body, else its start."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body[:200].decode("utf-8", "replace").strip() or "no message"
    if isinstance(data, dict):
        parts = [str(data[k]) for k in ("error", "message") if data.get(k)]
        if parts:
            return ": ".join(parts)
    return json.dumps(data)[:200]


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _page(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise GraphtwinError(f"OpenAlex sent something that is not JSON for {what}") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise GraphtwinError(f"OpenAlex sent a response without 'results' for {what}")
    return data


def load_state(folder: Path) -> FetchState | None:
    """The download state saved in ``folder``, or None if there is none."""
    path = folder / STATE_FILE
    if not path.exists():
        return None
    try:
        return FetchState(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise GraphtwinError(f"{path}: not a graphtwin download state ({exc})") from None


def fetch_works(
    filter: str,
    folder: Path,
    *,
    client: Client | None = None,
    max_pages: int | None = None,
    progress: ProgressFn | None = None,
) -> FetchState:
    """Download the works matching ``filter`` into ``folder`` (resuming a started run).

    Pages are saved as ``works-page-00001.json``, … exactly as received. ``max_pages``
    stops after that many new pages (the state stays resumable). Raises
    :class:`GraphtwinError` if ``folder`` holds a download of another filter.
    """
    client = client or Client()
    folder.mkdir(parents=True, exist_ok=True)
    state = load_state(folder) or FetchState(filter=filter)
    if state.filter != filter:
        raise GraphtwinError(
            f"{folder} holds a download of another filter ({state.filter!r}); give another "
            "--save-dir, or delete that folder"
        )
    new_pages = 0
    while not state.done and (max_pages is None or new_pages < max_pages):
        params = {"filter": filter, "per_page": str(PER_PAGE), "cursor": state.next_cursor or "*"}
        body = client.get("works", params)
        page = _page(body, f"page {state.pages + 1} of works?filter={filter}")
        results = page["results"]
        meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
        if state.count is None and isinstance(meta.get("count"), int):
            state.count = meta["count"]
        if results:
            state.pages += 1
            state.works += len(results)
            _write_atomic(folder / f"works-page-{state.pages:05d}.json", body)
        state.next_cursor = meta.get("next_cursor") if results else None
        state.done = not results or not state.next_cursor
        state.retries = client.retries
        _write_atomic(folder / STATE_FILE, json.dumps(asdict(state), indent=1).encode())
        new_pages += 1
        if progress:
            progress(state.works, state.count or state.works, "downloading works")
    return state


def fetch_institutions(
    ids: Iterable[str],
    folder: Path,
    *,
    client: Client | None = None,
    progress: ProgressFn | None = None,
) -> list[Path]:
    """Fetch the institution records of ``ids`` (OpenAlex short ids) not yet in ``folder``.

    Saves ``institutions-page-00001.json``, … (the API's pages, unchanged) and returns
    every such file in ``folder``. Ids already saved by an earlier run are not asked for
    again.
    """
    client = client or Client()
    folder.mkdir(parents=True, exist_ok=True)
    saved = sorted(folder.glob("institutions-page-*.json"))
    have: set[str] = set()
    for path in saved:
        for rec in _page(path.read_bytes(), str(path))["results"]:
            if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                have.add(rec["id"].rsplit("/", 1)[-1])
    wanted = sorted(set(ids) - have)
    for start in range(0, len(wanted), INSTITUTIONS_PER_REQUEST):
        batch = wanted[start : start + INSTITUTIONS_PER_REQUEST]
        params = {"filter": "openalex:" + "|".join(batch), "per_page": str(len(batch))}
        body = client.get("institutions", params)
        _page(body, f"institutions {batch[0]}…")
        path = folder / f"institutions-page-{len(saved) + 1:05d}.json"
        _write_atomic(path, body)
        saved.append(path)
        if progress:
            progress(min(start + len(batch), len(wanted)), len(wanted), "institutions")
    return saved
