<?php

declare(strict_types=1);

// The test runner (scripts/test) sets SCIM_FFI_LIB to the freshly built libscim and, for
// the client tests, SCIM_TEST_URL to a running scim-testkit server.
error_reporting(E_ALL);
require __DIR__ . '/../autoload.php';
