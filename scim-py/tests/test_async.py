"""scim.AsyncClient: the same calls as coroutines, against scim-testkit."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from typing import Any

import pytest

import scim

from .conftest import ScimTestkit

USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_crud_list_iter_and_errors(testkit: ScimTestkit) -> None:
    async def main() -> None:
        async with scim.AsyncClient(testkit.url, token=testkit.token) as c:
            assert repr(c).startswith("AsyncClient(")
            created = await c.users.create({"userName": "async-bjensen"})
            assert created["schemas"] == [USER]
            uid = created["id"]
            assert (await c.users.get(uid))["userName"] == "async-bjensen"
            replaced = await c.users.replace(uid, {**created, "displayName": "Babs"})
            assert replaced["displayName"] == "Babs"
            for i in range(7):
                await c.users.create({"userName": f"async{i}"})
            page = await c.users.list(filter=scim.Filter.sw("userName", "async"), count=3)
            assert page["totalResults"] == 8 and len(page["Resources"]) == 3
            found = await c.users.search(filter='userName eq "async3"')
            assert found["totalResults"] == 1
            names = [u["userName"] async for u in c.users.iter(page_size=3)]
            assert len(names) == 8
            with pytest.raises(scim.NotFoundError):
                await c.users.get("missing")
            await c.users.delete(uid)
            results = await c.bulk([{"method": "POST", "path": "/Users", "bulkId": "b",
                                     "data": {"schemas": [USER], "userName": "async-bulk"}}])
            assert results[0]["outcome"] == "succeeded"
            assert (await c.service_provider_config())["etag"]["supported"] is True
            assert len(await c.resource_types()) >= 2
            assert len(await c.schemas()) >= 2
            assert (await c.resource("/Groups").list())["totalResults"] == 0
            await c.groups.create({"displayName": "async group"})
            await c.users.create({"userName": "bjensen"})
            assert (await c.me.get())["userName"] == "bjensen"
        with pytest.raises(scim.InvalidInputError):
            await c.users.list()

    run(main())


def test_requests_run_concurrently(testkit: ScimTestkit) -> None:
    """Ten requests against a server that takes 200 ms each finish in about 200 ms."""
    testkit.faults(latency_ms=200)

    async def main() -> float:
        async with scim.AsyncClient(testkit.url, token=testkit.token) as c:
            start = time.monotonic()
            pages = await asyncio.gather(*(c.users.list() for _ in range(10)))
            assert all(p["totalResults"] == 0 for p in pages)
            return time.monotonic() - start

    assert run(main()) < 1.0


def test_async_iterator_error_ends_iteration(testkit: ScimTestkit) -> None:
    testkit.faults(rules=[{"fault": "html_error", "status": 502}])

    async def main() -> None:
        async with scim.AsyncClient(testkit.url, token=testkit.token) as c:
            it = c.users.iter()
            with pytest.raises(scim.HttpError):
                await it.__anext__()
            with pytest.raises(StopAsyncIteration):
                await it.__anext__()

    run(main())


SCRIPT = """
import asyncio, sys, scim
async def main():
    async with scim.AsyncClient(sys.argv[1], token=sys.argv[2]) as c:
        u = await c.users.create({"userName": sys.argv[3]})
        await asyncio.gather(*(c.users.get(u["id"]) for _ in range(20)))
        [x async for x in c.users.iter(page_size=2)]
        await c.users.delete(u["id"])
asyncio.run(main())
"""


def test_interpreter_exit_after_async_calls_is_clean(testkit: ScimTestkit) -> None:
    """A runtime thread ending a task while the interpreter finalizes must not take the
    GIL (which aborts the process); without the atexit hook this failed about half
    the time."""
    for i in range(6):
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, testkit.url, testkit.token, f"exit{i}"],
            capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stderr[-2000:]
