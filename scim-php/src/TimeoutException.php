<?php

declare(strict_types=1);

namespace Scim;

/** A connect or request timeout expired. */
class TimeoutException extends TransportException
{
}
