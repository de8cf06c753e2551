"""The exception family of scim.errors: hierarchy, attributes, pickling, mapping."""

from __future__ import annotations

import builtins
import pickle

import pytest

import scim
from scim import errors


def test_every_exception_is_exported_and_a_scim_error() -> None:
    for name in errors.__all__:
        cls = getattr(scim, name)
        assert cls is getattr(errors, name)
        assert issubclass(cls, scim.ScimError)
        assert name in scim.__all__


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, scim.BadRequestError),
        (401, scim.UnauthorizedError),
        (403, scim.ForbiddenError),
        (404, scim.NotFoundError),
        (409, scim.ConflictError),
        (412, scim.PreconditionFailedError),
        (413, scim.PayloadTooLargeError),
        (429, scim.RateLimitedError),
        (500, scim.ServerError),
        (503, scim.ServerError),
        (418, scim.ApiError),
    ],
)
def test_api_error_class_by_status(status: int, cls: type[scim.ApiError]) -> None:
    err = errors._from_core("api", "msg", status, "uniqueness", "taken", None, None, None)
    assert type(err) is cls and isinstance(err, scim.ApiError)
    assert (err.status, err.scim_type, err.detail) == (status, "uniqueness", "taken")


def test_from_core_maps_every_kind() -> None:
    def make(kind: str, **kw: object) -> scim.ScimError:
        args: dict[str, object] = {"status": None, "scim_type": None, "detail": None, "position": None,
                "operation_index": None, "extra": None}
        args.update(kw)
        return errors._from_core(kind, "m", **args)  # type: ignore[arg-type]

    http = make("http", status=502, extra="<html>bad gateway</html>")
    assert isinstance(http, scim.HttpError) and http.status == 502
    assert http.snippet == "<html>bad gateway</html>"
    assert type(make("transport")) is scim.TransportError
    timeout = make("timeout")
    assert isinstance(timeout, scim.TimeoutError) and isinstance(timeout, builtins.TimeoutError)
    decode = make("decode", extra="Resources[0].id")
    assert isinstance(decode, scim.DecodeError) and decode.path == "Resources[0].id"
    filt = make("invalid_filter", position=3)
    assert isinstance(filt, scim.FilterError) and filt.position == 3
    path = make("invalid_path", position=4)
    assert isinstance(path, scim.PathError) and path.position == 4
    patch = make("patch", scim_type="noTarget", operation_index=2)
    assert isinstance(patch, scim.PatchError)
    assert (patch.scim_type, patch.operation_index) == ("noTarget", 2)
    assert type(make("unsupported")) is scim.UnsupportedError
    invalid = make("invalid_input")
    assert isinstance(invalid, scim.InvalidInputError) and isinstance(invalid, ValueError)


@pytest.mark.parametrize(
    "err",
    [
        scim.ScimError("root"),
        scim.NotFoundError("gone", status=404, scim_type=None, detail="no such user"),
        scim.ConflictError("dup", status=409, scim_type="uniqueness", detail="taken"),
        scim.HttpError("bad gateway", status=502, snippet="<html>"),
        scim.TransportError("reset"),
        scim.TimeoutError("timed out"),
        scim.DecodeError("bad", path="Resources"),
        scim.FilterError("bad filter", position=12),
        scim.PathError("bad path", position=3),
        scim.PatchError("no target", scim_type="noTarget", operation_index=1),
        scim.InvalidInputError("bad url"),
        scim.UnsupportedError("no bulk"),
    ],
)
def test_pickle_keeps_type_message_and_attributes(err: scim.ScimError) -> None:
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert str(back) == str(err) == err.message
    assert back.__dict__ == err.__dict__


def test_raised_filter_error_pickles() -> None:
    with pytest.raises(scim.FilterError) as info:
        scim.Filter.parse('userName eq "x" and')
    back = pickle.loads(pickle.dumps(info.value))
    assert back.position == info.value.position == 19
    assert str(back) == str(info.value)
