"""scim.Client against scim-testkit: every endpoint method, errors and fault knobs."""

from __future__ import annotations

import os
import pickle
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

import scim

from .conftest import ScimTestkit

USER = "urn:ietf:params:scim:schemas:core:2.0:User"


@pytest.fixture
def client(testkit: ScimTestkit) -> Iterator[scim.Client]:
    with scim.Client(testkit.url, token=testkit.token, retry_backoff=0.01) as c:
        yield c


def user(name: str, **extra: Any) -> dict[str, Any]:
    return {"schemas": [USER], "userName": name, **extra}


def test_create_get_replace_delete(client: scim.Client) -> None:
    """RFC 7644 §3.3: "the server SHALL return a 201 (Created) response code" with the
    resource; §3.4.1 GET; §3.5.1 PUT; §3.6 DELETE."""
    created = client.users.create({"userName": "bjensen", "x-custom": {"kept": True}})
    assert created["schemas"] == [USER]  # filled in for /Users
    uid = created["id"]
    assert created["meta"]["resourceType"] == "User"
    got = client.users.get(uid)
    assert got["userName"] == "bjensen"
    only = client.users.get(uid, attributes=["userName"])
    assert "userName" in only and "meta" not in only
    created["displayName"] = "Babs"
    replaced = client.users.replace(uid, created)
    assert replaced["displayName"] == "Babs"
    client.users.delete(uid)
    with pytest.raises(scim.NotFoundError) as info:
        client.users.get(uid)
    assert info.value.status == 404 and isinstance(info.value, scim.ApiError)


def test_model_dump_objects_are_accepted(client: scim.Client) -> None:
    class Model:
        def model_dump(self, **_: Any) -> dict[str, Any]:
            return {"schemas": [USER], "userName": "from-a-model"}

    assert client.users.create(Model())["userName"] == "from-a-model"


def test_conflict_is_typed(client: scim.Client) -> None:
    """RFC 7644 §3.3: 409 with scimType uniqueness when userName is taken."""
    client.users.create(user("taken"))
    with pytest.raises(scim.ConflictError) as info:
        client.users.create(user("taken"))
    assert info.value.status == 409 and info.value.scim_type == "uniqueness"
    assert pickle.loads(pickle.dumps(info.value)).scim_type == "uniqueness"


def test_etag_precondition_failed(client: scim.Client) -> None:
    """RFC 7644 §3.14: a stale If-Match is answered 412."""
    created = client.users.create(user("etag"))
    version = created["meta"]["version"]
    client.users.replace(created["id"], {**created, "displayName": "v2"})
    with pytest.raises(scim.PreconditionFailedError):
        client.users.replace(created["id"], created, etag=version)
    with pytest.raises(scim.PreconditionFailedError):
        client.users.delete(created["id"], etag=version)
    with pytest.raises(scim.InvalidInputError):
        client.users.delete(created["id"], etag="")


def test_list_search_and_iter(client: scim.Client) -> None:
    """RFC 7644 §3.4.2: filter, sort, startIndex and count; §3.4.3 POST /.search."""
    for i in range(12):
        client.users.create(user(f"user{i:02}", active=i % 2 == 0))
    page = client.users.list(filter='userName sw "user0"', count=5, sort_by="userName")
    assert page["totalResults"] == 10 and len(page["Resources"]) == 5
    assert [r["userName"] for r in page["Resources"]][:2] == ["user00", "user01"]
    second = client.users.list(filter=scim.Filter.sw("userName", "user0"), count=5,
                               start_index=6, sort_by="userName", sort_order="ascending")
    assert second["Resources"][0]["userName"] == "user05"
    found = client.users.search(filter="active eq true", count=100)
    assert found["totalResults"] == 6
    names = [u["userName"] for u in client.users.iter(page_size=5, sort_by="userName")]
    assert names == [f"user{i:02}" for i in range(12)]
    by_search = list(client.users.iter(filter="active eq false", page_size=2, search=True))
    assert len(by_search) == 6
    with pytest.raises(ValueError):
        client.users.list(sort_order="sideways")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.users.list(filter=42)  # type: ignore[arg-type]


def test_iter_is_lazy_and_holds_one_page(client: scim.Client, testkit: ScimTestkit) -> None:
    """The iterator fetches the next page only when the current one is consumed."""
    for i in range(6):
        client.users.create(user(f"lazy{i}"))
    it = client.users.iter(page_size=2)
    before = len(testkit.requests())
    next(it)
    assert len(testkit.requests()) == before + 1
    next(it)
    assert len(testkit.requests()) == before + 1
    next(it)
    assert len(testkit.requests()) == before + 2
    assert len(list(it)) == 3


