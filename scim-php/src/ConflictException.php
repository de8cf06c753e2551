<?php

declare(strict_types=1);

namespace Scim;

/** The server answered 409 Conflict (scimType `uniqueness`, usually). */
class ConflictException extends ApiException
{
}
