<?php

declare(strict_types=1);

namespace Scim\Tests;

use PHPUnit\Framework\TestCase;
use Scim;

/** Every scim_code maps to the exception DESIGN.md's error table names. */
final class ExceptionTest extends TestCase
{
    /** @return array<string, array{int, ?int, class-string}> */
    public static function codes(): array
    {
        return [
            'api' => [1, 500, Scim\ApiException::class],
            'api 404' => [1, 404, Scim\NotFoundException::class],
            'api 409' => [1, 409, Scim\ConflictException::class],
            'api 412' => [1, 412, Scim\PreconditionFailedException::class],
            'api 429' => [1, 429, Scim\RateLimitedException::class],
            'http' => [2, 502, Scim\HttpException::class],
            'transport' => [3, null, Scim\TransportException::class],
            'timeout' => [4, null, Scim\TimeoutException::class],
            'decode' => [5, null, Scim\DecodeException::class],
            'filter' => [6, null, Scim\FilterException::class],
            'path' => [7, null, Scim\PathException::class],
            'patch' => [8, null, Scim\PatchException::class],
            'invalid argument' => [9, null, \InvalidArgumentException::class],
            'unsupported' => [10, null, Scim\UnsupportedException::class],
            'null parameter' => [11, null, \InvalidArgumentException::class],
            'invalid json' => [12, null, \InvalidArgumentException::class],
            'panic' => [13, null, Scim\ScimException::class],
        ];
    }

    /** @dataProvider codes */
    public function testCodeMapsToClass(int $code, ?int $status, string $class): void
    {
        $e = Scim\ScimException::fromNative($code, 'message', $status, 'noTarget', 3, 1);
        $this->assertSame($class, get_class($e));
        $this->assertSame('message', $e->getMessage());
        $this->assertSame($code, $e->getCode());
        if ($e instanceof Scim\ScimException) {
            $this->assertSame($status, $e->getStatus());
            $this->assertSame('noTarget', $e->getScimType());
            $this->assertSame(3, $e->getPosition());
            $this->assertSame(1, $e->getOperationIndex());
        }
    }

    public function testTimeoutIsATransportException(): void
    {
        $this->assertInstanceOf(Scim\TransportException::class, new Scim\TimeoutException('t'));
    }
}
