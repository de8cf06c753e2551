<?php

declare(strict_types=1);

namespace Scim;

use FFI;

/**
 * One resource endpoint of a {@see Client}: `/Users`, `/Groups` or any other. Resources
 * are arrays in and out.
 *
 * Query arrays use the RFC 7644 names: `filter`, `sortBy`, `sortOrder` (`ascending` or
 * `descending`), `count`, `startIndex`, `cursor` (RFC 9865), `attributes`,
 * `excludedAttributes`; an unknown key is an error.
 */
final class Endpoint
{
    /** @internal use Client::users(), Client::groups() or Client::resource() */
    public function __construct(private Client $client, private string $path)
    {
        Library::text($path, 'the endpoint path');
    }

    /** The endpoint's path, e.g. `/Users`. */
    public function path(): string
    {
        return $this->path;
    }

    /**
     * `POST` a new resource (RFC 7644 §3.3); returns it as the server created it.
     *
     * @param array<string, mixed> $resource
     * @return array<string, mixed>
     */
    public function create(array $resource): array
    {
        return Library::callJson(
            'scim_client_create',
            $this->client->handle(),
            $this->path,
            Library::encodeObject($resource, 'the resource'),
        );
    }

    /**
     * `GET /{id}` (RFC 7644 §3.4.1).
     *
     * @param array{attributes?: list<string>, excludedAttributes?: list<string>} $query
     * @return array<string, mixed>
     * @throws NotFoundException when there is no such resource
     */
    public function get(string $id, array $query = []): array
    {
        return Library::callJson(
            'scim_client_get',
            $this->client->handle(),
            $this->path,
            Library::text($id, 'the id'),
            $query === [] ? null : Library::encodeObject($query, 'the query'),
        );
    }

    /**
     * `PUT /{id}` (RFC 7644 §3.5.1). `If-Match` carries `$etag`, or the resource's
     * `meta.version` when it has one.
     *
     * @param array<string, mixed> $resource
     * @return array<string, mixed>
     * @throws PreconditionFailedException when the version is stale
     */
    public function replace(string $id, array $resource, ?string $etag = null): array
    {
        return Library::callJson(
            'scim_client_replace',
            $this->client->handle(),
            $this->path,
            Library::text($id, 'the id'),
            Library::encodeObject($resource, 'the resource'),
            $etag === null ? null : Library::text($etag, 'the ETag'),
        );
    }

    /**
     * `PATCH /{id}` (RFC 7644 §3.5.2).
     *
     * @param array<mixed> $patch a PatchOp or a list of operations
     * @return array<string, mixed>|null the resource, or null when the server answered
     *         204 No Content
     */
    public function patch(string $id, array $patch, ?string $etag = null): ?array
    {
        $json = Library::callString(
            'scim_client_patch',
            $this->client->handle(),
            $this->path,
            Library::text($id, 'the id'),
            Library::encodePatch($patch),
            $etag === null ? null : Library::text($etag, 'the ETag'),
        );
        return $json === 'null' ? null : Library::decode($json);
    }

    /** `DELETE /{id}` (RFC 7644 §3.6). */
    public function delete(string $id, ?string $etag = null): void
    {
        $ffi = Library::ffi();
        $err = Library::newError();
        $code = $ffi->scim_client_delete(
            $this->client->handle(),
            $this->path,
            Library::text($id, 'the id'),
            $etag === null ? null : Library::text($etag, 'the ETag'),
            FFI::addr($err),
        );
        Library::check($code, $err);
    }

    /**
     * One page of a query (RFC 7644 §3.4.2): the ListResponse as the server sent it.
     *
     * @param array<string, mixed> $query
     * @return array<string, mixed>
     */
    public function list(array $query = []): array
    {
        return Library::callJson(
            'scim_client_list',
            $this->client->handle(),
            $this->path,
            $query === [] ? null : Library::encodeObject($query, 'the query'),
        );
    }

    /**
     * One page of a query sent as `POST /.search` (RFC 7644 §3.4.3), which keeps the
     * filter out of URLs and logs.
     *
     * @param array<string, mixed> $query
     * @return array<string, mixed>
     */
    public function search(array $query = []): array
    {
        return Library::callJson(
            'scim_client_search',
            $this->client->handle(),
            $this->path,
            $query === [] ? null : Library::encodeObject($query, 'the query'),
        );
    }

    /**
     * Every resource of a query, page by page, lazily: one page is held in memory. The
     * walk ends on the server's signals and stops with an exception rather than loop when
     * a server ignores `startIndex`. `count` is the page size.
     *
     * @param array<string, mixed> $query
     * @return \Generator<int, array<string, mixed>>
     */
    public function iterate(array $query = []): \Generator
    {
        $ffi = Library::ffi();
        $iter = $ffi->new('scim_page_iter*');
        $err = Library::newError();
        $code = $ffi->scim_client_iter(
            $this->client->handle(),
            $this->path,
            $query === [] ? null : Library::encodeObject($query, 'the query'),
            FFI::addr($iter),
            FFI::addr($err),
        );
        Library::check($code, $err);
        try {
            while (true) {
                $out = $ffi->new('char*');
                $err = Library::newError();
                $code = $ffi->scim_page_iter_next($iter, FFI::addr($out), FFI::addr($err));
                if ($code === 100) {
                    return;
                }
                Library::check($code, $err);
                yield Library::decode(Library::takeString($out));
            }
        } finally {
            $ffi->scim_page_iter_free($iter);
        }
    }
}
