<?php

declare(strict_types=1);

namespace Scim;

/** libscim could not be loaded: the message says which paths were tried and why each failed. */
class LibraryException extends ScimException
{
}
