"""The exceptions of ``scim``: one family, rooted at :class:`ScimError`.

They mirror the kinds of the Rust core's ``scim_core::Error`` (see DESIGN.md, "One error
model, four languages"):

=========================  ===============================================================
exception                  raised when
=========================  ===============================================================
:class:`ApiError`          the server answered with a SCIM error (RFC 7644 §3.12); one
                           subclass per common status (:class:`NotFoundError`, ...)
:class:`HttpError`         the server answered with an HTTP error that is not SCIM (an HTML
                           page from a proxy); ``.snippet`` holds the start of the body
:class:`TransportError`    the request could not be sent or the answer not received
:class:`TimeoutError`      a connect or request timeout expired (also the builtin
                           ``TimeoutError``)
:class:`DecodeError`       a response could not be decoded
:class:`FilterError`       a filter is invalid (also ``ValueError``); ``.position``
:class:`PathError`         a PATCH path is invalid (also ``ValueError``); ``.position``
:class:`PatchError`        a PATCH operation cannot be applied; ``.scim_type`` and
                           ``.operation_index``
:class:`InvalidInputError` the caller passed something unusable (also ``ValueError``)
:class:`UnsupportedError`  the server does not support what was asked
=========================  ===============================================================

Every exception pickles (its attributes are kept), so it crosses process boundaries
(``multiprocessing``, ``concurrent.futures``) intact.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

__all__ = [
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


class ScimError(Exception):
    """The root of every exception ``scim`` raises.

    ``str(e)`` is the message; the attributes of each subclass carry the details. The
    attributes live in the instance ``__dict__`` and ``args`` is ``(message,)``, so the
    default exception pickling keeps them.
    """

    def __init__(self, message: str = "") -> None:
        super().__init__(message)

    @property
    def message(self) -> str:
        """The error message (``str(self)``)."""
        return str(self.args[0]) if self.args else ""


class ApiError(ScimError):
    """The server answered with a SCIM error response (RFC 7644 §3.12).

    ``status`` is the HTTP status, ``scim_type`` the body's ``scimType`` (``None`` when
    absent) and ``detail`` its ``detail``.
    """

    status: int
    scim_type: Optional[str]
    detail: Optional[str]

    def __init__(
        self,
        message: str = "",
        *,
        status: int = 0,
        scim_type: Optional[str] = None,
        detail: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.scim_type = scim_type
        self.detail = detail


class BadRequestError(ApiError):
    """400: the request is malformed (``scim_type`` says how: ``invalidFilter``, ...)."""


class UnauthorizedError(ApiError):
    """401: authentication failed or is missing."""


class ForbiddenError(ApiError):
    """403: the credentials do not allow the operation."""


class NotFoundError(ApiError):
    """404: the resource or endpoint does not exist."""


class ConflictError(ApiError):
    """409: a unique attribute is already in use (``scim_type`` ``uniqueness``)."""


class PreconditionFailedError(ApiError):
    """412: the ``If-Match`` version is stale; re-read the resource and try again."""


class PayloadTooLargeError(ApiError):
    """413: the request (often a bulk request) is larger than the server accepts."""


class RateLimitedError(ApiError):
    """429: too many requests, still refused after the client's retries."""


class ServerError(ApiError):
    """5xx: the server failed (for 503, still failing after the client's retries)."""


_API_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    413: PayloadTooLargeError,
    429: RateLimitedError,
}


def api_error_class(status: int) -> type[ApiError]:
    """The :class:`ApiError` subclass raised for an HTTP ``status``."""
    if status >= 500:
        return ServerError
    return _API_ERRORS.get(status, ApiError)


class HttpError(ScimError):
    """An HTTP error whose body is not a SCIM error (an HTML 502 from a proxy).

    ``status`` is the HTTP status; ``snippet`` the start of the body, for diagnosis.
    """

    status: int
    snippet: str

    def __init__(self, message: str = "", *, status: int = 0, snippet: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.snippet = snippet


class TransportError(ScimError):
    """The request could not be sent or the answer not received (connection refused or
    reset, TLS failure, truncated body, response too large)."""


class TimeoutError(ScimError, builtins.TimeoutError):  # noqa: A001 - the design's name
    """A connect or request timeout expired.

    Also a builtin ``TimeoutError``, so ``except TimeoutError`` written without ``scim.``
    catches it too.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,), self.__dict__ or None)


class DecodeError(ScimError):
    """A response (or JSON given as text) could not be decoded.

    ``path`` is the JSON path of the offending value (``emails[0].value``), when known.
    """

    path: Optional[str]

    def __init__(self, message: str = "", *, path: Optional[str] = None) -> None:
        super().__init__(message)
        self.path = path


class FilterError(ScimError, ValueError):
    """A filter is invalid (scimType ``invalidFilter``).

    ``position`` is the byte offset of the error in the filter text (``None`` when the
    filter parsed but cannot be evaluated as written, e.g. ``gt`` on a boolean).
    """

    position: Optional[int]
    scim_type: str = "invalidFilter"

    def __init__(self, message: str = "", *, position: Optional[int] = None) -> None:
        super().__init__(message)
        self.position = position


class PathError(ScimError, ValueError):
    """A PATCH path is invalid (scimType ``invalidPath``); ``position`` is the byte
    offset of the error in the path text."""

    position: Optional[int]
    scim_type: str = "invalidPath"

    def __init__(self, message: str = "", *, position: Optional[int] = None) -> None:
        super().__init__(message)
        self.position = position


class PatchError(ScimError):
    """A PATCH operation cannot be applied (RFC 7644 §3.5.2).

    ``scim_type`` is the RFC's: ``invalidPath``, ``noTarget``, ``mutability``,
    ``invalidValue`` or ``invalidSyntax``; ``operation_index`` the zero-based index of
    the failing operation.
    """

    scim_type: str
    operation_index: int

    def __init__(
        self, message: str = "", *, scim_type: str = "invalidValue", operation_index: int = 0
    ) -> None:
        super().__init__(message)
        self.scim_type = scim_type
        self.operation_index = operation_index


class InvalidInputError(ScimError, ValueError):
    """The caller passed something unusable: a bad base URL, a non-object resource, a
    filter value that is a list. Also a ``ValueError``."""


class UnsupportedError(ScimError):
    """The server does not support what was asked (per its ServiceProviderConfig)."""


def _from_core(
    kind: str,
    message: str,
    status: Optional[int],
    scim_type: Optional[str],
    detail: Optional[str],
    position: Optional[int],
    operation_index: Optional[int],
    extra: Optional[str],
) -> ScimError:
    """Builds the exception for a Rust ``scim_core::Error`` (called by ``scim._scim``).

    ``kind`` is the error's stable code (``ErrorCode::as_str``); ``extra`` holds the HTTP
    snippet or the decode path.
    """
    if kind == "api":
        code = status or 0
        return api_error_class(code)(message, status=code, scim_type=scim_type, detail=detail)
    if kind == "http":
        return HttpError(message, status=status or 0, snippet=extra or "")
    if kind == "transport":
        return TransportError(message)
    if kind == "timeout":
        return TimeoutError(message)
    if kind == "decode":
        return DecodeError(message, path=extra)
    if kind == "invalid_filter":
        return FilterError(message, position=position)
    if kind == "invalid_path":
        return PathError(message, position=position)
    if kind == "patch":
        return PatchError(
            message, scim_type=scim_type or "invalidValue", operation_index=operation_index or 0
        )
    if kind == "unsupported":
        return UnsupportedError(message)
    return InvalidInputError(message)
