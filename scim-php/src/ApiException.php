<?php

declare(strict_types=1);

namespace Scim;

/** The server answered with a SCIM error response (RFC 7644 §3.12): see getStatus() and getScimType(). */
class ApiException extends ScimException
{
}
