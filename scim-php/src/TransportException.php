<?php

declare(strict_types=1);

namespace Scim;

/** The request could not be sent or its answer not received (connection refused, TLS, DNS, truncated body). */
class TransportException extends ScimException
{
}
