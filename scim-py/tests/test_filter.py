"""scim.Filter: parsing, printing, equality, evaluation, the builder (RFC 7644 §3.4.2.2)."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

import scim


def test_parse_prints_canonical_form() -> None:
    """RFC 7644 §3.4.2.2: "Attribute names and attribute operators used in filters are
    case insensitive"; the canonical form is lower-case operators, values kept."""
    f = scim.Filter.parse('title PR AND (userType EQ "Employee" OR not(emails co "@X.org"))')
    assert str(f) == 'title pr and (userType eq "Employee" or not (emails co "@X.org"))'
    assert scim.Filter(str(f)) == f


def test_precedence_not_and_or() -> None:
    """RFC 7644 §3.4.2.2 Table 4: "and" binds tighter than "or"."""
    f = scim.Filter.parse("a pr or b pr and c pr")
    assert f == scim.Filter.pr("a") | (scim.Filter.pr("b") & scim.Filter.pr("c"))
    assert f != (scim.Filter.pr("a") | scim.Filter.pr("b")) & scim.Filter.pr("c")


def test_repr_eq_hash() -> None:
    f = scim.Filter('userName eq "bjensen"')
    assert repr(f) == "Filter('userName eq \"bjensen\"')"
    g = scim.Filter('USERNAME Eq "bjensen"'.replace("USERNAME", "userName"))
    assert f == g and hash(f) == hash(g)
    assert f != scim.Filter('userName eq "BJENSEN"')
    assert len({f, g}) == 1
    assert (f == "userName eq \"bjensen\"") is False
    assert f.__eq__(1) is NotImplemented


def test_pickle_and_copy() -> None:
    f = scim.Filter('emails[type eq "work" and value co "@example.com"] or not (title pr)')
    assert pickle.loads(pickle.dumps(f)) == f
    assert copy.deepcopy(f) == f


def test_error_has_position_and_caret() -> None:
    """Errors carry the byte offset and show the input with a caret."""
    with pytest.raises(scim.FilterError) as info:
        scim.Filter.parse("userName eq bjensen")
    err = info.value
    assert err.position == 12
    assert isinstance(err, ValueError) and isinstance(err, scim.ScimError)
    assert err.scim_type == "invalidFilter"
    assert str(err).endswith("  userName eq bjensen\n              ^")


@pytest.mark.parametrize(
    "text",
    ["", "userName", "userName eq", "(userName pr", "userName eq \"x\" and", "a[b[c pr]]"],
)
def test_bad_filters_raise_filter_error(text: str) -> None:
    with pytest.raises(scim.FilterError):
        scim.Filter.parse(text)


def test_lenient_accepts_what_idps_send() -> None:
    """Lenient mode reads Entra ID's `emails[type eq "work"].value eq "x"`."""
    text = 'emails[type eq "work"].value eq "x@example.com"'
    with pytest.raises(scim.FilterError):
        scim.Filter.parse(text)
    f = scim.Filter.parse(text, lenient=True)
    assert str(f) == 'emails[type eq "work" and value eq "x@example.com"]'


def test_limits() -> None:
    deep = "(" * 10 + "a pr" + ")" * 10
    assert scim.Filter.parse(deep) == scim.Filter.pr("a")
    with pytest.raises(scim.FilterError):
        scim.Filter.parse(deep, max_depth=5)
    with pytest.raises(scim.FilterError):
        scim.Filter.parse('userName eq "' + "x" * 100 + '"', max_length=50)
    with pytest.raises(scim.FilterError):
        scim.Filter.parse("(" * 100_000 + "a pr" + ")" * 100_000)


