<?php

declare(strict_types=1);

namespace Scim;

use FFI;
use FFI\CData;

/**
 * A SCIM 2.0 client (RFC 7644).
 *
 * ```php
 * $client = new Scim\Client('https://idp.example.com/scim/v2', ['token' => $token]);
 * $user = $client->users()->create(['userName' => 'bjensen']);
 * foreach ($client->users()->iterate(['filter' => 'userName sw "b"']) as $u) { ... }
 * ```
 *
 * Options (unknown keys are an error): `token` (bearer), `basic` (`['username' => ..,
 * 'password' => ..]`), `oauth2` (`['token_url' => .., 'client_id' => ..,
 * 'client_secret' => .., 'scopes' => [..]]`, client credentials, tokens cached and
 * refreshed), `headers` (`['X-Tenant' => ..]`), `timeout_ms`, `connect_timeout_ms`,
 * `retries` (how often 429/503 answers are retried), `user_agent`, `max_response_size`.
 *
 * Requests run on a runtime owned by libscim; the native client is freed when this
 * object is destroyed.
 */
final class Client
{
    private CData $handle;

    /**
     * @param array<string, mixed> $options
     * @throws \InvalidArgumentException on a bad URL or option
     */
    public function __construct(string $baseUrl, array $options = [])
    {
        $ffi = Library::ffi();
        $out = $ffi->new('scim_client*');
        $err = Library::newError();
        $code = $ffi->scim_client_new(
            Library::text($baseUrl, 'the base URL'),
            $options === [] ? null : Library::encodeObject($options, 'the options'),
            FFI::addr($out),
            FFI::addr($err),
        );
        Library::check($code, $err);
        $this->handle = $out;
    }

    public function __destruct()
    {
        Library::ffi()->scim_client_free($this->handle);
    }

    /** Clients hold a native handle: cloning would free it twice. */
    private function __clone()
    {
    }

    /** @internal the native handle, for Endpoint */
    public function handle(): CData
    {
        return $this->handle;
    }

    /** `/Users`. */
    public function users(): Endpoint
    {
        return new Endpoint($this, '/Users');
    }

    /** `/Groups`. */
    public function groups(): Endpoint
    {
        return new Endpoint($this, '/Groups');
    }

    /** Any resource endpoint, e.g. `/Devices`. */
    public function resource(string $path): Endpoint
    {
        return new Endpoint($this, $path);
    }

    /** `/Me` (RFC 7644 §3.11): the resource of the authenticated subject. */
    public function me(): Me
    {
        return new Me($this);
    }

    /**
     * A search across every resource type: `POST /.search` (RFC 7644 §3.4.3).
     *
     * @param array<string, mixed> $query
     * @return array<string, mixed> a ListResponse
     */
    public function search(array $query = []): array
    {
        return Library::callJson(
            'scim_client_search',
            $this->handle,
            null,
            $query === [] ? null : Library::encodeObject($query, 'the query'),
        );
    }

    /**
     * Runs bulk operations (RFC 7644 §3.7), ordered by their bulkId references and split
     * to the server's limits (one request per operation when it has no bulk support).
     *
     * @param array<mixed> $request a BulkRequest (`['Operations' => [...], 'failOnErrors' => 1]`)
     *        or a list of operations (`[['method' => 'POST', 'path' => '/Users', 'bulkId' => 'u1', 'data' => [...]]]`)
     * @return list<array<string, mixed>> one result per operation, in the order given:
     *         `index`, `method`, `bulkId`, `outcome` (`succeeded`, `failed`,
     *         `not_attempted`) and `status`, `location`, `id`, `version`, `resource` or `error`
     */
    public function bulk(array $request): array
    {
        if (array_is_list($request)) {
            $request = ['Operations' => $request];
        }
        return Library::callJson('scim_client_bulk', $this->handle, Library::encodeObject($request, 'the bulk request'));
    }

    /**
     * `GET /ServiceProviderConfig` (RFC 7643 §5). The client remembers it: from then on,
     * what the server does not support fails locally with an UnsupportedException.
     *
     * @return array<string, mixed>
     */
    public function serviceProviderConfig(): array
    {
        return Library::callJson('scim_client_discover', $this->handle, 'ServiceProviderConfig');
    }

    /**
     * `GET /ResourceTypes` (RFC 7644 §4).
     *
     * @return list<array<string, mixed>>
     */
    public function resourceTypes(): array
    {
        return Library::callJson('scim_client_discover', $this->handle, 'ResourceTypes');
    }

    /**
     * `GET /Schemas` (RFC 7644 §4).
     *
     * @return list<array<string, mixed>>
     */
    public function schemas(): array
    {
        return Library::callJson('scim_client_discover', $this->handle, 'Schemas');
    }
}
