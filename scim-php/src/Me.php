<?php

declare(strict_types=1);

namespace Scim;

use FFI;

/** `/Me` (RFC 7644 §3.11): the resource of the subject the client authenticates as. */
final class Me
{
    /** @internal use Client::me() */
    public function __construct(private Client $client)
    {
    }

    /**
     * `GET /Me`.
     *
     * @return array<string, mixed>
     */
    public function get(): array
    {
        return Library::callJson('scim_client_me_get', $this->client->handle());
    }

    /**
     * `PUT /Me`.
     *
     * @param array<string, mixed> $resource
     * @return array<string, mixed>
     */
    public function replace(array $resource): array
    {
        return Library::callJson(
            'scim_client_me_replace',
            $this->client->handle(),
            Library::encodeObject($resource, 'the resource'),
        );
    }

    /**
     * `PATCH /Me` with a PatchOp or a list of operations.
     *
     * @param array<mixed> $patch
     * @return array<string, mixed>|null null when the server answered 204 No Content
     */
    public function patch(array $patch): ?array
    {
        $json = Library::callString(
            'scim_client_me_patch',
            $this->client->handle(),
            Library::encodePatch($patch),
        );
        return $json === 'null' ? null : Library::decode($json);
    }

    /** `DELETE /Me`. */
    public function delete(): void
    {
        $ffi = Library::ffi();
        $err = Library::newError();
        $code = $ffi->scim_client_me_delete($this->client->handle(), FFI::addr($err));
        Library::check($code, $err);
    }
}
