<?php

declare(strict_types=1);

namespace Scim;

/** The server answered 429 Too Many Requests, after the retries allowed. */
class RateLimitedException extends ApiException
{
}
