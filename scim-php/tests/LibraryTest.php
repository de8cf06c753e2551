<?php

declare(strict_types=1);

namespace Scim\Tests;

use PHPUnit\Framework\TestCase;
use Scim\Library;

final class LibraryTest extends TestCase
{
    public function testVersion(): void
    {
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', Library::version());
    }

    /** A loader that fails lists every path it tried, in order, with the reason. */
    public function testLoaderListsEveryPathTriedWhenItFails(): void
    {
        $code = <<<'PHP'
            require getenv('SCIM_PHP_AUTOLOAD');
            try {
                Scim\Library::load('/nonexistent/explicit/libscim.so');
                echo "loaded\n";
            } catch (Scim\LibraryException $e) {
                echo $e->getMessage();
            }
            PHP;
        $env = [
            'SCIM_PHP_AUTOLOAD' => __DIR__ . '/../autoload.php',
            'SCIM_FFI_LIB' => '/nonexistent/env/libscim.so',
            'LD_LIBRARY_PATH' => '/nonexistent',
            'PATH' => getenv('PATH'),
        ];
        $proc = proc_open([PHP_BINARY, '-r', $code], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $this->assertIsResource($proc);
        $out = stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        proc_close($proc);

        if (is_file('/usr/local/lib/libscim.so') || is_file('/usr/lib/libscim.so')) {
            $this->assertSame("loaded\n", $out, 'an installed libscim is found by the system search');
            return;
        }
        $this->assertStringContainsString('libscim could not be loaded', $out);
        $explicit = strpos($out, '/nonexistent/explicit/libscim.so (explicit path)');
        $env = strpos($out, '/nonexistent/env/libscim.so (SCIM_FFI_LIB)');
        $system = strpos($out, 'libscim.so (system search)');
        $this->assertNotFalse($explicit, $out);
        $this->assertNotFalse($env, $out);
        $this->assertNotFalse($system, $out);
        $this->assertLessThan($env, $explicit);
        $this->assertLessThan($system, $env);
    }
}
