"""OpenAlex download (network mode) against RECORDED real API responses, no network.

A few lines of replay: a local HTTP server on 127.0.0.1 answers each request with the
recorded response whose ``cursor`` (and endpoint) match, from
tests/data/real/openalex/cassette_cursor_paging.json (real responses recorded by the
openalexPro test suite). The client code under test is the real urllib client.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.openalex_api import Client, fetch_institutions, fetch_works, load_state

OA = Path(__file__).resolve().parents[1] / "data" / "real" / "openalex"
CASSETTE = json.loads((OA / "cassette_cursor_paging.json").read_text(encoding="utf-8"))
RECORDED_FILTER = "openalex:W3045921891|W3046863325"


class Replay:
    """Serve recorded responses; optionally fail the first ``faults`` requests with 503."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.faults = 0
        by_key: dict[tuple[str, str, str | None], dict] = {}
        for it in CASSETTE["interactions"]:
            url = urllib.parse.urlsplit(it["request"]["uri"])
            q = urllib.parse.parse_qs(url.query)
            by_key[(url.path, q["filter"][0], q.get("cursor", [None])[0])] = it["response"]
        self.by_key = by_key
        self.extra: dict[str, bytes] = {}

    def answer(self, path: str) -> tuple[int, bytes]:
        self.requests.append(path)
        if self.faults:
            self.faults -= 1
            return 503, b'{"error": "injected fault (not recorded)"}'
        url = urllib.parse.urlsplit(path)
        q = urllib.parse.parse_qs(url.query)
        if url.path in self.extra:
            return 200, self.extra[url.path]
        # Match on endpoint, filter and cursor (a recording without a cursor: any cursor).
        filt = q.get("filter", [""])[0]
        response = self.by_key.get((url.path, filt, q.get("cursor", [None])[0]))
        response = response or self.by_key.get((url.path, filt, None))
        if response is None:
            return 404, b'{"error": "not recorded"}'
        return response["status"], response["body"].encode("utf-8")


@pytest.fixture
def replay() -> Iterator[tuple[Replay, str]]:
    state = Replay()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = state.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _client(url: str, **kw: object) -> Client:
    sleeps: list[float] = []
    client = Client(
        base_url=url, mailto="test@example.org", api_key="k3y", sleep=sleeps.append, **kw
    )
    client.sleeps = sleeps  # type: ignore[attr-defined]
    return client


def test_cursor_paging_saves_pages_and_state(replay, tmp_path: Path) -> None:
    server, url = replay
    state = fetch_works(RECORDED_FILTER, tmp_path, client=_client(url))
    assert (state.pages, state.works, state.count, state.done) == (1, 2, 2, True)
    assert [p.name for p in sorted(tmp_path.glob("works-page-*.json"))] == ["works-page-00001.json"]
    first, second = (urllib.parse.parse_qs(urllib.parse.urlsplit(r).query) for r in server.requests)
    assert first["cursor"] == ["*"] and first["filter"] == [RECORDED_FILTER]
    assert first["per_page"] == ["200"] and first["mailto"] == ["test@example.org"]
    assert first["api_key"] == ["k3y"]
    assert second["cursor"][0].startswith("IlsnLUluZmluaXR5")  # the recorded next_cursor
    saved = json.loads((tmp_path / "works-page-00001.json").read_text())
    assert [w["id"] for w in saved["results"]] == [
        "https://openalex.org/W3046863325",
        "https://openalex.org/W3045921891",
    ]
    # A finished download is not repeated.
    again = fetch_works(RECORDED_FILTER, tmp_path, client=_client(url))
    assert again.done and len(server.requests) == 2


def test_resumes_after_interruption(replay, tmp_path: Path) -> None:
    server, url = replay
    state = fetch_works(RECORDED_FILTER, tmp_path, client=_client(url), max_pages=1)
    assert not state.done and state.next_cursor and state.pages == 1
    assert load_state(tmp_path) == state
    resumed = fetch_works(RECORDED_FILTER, tmp_path, client=_client(url))
    assert resumed.done and resumed.works == 2
    cursors = [
        urllib.parse.parse_qs(urllib.parse.urlsplit(r).query)["cursor"][0] for r in server.requests
    ]
    assert cursors[0] == "*" and cursors[1] == state.next_cursor and len(cursors) == 2
    with pytest.raises(GraphtwinError, match="holds a download of another filter"):
        fetch_works("publication_year:2020", tmp_path, client=_client(url))


def test_retries_with_backoff(replay, tmp_path: Path) -> None:
    server, url = replay
    server.faults = 2
    client = _client(url, backoff=0.5)
    state = fetch_works(RECORDED_FILTER, tmp_path, client=client)
    assert state.done and state.works == 2
    assert client.retries == 2 and client.sleeps == [0.5, 1.0]  # type: ignore[attr-defined]
    server.faults = 10
    with pytest.raises(GraphtwinError, match="HTTP 503"):
        fetch_works(RECORDED_FILTER, tmp_path / "b", client=_client(url, max_retries=2))


def test_recorded_api_error_is_reported(replay, tmp_path: Path) -> None:
    _, url = replay
    with pytest.raises(GraphtwinError, match=r"HTTP 400 .*DOESNTEXIST") as err:
        fetch_works("DOESNTEXIST:1", tmp_path, client=_client(url))
    assert "k3y" not in str(err.value)  # the key is never printed


def test_unreachable_server(tmp_path: Path) -> None:
    client = _client("http://127.0.0.1:9", max_retries=1)
    with pytest.raises(GraphtwinError, match=r"cannot reach OpenAlex .* run the command again"):
        fetch_works(RECORDED_FILTER, tmp_path, client=client)


def test_institutions_fetched_once(replay, tmp_path: Path) -> None:
    server, url = replay
    # The institutions endpoint answers with a page holding the real Michigan record
    # (assembled from a real record; no recorded /institutions page was available).
    record = json.loads((OA / "institution_I27837315.json").read_text(encoding="utf-8"))
    server.extra["/institutions"] = json.dumps({"meta": {"count": 1}, "results": [record]}).encode()
    pages = fetch_institutions(["I27837315"], tmp_path, client=_client(url))
    assert [p.name for p in pages] == ["institutions-page-00001.json"]
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(server.requests[0]).query)
    assert q["filter"] == ["openalex:I27837315"]
    assert fetch_institutions(["I27837315"], tmp_path, client=_client(url)) == pages
    assert len(server.requests) == 1
