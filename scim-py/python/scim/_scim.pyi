"""Type stubs of the extension module ``scim._scim`` (checked by mypy's stubtest)."""

from collections.abc import Mapping, Sequence
from collections.abc import Awaitable
from typing import Any, Literal, Optional, final

__version__: str
__all__ = [
    "__version__",
    "Filter",
    "_before_exit",
    "apply_patch",
    "diff",
    "Path",
    "Client",
    "ClientCredentials",
    "Endpoint",
    "Me",
    "ResourceIterator",
    "AsyncClient",
    "AsyncEndpoint",
    "AsyncMe",
    "AsyncResourceIterator",
]

from typing_extensions import TypeAlias

_JsonScalar: TypeAlias = str | int | float | bool | None

@final
class Filter:
    """A parsed SCIM filter (RFC 7644 §3.4.2.2). Immutable, hashable, picklable.

    ``Filter(text)`` and ``Filter.parse(text)`` parse; ``str(f)`` is the canonical form,
    which parses back to an equal filter. Bad input raises ``scim.FilterError``.
    """

    def __new__(
        cls,
        text: str,
        *,
        lenient: bool = False,
        max_length: Optional[int] = None,
        max_depth: Optional[int] = None,
    ) -> Filter: ...
    @classmethod
    def parse(
        cls,
        text: str,
        *,
        lenient: bool = False,
        max_length: Optional[int] = None,
        max_depth: Optional[int] = None,
    ) -> Filter: ...
    def matches(self, resource: Any) -> bool: ...
    @staticmethod
    def eq(path: str, value: _JsonScalar) -> Filter: ...
    @staticmethod
    def ne(path: str, value: _JsonScalar) -> Filter: ...
    @staticmethod
    def co(path: str, value: _JsonScalar) -> Filter: ...
    @staticmethod
    def sw(path: str, value: _JsonScalar) -> Filter: ...
    @staticmethod
    def ew(path: str, value: _JsonScalar) -> Filter: ...
    @staticmethod
    def gt(path: str, value: _JsonScalar) -> Filter: ...
    @staticmethod
    def ge(path: str, value: _JsonScalar) -> Filter: ...
    @staticmethod
    def lt(path: str, value: _JsonScalar) -> Filter: ...
    @staticmethod
    def le(path: str, value: _JsonScalar) -> Filter: ...
    @staticmethod
    def pr(path: str) -> Filter: ...
    @staticmethod
    def value_path(attr: str, filter: Filter) -> Filter: ...
    def __and__(self, other: Filter, /) -> Filter: ...
    def __rand__(self, other: Filter, /) -> Filter: ...
    def __or__(self, other: Filter, /) -> Filter: ...
    def __ror__(self, other: Filter, /) -> Filter: ...
    def __invert__(self) -> Filter: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

@final
class Path:
    """A PATCH path (RFC 7644 §3.5.2): ``name``, ``urn:...:name``, ``name.sub``,
    ``name[filter]``, ``name[filter].sub``. Bad input raises ``scim.PathError``."""

    def __new__(
        cls, text: str, *, max_length: Optional[int] = None, max_depth: Optional[int] = None
    ) -> Path: ...
    @classmethod
    def parse(
        cls, text: str, *, max_length: Optional[int] = None, max_depth: Optional[int] = None
    ) -> Path: ...
    @property
    def urn(self) -> Optional[str]: ...
    @property
    def name(self) -> str: ...
    @property
    def filter(self) -> Optional[Filter]: ...
    @property
    def sub_attr(self) -> Optional[str]: ...
    @property
    def full_name(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, ...]: ...

_Json = dict[str, Any]

def _before_exit() -> None:
    """The atexit hook: runtime threads stop waking coroutines."""

def apply_patch(resource: Any, patch: Any, *, lenient: bool = False) -> _Json:
    """Applies a PatchOp dict (or a list of operations) and returns a new dict; the
    input is untouched, also on error (``scim.PatchError``)."""

def diff(
    old: Any,
    new: Any,
    *,
    filtered_paths: bool = True,
    member_removal: Literal["filtered", "value_list"] = "filtered",
) -> _Json:
    """The smallest PatchOp dict that turns ``old`` into ``new``."""

