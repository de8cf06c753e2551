<?php

/*
 * Provision users and a group to a SCIM 2.0 server from PHP: discover the server, create
 * users, create a group, change it with a computed PATCH (Patch::diff), filter, iterate
 * every user lazily, clean up with one bulk request, and handle errors by type.
 *
 * Run: SCIM_URL=https://example.com/scim/v2 SCIM_TOKEN=... php examples/php/provision.php
 * libscim is found through SCIM_FFI_LIB or the system (see Scim\Library); with Composer,
 * require vendor/autoload.php instead of the package's autoload.php.
 * (scripts/test runs it against scim-testkit.)
 */

declare(strict_types=1);

require __DIR__ . '/../../scim-php/autoload.php';

use Scim\Client;
use Scim\ConflictException;
use Scim\Filter;
use Scim\Library;
use Scim\NotFoundException;
use Scim\Patch;

$url = getenv('SCIM_URL');
if (!is_string($url) || $url === '') {
    fwrite(STDERR, "usage: SCIM_URL=<base URL> [SCIM_TOKEN=<bearer token>] php provision.php\n");
    exit(2);
}
$token = getenv('SCIM_TOKEN');
printf("libscim %s, server %s\n", Library::version(), $url);

// 1. A client (options are checked: a misspelt key is an \InvalidArgumentException).
$options = ['timeout_ms' => 10000, 'retries' => 3];
if (is_string($token) && $token !== '') {
    $options['token'] = $token;
}
$client = new Client($url, $options);

// 2. Discovery: from now on the client honours what the server supports.
$config = $client->serviceProviderConfig();
printf("server supports bulk: %s, filter: %s\n",
    ($config['bulk']['supported'] ?? false) ? 'yes' : 'no',
    ($config['filter']['supported'] ?? false) ? 'yes' : 'no');

// 3. Users, arrays in and out.
$users = [];
foreach (['php-bjensen', 'php-jsmith', 'php-mdoe'] as $name) {
    $users[] = $client->users()->create([
        'userName' => $name,
        'active' => true,
        'emails' => [['value' => "$name@example.com", 'type' => 'work', 'primary' => true]],
    ]);
    printf("created user %s (%s)\n", $name, end($users)['id']);
}
try {
    $client->users()->create(['userName' => 'php-bjensen']);
} catch (ConflictException $e) {
    printf("a second php-bjensen is refused: %d %s\n", $e->getStatus(), $e->getScimType());
}

// 4. A group, then the PATCH that removes the last member, computed by diff.
$group = $client->groups()->create([
    'displayName' => 'PHP Tour Guides',
    'members' => array_map(fn (array $u) => ['value' => $u['id']], $users),
]);
$wanted = $group;
array_pop($wanted['members']);
$patch = Patch::diff($group, $wanted);
printf("PATCH for the change: %s\n", json_encode($patch['Operations'], JSON_UNESCAPED_SLASHES));
$client->groups()->patch($group['id'], $patch);
printf("members now: %d\n", count($client->groups()->get($group['id'])['members']));

// 5. Filters: parsed and checked locally, evaluated on arrays, sent canonical.
$filter = Filter::parse('userName sw "php-" and emails[type eq "work"]');
$page = $client->users()->list(['filter' => (string) $filter, 'count' => 2]);
printf("filter %s: %d results, %d on the first page\n", $filter, $page['totalResults'], count($page['Resources']));

// 6. Every matching user, lazily, two per request.
$seen = 0;
foreach ($client->users()->iterate(['filter' => (string) $filter, 'count' => 2]) as $user) {
    $seen += $filter->matches($user) ? 1 : 0;
}
printf("iterated %d matching users\n", $seen);

// 7. Clean up in one bulk request.
$operations = [['method' => 'DELETE', 'path' => '/Groups/' . $group['id']]];
foreach ($users as $user) {
    $operations[] = ['method' => 'DELETE', 'path' => '/Users/' . $user['id']];
}
$results = $client->bulk($operations);
$failed = array_filter($results, fn (array $r) => $r['outcome'] !== 'succeeded');
printf("bulk delete: %s\n", $failed === [] ? 'every operation succeeded' : json_encode($failed));
try {
    $client->users()->get($users[0]['id']);
} catch (NotFoundException $e) {
    echo "and they are gone (404)\n";
}
exit($failed === [] && $seen === count($users) ? 0 : 1);
