//! The schema URNs of RFC 7643 and RFC 7644.

/// RFC 7643 §4.1: the core User schema.
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// RFC 7643 §4.3: the enterprise User extension.
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// RFC 7643 §4.2: the core Group schema.
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// RFC 7643 §5: the ServiceProviderConfig schema.
pub const SERVICE_PROVIDER_CONFIG: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
/// RFC 7643 §6: the ResourceType schema.
pub const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
/// RFC 7643 §7: the Schema schema.
pub const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
/// RFC 7644 §3.4.2: a list response.
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// RFC 7644 §3.4.3: a search request (POST `.search`).
pub const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
/// RFC 7644 §3.5.2: a PATCH request.
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// RFC 7644 §3.7: a bulk request.
pub const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
/// RFC 7644 §3.7: a bulk response.
pub const BULK_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
/// RFC 7644 §3.12: an error response.
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The URNs of the core (non-extension) resource schemas: a path qualified with one of
/// them names a top-level attribute (`urn:ietf:params:scim:schemas:core:2.0:User:userName`).
pub const CORE_RESOURCE_SCHEMAS: [&str; 5] =
    [USER, GROUP, SERVICE_PROVIDER_CONFIG, RESOURCE_TYPE, SCHEMA];

/// Splits an attribute path into its schema URN prefix (if any) and the rest.
///
/// RFC 7644 §3.10: a fully qualified name is the schema URN, a colon, then the attribute
/// name. Attribute names cannot contain `:` (RFC 7643 §2.1 `ATTRNAME`), so the URN ends at
/// the last colon — even though URNs themselves contain dots (`2.0`). A path that does not
/// start with `urn:` (any case) has no prefix.
///
/// ```
/// use scim_core::urn::split_urn;
/// assert_eq!(
///     split_urn("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"),
///     (Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"), "manager.value")
/// );
/// assert_eq!(split_urn("name.givenName"), (None, "name.givenName"));
/// ```
pub fn split_urn(path: &str) -> (Option<&str>, &str) {
    if path.len() >= 4 && path.as_bytes()[..4].eq_ignore_ascii_case(b"urn:") {
        // The attribute part may hold a value filter with colons in string literals; the
        // URN ends at the last colon before any '[' or '"'. One byte scan finds both (all
        // three are ASCII, so `i` is a char boundary).
        let mut last_colon = None;
        for (i, &b) in path.as_bytes().iter().enumerate() {
            match b {
                b':' => last_colon = Some(i),
                b'[' | b'"' => break,
                _ => {}
            }
        }
        if let Some(i) = last_colon {
            return (Some(&path[..i]), &path[i + 1..]);
        }
    }
    (None, path)
}

/// True for the URN of a schema extension (`urn:...:extension:...`, any case), such as
/// [`ENTERPRISE_USER`]: its attributes live in an object keyed by the URN, not at the top
/// level. Allocation-free.
///
/// ```
/// use scim_core::urn;
/// assert!(urn::is_extension(urn::ENTERPRISE_USER));
/// assert!(urn::is_extension("URN:EXAMPLE:EXTENSION:Widget"));
/// assert!(!urn::is_extension(urn::USER));
/// ```
pub fn is_extension(urn: &str) -> bool {
    urn.as_bytes()
        .windows(11)
        .any(|w| w.eq_ignore_ascii_case(b":extension:"))
}

/// True when `urn` names a core resource schema of RFC 7643 (case-insensitive).
pub fn is_core_resource_schema(urn: &str) -> bool {
    CORE_RESOURCE_SCHEMAS
        .iter()
        .any(|c| c.eq_ignore_ascii_case(urn))
}

#[cfg(test)]
mod tests {
    use super::split_urn;

    /// The URN ends at the last colon before any value filter or string literal.
    #[test]
    fn split_urn_stops_at_filters_and_strings() {
        assert_eq!(
            split_urn(r#"urn:example:ext:1.0:Widget:emails[value eq "a:b"].type"#),
            (
                Some("urn:example:ext:1.0:Widget"),
                r#"emails[value eq "a:b"].type"#
            )
        );
        assert_eq!(split_urn(r#"URN:x:y:attr"#), (Some("URN:x:y"), "attr"));
        assert_eq!(split_urn("urn:"), (Some("urn"), ""));
        assert_eq!(split_urn("urn[x:y]"), (None, "urn[x:y]"));
        assert_eq!(split_urn("urnx:y"), (None, "urnx:y"));
        assert_eq!(split_urn("urn:ä:ü"), (Some("urn:ä"), "ü"));
    }
}