def test_matches(bjensen: dict[str, Any]) -> None:
    """RFC 7644 §3.4.2.2: multi-valued attributes match if any value matches; strings
    compare case-insensitively unless caseExact."""
    assert scim.Filter.parse('userName eq "BJENSEN@example.com"').matches(bjensen)
    assert scim.Filter.parse('emails[type eq "home" and value ew ".org"]').matches(bjensen)
    assert scim.Filter.parse('emails co "jensen.org"').matches(bjensen)
    assert scim.Filter.parse('meta.lastModified gt "2011-05-13T00:00:00Z"').matches(bjensen)
    urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    assert scim.Filter.parse(f'{urn}:employeeNumber eq "701984"').matches(bjensen)
    assert not scim.Filter.parse("nickName pr").matches(bjensen)
    assert scim.Filter.parse('nickName ne "x"').matches(bjensen)


def test_matches_leaves_input_untouched(bjensen: dict[str, Any]) -> None:
    before = copy.deepcopy(bjensen)
    scim.Filter.parse("title pr").matches(bjensen)
    assert bjensen == before


def test_matches_rejects_non_objects() -> None:
    f = scim.Filter.parse("title pr")
    with pytest.raises(TypeError):
        f.matches([1, 2])
    with pytest.raises(TypeError):
        f.matches({1: "x"})
    with pytest.raises(TypeError):
        f.matches({"title": object()})


def test_matches_ordering_on_boolean_is_filter_error() -> None:
    """RFC 7644 §3.4.2.2: "gt" etc. on boolean or binary attributes "SHALL" fail with
    invalidFilter."""
    with pytest.raises(scim.FilterError) as info:
        scim.Filter.parse("active gt true").matches({"active": True})
    assert info.value.position is None


def test_matches_models_and_mappings() -> None:
    class Model:
        def model_dump(self, **kwargs: Any) -> dict[str, Any]:
            assert kwargs == {"mode": "json", "by_alias": True, "exclude_none": True}
            return {"userName": "bjensen"}

    assert scim.Filter.parse('userName eq "bjensen"').matches(Model())
    import types

    assert scim.Filter.parse("userName pr").matches(types.MappingProxyType({"userName": "x"}))


def test_builder_escapes_untrusted_values() -> None:
    """A builder value can never change the filter's structure (filter injection)."""
    untrusted = 'x" or userName pr or "'
    f = scim.Filter.eq("userName", untrusted) & ~scim.Filter.pr("title")
    assert str(f) == 'userName eq "x\\" or userName pr or \\"" and not (title pr)'
    assert scim.Filter.parse(str(f)) == f
    assert not f.matches({"userName": "someone"})


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("eq", 'age eq 3'), ("ne", "age ne 3"), ("co", "age co 3"), ("sw", "age sw 3"),
        ("ew", "age ew 3"), ("gt", "age gt 3"), ("ge", "age ge 3"), ("lt", "age lt 3"),
        ("le", "age le 3"),
    ],
)
def test_builder_operators(op: str, expected: str) -> None:
    assert str(getattr(scim.Filter, op)("age", 3)) == expected


def test_builder_values_and_paths() -> None:
    assert str(scim.Filter.eq("active", True)) == "active eq true"
    assert str(scim.Filter.eq("x", None)) == "x eq null"
    assert str(scim.Filter.gt("score", 1.5)) == "score gt 1.5"
    f = scim.Filter.value_path("emails", scim.Filter.eq("type", "work"))
    assert str(f) == 'emails[type eq "work"]'
    with pytest.raises(scim.InvalidInputError):
        scim.Filter.eq("emails", ["a"])  # type: ignore[arg-type]
    with pytest.raises(scim.FilterError):
        scim.Filter.eq("bad name!", "x")
    with pytest.raises(scim.InvalidInputError):
        scim.Filter.value_path("emails.value", scim.Filter.pr("type"))
    with pytest.raises(TypeError):
        scim.Filter.pr("a") & "b"  # type: ignore[operator]


def test_strings_that_are_not_unicode_text_are_refused() -> None:
    """A lone surrogate cannot be UTF-8 (JSON text, RFC 8259 §8.1): a ValueError."""
    with pytest.raises(UnicodeEncodeError):
        scim.Filter.parse("title pr").matches({"title": "\udc80"})
    assert scim.Filter.parse('title eq "ünï😀"').matches({"title": "ünï😀"})
