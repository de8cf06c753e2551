<?php

declare(strict_types=1);

namespace Scim;

/** A filter could not be parsed (see getPosition()) or evaluated; scimType `invalidFilter`. */
class FilterException extends ScimException
{
}
