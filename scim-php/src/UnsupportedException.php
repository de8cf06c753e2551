<?php

declare(strict_types=1);

namespace Scim;

/** The server does not support what was asked, per its ServiceProviderConfig. */
class UnsupportedException extends ScimException
{
}
