<?php

declare(strict_types=1);

namespace Scim\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Patch;
use Scim\PatchException;

final class PatchTest extends TestCase
{
    private const USER = [
        'schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'],
        'id' => '2819c223',
        'userName' => 'bjensen',
        'emails' => [['value' => 'bjensen@example.com', 'type' => 'work', 'primary' => true]],
    ];

    /** RFC 7644 §3.5.2.1: "If the target location specifies a multi-valued attribute, a new value is added to the attribute." */
    public function testAddAppendsAndMovesPrimary(): void
    {
        $patched = Patch::apply(self::USER, [
            'schemas' => ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            'Operations' => [['op' => 'add', 'path' => 'emails', 'value' => [
                ['value' => 'babs@example.org', 'type' => 'home', 'primary' => true],
            ]]],
        ]);
        $this->assertCount(2, $patched['emails']);
        $this->assertFalse($patched['emails'][0]['primary']);
        $this->assertTrue($patched['emails'][1]['primary']);
        $this->assertCount(1, self::USER['emails'], 'the input array is a copy');
    }

    /** RFC 7644 §3.5.2.3: "If the target location path specifies an attribute that does not exist, the service provider SHALL treat the operation as an "add"." */
    public function testReplaceOfAbsentAttributeAdds(): void
    {
        $patched = Patch::apply(self::USER, [['op' => 'replace', 'path' => 'title', 'value' => 'Tour Guide']]);
        $this->assertSame('Tour Guide', $patched['title']);
    }

    /** RFC 7644 §3.5.2.3: a filter matching nothing is `noTarget`; nothing is applied. */
    public function testNoTargetNamesTheOperation(): void
    {
        try {
            Patch::apply(self::USER, [
                ['op' => 'add', 'path' => 'title', 'value' => 'x'],
                ['op' => 'replace', 'path' => 'emails[type eq "home"].value', 'value' => 'x'],
            ]);
            $this->fail('no exception');
        } catch (PatchException $e) {
            $this->assertSame('noTarget', $e->getScimType());
            $this->assertSame(1, $e->getOperationIndex());
            $this->assertSame(8, $e->getCode());
        }
    }

    /** RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability "readOnly"". */
    public function testReadOnlyIsMutability(): void
    {
        $this->expectException(PatchException::class);
        $this->expectExceptionMessage('mutability');
        Patch::apply(self::USER, [['op' => 'replace', 'path' => 'id', 'value' => 'other']]);
    }

    public function testLenientAcceptsWhatIdpsSend(): void
    {
        $ops = [['op' => 'Replace', 'path' => 'active', 'value' => 'True']];
        $this->assertTrue(Patch::apply(self::USER, $ops, ['lenient' => true])['active']);
        $this->expectException(PatchException::class);
        Patch::apply(self::USER, $ops);
    }

    public function testDiffRoundTrips(): void
    {
        $old = ['schemas' => ['urn:ietf:params:scim:schemas:core:2.0:Group'], 'displayName' => 'Guides',
            'members' => [['value' => 'a'], ['value' => 'b']]];
        $new = ['members' => [['value' => 'a'], ['value' => 'c']]] + $old;
        $patch = Patch::diff($old, $new);
        $this->assertSame(['urn:ietf:params:scim:api:messages:2.0:PatchOp'], $patch['schemas']);
        $this->assertContains('members[value eq "b"]', array_column($patch['Operations'], 'path'));
        $this->assertEquals($new, Patch::apply($old, $patch));
        $this->assertSame([], Patch::diff($old, $old)['Operations']);

        $valueList = Patch::diff($old, $new, ['member_removal' => 'value_list']);
        $this->assertNotContains('members[value eq "b"]', array_column($valueList['Operations'], 'path'));
        $this->assertEquals($new, Patch::apply($old, $valueList));
    }

    public function testUnknownOptionIsRejected(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        Patch::diff([], [], ['filtered' => false]);
    }
}
