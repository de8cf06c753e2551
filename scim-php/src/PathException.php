<?php

declare(strict_types=1);

namespace Scim;

/** A PATCH path could not be parsed (see getPosition()); scimType `invalidPath`. */
class PathException extends ScimException
{
}
