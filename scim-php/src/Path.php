<?php

declare(strict_types=1);

namespace Scim;

use FFI;

/** PATCH paths (RFC 7644 §3.5.2): `name`, `name.sub`, `emails[type eq "work"].value`. */
final class Path
{
    /**
     * Checks a PATCH path and returns its canonical text.
     *
     * @throws PathException on an invalid path (getPosition() is the byte offset)
     */
    public static function validate(string $path): string
    {
        return Library::callString('scim_path_validate', Library::text($path, 'the path'));
    }
}
