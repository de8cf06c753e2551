"""SCIM 2.0 (RFC 7643/7644) for Python, on a Rust core.

- :class:`Filter`: parse, print, compare, evaluate and build filters (RFC 7644 §3.4.2.2);
  bad input raises :class:`FilterError` (also a ``ValueError``) with ``.position``.
- :class:`Path`: PATCH paths (RFC 7644 §3.5.2); :class:`PathError` on bad input.
- :func:`apply_patch` (RFC 7644 §3.5.2, atomic, returns a new dict) and :func:`diff`
  (the smallest PatchOp from one resource to another).
- :class:`Client`: a blocking SCIM client (``users``, ``groups``, ``resource(path)``,
  ``me``, ``bulk``, discovery); the GIL is released during every network call.
  :class:`AsyncClient`: the same methods as coroutines, ``async for`` over ``iter``.

Dicts in, dicts out: anything with ``model_dump()`` (pydantic models such as
scim2-models') is accepted wherever a resource is expected.
"""

from __future__ import annotations

import atexit

from ._scim import (
    AsyncClient,
    AsyncEndpoint,
    AsyncMe,
    AsyncResourceIterator,
    Client,
    ClientCredentials,
    Endpoint,
    Filter,
    Me,
    Path,
    ResourceIterator,
    __version__,
    apply_patch,
    diff,
)
from .errors import (
    ApiError,
    BadRequestError,
    ConflictError,
    DecodeError,
    FilterError,
    ForbiddenError,
    HttpError,
    InvalidInputError,
    NotFoundError,
    PatchError,
    PathError,
    PayloadTooLargeError,
    PreconditionFailedError,
    RateLimitedError,
    ScimError,
    ServerError,
    TimeoutError,
    TransportError,
    UnauthorizedError,
    UnsupportedError,
)

from . import _scim

# Runtime threads must not wake coroutines once the interpreter finalizes.
atexit.register(_scim._before_exit)

__all__ = [
    "__version__",
    "Filter",
    "Path",
    "apply_patch",
    "diff",
    "Client",
    "ClientCredentials",
    "Endpoint",
    "Me",
    "ResourceIterator",
    "AsyncClient",
    "AsyncEndpoint",
    "AsyncMe",
    "AsyncResourceIterator",
    "ScimError",
    "ApiError",
    "BadRequestError",
    "UnauthorizedError",
    "ForbiddenError",
    "NotFoundError",
    "ConflictError",
    "PreconditionFailedError",
    "PayloadTooLargeError",
    "RateLimitedError",
    "ServerError",
    "HttpError",
    "TransportError",
    "TimeoutError",
    "DecodeError",
    "FilterError",
    "PathError",
    "PatchError",
    "InvalidInputError",
    "UnsupportedError",
]
