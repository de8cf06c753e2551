//! PATCH paths (RFC 7644 §3.5.2): `PATH = attrPath / valuePath [subAttr]`.

use scim_core::filter::{CompareOp, Filter};
use scim_core::path::Path;
use scim_core::{Error, ErrorCode, ScimType};
use serde_json::json;

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// RFC 7644 §3.5.2: the path forms of the PATCH examples (§3.5.2.1–§3.5.2.3) parse and
/// print back unchanged.
#[test]
fn rfc7644_patch_paths_parse_and_print_back() {
    let paths = [
        "members",
        "name.familyName",
        "addresses[type eq \"work\"]",
        "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]",
        "members[value eq \"2819c223-7f76-453a-919d-413861904646\"].displayName",
        "emails[type eq \"work\" and value ew \"example.com\"]",
        "addresses[type eq \"work\"].streetAddress",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName",
    ];
    for text in paths {
        let p = Path::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(p.to_string(), text);
        assert_eq!(Path::parse(&p.to_string()).unwrap(), p);
    }
}

#[test]
fn path_parts() {
    let p = Path::parse(r#"members[value eq "2819c223"].displayName"#).unwrap();
    assert_eq!(p.urn, None);
    assert_eq!(p.name, "members");
    assert_eq!(p.sub_attr.as_deref(), Some("displayName"));
    assert_eq!(p.filter, Some(Filter::eq("value", "2819c223").unwrap()));

    let p = Path::parse(&format!("{ENTERPRISE}:manager.value")).unwrap();
    assert_eq!(p.urn.as_deref(), Some(ENTERPRISE));
    assert_eq!(
        (p.name.as_str(), p.sub_attr.as_deref()),
        ("manager", Some("value"))
    );
    assert_eq!(
        p.attr_path().to_string(),
        format!("{ENTERPRISE}:manager.value")
    );

    // The whole extension: the grammar reads the last URN segment as the name.
    let p = Path::parse(ENTERPRISE).unwrap();
    assert_eq!(p.full_name(), ENTERPRISE);

    let p: Path = "EMAILS[TYPE EQ \"Work\"]".parse().unwrap();
    assert_eq!(p.to_string(), "EMAILS[TYPE eq \"Work\"]");
    let Some(Filter::Compare { op, .. }) = p.filter else {
        panic!()
    };
    assert_eq!(op, CompareOp::Eq);
    let p = Path::parse(r#"emails[type eq "work" or primary eq true]"#).unwrap();
    assert_eq!(
        p.filter.unwrap(),
        Filter::eq("type", "work").unwrap() | Filter::eq("primary", json!(true)).unwrap()
    );
}

/// Invalid paths: each with its error offset; the error is `invalidPath` (RFC 7644
/// §3.5.2: "If the target location path specifies an attribute that does not exist
/// ... "invalidPath"").
#[test]
fn invalid_paths_report_offset() {
    let cases: &[(&str, usize)] = &[
        ("", 0),
        ("name.givenName.x", 14),
        ("1name", 0),
        ("emails[type eq \"work\"", 21),
        ("emails[type eq \"work\"].", 23),
        ("emails[type eq \"work\"].value.x", 28),
        ("emails[type eq \"work\"]x", 22),
        ("emails.value[type pr]", 12),
        ("emails[roles[value pr]]", 12),
        ("emails[type]", 11),
        ("name givenName", 5),
        ("name[]", 5),
        ("emails[type eq work]", 15),
    ];
    for &(input, offset) in cases {
        let err = Path::parse(input).expect_err(input);
        assert_eq!(err.code(), ErrorCode::InvalidPath, "{input}");
        assert_eq!(err.scim_type(), Some(&ScimType::InvalidPath), "{input}");
        let Error::Path(syntax) = &err else {
            panic!("{input}: {err:?}")
        };
        assert_eq!(syntax.offset, offset, "{input}: {err}");
    }
}
