<?php

declare(strict_types=1);

namespace Scim\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Filter;
use Scim\FilterException;
use Scim\ScimException;

final class FilterTest extends TestCase
{
    private const USER = [
        'schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'],
        'userName' => 'bjensen',
        'active' => true,
        'emails' => [
            ['value' => 'bjensen@example.com', 'type' => 'work', 'primary' => true],
            ['value' => 'babs@example.org', 'type' => 'home'],
        ],
        'meta' => ['lastModified' => '2011-05-13T04:42:34Z'],
    ];

    /** RFC 7644 §3.4.2.2: "Attribute names and attribute operators used in filters are case insensitive." */
    public function testParsesAndPrintsCanonically(): void
    {
        $f = Filter::parse('userName EQ "bjensen" AND (title pr OR NOT (active eq false))');
        $this->assertSame('userName eq "bjensen" and (title pr or not (active eq false))', (string) $f);
        $this->assertSame((string) $f, (string) Filter::parse((string) $f));
    }

    /** RFC 7644 §3.4.2.2: value paths filter the values of a multi-valued complex attribute. */
    public function testMatchesValuePathsAndMultiValuedAttributes(): void
    {
        $this->assertTrue(Filter::parse('emails[type eq "work" and value co "@example.com"]')->matches(self::USER));
        $this->assertTrue(Filter::parse('emails co "babs@"')->matches(self::USER));
        $this->assertFalse(Filter::parse('emails[type eq "home" and primary eq true]')->matches(self::USER));
        $this->assertTrue(Filter::parse('meta.lastModified gt "2011-05-13T04:42:33Z"')->matches(self::USER));
    }

    /** RFC 7643 §2.1: userName is caseExact false, so "BJENSEN" equals "bjensen". */
    public function testComparesStringsCaseInsensitivelyUnlessCaseExact(): void
    {
        $this->assertTrue(Filter::parse('userName eq "BJENSEN"')->matches(self::USER));
        $this->assertTrue(Filter::parse('title ne "x"')->matches(self::USER));
        $this->assertFalse(Filter::parse('title pr')->matches(self::USER));
    }

    public function testEmptyResourceIsAnObject(): void
    {
        $this->assertFalse(Filter::parse('userName pr')->matches([]));
    }

    public function testSyntaxErrorCarriesPositionAndScimType(): void
    {
        try {
            Filter::parse('userName eq bjensen');
            $this->fail('no exception');
        } catch (FilterException $e) {
            $this->assertInstanceOf(ScimException::class, $e);
            $this->assertSame(12, $e->getPosition());
            $this->assertSame('invalidFilter', $e->getScimType());
            $this->assertNull($e->getStatus());
            $this->assertStringContainsString('^', $e->getMessage());
        }
    }

    public function testEvaluationErrorIsAFilterException(): void
    {
        $this->expectException(FilterException::class);
        Filter::parse('active gt true')->matches(self::USER);
    }

    public function testLenientOptionAcceptsWhatIdpsSend(): void
    {
        $entra = 'emails[type eq "work"].value eq "bjensen@example.com"';
        $this->assertTrue(Filter::parse($entra, ['lenient' => true])->matches(self::USER));
        $this->expectException(FilterException::class);
        Filter::parse($entra);
    }

    public function testDepthLimit(): void
    {
        $this->expectException(FilterException::class);
        Filter::parse('((title pr))', ['max_depth' => 1]);
    }

    public function testUnknownOptionIsRejected(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('lenent');
        Filter::parse('title pr', ['lenent' => true]);
    }

    public function testNulByteIsRejected(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        Filter::parse("title pr\0 or x pr");
    }

    public function testInvalidUtf8IsRejected(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('UTF-8');
        Filter::parse("userName eq \"\x80\"");
    }

    public function testCannotBeCloned(): void
    {
        $this->expectException(\Error::class);
        $f = Filter::parse('title pr');
        $copy = clone $f;
        unset($copy);
    }
}
