"""Shared fixtures of the scim-py tests."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def bjensen() -> dict[str, Any]:
    """The user of RFC 7643 §8.2 (trimmed), with an enterprise extension."""
    return {
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "701984",
        "userName": "bjensen@example.com",
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "title": "Tour Guide",
        "userType": "Employee",
        "active": True,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": True},
            {"value": "babs@jensen.org", "type": "home"},
        ],
        "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z",
            "version": 'W/"3694e05e9dff591"',
        },
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"},
        },
    }


# --- servers -----------------------------------------------------------------------------


ROOT = Path(__file__).resolve().parents[2]
TOKEN = "s3cr3t-token"


class ScimTestkit:
    """The scim-testkit server (an in-memory SCIM service provider with fault knobs),
    run as a subprocess on a free 127.0.0.1 port."""

    def __init__(self, url: str, process: subprocess.Popen[str]) -> None:
        self.url = url
        self.admin = url.rsplit("/", 1)[0] + "/_testkit"
        self.process = process
        self.token = TOKEN

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.admin}/{path}", data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
        return json.loads(text) if text.strip() else None

    def faults(self, **faults: Any) -> None:
        """Replaces the faults (`rules=[...]`, `latency_ms=`, `ignore_start_index=`)."""
        self._admin("POST", "faults", faults)

    def capabilities(self, **capabilities: Any) -> None:
        """Replaces the capabilities (see scim-testkit's `Capabilities`)."""
        self._admin("PUT", "capabilities", capabilities)

    def requests(self) -> list[dict[str, Any]]:
        """The log of SCIM requests received."""
        result: list[dict[str, Any]] = self._admin("GET", "requests")["requests"]
        return result

    def reset(self) -> None:
        """Deletes every resource, clears faults and the request log."""
        self._admin("POST", "reset")
        self._admin("DELETE", "faults")
        self._admin("DELETE", "requests")


def _testkit_binary() -> str:
    given = os.environ.get("SCIM_TESTKIT")
    if given:
        return given
    binary = ROOT / "target" / "debug" / "scim-testkit"
    if not binary.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "scim-testkit"], cwd=ROOT, check=True)
    return str(binary)


@pytest.fixture(scope="session")
def testkit_server() -> Iterator[ScimTestkit]:
    process = subprocess.Popen(
        [_testkit_binary(), "--token", TOKEN, "--me", "bjensen", "--exit-on-stdin-eof"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    try:
        yield ScimTestkit(url, process)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.stdout.close()
        process.wait(timeout=10)


@pytest.fixture
def testkit(testkit_server: ScimTestkit) -> Iterator[ScimTestkit]:
    """The testkit, emptied and without faults, for one test."""
    testkit_server.reset()
    yield testkit_server
    testkit_server.reset()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def scim2_server() -> Iterator[str]:
    """The real scim2-server (PyPI) on a free 127.0.0.1 port; yields its base URL."""
    exe = shutil.which("scim2-server", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("scim2-server is not installed (pip install scim2-server)")
    port = _free_port()
    process = subprocess.Popen(
        [exe, "--hostname", "127.0.0.1", "--port", str(port), "--bearer-token", TOKEN],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("scim2-server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
