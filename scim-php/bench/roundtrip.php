<?php

declare(strict_types=1);

// The cost of one filter parse + evaluation from PHP: through the Scim\Filter class
// (arrays in, json_encode included) and through the raw FFI calls (a JSON string in).
// Prints the median over 15 batches of ns per round trip. Run by scim-ffi/benches/run.sh.

require __DIR__ . '/../autoload.php';

use Scim\Filter;
use Scim\Library;

const BATCHES = 15;
const ROUNDS = 20000;
const FILTER = 'userName eq "bjensen" and emails[type eq "work" and value co "@example.com"]';
const USER_JSON = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223","userName":"bjensen","name":{"familyName":"Jensen","givenName":"Barbara"},"active":true,"emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}]}';

/** @param callable(): void $round */
function median_ns(callable $round): float
{
    $samples = [];
    for ($b = 0; $b < BATCHES; $b++) {
        $t0 = hrtime(true);
        for ($i = 0; $i < ROUNDS; $i++) {
            $round();
        }
        $samples[] = (hrtime(true) - $t0) / ROUNDS;
    }
    sort($samples);
    return $samples[intdiv(BATCHES, 2)];
}

$user = json_decode(USER_JSON, true);
$ffi = Library::ffi();

$class = median_ns(static function () use ($user): void {
    if (!Filter::parse(FILTER)->matches($user)) {
        throw new LogicException('no match');
    }
});

$raw = median_ns(static function () use ($ffi): void {
    $f = $ffi->new('scim_filter*');
    $m = $ffi->new('bool');
    if ($ffi->scim_filter_parse(FILTER, null, FFI::addr($f), null) !== 0
        || $ffi->scim_filter_matches($f, USER_JSON, FFI::addr($m), null) !== 0 || !$m->cdata) {
        throw new LogicException('no match');
    }
    $ffi->scim_filter_free($f);
});

printf("php\tparse+matches (Scim\\Filter, array in)\t%.0f\n", $class);
printf("php\tparse+matches (raw FFI, JSON string in)\t%.0f\n", $raw);
