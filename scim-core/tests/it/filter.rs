//! Filters: RFC 7644 §3.4.2.2 parsing, printing, evaluation and building.

use scim_core::filter::{AttrPath, CompareOp, Filter, ParseOptions};
use scim_core::{Error, ErrorCode, Resource, SchemaRegistry, ScimType};
use serde_json::{json, Value};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn path(text: &str) -> AttrPath {
    AttrPath::parse(text).unwrap()
}

fn cmp(p: &str, op: CompareOp, value: Value) -> Filter {
    Filter::Compare {
        path: path(p),
        op,
        value,
    }
}

fn pr(p: &str) -> Filter {
    Filter::Present(path(p))
}

fn and(l: Filter, r: Filter) -> Filter {
    Filter::And(Box::new(l), Box::new(r))
}

fn or(l: Filter, r: Filter) -> Filter {
    Filter::Or(Box::new(l), Box::new(r))
}

fn not(f: Filter) -> Filter {
    Filter::Not(Box::new(f))
}

fn vp(attr: &str, f: Filter) -> Filter {
    Filter::ValuePath {
        attr: path(attr),
        filter: Box::new(f),
    }
}

/// The example filters of RFC 7644 §3.4.2.2 ("Filters" — the list after Table 4), each
/// with the tree it must parse to.
fn rfc_examples() -> Vec<(&'static str, Filter)> {
    use CompareOp::*;
    vec![
        (
            r#"userName eq "bjensen""#,
            cmp("userName", Eq, json!("bjensen")),
        ),
        (
            r#"name.familyName co "O'Malley""#,
            cmp("name.familyName", Co, json!("O'Malley")),
        ),
        (r#"userName sw "J""#, cmp("userName", Sw, json!("J"))),
        (
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
            cmp(
                "urn:ietf:params:scim:schemas:core:2.0:User:userName",
                Sw,
                json!("J"),
            ),
        ),
        ("title pr", pr("title")),
        (
            r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
            cmp("meta.lastModified", Gt, json!("2011-05-13T04:42:34Z")),
        ),
        (
            r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
            cmp("meta.lastModified", Ge, json!("2011-05-13T04:42:34Z")),
        ),
        (
            r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
            cmp("meta.lastModified", Lt, json!("2011-05-13T04:42:34Z")),
        ),
        (
            r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
            cmp("meta.lastModified", Le, json!("2011-05-13T04:42:34Z")),
        ),
        (
            r#"title pr and userType eq "Employee""#,
            and(pr("title"), cmp("userType", Eq, json!("Employee"))),
        ),
        (
            r#"title pr or userType eq "Intern""#,
            or(pr("title"), cmp("userType", Eq, json!("Intern"))),
        ),
        (
            r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
            cmp("schemas", Eq, json!(ENTERPRISE)),
        ),
        (
            r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            and(
                cmp("userType", Eq, json!("Employee")),
                or(
                    cmp("emails", Co, json!("example.com")),
                    cmp("emails.value", Co, json!("example.org")),
                ),
            ),
        ),
        (
            r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            and(
                cmp("userType", Ne, json!("Employee")),
                not(or(
                    cmp("emails", Co, json!("example.com")),
                    cmp("emails.value", Co, json!("example.org")),
                )),
            ),
        ),
        (
            r#"userType eq "Employee" and (emails.type eq "work")"#,
            and(
                cmp("userType", Eq, json!("Employee")),
                cmp("emails.type", Eq, json!("work")),
            ),
        ),
        (
            r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
            and(
                cmp("userType", Eq, json!("Employee")),
                vp(
                    "emails",
                    and(
                        cmp("type", Eq, json!("work")),
                        cmp("value", Co, json!("@example.com")),
                    ),
                ),
            ),
        ),
        (
            r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
            or(
                vp(
                    "emails",
                    and(
                        cmp("type", Eq, json!("work")),
                        cmp("value", Co, json!("@example.com")),
                    ),
                ),
                vp(
                    "ims",
                    and(
                        cmp("type", Eq, json!("xmpp")),
                        cmp("value", Co, json!("@foo.com")),
                    ),
                ),
            ),
        ),
    ]
}

/// RFC 7644 §3.4.2.2: the example filters parse, and print back as written (they are
/// in canonical form but for one needless pair of parentheses).
#[test]
fn rfc7644_examples_parse_and_print_back() {
    for (text, tree) in rfc_examples() {
        let parsed = Filter::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed, tree, "{text}");
        let canonical = text.replace(r#"(emails.type eq "work")"#, r#"emails.type eq "work""#);
        assert_eq!(parsed.to_string(), canonical);
        assert_eq!(Filter::parse(&canonical).unwrap(), tree);
    }
}

/// RFC 7644 §3.4.2.2: "Attribute names and attribute operators used in filters are case
/// insensitive."
#[test]
fn keywords_and_operators_are_case_insensitive_values_are_not() {
    let f = Filter::parse(r#"USERNAME EQ "BJensen" AND Title PR OR NOT (x Sw "A")"#).unwrap();
    assert_eq!(
        f.to_string(),
        r#"USERNAME eq "BJensen" and Title pr or not (x sw "A")"#
    );
}

/// RFC 7644 §3.4.2.2 Table 4: "not" > "and" > "or"; both binary operators associate to
/// the left.
#[test]
fn precedence_is_not_then_and_then_or() {
    let f = Filter::parse("a pr or b pr and c pr").unwrap();
    assert_eq!(f, or(pr("a"), and(pr("b"), pr("c"))));
    let f = Filter::parse("a pr and b pr or c pr").unwrap();
    assert_eq!(f, or(and(pr("a"), pr("b")), pr("c")));
    let f = Filter::parse("a pr and b pr and c pr").unwrap();
    assert_eq!(f, and(and(pr("a"), pr("b")), pr("c")));
    let f = Filter::parse("not (a pr) and b pr").unwrap();
    assert_eq!(f, and(not(pr("a")), pr("b")));
    let f = Filter::parse("a pr and (b pr or c pr)").unwrap();
    assert_eq!(f.to_string(), "a pr and (b pr or c pr)");
    let f = and(pr("a"), and(pr("b"), pr("c")));
    assert_eq!(f.to_string(), "a pr and (b pr and c pr)");
}

/// RFC 7644 §3.4.2.2 `compValue = false / null / true / number / string` (JSON values,
/// RFC 8259).
#[test]
fn values_are_json_values() {
    let cases = [
        (
            r#"a eq "x\"y\\z\/\b\f\n\r\t\u00e9\ud83d\ude00""#,
            json!("x\"y\\z/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}"),
        ),
        ("a eq 0", json!(0)),
        ("a eq -12", json!(-12)),
        ("a eq 1.5", json!(1.5)),
        ("a eq -1.5e3", json!(-1500.0)),
        ("a eq 2E-2", json!(0.02)),
        ("a eq 18446744073709551615", json!(18446744073709551615u64)),
        ("a eq true", json!(true)),
        ("a eq false", json!(false)),
        ("a eq null", Value::Null),
        ("a eq \"ünïcödé\"", json!("ünïcödé")),
    ];
    for (text, value) in cases {
        let f = Filter::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(f, cmp("a", CompareOp::Eq, value), "{text}");
        assert_eq!(Filter::parse(&f.to_string()).unwrap(), f, "{text}");
    }
}

#[test]
fn urn_qualified_paths_split_at_the_last_colon() {
    let f = Filter::parse(&format!(r#"{ENTERPRISE}:manager.value eq "26118915""#)).unwrap();
    let Filter::Compare { path, .. } = &f else {
        panic!("{f:?}")
    };
    assert_eq!(path.urn.as_deref(), Some(ENTERPRISE));
    assert_eq!(path.name, "manager");
    assert_eq!(path.sub_attr.as_deref(), Some("value"));
    // RFC 7643 names `$ref` sub-attributes.
    assert_eq!(
        Filter::parse(r#"groups[$ref eq "x"]"#).unwrap(),
        vp("groups", cmp("$ref", CompareOp::Eq, json!("x")))
    );
}

/// Runs of spaces between tokens, and around the filter, are tolerated; `not` may be
/// followed by `(` with or without a space.
#[test]
fn spaces_are_tolerated() {
    let f = Filter::parse("  userName   eq    \"x\"   and   not(  title  pr  )  ").unwrap();
    assert_eq!(f.to_string(), r#"userName eq "x" and not (title pr)"#);
    assert_eq!(
        Filter::parse("emails[ type eq \"work\" ]").unwrap(),
        vp("emails", cmp("type", CompareOp::Eq, json!("work")))
    );
    // An attribute named `not` is still an attribute.
    assert_eq!(Filter::parse("not pr").unwrap(), pr("not"));
}

/// A table of invalid filters, each with the byte offset of its error and a word of what
/// was expected there.
#[test]
fn invalid_filters_report_offset_and_expectation() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "attribute path"),
        ("   ", 3, "attribute path"),
        ("userName", 8, "comparison operator"),
        ("userName eq", 11, "space after"),
        ("userName eq ", 12, "a value"),
        ("userName foo \"x\"", 9, "comparison operator"),
        ("userName eq bjensen", 12, "a value"),
        ("userName eq 'bjensen'", 12, "a value"),
        ("userName eq \"bjensen", 20, "closing the string"),
        ("userName eq \"a\\qb\"", 15, "escape sequence"),
        ("userName eq \"\\u12G4\"", 17, "hexadecimal digit"),
        ("userName eq \"\\ud800\"", 13, "surrogate pair"),
        ("userName eq \"a\u{1}b\"", 14, "control characters"),
        ("userName eq True", 12, "a value"),
        ("userName eq NULL", 12, "a value"),
        ("a eq 01", 5, "leading zeros"),
        ("a eq -", 6, "digit"),
        ("a eq 1.", 7, "digit after the decimal point"),
        ("a eq 1e", 7, "exponent"),
        ("a eq +1", 5, "a value"),
        ("a eq 1e999", 5, "range"),
        ("1userName pr", 0, "starting with a letter"),
        ("user@name pr", 4, "comparison operator"),
        ("name.givenName.first pr", 14, "at most one sub-attribute"),
        ("name. pr", 5, "attribute name"),
        ("name..x pr", 5, "attribute name"),
        ("urn:x: pr", 6, "attribute name"),
        (":x pr", 0, "schema URI"),
        ("not title pr", 4, "`(` after `not`"),
        ("not (title pr", 13, "`)`"),
        ("(title pr", 9, "`)`"),
        ("title pr)", 8, "end of input"),
        ("title pr and", 12, "attribute path"),
        ("title pr and ", 13, "attribute path"),
        ("title pr or or", 14, "comparison operator"),
        ("and title pr", 4, "comparison operator"),
        ("title pr xor x pr", 9, "end of input"),
        ("title pr  \"x\"", 10, "end of input"),
        ("userName eq \"x\"and title pr", 15, "space before"),
        ("title pr and(x pr)", 12, "space after"),
        ("userName eq\"x\"", 11, "space after the operator"),
        ("emails[type eq \"work\"", 21, "`]`"),
        ("emails[type eq \"work\"]]", 22, "end of input"),
        ("emails[roles[value pr]]", 12, "cannot be nested"),
        (
            "emails[type eq \"work\"].value eq \"x\"",
            22,
            "no sub-attribute",
        ),
        ("emails.value[type pr]", 12, "comparison operator"),
        ("emails [type pr]", 7, "comparison operator"),
        ("emails[]", 7, "attribute path"),
        ("()", 1, "attribute path"),
        ("title pr 'x'", 9, "end of input"),
    ];
    for &(input, offset, expected) in cases {
        let err = Filter::parse(input).expect_err(input);
        assert_eq!(err.code(), ErrorCode::InvalidFilter, "{input}");
        assert_eq!(err.scim_type(), Some(&ScimType::InvalidFilter), "{input}");
        let Error::Filter(syntax) = &err else {
            panic!("{input}: {err:?}")
        };
        assert_eq!(
            (syntax.offset, syntax.input.as_str()),
            (offset, input),
            "{input}: {err}"
        );
        assert!(
            syntax.expected.contains(expected),
            "{input}: expected {:?} to contain {expected:?}",
            syntax.expected
        );
    }
}

/// The error's `Display` shows the input with a caret under the offset.
#[test]
fn error_display_points_at_the_offset() {
    let err = Filter::parse(r#"userName eq "x" an title pr"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid filter: expected `and`, `or` or end of input, found `an` at offset 16\n  \
         userName eq \"x\" an title pr\n                  ^"
    );
}

#[test]
fn length_and_depth_are_bounded() {
    let options = ParseOptions {
        max_length: 20,
        ..ParseOptions::default()
    };
    let err = Filter::parse_with("userName eq \"0123456789\"", &options).unwrap_err();
    assert_eq!(err.position(), Some(20));
    assert!(err.to_string().contains("at most 20 bytes"), "{err}");

    let deep = format!("{}a pr{}", "(".repeat(200), ")".repeat(200));
    let err = Filter::parse(&deep).unwrap_err();
    assert_eq!(err.position(), Some(ParseOptions::DEFAULT_MAX_DEPTH));
    let nested_not = format!("{}a pr{}", "not (".repeat(129), ")".repeat(129));
    assert!(Filter::parse(&nested_not).is_err());
    let ok = format!("{}a pr{}", "not (".repeat(128), ")".repeat(128));
    assert!(Filter::parse(&ok).is_ok());

    // A hostile input as long as the limit allows neither overflows the stack nor takes
    // long: nesting is bounded, and long `or` chains are walked without recursion.
    let hostile = "(".repeat(ParseOptions::DEFAULT_MAX_LENGTH);
    assert!(Filter::parse(&hostile).is_err());
    let chain = vec!["a pr"; 8000].join(" or ");
    let options = ParseOptions {
        max_length: 1 << 20,
        ..ParseOptions::default()
    };
    let f = Filter::parse_with(&chain, &options).unwrap();
    assert_eq!(f.to_string(), chain);
    let user = Resource::from_value(json!({"a": "x"})).unwrap();
    assert!(f.matches(&user, &SchemaRegistry::empty()).unwrap());
}

/// Lenient mode reads what Microsoft Entra ID sends: a compared sub-attribute after a
/// value path. Strict mode (the default) rejects it.
#[test]
fn lenient_mode_accepts_entra_value_path_comparisons() {
    let text = r#"emails[type eq "work"].value eq "user@example.com""#;
    assert!(Filter::parse(text).is_err());
    let f = Filter::parse_with(text, &ParseOptions::lenient()).unwrap();
    assert_eq!(
        f,
        vp(
            "emails",
            and(
                cmp("type", CompareOp::Eq, json!("work")),
                cmp("value", CompareOp::Eq, json!("user@example.com"))
            )
        )
    );
    assert_eq!(
        f.to_string(),
        r#"emails[type eq "work" and value eq "user@example.com"]"#
    );
    let f = Filter::parse_with(
        "active eq True and title eq\"x\"\tand(a pr)or(b pr)",
        &ParseOptions::lenient(),
    )
    .unwrap();
    assert_eq!(
        f.to_string(),
        r#"active eq true and title eq "x" and a pr or b pr"#
    );
}

#[test]
fn from_str_and_attr_path_parse() {
    let f: Filter = "title pr".parse().unwrap();
    assert_eq!(f, pr("title"));
    let p: AttrPath = "name.givenName".parse().unwrap();
    assert_eq!(p.sub_attr.as_deref(), Some("givenName"));
    assert_eq!(p.to_string(), "name.givenName");
    let err = AttrPath::parse("name giv").unwrap_err();
    assert_eq!(err.position(), Some(5));
}
