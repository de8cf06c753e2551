<?php

declare(strict_types=1);

namespace Scim;

/**
 * The base of every exception this package throws for a SCIM or library failure (caller
 * misuse is a plain \InvalidArgumentException instead, as PHP code expects).
 *
 * `getCode()` is libscim's `scim_code` (see scim.h); the SCIM details of the failure are
 * on the accessors, null when the error has none.
 */
class ScimException extends \RuntimeException
{
    public function __construct(
        string $message,
        int $code = 0,
        private readonly ?int $status = null,
        private readonly ?string $scimType = null,
        private readonly ?int $position = null,
        private readonly ?int $operationIndex = null,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $code, $previous);
    }

    /** The HTTP status of an API or HTTP error. */
    public function getStatus(): ?int
    {
        return $this->status;
    }

    /** The RFC 7644 scimType: the server's, or `invalidFilter`, `invalidPath`, `noTarget`... */
    public function getScimType(): ?string
    {
        return $this->scimType;
    }

    /** The byte offset in the input of a filter or path syntax error. */
    public function getPosition(): ?int
    {
        return $this->position;
    }

    /** The zero-based index of the failing operation of a PATCH error. */
    public function getOperationIndex(): ?int
    {
        return $this->operationIndex;
    }

    /**
     * The exception of a libscim error: the class follows DESIGN.md's error table.
     *
     * @internal
     * @return ScimException|\InvalidArgumentException
     */
    public static function fromNative(
        int $code,
        string $message,
        ?int $status,
        ?string $scimType,
        ?int $position,
        ?int $operationIndex,
    ): \Exception {
        $class = match ($code) {
            1 => match ($status) {
                404 => NotFoundException::class,
                409 => ConflictException::class,
                412 => PreconditionFailedException::class,
                429 => RateLimitedException::class,
                default => ApiException::class,
            },
            2 => HttpException::class,
            3 => TransportException::class,
            4 => TimeoutException::class,
            5 => DecodeException::class,
            6 => FilterException::class,
            7 => PathException::class,
            8 => PatchException::class,
            10 => UnsupportedException::class,
            // 9 invalid argument, 11 NULL parameter, 12 invalid JSON: the caller's input.
            9, 11, 12 => \InvalidArgumentException::class,
            default => ScimException::class,
        };
        if ($class === \InvalidArgumentException::class) {
            return new \InvalidArgumentException($message, $code);
        }
        return new $class($message, $code, $status, $scimType, $position, $operationIndex);
    }
}