def test_iter_stops_when_server_ignores_start_index(client: scim.Client,
                                                    testkit: ScimTestkit) -> None:
    """A server that ignores startIndex must end the walk with an error, not a loop."""
    for i in range(5):
        client.users.create(user(f"loop{i}"))
    testkit.faults(ignore_start_index=True)
    seen = []
    with pytest.raises(scim.ScimError):
        for u in client.users.iter(page_size=2):
            seen.append(u)
    assert len(seen) <= 4


def test_groups_resource_and_bulk(client: scim.Client) -> None:
    """RFC 7644 §3.7: bulk operations referencing each other by bulkId."""
    results = client.bulk([
        {"method": "POST", "path": "/Users", "bulkId": "u1", "data": user("bulk1")},
        {"method": "POST", "path": "/Groups", "bulkId": "g1",
         "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                  "displayName": "Guides", "members": [{"value": "bulkId:u1"}]}},
        {"method": "DELETE", "path": "/Users/does-not-exist"},
    ])
    assert [r["outcome"] for r in results] == ["succeeded", "succeeded", "failed"]
    assert results[0]["status"] == 201 and results[0]["bulkId"] == "u1"
    gid = results[1]["id"]
    group = client.groups.get(gid)
    assert group["members"][0]["value"] == results[0]["id"]
    assert isinstance(results[2]["error"], scim.NotFoundError)
    same = client.resource("/Groups").get(gid)
    assert same["displayName"] == "Guides"
    assert client.resource("/Groups").path == "/Groups"
    assert client.groups.create({"displayName": "Auto schemas"})["schemas"] == [
        "urn:ietf:params:scim:schemas:core:2.0:Group"
    ]


def test_discovery(client: scim.Client) -> None:
    """RFC 7644 §4: /ServiceProviderConfig, /ResourceTypes, /Schemas."""
    config = client.service_provider_config()
    assert config["patch"]["supported"] in (True, False)
    names = {t["name"] for t in client.resource_types()}
    assert {"User", "Group"} <= names
    ids = {s["id"] for s in client.schemas()}
    assert USER in ids


def test_me(client: scim.Client) -> None:
    """RFC 7644 §3.11: /Me is the authenticated subject's resource."""
    client.users.create(user("bjensen"))
    assert client.me.get()["userName"] == "bjensen"
    replaced = client.me.replace(user("bjensen", displayName="Me myself"))
    assert replaced["displayName"] == "Me myself"
    client.me.delete()
    with pytest.raises(scim.NotFoundError):
        client.me.get()


def test_authentication(testkit: ScimTestkit) -> None:
    with scim.Client(testkit.url) as anonymous:
        with pytest.raises(scim.UnauthorizedError):
            anonymous.users.list()
    with scim.Client(testkit.url, token="wrong") as wrong:
        with pytest.raises(scim.UnauthorizedError):
            wrong.users.list()
    with scim.Client(testkit.url, headers={"Authorization": f"Bearer {testkit.token}"}) as h:
        assert h.users.list()["totalResults"] == 0
    with pytest.raises(ValueError):
        scim.Client(testkit.url, token="a", basic=("u", "p"))
    creds = scim.ClientCredentials("http://127.0.0.1:1/token", "id", "very-secret",
                                   scopes=["scim"])
    assert "very-secret" not in repr(creds) and creds.scopes == ["scim"]


def test_oauth2_token_endpoint_unreachable_is_transport_error(testkit: ScimTestkit) -> None:
    creds = scim.ClientCredentials("http://127.0.0.1:9/token", "id", "secret")
    with scim.Client(testkit.url, oauth2=creds, connect_timeout=2) as c:
        with pytest.raises((scim.TransportError, scim.TimeoutError)) as info:
            c.users.list()
        assert "secret" not in str(info.value)


def test_bad_arguments() -> None:
    with pytest.raises(scim.InvalidInputError):
        scim.Client("not a url")
    with pytest.raises(ValueError):
        scim.Client("http://127.0.0.1:1/v2", timeout=-1)
    with pytest.raises(ValueError):
        scim.Client("http://127.0.0.1:1/v2", pagination="pages")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        scim.Client("http://127.0.0.1:1/v2", headers={"X-A": 1})  # type: ignore[dict-item]


def test_closed_client(testkit: ScimTestkit) -> None:
    c = scim.Client(testkit.url, token=testkit.token)
    with c:
        pass
    with pytest.raises(scim.InvalidInputError, match="closed"):
        c.users.list()
    c.close()  # closing twice is fine


def test_connection_refused_is_transport_error() -> None:
    with scim.Client(f"http://127.0.0.1:{_closed_port()}/v2", retries=0) as c:
        with pytest.raises(scim.TransportError):
            c.users.get("x")


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# --- fault knobs -------------------------------------------------------------------------


def test_429_with_retry_after_is_retried(client: scim.Client, testkit: ScimTestkit) -> None:
    """RFC 6585 §4 / RFC 7231 §7.1.3: 429 with Retry-After is retried after the wait."""
    created = client.users.create(user("retry"))
    testkit.faults(rules=[{"fault": "rate_limit", "times": 2, "retry_after": "0",
                           "method": "GET"}])
    assert client.users.get(created["id"])["userName"] == "retry"
    faults = [r for r in testkit.requests() if r.get("fault")]
    assert len(faults) == 2


def test_429_exhausting_retries_is_rate_limited_error(testkit: ScimTestkit) -> None:
    testkit.faults(rules=[{"fault": "rate_limit", "retry_after": "0"}])
    with scim.Client(testkit.url, token=testkit.token, retries=1) as c:
        with pytest.raises(scim.RateLimitedError) as info:
            c.users.list()
    assert info.value.status == 429


def test_503_is_retried_then_server_error(client: scim.Client, testkit: ScimTestkit) -> None:
    testkit.faults(rules=[{"fault": "unavailable", "times": 1, "retry_after": "0"}])
    assert client.users.list()["totalResults"] == 0
    testkit.faults(rules=[{"fault": "unavailable", "retry_after": "0"}])
    with pytest.raises(scim.ServerError) as info:
        client.users.list()
    assert info.value.status == 503


def test_post_is_never_replayed(client: scim.Client, testkit: ScimTestkit) -> None:
    """DESIGN: POST is never replayed after the request may have reached the server."""
    testkit.faults(rules=[{"fault": "unavailable", "times": 1, "retry_after": "0",
                           "method": "POST"}])
    with pytest.raises(scim.ServerError):
        client.users.create(user("once"))


def test_html_error_page_is_http_error(client: scim.Client, testkit: ScimTestkit) -> None:
    """An HTML 502 from a proxy keeps its status and a snippet; it is not a SCIM error."""
    testkit.faults(rules=[{"fault": "html_error", "status": 502}])
    with pytest.raises(scim.HttpError) as info:
        client.users.list()
    assert info.value.status == 502
    assert "<" in info.value.snippet
    assert not isinstance(info.value, scim.ApiError)


def test_truncated_body_is_transport_or_decode_error(client: scim.Client,
                                                    testkit: ScimTestkit) -> None:
    testkit.faults(rules=[{"fault": "truncate", "method": "GET"}])
    with pytest.raises((scim.TransportError, scim.DecodeError)):
        client.users.list()


def test_reset_connection_is_transport_error(client: scim.Client, testkit: ScimTestkit) -> None:
    testkit.faults(rules=[{"fault": "reset", "method": "POST"}])
    with pytest.raises(scim.TransportError):
        client.users.create(user("reset"))


def test_timeout(testkit: ScimTestkit) -> None:
    testkit.faults(latency_ms=2000)
    with scim.Client(testkit.url, token=testkit.token, timeout=0.2, retries=0) as c:
        start = time.monotonic()
        with pytest.raises(scim.TimeoutError) as info:
            c.users.list()
        assert time.monotonic() - start < 1.5
    assert isinstance(info.value, TimeoutError)  # the builtin too


# --- GIL and fork ------------------------------------------------------------------------


def test_gil_is_released_during_network_calls(testkit: ScimTestkit) -> None:
    """Two threads make progress at once: with a 300 ms server latency, two requests in
    two threads take about 300 ms, not 600 ms, and a pure-Python thread keeps counting
    while they wait."""
    testkit.faults(latency_ms=300)
    counter = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal counter
        while not stop.is_set():
            counter += 1

    with scim.Client(testkit.url, token=testkit.token) as c:
        spinner = threading.Thread(target=spin)
        spinner.start()
        threads = [threading.Thread(target=c.users.list) for _ in range(2)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
        stop.set()
        spinner.join()
    assert elapsed < 0.55, elapsed
    assert counter > 1000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_client_works_in_a_forked_child(client: scim.Client) -> None:
    """The runtime and the connection pool are rebuilt in a child after fork()."""
    client.users.create(user("parent"))  # the parent's runtime and pool are in use
    read, write = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a process with threads (the runtime's) may
        # deadlock: what this test checks is that it does not.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            created = client.users.create(user("child"))
            code = 0 if client.users.get(created["id"])["userName"] == "child" else 2
        finally:
            os.write(write, bytes([code]))
            os._exit(0)
    os.close(write)
    status = os.read(read, 1)
    os.close(read)
    os.waitpid(pid, 0)
    assert status == b"\x00"
    assert client.users.list(filter='userName eq "child"')["totalResults"] == 1


# --- authentication schemes against a recording server -----------------------------------


class _Recorder:
    """A 127.0.0.1 HTTP server that records requests; `/token` answers an OAuth 2.0
    token response (RFC 6749 §5.1), every other path an empty SCIM ListResponse."""

    def __init__(self, access_token: str) -> None:
        import http.server
        import json as _json

        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorder.requests.append((self.command, self.path, headers, body))
                if "garbage" in self.path:
                    data = b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": '
                    self.send_response(200)
                    self.send_header("Content-Type", "application/scim+json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if self.path == "/token":
                    payload = {"access_token": access_token, "token_type": "Bearer",
                               "expires_in": 3600}
                    ctype = "application/json"
                else:
                    payload = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                               "totalResults": 0, "Resources": []}
                    ctype = "application/scim+json"
                data = _json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[_Recorder]:
    r = _Recorder("issued-token")
    yield r
    r.close()


def test_basic_auth_headers_and_user_agent(recorder: _Recorder) -> None:
    """RFC 7617 Basic credentials; custom headers and User-Agent on every request."""
    import base64

    with scim.Client(recorder.url + "/v2", basic=("alice", "pa:ss"),
                     headers={"X-Tenant": "acme"}, user_agent="provisioner/1.0") as c:
        assert c.users.list()["totalResults"] == 0
    _, path, headers, _ = recorder.requests[-1]
    assert path == "/v2/Users"
    expected = base64.b64encode(b"alice:pa:ss").decode()
    assert headers["authorization"] == f"Basic {expected}"
    assert headers["x-tenant"] == "acme"
    assert headers["user-agent"] == "provisioner/1.0"


def test_oauth2_client_credentials(recorder: _Recorder) -> None:
    """RFC 6749 §4.4: the client gets a token with its credentials (§2.3.1 Basic), caches
    it and sends it as a bearer token."""
    import base64

    creds = scim.ClientCredentials(recorder.url + "/token", "my-client", "my-secret",
                                   scopes=["scim.read", "scim.write"])
    with scim.Client(recorder.url + "/v2", oauth2=creds) as c:
        c.users.list()
        c.groups.list()
    token_requests = [r for r in recorder.requests if r[1] == "/token"]
    assert len(token_requests) == 1  # cached
    method, _, headers, body = token_requests[0]
    assert method == "POST"
    assert headers["authorization"] == "Basic " + base64.b64encode(b"my-client:my-secret").decode()
    assert b"grant_type=client_credentials" in body
    assert b"scope=scim.read+scim.write" in body or b"scope=scim.read%20scim.write" in body
    scim_requests = [r for r in recorder.requests if r[1] != "/token"]
    assert all(r[2]["authorization"] == "Bearer issued-token" for r in scim_requests)


def test_undecodable_response_is_decode_error(recorder: _Recorder) -> None:
    """A 200 whose body is not JSON is a DecodeError, not a crash or a dict."""
    with scim.Client(recorder.url + "/v2") as c:
        with pytest.raises(scim.DecodeError):
            c.resource("/garbage").get("1")


def test_unsupported_by_the_server_fails_locally(recorder: _Recorder) -> None:
    """With a ServiceProviderConfig that says PATCH is unsupported (RFC 7643 §5), a
    PATCH fails before any request is sent."""
    config = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": False},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": 100},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [],
    }
    with scim.Client(recorder.url + "/v2", service_provider_config=config) as c:
        with pytest.raises(scim.UnsupportedError):
            c.users.patch("1", [{"op": "remove", "path": "title"}])
        with pytest.raises(scim.UnsupportedError):
            c.users.list(sort_by="userName")
    assert recorder.requests == []
