<?php

declare(strict_types=1);

namespace Scim;

/** The server answered with an HTTP error that is not a SCIM error (an HTML 502 from a proxy); the message holds the start of the body. */
class HttpException extends ScimException
{
}
