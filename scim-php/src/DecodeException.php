<?php

declare(strict_types=1);

namespace Scim;

/** A response could not be decoded into what was expected. */
class DecodeException extends ScimException
{
}
