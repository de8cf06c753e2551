"""scim.apply_patch and scim.diff (RFC 7644 §3.5.2)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import scim

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def test_returns_new_dict_and_leaves_input_untouched(bjensen: dict[str, Any]) -> None:
    before = copy.deepcopy(bjensen)
    out = scim.apply_patch(bjensen, {"schemas": [PATCH_OP], "Operations": [
        {"op": "replace", "path": "name.givenName", "value": "Babs"}]})
    assert out["name"]["givenName"] == "Babs"
    assert out is not bjensen and bjensen == before


def test_list_of_operations_and_order_kept(bjensen: dict[str, Any]) -> None:
    out = scim.apply_patch(bjensen, [
        {"op": "add", "path": "nickName", "value": "Babs"},
        {"op": "remove", "path": "title"},
    ])
    assert out["nickName"] == "Babs" and "title" not in out
    assert list(out)[:3] == list(bjensen)[:3]


def test_filtered_path_and_primary(bjensen: dict[str, Any]) -> None:
    """RFC 7644 §3.5.2.1 add to a multi-valued attribute; RFC 7643 §2.4: "The primary
    attribute value 'true' MUST appear no more than once"."""
    out = scim.apply_patch(bjensen, [
        {"op": "add", "path": "emails",
         "value": [{"value": "b@example.org", "type": "other", "primary": True}]},
        {"op": "replace", "path": 'emails[type eq "home"].value', "value": "h@x.org"},
    ])
    primaries = [e for e in out["emails"] if e.get("primary")]
    assert [e["value"] for e in primaries] == ["b@example.org"]
    assert {"value": "h@x.org", "type": "home"} in out["emails"]


def test_extension_path(bjensen: dict[str, Any]) -> None:
    out = scim.apply_patch(bjensen, [
        {"op": "add", "path": f"{ENTERPRISE}:department", "value": "Tours"}])
    assert out[ENTERPRISE]["department"] == "Tours"


def test_no_target_error_and_atomicity(bjensen: dict[str, Any]) -> None:
    """RFC 7644 §3.5.2: "If the target location path specifies an attribute that does
    not exist, the service provider SHALL treat the operation as an 'add'" - but a
    filter that matches nothing is noTarget, and the whole request fails."""
    before = copy.deepcopy(bjensen)
    with pytest.raises(scim.PatchError) as info:
        scim.apply_patch(bjensen, [
            {"op": "replace", "path": "displayName", "value": "changed"},
            {"op": "remove", "path": 'emails[type eq "pager"]'},
        ])
    err = info.value
    assert err.scim_type == "noTarget" and err.operation_index == 1
    assert bjensen == before


def test_mutability_error(bjensen: dict[str, Any]) -> None:
    with pytest.raises(scim.PatchError) as info:
        scim.apply_patch(bjensen, [{"op": "replace", "path": "id", "value": "other"}])
    assert info.value.scim_type == "mutability"


def test_bad_path_and_bad_body(bjensen: dict[str, Any]) -> None:
    with pytest.raises(scim.ScimError) as info:
        scim.apply_patch(bjensen, [{"op": "add", "path": "name..x", "value": 1}])
    assert info.value.scim_type == "invalidPath"  # type: ignore[attr-defined]
    with pytest.raises(scim.PatchError) as bad:
        scim.apply_patch(bjensen, [{"op": "add"}, {"path": "title"}])
    assert bad.value.scim_type == "invalidSyntax"
    assert bad.value.operation_index == 1
    with pytest.raises(TypeError):
        scim.apply_patch(bjensen, "add title")
    with pytest.raises(TypeError):
        scim.apply_patch([bjensen], [])


def test_lenient_accepts_idp_shapes() -> None:
    """Entra ID sends "Replace" and "False" strings; lenient mode takes them."""
    user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "x", "active": True}
    ops = [{"op": "Replace", "path": "active", "value": "False"}]
    with pytest.raises(scim.PatchError):
        scim.apply_patch(user, ops)
    assert scim.apply_patch(user, ops, lenient=True)["active"] is False


def test_diff_round_trips(bjensen: dict[str, Any]) -> None:
    """DESIGN: apply(old, diff(old, new)) == new."""
    new = copy.deepcopy(bjensen)
    new["name"]["givenName"] = "Babs"
    new["emails"].append({"value": "third@example.com", "type": "other"})
    del new["title"]
    patch = scim.diff(bjensen, new)
    assert patch["schemas"] == [PATCH_OP]
    assert scim.apply_patch(bjensen, patch) == new
    assert scim.diff(bjensen, bjensen)["Operations"] == []


def test_diff_members_item_by_item() -> None:
    """One new member in a large group is one small operation."""
    group = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
             "displayName": "big", "members": [{"value": f"u{i}"} for i in range(5000)]}
    new = {**group, "members": [*group["members"][1:], {"value": "new"}]}
    patch = scim.diff(group, new)
    assert len(patch["Operations"]) == 2
    paths = sorted(str(op.get("path")) for op in patch["Operations"])
    assert paths == ["members", 'members[value eq "u0"]']
    listed = scim.diff(group, new, member_removal="value_list")
    assert any(op["op"] == "remove" and op.get("value") for op in listed["Operations"])
    with pytest.raises(ValueError):
        scim.diff(group, new, member_removal="nope")  # type: ignore[arg-type]
