"""scim.Path: PATCH paths (RFC 7644 §3.5.2)."""

from __future__ import annotations

import pickle

import pytest

import scim

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def test_parts() -> None:
    """RFC 7644 §3.5.2: PATH = attrPath / valuePath [subAttr]."""
    p = scim.Path.parse('emails[type eq "work"].value')
    assert (p.urn, p.name, p.sub_attr) == (None, "emails", "value")
    assert p.filter == scim.Filter.eq("type", "work")
    assert str(p) == 'emails[type eq "work"].value'
    assert repr(p) == "Path('emails[type eq \"work\"].value')"
    assert p.full_name == "emails"


def test_urn_qualified() -> None:
    p = scim.Path(f"{ENTERPRISE}:manager.value")
    assert p.urn == ENTERPRISE and p.name == "manager" and p.sub_attr == "value"
    assert p.filter is None
    assert p.full_name == f"{ENTERPRISE}:manager"


def test_eq_hash_pickle() -> None:
    p = scim.Path("name.givenName")
    assert p == scim.Path("name.givenName") and hash(p) == hash(scim.Path("name.givenName"))
    assert p != scim.Path("name.familyName")
    assert p.__eq__("name.givenName") is NotImplemented
    assert pickle.loads(pickle.dumps(p)) == p


@pytest.mark.parametrize(
    ("text", "position"), [("name.givenName.x", 14), ("", 0), ('emails[type eq "work"', 21)]
)
def test_errors(text: str, position: int) -> None:
    with pytest.raises(scim.PathError) as info:
        scim.Path.parse(text)
    assert info.value.position == position
    assert isinstance(info.value, ValueError)
    assert info.value.scim_type == "invalidPath"


def test_limits() -> None:
    with pytest.raises(scim.PathError):
        scim.Path.parse("a" * 100, max_length=10)
