<?php

declare(strict_types=1);

namespace Scim;

/** The server answered 412 Precondition Failed: the If-Match version was stale. */
class PreconditionFailedException extends ApiException
{
}
