<?php

declare(strict_types=1);

namespace Scim;

/** The server answered 404 Not Found. */
class NotFoundException extends ApiException
{
}
