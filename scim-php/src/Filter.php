<?php

declare(strict_types=1);

namespace Scim;

use FFI;
use FFI\CData;

/**
 * A parsed SCIM filter (RFC 7644 §3.4.2.2).
 *
 * ```php
 * $f = Scim\Filter::parse('userName eq "bjensen" and emails[type eq "work"]');
 * $f->matches(['userName' => 'BJensen', 'emails' => [['type' => 'work', 'value' => 'b@x.org']]]); // true
 * echo $f; // canonical form
 * ```
 *
 * The native filter is freed when the object is destroyed.
 */
final class Filter implements \Stringable
{
    private function __construct(private CData $handle)
    {
    }

    /**
     * Parses a filter.
     *
     * @param array{lenient?: bool, max_length?: int, max_depth?: int} $options
     *        `lenient` accepts what major IdPs send beyond the grammar
     *        (`emails[type eq "work"].value eq "x"`); the limits bound hostile input.
     * @throws FilterException on a syntax error (getPosition() is the byte offset)
     * @throws \InvalidArgumentException on an unknown option or a NUL byte in `$filter`
     */
    public static function parse(string $filter, array $options = []): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('scim_filter*');
        $err = Library::newError();
        $code = $ffi->scim_filter_parse(
            Library::text($filter, 'the filter'),
            $options === [] ? null : Library::encodeObject($options, 'the options'),
            FFI::addr($out),
            FFI::addr($err),
        );
        Library::check($code, $err);
        return new self($out);
    }

    /**
     * True when `$resource` matches, with the RFC 7643 core schemas deciding types and
     * `caseExact` (strings compare case-insensitively unless the schema says otherwise).
     *
     * @param array<string, mixed> $resource a SCIM resource as decoded JSON arrays
     * @throws FilterException when the filter cannot be evaluated as written (`gt` on a boolean)
     */
    public function matches(array $resource): bool
    {
        $ffi = Library::ffi();
        $out = $ffi->new('bool');
        $err = Library::newError();
        $code = $ffi->scim_filter_matches(
            $this->handle,
            Library::encodeObject($resource, 'the resource'),
            FFI::addr($out),
            FFI::addr($err),
        );
        Library::check($code, $err);
        return (bool) $out->cdata;
    }

    /** The canonical text of the filter; parsing it again gives an equal filter. */
    public function __toString(): string
    {
        return Library::callString('scim_filter_to_string', $this->handle);
    }

    public function __destruct()
    {
        Library::ffi()->scim_filter_free($this->handle);
    }

    /** Filters hold a native handle: cloning would free it twice. */
    private function __clone()
    {
    }
}
