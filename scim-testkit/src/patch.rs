//! PATCH (RFC 7644 §3.5.2): the body decoded as scim-core's `PatchOp` and applied by
//! `scim_core::patch::apply`, strictly (no inbound leniency: the testkit checks that
//! clients send RFC 7644 PATCH).

use scim_core::resource::PatchOp;
use scim_core::{patch, urn, Resource, SchemaRegistry, ScimObject, ScimType};
use serde_json::Value;

use crate::reply::{ScimError, ScimResult};

/// Decodes a PatchOp body. RFC 7644 §3.5.2: the body "MUST contain the "schemas"
/// attribute with the URI value of "urn:ietf:params:scim:api:messages:2.0:PatchOp"" and
/// an "Operations" array.
pub(crate) fn parse(body: &Value) -> ScimResult<PatchOp> {
    let res = Resource::from_value(body.clone()).map_err(|_| {
        ScimError::bad(
            ScimType::InvalidSyntax,
            "a PatchOp body must be a JSON object",
        )
    })?;
    if !res.has_schema(urn::PATCH_OP) {
        return Err(ScimError::bad(
            ScimType::InvalidSyntax,
            format!("\"schemas\" must list {} (RFC 7644 §3.5.2)", urn::PATCH_OP),
        ));
    }
    if res
        .get("Operations")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        return Err(ScimError::bad(
            ScimType::InvalidSyntax,
            "a PatchOp needs a non-empty \"Operations\" array",
        ));
    }
    Ok(PatchOp::from_resource(res)?)
}

/// Applies the operations atomically: on error the resource is unchanged and the error
/// is a 400 with the operation's scimType (`invalidPath`, `noTarget`, `mutability`,
/// `invalidValue`, `invalidSyntax`).
pub(crate) fn apply(
    res: &mut Resource,
    ops: &PatchOp,
    registry: &SchemaRegistry,
) -> ScimResult<()> {
    Ok(patch::apply(res, ops, registry)?)
}
