"""Provision users and a group into a SCIM service provider, idempotently.

What an identity provider's sync job does: bring the server to a desired state (an HR
feed), creating what is missing, sending the smallest PATCH for what changed (computed
with ``scim.diff``), deactivating who left, and keeping a group's members in step.
Running it twice changes nothing the second time.

    python examples/python/provision.py BASE_URL [TOKEN]

``./scripts/test`` runs it against scim-testkit. Every value that goes into a filter is
built with ``scim.Filter.eq``, so a user name like ``x" or userName pr or "`` cannot
change the query (filter injection).
"""

from __future__ import annotations

import sys
from typing import Any

import scim

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

# The desired state, as an HR system would export it.
FEED: list[dict[str, Any]] = [
    {"userName": "bjensen", "given": "Barbara", "family": "Jensen",
     "email": "bjensen@example.com", "department": "Tours"},
    {"userName": "mpepperidge", "given": "Mandy", "family": "Pepperidge",
     "email": "mandy@example.com", "department": "Tours"},
    {"userName": 'x" or userName pr or "', "given": "Eve", "family": "Hacker",
     "email": "eve@example.com", "department": "Security"},
]
GROUP = "Tour Guides"


def desired_user(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": entry["userName"],
        "name": {"givenName": entry["given"], "familyName": entry["family"]},
        "displayName": f'{entry["given"]} {entry["family"]}',
        "emails": [{"value": entry["email"], "type": "work", "primary": True}],
        "active": True,
        ENTERPRISE: {"department": entry["department"]},
    }


def find_one(endpoint: scim.Endpoint, flt: scim.Filter) -> dict[str, Any] | None:
    page = endpoint.list(filter=flt, count=2)
    resources: list[dict[str, Any]] = page.get("Resources") or []
    return resources[0] if resources else None


def sync(client: scim.Client) -> dict[str, int]:
    stats = {"created": 0, "patched": 0, "unchanged": 0, "deactivated": 0}
    ids: dict[str, str] = {}
    for entry in FEED:
        want = desired_user(entry)
        have = find_one(client.users, scim.Filter.eq("userName", entry["userName"]))
        if have is None:
            created = client.users.create(want)
            ids[entry["userName"]] = created["id"]
            stats["created"] += 1
            continue
        ids[entry["userName"]] = have["id"]
        # The server's copy with our attributes laid over it: what it should become.
        target = {**have, **want, ENTERPRISE: {**have.get(ENTERPRISE, {}), **want[ENTERPRISE]}}
        patch = scim.diff(have, target)
        if patch["Operations"]:
            client.users.patch(have["id"], patch, etag=have.get("meta", {}).get("version"))
            stats["patched"] += 1
        else:
            stats["unchanged"] += 1

    # Whoever is active on the server but not in the feed has left: deactivate them.
    wanted = {e["userName"] for e in FEED}
    for u in client.users.iter(filter=scim.Filter.eq("active", True), page_size=50):
        if u["userName"] not in wanted:
            client.users.patch(u["id"], [{"op": "replace", "path": "active", "value": False}])
            stats["deactivated"] += 1

    # The group: created once, then its members kept equal to the feed.
    group = find_one(client.groups, scim.Filter.eq("displayName", GROUP))
    members = [{"value": ids[e["userName"]]} for e in FEED if e["department"] == "Tours"]
    if group is None:
        client.groups.create({"displayName": GROUP, "members": members})
        stats["created"] += 1
    else:
        current = [{"value": m["value"]} for m in group.get("members", [])]
        patch = scim.diff({**group, "members": current}, {**group, "members": members})
        if patch["Operations"]:
            client.groups.patch(group["id"], patch)
            stats["patched"] += 1
    return stats


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    base_url = sys.argv[1]
    token = sys.argv[2] if len(sys.argv) > 2 else None
    with scim.Client(base_url, token=token, timeout=30.0) as client:
        client.service_provider_config()  # learn what the server supports
        # Someone who left the company, still active on the server.
        if find_one(client.users, scim.Filter.eq("userName", "former")) is None:
            client.users.create({"schemas": [USER], "userName": "former", "active": True})
        first = sync(client)
        print(f"first sync:  {first}")
        second = sync(client)
        print(f"second sync: {second}")
        assert first["created"] == len(FEED) + 1, first  # the users, then the group
        assert first["deactivated"] == 1, first
        assert second == {"created": 0, "patched": 0, "unchanged": len(FEED),
                          "deactivated": 0}, second
        tricky = find_one(client.users, scim.Filter.eq("userName", FEED[2]["userName"]))
        assert tricky is not None and tricky["name"]["givenName"] == "Eve"
        print("ok")


if __name__ == "__main__":
    main()
