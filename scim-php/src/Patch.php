<?php

declare(strict_types=1);

namespace Scim;

/**
 * PATCH (RFC 7644 §3.5.2) on resources held as arrays: apply a PatchOp, or compute the
 * PatchOp that turns one resource into another.
 */
final class Patch
{
    /**
     * Applies `$patch` to `$resource` and returns the new resource; `$resource` itself is
     * never changed, and on any error nothing is applied (the operation is atomic).
     *
     * @param array<string, mixed> $resource
     * @param array<mixed> $patch a PatchOp (`['schemas' => [...], 'Operations' => [...]]`)
     *        or a list of operations (`[['op' => 'add', 'path' => ..., 'value' => ...]]`)
     * @param array{lenient?: bool} $options `lenient` accepts what IdPs send beyond the
     *        RFC: `"Replace"`-style op names, `"True"`/`"False"` for booleans, dotted keys
     * @return array<string, mixed>
     * @throws PatchException with getScimType() (`noTarget`, `invalidPath`, `mutability`,
     *         `invalidValue`, `invalidSyntax`) and getOperationIndex()
     */
    public static function apply(array $resource, array $patch, array $options = []): array
    {
        return Library::callJson(
            'scim_patch_apply',
            Library::encodeObject($resource, 'the resource'),
            Library::encodePatch($patch),
            $options === [] ? null : Library::encodeObject($options, 'the options'),
        );
    }

    /**
     * The PatchOp that turns `$old` into `$new` (read-only attributes ignored): applying
     * it to `$old` gives `$new`. Multi-valued attributes with values (members, emails)
     * change item by item.
     *
     * @param array<string, mixed> $old
     * @param array<string, mixed> $new
     * @param array{filtered_paths?: bool, member_removal?: 'filtered'|'value_list'} $options
     *        shape the PATCH for the target server: `filtered_paths => false` replaces a
     *        multi-valued attribute that loses values instead of removing them with
     *        `members[value eq "..."]`; `member_removal => 'value_list'` removes them with
     *        one `remove` listing the values (what Microsoft Entra ID sends)
     * @return array<string, mixed> a PatchOp (with an empty `Operations` when nothing differs)
     */
    public static function diff(array $old, array $new, array $options = []): array
    {
        return Library::callJson(
            'scim_diff',
            Library::encodeObject($old, 'the old resource'),
            Library::encodeObject($new, 'the new resource'),
            $options === [] ? null : Library::encodeObject($options, 'the options'),
        );
    }
}
