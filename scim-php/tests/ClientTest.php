<?php

declare(strict_types=1);

namespace Scim\Tests;

use PHPUnit\Framework\TestCase;
use Scim\ApiException;
use Scim\Client;
use Scim\ConflictException;
use Scim\HttpException;
use Scim\NotFoundException;
use Scim\PreconditionFailedException;
use Scim\RateLimitedException;
use Scim\ScimException;
use Scim\TimeoutException;
use Scim\TransportException;
use Scim\UnsupportedException;

/**
 * Scim\Client against the scim-testkit server in SCIM_TEST_URL (scripts/test starts it
 * through scim-ffi/tests/with-testkit.sh).
 */
final class ClientTest extends TestCase
{
    private static string $url;
    private static string $token;

    public static function setUpBeforeClass(): void
    {
        $url = getenv('SCIM_TEST_URL');
        if (!is_string($url) || $url === '') {
            self::fail('SCIM_TEST_URL is not set: run the tests through scim-ffi/tests/with-testkit.sh');
        }
        self::$url = $url;
        self::$token = (string) getenv('SCIM_TEST_TOKEN');
    }

    protected function setUp(): void
    {
        self::admin('POST', 'reset');
    }

    protected function tearDown(): void
    {
        self::admin('DELETE', 'faults');
        self::admin('DELETE', 'capabilities');
    }