@final
class ClientCredentials:
    """OAuth 2.0 client credentials (RFC 6749 §4.4) for ``Client(oauth2=...)``."""

    def __new__(
        cls,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scopes: Optional[Sequence[str]] = None,
    ) -> ClientCredentials: ...
    @property
    def token_url(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def scopes(self) -> list[str]: ...

@final
class ResourceIterator:
    """Every resource of a query, page by page; holds one page in memory."""

    def __iter__(self) -> ResourceIterator: ...
    def __next__(self) -> _Json: ...

@final
class Endpoint:
    """One resource endpoint: ``client.users``, ``client.groups``, ``client.resource(path)``."""

    @property
    def path(self) -> str: ...
    def create(self, resource: Any) -> _Json: ...
    def get(
        self,
        id: str,
        *,
        attributes: Optional[Sequence[str]] = None,
        excluded_attributes: Optional[Sequence[str]] = None,
    ) -> _Json: ...
    def replace(self, id: str, resource: Any, *, etag: Optional[str] = None) -> _Json: ...
    def patch(self, id: str, operations: Any, *, etag: Optional[str] = None) -> Optional[_Json]: ...
    def delete(self, id: str, *, etag: Optional[str] = None) -> None: ...
    def list(
        self,
        *,
        filter: Optional[str | Filter] = None,
        sort_by: Optional[str] = None,
        sort_order: Optional[Literal["ascending", "descending"]] = None,
        start_index: Optional[int] = None,
        count: Optional[int] = None,
        attributes: Optional[Sequence[str]] = None,
        excluded_attributes: Optional[Sequence[str]] = None,
        cursor: Optional[str] = None,
    ) -> _Json: ...
    def search(
        self,
        *,
        filter: Optional[str | Filter] = None,
        sort_by: Optional[str] = None,
        sort_order: Optional[Literal["ascending", "descending"]] = None,
        start_index: Optional[int] = None,
        count: Optional[int] = None,
        attributes: Optional[Sequence[str]] = None,
        excluded_attributes: Optional[Sequence[str]] = None,
        cursor: Optional[str] = None,
    ) -> _Json: ...
    def iter(
        self,
        *,
        filter: Optional[str | Filter] = None,
        sort_by: Optional[str] = None,
        sort_order: Optional[Literal["ascending", "descending"]] = None,
        page_size: Optional[int] = None,
        attributes: Optional[Sequence[str]] = None,
        excluded_attributes: Optional[Sequence[str]] = None,
        search: bool = False,
    ) -> ResourceIterator: ...

@final
class Me:
    """``/Me`` (RFC 7644 §3.11): the resource of the authenticated subject."""

    def get(self) -> _Json: ...
    def replace(self, resource: Any) -> _Json: ...
    def patch(self, operations: Any) -> Optional[_Json]: ...
    def delete(self) -> None: ...

@final
class Client:
    """A blocking SCIM 2.0 client; the GIL is released during every network call."""

    def __new__(
        cls,
        base_url: str,
        *,
        token: Optional[str] = None,
        basic: Optional[tuple[str, str]] = None,
        oauth2: Optional[ClientCredentials] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = 60.0,
        connect_timeout: float = 10.0,
        retries: int = 3,
        retry_backoff: float = 0.5,
        max_retry_after: float = 60.0,
        user_agent: Optional[str] = None,
        max_response_size: Optional[int] = None,
        service_provider_config: Optional[Any] = None,
        pagination: Optional[Literal["index", "cursor"]] = None,
    ) -> Client: ...
    @property
    def users(self) -> Endpoint: ...
    @property
    def groups(self) -> Endpoint: ...
    @property
    def me(self) -> Me: ...
    @property
    def base_url(self) -> str: ...
    def resource(self, path: str) -> Endpoint: ...
    def service_provider_config(self) -> _Json: ...
    def resource_types(self) -> list[_Json]: ...
    def schemas(self) -> list[_Json]: ...
    def bulk(
        self, operations: Sequence[Mapping[str, Any]], *, fail_on_errors: Optional[int] = None
    ) -> list[_Json]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Client: ...
    def __exit__(self, *_exc: object) -> Literal[False]: ...

@final
class AsyncResourceIterator:
    """``async for`` over every resource of a query; holds one page in memory."""

    def __aiter__(self) -> AsyncResourceIterator: ...
    def __anext__(self) -> Awaitable[_Json]: ...
    async def _next(self) -> _Json: ...

@final
class AsyncEndpoint:
    """One resource endpoint of an :class:`AsyncClient`."""

    @property
    def path(self) -> str: ...
    async def create(self, resource: Any) -> _Json: ...
    async def get(
        self,
        id: str,
        *,
        attributes: Optional[Sequence[str]] = None,
        excluded_attributes: Optional[Sequence[str]] = None,
    ) -> _Json: ...
    async def replace(self, id: str, resource: Any, *, etag: Optional[str] = None) -> _Json: ...
    async def patch(
        self, id: str, operations: Any, *, etag: Optional[str] = None
    ) -> Optional[_Json]: ...
    async def delete(self, id: str, *, etag: Optional[str] = None) -> None: ...
    async def list(
        self,
        *,
        filter: Optional[str | Filter] = None,
        sort_by: Optional[str] = None,
        sort_order: Optional[Literal["ascending", "descending"]] = None,
        start_index: Optional[int] = None,
        count: Optional[int] = None,
        attributes: Optional[Sequence[str]] = None,
        excluded_attributes: Optional[Sequence[str]] = None,
        cursor: Optional[str] = None,
    ) -> _Json: ...
    async def search(
        self,
        *,
        filter: Optional[str | Filter] = None,
        sort_by: Optional[str] = None,
        sort_order: Optional[Literal["ascending", "descending"]] = None,
        start_index: Optional[int] = None,
        count: Optional[int] = None,
        attributes: Optional[Sequence[str]] = None,
        excluded_attributes: Optional[Sequence[str]] = None,
        cursor: Optional[str] = None,
    ) -> _Json: ...
    def iter(
        self,
        *,
        filter: Optional[str | Filter] = None,
        sort_by: Optional[str] = None,
        sort_order: Optional[Literal["ascending", "descending"]] = None,
        page_size: Optional[int] = None,
        attributes: Optional[Sequence[str]] = None,
        excluded_attributes: Optional[Sequence[str]] = None,
        search: bool = False,
    ) -> AsyncResourceIterator: ...

@final
class AsyncMe:
    """``/Me`` of an :class:`AsyncClient`."""

    async def get(self) -> _Json: ...
    async def replace(self, resource: Any) -> _Json: ...
    async def patch(self, operations: Any) -> Optional[_Json]: ...
    async def delete(self) -> None: ...

@final
class AsyncClient:
    """The :class:`Client` with coroutines; needs a running asyncio event loop."""

    def __new__(
        cls,
        base_url: str,
        *,
        token: Optional[str] = None,
        basic: Optional[tuple[str, str]] = None,
        oauth2: Optional[ClientCredentials] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = 60.0,
        connect_timeout: float = 10.0,
        retries: int = 3,
        retry_backoff: float = 0.5,
        max_retry_after: float = 60.0,
        user_agent: Optional[str] = None,
        max_response_size: Optional[int] = None,
        service_provider_config: Optional[Any] = None,
        pagination: Optional[Literal["index", "cursor"]] = None,
    ) -> AsyncClient: ...
    @property
    def users(self) -> AsyncEndpoint: ...
    @property
    def groups(self) -> AsyncEndpoint: ...
    @property
    def me(self) -> AsyncMe: ...
    @property
    def base_url(self) -> str: ...
    def resource(self, path: str) -> AsyncEndpoint: ...
    async def service_provider_config(self) -> _Json: ...
    async def resource_types(self) -> list[_Json]: ...
    async def schemas(self) -> list[_Json]: ...
    async def bulk(
        self, operations: Sequence[Mapping[str, Any]], *, fail_on_errors: Optional[int] = None
    ) -> list[_Json]: ...
    def close(self) -> None: ...
    async def __aenter__(self) -> AsyncClient: ...
    async def __aexit__(
        self, exc_type: object, exc: object, traceback: object
    ) -> Literal[False]: ...
