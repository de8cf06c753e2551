<?php

declare(strict_types=1);

namespace Scim\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Path;
use Scim\PathException;

final class PathTest extends TestCase
{
    /** RFC 7644 §3.5.2: PATH = attrPath / valuePath [subAttr]. */
    public function testValidPathsComeBackCanonical(): void
    {
        $this->assertSame('emails[type eq "work"].value', Path::validate('emails[type EQ "work"].value'));
        $urn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value';
        $this->assertSame($urn, Path::validate($urn));
    }

    public function testInvalidPathCarriesPosition(): void
    {
        try {
            Path::validate('name.givenName.x');
            $this->fail('no exception');
        } catch (PathException $e) {
            $this->assertSame(14, $e->getPosition());
            $this->assertSame('invalidPath', $e->getScimType());
        }
    }
}