    /** Calls the testkit's admin API (never authenticated). */
    private static function admin(string $method, string $path, ?array $body = null): void
    {
        $admin = preg_replace('#^(http://[^/]+).*$#', '$1/_testkit/', self::$url);
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body),
            'ignore_errors' => true,
        ]]);
        $answer = file_get_contents($admin . $path, false, $context);
        if ($answer === false) {
            throw new \RuntimeException("admin $method $path failed");
        }
    }

    private function client(array $options = []): Client
    {
        return new Client(self::$url, $options + ['token' => self::$token, 'timeout_ms' => 10000]);
    }

    /** RFC 7644 §3.3, §3.4.1, §3.5.1, §3.6: create, read, replace, delete. */
    public function testUserLifecycle(): void
    {
        $users = $this->client()->users();
        $this->assertSame('/Users', $users->path());
        $created = $users->create(['userName' => 'bjensen', 'name' => ['givenName' => 'Barbara']]);
        $id = $created['id'];
        $this->assertContains('urn:ietf:params:scim:schemas:core:2.0:User', $created['schemas']);
        $this->assertSame('Barbara', $users->get($id)['name']['givenName']);
        $this->assertArrayNotHasKey('name', $users->get($id, ['attributes' => ['userName']]));

        $replaced = $users->replace($id, ['userName' => 'bjensen', 'title' => 'Tour Guide']);
        $this->assertSame('Tour Guide', $replaced['title']);
        $this->assertArrayNotHasKey('name', $replaced);

        $users->delete($id);
        $this->expectException(NotFoundException::class);
        $users->get($id);
    }

    /** RFC 7644 §3.5.2: PATCH through the client, with and without If-Match. */
    public function testPatch(): void
    {
        $users = $this->client()->users();
        $id = $users->create(['userName' => 'patchy'])['id'];
        $patched = $users->patch($id, [['op' => 'add', 'path' => 'nickName', 'value' => 'Babs']]);
        $this->assertTrue($patched === null || $patched['nickName'] === 'Babs');
        $this->assertSame('Babs', $users->get($id)['nickName']);
        try {
            $users->patch($id, ['Operations' => [['op' => 'remove', 'path' => 'nickName']]], 'W/"stale"');
            $this->fail('no exception');
        } catch (PreconditionFailedException $e) {
            $this->assertSame(412, $e->getStatus());
        }
        try {
            $users->patch($id, [['op' => 'replace', 'path' => 'emails[type eq "home"].value', 'value' => 'x']]);
            $this->fail('no exception');
        } catch (ApiException $e) {
            $this->assertSame('noTarget', $e->getScimType());
        }
    }

    /** RFC 7644 §3.11: "/Me" is the resource of the authenticated subject (the testkit's is "me"). */
    public function testMe(): void
    {
        $client = $this->client();
        $client->users()->create(['userName' => 'me']);
        $me = $client->me();
        $this->assertSame('me', $me->get()['userName']);
        $patched = $me->patch([['op' => 'add', 'path' => 'nickName', 'value' => 'Myself']]);
        $this->assertTrue($patched === null || $patched['nickName'] === 'Myself');
        $replaced = $me->replace(['schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'], 'userName' => 'me', 'title' => 'Self']);
        $this->assertSame('Self', $replaced['title']);
        $this->assertArrayNotHasKey('nickName', $replaced);
        $me->delete();
        $this->expectException(NotFoundException::class);
        $me->get();
    }

    /** RFC 7644 §3.14: a stale If-Match version is 412 Precondition Failed. */
    public function testStaleVersionIsPreconditionFailed(): void
    {
        $users = $this->client()->users();
        $id = $users->create(['userName' => 'etag'])['id'];
        try {
            $users->replace($id, ['userName' => 'etag'], 'W/"stale"');
            $this->fail('no exception');
        } catch (PreconditionFailedException $e) {
            $this->assertInstanceOf(ApiException::class, $e);
            $this->assertSame(412, $e->getStatus());
        }
        $users->delete($id, null);
    }

    /** RFC 7644 §3.3: "If the service provider determines that the creation of the requested resource conflicts with existing resources (e.g., a "User" resource with a duplicate "userName"), the service provider MUST return HTTP status code 409 (Conflict) with a "scimType" error code of "uniqueness"". */
    public function testDuplicateIsConflict(): void
    {
        $users = $this->client()->users();
        $users->create(['userName' => 'twin']);
        try {
            $users->create(['userName' => 'twin']);
            $this->fail('no exception');
        } catch (ConflictException $e) {
            $this->assertSame(409, $e->getStatus());
            $this->assertSame('uniqueness', $e->getScimType());
            $this->assertSame(1, $e->getCode());
        }
    }

    public function testListSearchAndIterate(): void
    {
        $client = $this->client();
        $users = $client->users();
        foreach (range(1, 5) as $i) {
            $users->create(['userName' => "user$i"]);
        }
        $page = $users->list(['filter' => 'userName sw "user"', 'count' => 2, 'sortBy' => 'userName']);
        $this->assertSame(5, $page['totalResults']);
        $this->assertCount(2, $page['Resources']);
        $this->assertSame(2, count($users->search(['filter' => 'userName sw "user"', 'count' => 2])['Resources']));
        $this->assertSame(5, $client->search(['filter' => 'userName sw "user"'])['totalResults']);

        $names = [];
        foreach ($users->iterate(['filter' => 'userName sw "user"', 'count' => 2]) as $user) {
            $names[] = $user['userName'];
        }
        sort($names);
        $this->assertSame(['user1', 'user2', 'user3', 'user4', 'user5'], $names);

        // Leaving a generator early frees its iterator (the finally block runs).
        foreach ($users->iterate(['count' => 1]) as $user) {
            break;
        }
        $this->assertArrayHasKey('userName', $user);
    }

    public function testUnknownQueryKeyIsRejected(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->client()->users()->list(['fitler' => 'userName pr']);
    }

    public function testGroupsAndAnyEndpoint(): void
    {
        $client = $this->client();
        $alice = $client->users()->create(['userName' => 'alice']);
        $group = $client->groups()->create(['displayName' => 'Tour Guides', 'members' => [['value' => $alice['id']]]]);
        $this->assertSame('Tour Guides', $client->resource('/Groups')->get($group['id'])['displayName']);
        try {
            $client->resource('/Devices')->list();
            $this->fail('no exception');
        } catch (ApiException $e) {
            $this->assertSame(404, $e->getStatus());
        }
    }

    /** RFC 7644 §3.7.2: bulkId references let one request create a user and its group. */
    public function testBulk(): void
    {
        $results = $this->client()->bulk([
            ['method' => 'POST', 'path' => '/Groups', 'bulkId' => 'g1', 'data' => [
                'schemas' => ['urn:ietf:params:scim:schemas:core:2.0:Group'],
                'displayName' => 'Admins', 'members' => [['value' => 'bulkId:u1']],
            ]],
            ['method' => 'POST', 'path' => '/Users', 'bulkId' => 'u1', 'data' => [
                'schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'], 'userName' => 'root',
            ]],
            ['method' => 'DELETE', 'path' => '/Users/missing'],
        ]);
        $this->assertCount(3, $results);
        $this->assertSame(['succeeded', 'succeeded', 'failed'], array_column($results, 'outcome'));
        $this->assertSame('g1', $results[0]['bulkId']);
        $this->assertSame(404, $results[2]['error']['status']);
    }

    /** RFC 7644 §4: discovery endpoints. */
    public function testDiscovery(): void
    {
        $client = $this->client();
        $this->assertArrayHasKey('bulk', $client->serviceProviderConfig());
        $this->assertContains('/Users', array_column($client->resourceTypes(), 'endpoint'));
        $this->assertContains('urn:ietf:params:scim:schemas:core:2.0:User', array_column($client->schemas(), 'id'));
    }

    public function testUnsupportedOnceConfigIsKnown(): void
    {
        self::admin('PUT', 'capabilities', ['filter' => false]);
        $client = $this->client();
        $client->serviceProviderConfig();
        $this->expectException(UnsupportedException::class);
        $client->users()->list(['filter' => 'userName pr']);
    }

    public function testHtmlErrorIsHttpException(): void
    {
        self::admin('POST', 'faults', ['rules' => [['fault' => 'html_error', 'status' => 502]]]);
        try {
            $this->client()->users()->list();
            $this->fail('no exception');
        } catch (HttpException $e) {
            $this->assertSame(502, $e->getStatus());
            $this->assertNull($e->getScimType());
        }
    }

    public function testRateLimitedAfterRetries(): void
    {
        self::admin('POST', 'faults', ['rules' => [['fault' => 'rate_limit', 'retry_after' => '0']]]);
        try {
            $this->client(['retries' => 0])->users()->list();
            $this->fail('no exception');
        } catch (RateLimitedException $e) {
            $this->assertSame(429, $e->getStatus());
        }
    }

    public function testTimeout(): void
    {
        self::admin('POST', 'faults', ['latency_ms' => 2000]);
        $this->expectException(TimeoutException::class);
        $this->client(['timeout_ms' => 200, 'retries' => 0])->users()->list();
    }

    public function testTransportError(): void
    {
        $client = new Client('http://127.0.0.1:1/v2', ['retries' => 0]);
        try {
            $client->users()->list();
            $this->fail('no exception');
        } catch (TransportException $e) {
            $this->assertNotInstanceOf(TimeoutException::class, $e);
            $this->assertInstanceOf(ScimException::class, $e);
        }
    }

    public function testWrongTokenIsApiException(): void
    {
        try {
            (new Client(self::$url, ['token' => 'wrong']))->users()->list();
            $this->fail('no exception');
        } catch (ApiException $e) {
            $this->assertSame(401, $e->getStatus());
            $this->assertStringNotContainsString('wrong', $e->getMessage());
        }
    }

    public function testUnknownOptionIsRejected(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        $this->expectExceptionMessage('tokn');
        new Client(self::$url, ['tokn' => 'x']);
    }

    public function testBadUrlIsRejected(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new Client('not a url');
    }
}
