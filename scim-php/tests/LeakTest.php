<?php

declare(strict_types=1);

namespace Scim\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Filter;
use Scim\FilterException;
use Scim\Patch;
use Scim\PatchException;

/**
 * 10,000 filter parses and 10,000 patch applies (with a diff each): round trips through the library must leave memory flat: PHP's own
 * (memory_get_usage: no CData kept alive) and the process's (resident set: no native
 * handle, string or error left unfreed).
 */
final class LeakTest extends TestCase
{
    private const ROUNDS = 10000;

    /** Growth allowed over the measured rounds, after a warm-up, in bytes. */
    private const PHP_SLACK = 16 * 1024;
    private const RSS_SLACK = 256 * 1024;

    private static function rss(): int
    {
        $status = (string) file_get_contents('/proc/self/status');
        if (preg_match('/^VmRSS:\s+(\d+) kB/m', $status, $m) !== 1) {
            return 0;
        }
        return (int) $m[1] * 1024;
    }

    /** @param callable(int): void $round */
    private function assertFlat(callable $round): void
    {
        for ($i = 0; $i < 1000; $i++) {
            $round($i);
        }
        gc_collect_cycles();
        $php = memory_get_usage();
        $rss = self::rss();
        for ($i = 0; $i < self::ROUNDS; $i++) {
            $round($i);
        }
        gc_collect_cycles();
        $this->assertLessThan(self::PHP_SLACK, memory_get_usage() - $php, 'PHP memory grew');
        $this->assertLessThan(self::RSS_SLACK, self::rss() - $rss, 'resident memory grew');
    }

    public function testFilterParsesDoNotLeak(): void
    {
        $user = ['userName' => 'bjensen', 'emails' => [['type' => 'work', 'value' => 'b@example.com']]];
        $this->assertFlat(function (int $i) use ($user): void {
            $f = Filter::parse(sprintf('userName eq "user%d" or emails[type eq "work"]', $i));
            if (!$f->matches($user) || (string) $f === '') {
                throw new \LogicException('unexpected result');
            }
            try {
                Filter::parse('userName eq ' . $i . ' x');
            } catch (FilterException) {
                // The error path frees its native error too.
            }
        });
    }

    public function testPatchAppliesDoNotLeak(): void
    {
        $user = ['schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'], 'userName' => 'bjensen',
            'emails' => [['type' => 'work', 'value' => 'b@example.com', 'primary' => true]]];
        $this->assertFlat(function (int $i) use ($user): void {
            $patched = Patch::apply($user, [
                ['op' => 'replace', 'path' => 'title', 'value' => "title $i"],
                ['op' => 'add', 'path' => 'emails', 'value' => [['value' => "u$i@example.org", 'primary' => true]]],
            ]);
            if (count($patched['emails']) !== 2 || Patch::diff($user, $patched)['Operations'] === []) {
                throw new \LogicException('unexpected result');
            }
            try {
                Patch::apply($user, [['op' => 'remove']]);
            } catch (PatchException) {
                // The error path frees its native error too.
            }
        });
    }
}
