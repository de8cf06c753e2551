<?php

declare(strict_types=1);

namespace Scim;

/** A PATCH operation could not be applied: see getScimType() and getOperationIndex(). */
class PatchException extends ScimException
{
}
