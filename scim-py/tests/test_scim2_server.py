"""scim.Client against the real scim2-server (PyPI), a Python SCIM service provider."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import scim

from .conftest import TOKEN

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@pytest.fixture
def client(scim2_server: str) -> Iterator[scim.Client]:
    with scim.Client(scim2_server, token=TOKEN, timeout=20) as c:
        yield c


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_user_lifecycle(client: scim.Client) -> None:
    """RFC 7644 §3.3 create, §3.4.1 get, §3.5.2 patch, §3.5.1 replace, §3.6 delete."""
    name = unique("bjensen")
    created = client.users.create({
        "schemas": [USER, ENTERPRISE],
        "userName": name,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": f"{name}@example.com", "type": "work", "primary": True}],
        ENTERPRISE: {"employeeNumber": "701984"},
    })
    uid = created["id"]
    assert created[ENTERPRISE]["employeeNumber"] == "701984"
    assert client.users.get(uid)["userName"] == name

    patched = client.users.patch(uid, [
        {"op": "replace", "path": "name.givenName", "value": "Babs"},
        {"op": "add", "path": "emails",
         "value": [{"value": f"{name}@home.example", "type": "home"}]},
    ])
    if patched is None:  # 204 No Content is allowed
        patched = client.users.get(uid)
    assert patched["name"]["givenName"] == "Babs"
    assert len(patched["emails"]) == 2

    patched["displayName"] = "Barbara Jensen"
    replaced = client.users.replace(uid, patched)
    assert replaced["displayName"] == "Barbara Jensen"

    client.users.delete(uid)
    with pytest.raises(scim.NotFoundError):
        client.users.get(uid)


def test_uniqueness_conflict(client: scim.Client) -> None:
    name = unique("dup")
    client.users.create({"schemas": [USER], "userName": name})
    with pytest.raises(scim.ConflictError) as info:
        client.users.create({"schemas": [USER], "userName": name})
    assert info.value.status == 409


def test_filter_list_and_iter(client: scim.Client) -> None:
    """RFC 7644 §3.4.2: filtered, paged queries; the iterator walks every page."""
    prefix = unique("page")
    for i in range(23):
        client.users.create({"schemas": [USER], "userName": f"{prefix}-{i:02}"})
    flt = scim.Filter.sw("userName", prefix)
    page = client.users.list(filter=flt, count=10)
    assert page["totalResults"] == 23 and len(page["Resources"]) == 10
    walked = [u["userName"] for u in client.users.iter(filter=flt, page_size=10)]
    assert sorted(walked) == [f"{prefix}-{i:02}" for i in range(23)]
    searched = client.users.search(filter=flt, count=5)
    assert searched["totalResults"] == 23


def test_group_members_and_bulk(client: scim.Client) -> None:
    """RFC 7644 §3.7: a bulk request creating a user and a group referencing it."""
    name = unique("bulk")
    results = client.bulk([
        {"method": "POST", "path": "/Users", "bulkId": "u",
         "data": {"schemas": [USER], "userName": name}},
        {"method": "POST", "path": "/Groups", "bulkId": "g",
         "data": {"schemas": [GROUP], "displayName": unique("group"),
                  "members": [{"value": "bulkId:u"}]}},
    ])
    assert [r["outcome"] for r in results] == ["succeeded", "succeeded"], results
    group = client.groups.get(results[1]["id"])
    assert [m["value"] for m in group["members"]] == [results[0]["id"]]


def test_discovery(client: scim.Client) -> None:
    config: dict[str, Any] = client.service_provider_config()
    assert config["patch"]["supported"] is True
    assert {"User", "Group"} <= {t["name"] for t in client.resource_types()}
    assert USER in {s["id"] for s in client.schemas()}
