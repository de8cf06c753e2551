//! Filters: RFC 7644 §3.4.2.2 parsing, printing, evaluation and building.

use proptest::prelude::*;
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
        value: value.try_into().unwrap(),
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
    assert_eq!(Filter::parse("NOT[x pr]").unwrap(), vp("NOT", pr("x")));
    assert_eq!(
        Filter::parse("not eq 1 and not (not ne 2)").unwrap(),
        and(
            cmp("not", CompareOp::Eq, json!(1)),
            not(cmp("not", CompareOp::Ne, json!(2)))
        )
    );
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

// --- evaluation -------------------------------------------------------------------------

fn fixture(name: &str) -> Resource {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    Resource::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A registry with the parts of RFC 7643 §8.7.1 the tests rely on (`caseExact`, types),
/// independent of the built-in schemas.
fn registry() -> SchemaRegistry {
    let mut r = SchemaRegistry::empty();
    let path = format!(
        "{}/tests/fixtures/test-schemas-user-enterprise.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let schemas: Vec<scim_core::schema::Schema> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for s in schemas {
        r.add(s);
    }
    r
}

fn users() -> [(&'static str, Resource); 3] {
    [
        ("8.1", fixture("rfc7643-8.1-minimal-user.json")),
        ("8.2", fixture("rfc7643-8.2-full-user.json")),
        ("8.3", fixture("rfc7643-8.3-enterprise-user.json")),
    ]
}

fn matching(filter: &str, registry: &SchemaRegistry) -> Vec<&'static str> {
    let f = Filter::parse(filter).unwrap();
    users()
        .into_iter()
        .filter(|(_, u)| {
            f.matches(u, registry)
                .unwrap_or_else(|e| panic!("{filter}: {e}"))
        })
        .map(|(name, _)| name)
        .collect()
}

/// RFC 7644 §3.4.2.2: every example filter evaluated against the users of RFC 7643
/// §8.1 (minimal), §8.2 (full) and §8.3 (enterprise). The matches are worked out by
/// hand: all three have `userName` "bjensen@example.com" and `meta.lastModified`
/// "2011-05-13T04:42:34Z"; 8.2 and 8.3 have `title` "Tour Guide", `userType`
/// "Employee", a work email at example.com and a home one at jensen.org and an `aim`
/// im; only 8.3 lists the enterprise schema.
#[test]
fn rfc7644_examples_against_rfc7643_users() {
    let expected: [&[&str]; 17] = [
        &[],                    // userName eq "bjensen"
        &[],                    // name.familyName co "O'Malley"
        &[],                    // userName sw "J"
        &[],                    // urn:...:User:userName sw "J"
        &["8.2", "8.3"],        // title pr
        &[],                    // meta.lastModified gt (equal instants)
        &["8.1", "8.2", "8.3"], // ge
        &[],                    // lt
        &["8.1", "8.2", "8.3"], // le
        &["8.2", "8.3"],        // title pr and userType eq "Employee"
        &["8.2", "8.3"],        // title pr or userType eq "Intern"
        &["8.3"],               // schemas eq enterprise
        &["8.2", "8.3"],        // ... emails co "example.com" ...
        &["8.1"],               // userType ne "Employee" and not (...): 8.1 has neither
        &["8.2", "8.3"],        // ... (emails.type eq "work")
        &["8.2", "8.3"],        // ... emails[type eq "work" and value co "@example.com"]
        &["8.2", "8.3"],        // emails[...] or ims[type eq "xmpp" ...]
    ];
    let reg = registry();
    for ((text, _), want) in rfc_examples().into_iter().zip(expected) {
        assert_eq!(matching(text, &reg), want, "{text}");
        // The built-in RFC 7643 schemas agree.
        assert_eq!(
            matching(text, SchemaRegistry::core()),
            want,
            "{text} (core)"
        );
        // Without any schema, the same results (strings are case-insensitive by
        // default, dateTimes are recognised by their form).
        assert_eq!(
            matching(text, &SchemaRegistry::empty()),
            want,
            "{text} (no schema)"
        );
    }
    // Variants that do match, to show the negatives above are not vacuous.
    assert_eq!(matching(r#"userName sw "B""#, &reg), ["8.1", "8.2", "8.3"]);
    assert_eq!(
        matching(
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "BJ""#,
            &reg
        ),
        ["8.1", "8.2", "8.3"]
    );
    assert_eq!(
        matching(r#"name.familyName co "ens""#, &reg),
        ["8.2", "8.3"]
    );
    assert_eq!(
        matching(r#"ims[type eq "aim" and value co "handle"]"#, &reg),
        ["8.2", "8.3"]
    );
}

/// RFC 7644 §3.4.2.2: "the attribute's schema caseExact characteristic" decides string
/// comparison; without `caseExact` it is case-insensitive.
#[test]
fn case_exact_follows_the_schema() {
    let reg = registry();
    let id = "2819C223-7F76-453A-919D-413861904646";
    assert_eq!(matching(&format!(r#"id eq "{id}""#), &reg), [] as [&str; 0]);
    assert_eq!(
        matching(&format!(r#"id eq "{}""#, id.to_lowercase()), &reg),
        ["8.1", "8.2", "8.3"]
    );
    // Unknown to the registry: a case-insensitive string.
    assert_eq!(
        matching(&format!(r#"id eq "{id}""#), &SchemaRegistry::empty()),
        ["8.1", "8.2", "8.3"]
    );
    assert_eq!(
        matching(r#"userName eq "BJENSEN@EXAMPLE.COM""#, &reg),
        ["8.1", "8.2", "8.3"]
    );
    assert_eq!(
        matching(r#"meta.resourceType eq "user""#, &reg),
        [] as [&str; 0]
    );
    assert_eq!(matching(r#"displayName ew "JENSEN""#, &reg), ["8.2", "8.3"]);
    assert_eq!(matching(r#"displayName co "S J""#, &reg), ["8.2", "8.3"]);
    assert_eq!(matching(r#"displayName gt "BABS""#, &reg), ["8.2", "8.3"]);
    // Non-ASCII letters fold too.
    let u = Resource::from_value(json!({"displayName": "ÉLODIE Müller"})).unwrap();
    let f = Filter::parse(r#"displayName sw "élodie m""#).unwrap();
    assert!(f.matches(&u, &reg).unwrap());
    // Binary values are always compared exactly.
    assert_eq!(
        matching(r#"x509Certificates.value sw "miidqz""#, &reg),
        [] as [&str; 0]
    );
    assert_eq!(
        matching(r#"x509Certificates.value sw "MIIDQz""#, &reg),
        ["8.2", "8.3"]
    );
}

/// RFC 7643 §2.3.5: dateTime values are instants; offsets and fractional seconds are
/// compared as such.
#[test]
fn date_times_compare_as_instants() {
    let reg = registry();
    let all = ["8.1", "8.2", "8.3"];
    assert_eq!(
        matching(r#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#, &reg),
        all
    );
    assert_eq!(
        matching(r#"meta.lastModified eq "2011-05-13T04:42:34.000Z""#, &reg),
        all
    );
    assert_eq!(
        matching(r#"meta.lastModified gt "2011-05-13T04:42:33.999Z""#, &reg),
        all
    );
    assert_eq!(
        matching(r#"meta.lastModified lt "2011-05-13T04:42:34.001Z""#, &reg),
        all
    );
    assert_eq!(
        matching(
            r#"meta.created ge "2010-01-01T00:00:00Z" and meta.created lt "2010-02-01T00:00:00Z""#,
            &reg
        ),
        all
    );
    // Compared as text, "2011-05-13T06..." would be greater.
    assert_eq!(
        matching(r#"meta.lastModified gt "2011-05-13T06:00:00+02:00""#, &reg),
        all
    );
    assert_eq!(
        matching(
            r#"meta.lastModified gt "2011-05-13T06:00:00+02:00""#,
            &SchemaRegistry::empty()
        ),
        all
    );
    let err = Filter::parse(r#"meta.lastModified gt "yesterday""#)
        .unwrap()
        .matches(&users()[0].1, &reg)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidFilter);
    assert!(err.to_string().contains("not a dateTime"), "{err}");
}

#[test]
fn numbers_compare_numerically() {
    let reg = registry();
    let u = Resource::from_value(json!({"loginCount": 10, "score": 2.5})).unwrap();
    let t = |f: &str| Filter::parse(f).unwrap().matches(&u, &reg).unwrap();
    assert!(t("loginCount gt 9"));
    assert!(t("loginCount eq 10.0"));
    assert!(t("loginCount ge 1e1"));
    assert!(!t("loginCount gt 10"));
    assert!(t("loginCount lt 18446744073709551615"));
    assert!(t("score gt -3 and score lt 2.6"));
    assert!(
        !t(r#"loginCount eq "10""#),
        "a string never equals a number"
    );
    assert!(!t("loginCount co 1"));
}

/// RFC 7644 §3.4.2.2: multi-valued attributes match when any value matches; a complex
/// attribute compared without a sub-attribute compares its `value`; a value path
/// matches within ONE element.
#[test]
fn multi_valued_complex_and_value_paths() {
    let reg = registry();
    let both = ["8.2", "8.3"];
    let none: [&str; 0] = [];
    assert_eq!(matching(r#"emails.type eq "home""#, &reg), both);
    assert_eq!(matching(r#"emails eq "BABS@jensen.org""#, &reg), both);
    assert_eq!(
        matching(
            r#"emails.type eq "home" and emails.value co "example.com""#,
            &reg
        ),
        both
    );
    assert_eq!(
        matching(r#"emails[type eq "home" and value co "example.com"]"#, &reg),
        none
    );
    assert_eq!(
        matching(r#"emails[type eq "work" and primary eq true]"#, &reg),
        both
    );
    assert_eq!(
        matching(r#"emails[type eq "home" and primary eq true]"#, &reg),
        none
    );
    assert_eq!(matching(r#"emails[not (primary pr)]"#, &reg), both);
    assert_eq!(
        matching(
            r#"schemas[value eq "urn:ietf:params:scim:schemas:core:2.0:User"]"#,
            &reg
        ),
        ["8.1", "8.2", "8.3"]
    );
    assert_eq!(matching(r#"groups.display eq "employees""#, &reg), both);
    assert_eq!(matching(r#"groups[$ref ew "c726e15c55b5"]"#, &reg), both);
    // `ne` is `not eq`: true when absent, false when any value is equal.
    assert_eq!(matching(r#"nickName ne "Babs""#, &reg), ["8.1"]);
    assert_eq!(matching(r#"emails.type ne "home""#, &reg), ["8.1"]);
}

#[test]
fn urn_qualified_names_resolve_core_and_extension_attributes() {
    let reg = registry();
    let ext = |rest: &str| format!("{ENTERPRISE}:{rest}");
    assert_eq!(
        matching(
            &ext(r#"manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#),
            &reg
        ),
        ["8.3"]
    );
    // caseExact from the extension schema.
    assert_eq!(
        matching(
            &ext(r#"manager.value eq "26118915-6090-4610-87E4-49D8CA9F808D""#),
            &reg
        ),
        [] as [&str; 0]
    );
    assert_eq!(
        matching(&ext(r#"employeeNumber eq "701984""#), &reg),
        ["8.3"]
    );
    assert_eq!(matching(&ext("manager pr"), &reg), ["8.3"]);
    // The extension's attribute is not a top-level attribute of the core schema.
    assert_eq!(
        matching(r#"employeeNumber eq "701984""#, &reg),
        [] as [&str; 0]
    );
    assert_eq!(
        matching(
            r#"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:NAME.GIVENNAME eq "barbara""#,
            &reg
        ),
        ["8.2", "8.3"]
    );
    assert_eq!(
        matching(r#"urn:example:other:userName pr"#, &reg),
        [] as [&str; 0]
    );
}

/// RFC 7644 §3.4.2.2 `pr`: "If the attribute has a non-empty value, or if it contains a
/// non-null value, there is a match." Null, "", [] and {} are empty.
#[test]
fn present_is_false_for_empty_values() {
    let u = Resource::from_value(json!({
        "a": null, "b": "", "c": [], "d": {}, "e": [null, ""], "f": 0, "g": false,
        "h": [{}], "i": {"x": null}, "j": [{"value": ""}, {"value": "x"}]
    }))
    .unwrap();
    let reg = SchemaRegistry::empty();
    let t = |f: &str| Filter::parse(f).unwrap().matches(&u, &reg).unwrap();
    for name in ["a", "b", "c", "d", "e", "h", "missing"] {
        assert!(!t(&format!("{name} pr")), "{name}");
        assert!(t(&format!("{name} eq null")), "{name}");
    }
    for name in ["f", "g", "i", "j", "j.value"] {
        assert!(t(&format!("{name} pr")), "{name}");
        assert!(t(&format!("{name} ne null")), "{name}");
    }
}

/// RFC 7644 §3.4.2.2: "If the attribute type is boolean or binary, the service provider
/// SHALL return HTTP 400 (Bad Request) with a scimType of "invalidFilter"" for gt, ge,
/// lt and le.
#[test]
fn ordering_on_booleans_or_binary_is_an_error() {
    let reg = registry();
    let user = &users()[1].1;
    for text in [
        "active gt true",
        "active lt 1",
        r#"x509Certificates.value ge "M""#,
        "title le false",
        "title gt null",
        "emails[primary gt true]",
    ] {
        let err = Filter::parse(text)
            .unwrap()
            .matches(user, &reg)
            .unwrap_err();
        assert!(matches!(err, Error::FilterEval { .. }), "{text}: {err:?}");
        assert_eq!(err.scim_type(), Some(&ScimType::InvalidFilter));
    }
    // Without a schema, a stored boolean is enough to know.
    let err = Filter::parse("flag gt 0")
        .unwrap()
        .matches(&Resource::from_value(json!({"flag": true})).unwrap(), &reg)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidFilter);
}

#[test]
fn booleans_compare_by_value() {
    let reg = registry();
    let all = ["8.2", "8.3"];
    assert_eq!(matching("active eq true", &reg), all);
    assert_eq!(matching("active eq false", &reg), [] as [&str; 0]);
    assert_eq!(matching("active ne false", &reg), ["8.1", "8.2", "8.3"]);
    assert_eq!(matching(r#"active eq "true""#, &reg), [] as [&str; 0]);
}

/// `matches_value` evaluates a value filter against one element: names are
/// sub-attributes of the parent, whose definition supplies `caseExact`; for simple
/// values, `value` is the element.
#[test]
fn matches_value_evaluates_one_element() {
    let reg = registry();
    let emails = reg
        .attribute(&[], None, "emails", None)
        .expect("emails is defined");
    let groups = reg.attribute(&[], None, "groups", None).unwrap();
    let f = Filter::parse(r#"type eq "WORK" and value ew "@EXAMPLE.COM""#).unwrap();
    let element = json!({"type": "work", "value": "b@example.com"});
    assert!(f.matches_value(&element, Some(emails)).unwrap());
    assert!(f.matches_value(&element, None).unwrap());
    let f = Filter::parse(r#"value eq "ABC""#).unwrap();
    assert!(!f
        .matches_value(&json!({"value": "abc"}), Some(groups))
        .unwrap());
    assert!(f
        .matches_value(&json!({"value": "abc"}), Some(emails))
        .unwrap());
    assert!(f.matches_value(&json!("abc"), None).unwrap());
    assert!(Filter::parse("value pr")
        .unwrap()
        .matches_value(&json!("x"), None)
        .unwrap());
    assert!(!Filter::parse("type pr")
        .unwrap()
        .matches_value(&json!("x"), None)
        .unwrap());
    let err = Filter::parse("primary gt true")
        .unwrap()
        .matches_value(&json!({"primary": true}), Some(emails))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidFilter);
}

// --- builder ----------------------------------------------------------------------------

/// DESIGN.md: "A builder ... always escapes values, so untrusted input can never change a
/// filter's structure (filter injection)."
#[test]
fn builder_values_cannot_inject() {
    let hostile = [
        r#"x" or userName pr or ""#,
        r#"x") or (userName pr"#,
        r#"\" or title pr or \""#,
        "x\" or\u{0} title pr",
        r#"x\"#,
        r#"x"]"#,
        "\"\"\"\\\\\\",
        "line\nbreak\r\ttab\u{7f}\u{1b}",
    ];
    for value in hostile {
        let f = Filter::eq("userName", value).unwrap();
        let text = f.to_string();
        let parsed = Filter::parse(&text).unwrap_or_else(|e| panic!("{value:?}: {e}"));
        assert_eq!(
            parsed,
            cmp("userName", CompareOp::Eq, json!(value)),
            "{text}"
        );
        // The printed filter means exactly that value.
        let user = Resource::from_value(json!({ "userName": value })).unwrap();
        assert!(parsed.matches(&user, &SchemaRegistry::empty()).unwrap());
        let other = Resource::from_value(json!({ "userName": "x", "title": "t" })).unwrap();
        assert!(!parsed.matches(&other, &SchemaRegistry::empty()).unwrap());
        let vp = Filter::value_path("emails", Filter::eq("value", value).unwrap()).unwrap();
        assert!(matches!(
            Filter::parse(&vp.to_string()).unwrap(),
            Filter::ValuePath { .. }
        ));
    }
}

#[test]
fn builder_composes_and_validates() {
    let f = (Filter::eq("userName", "bjensen").unwrap()
        | Filter::sw("name.familyName", "J").unwrap())
        & !Filter::pr("title").unwrap();
    assert_eq!(
        f.to_string(),
        r#"(userName eq "bjensen" or name.familyName sw "J") and not (title pr)"#
    );
    assert_eq!(Filter::parse(&f.to_string()).unwrap(), f);
    let f = Filter::gt("meta.lastModified", "2011-05-13T04:42:34Z")
        .unwrap()
        .and(Filter::le("loginCount", 10).unwrap())
        .or(Filter::ne("active", false).unwrap());
    assert_eq!(
        f.to_string(),
        r#"meta.lastModified gt "2011-05-13T04:42:34Z" and loginCount le 10 or active ne false"#
    );
    for op in CompareOp::ALL {
        let f = Filter::compare(format!("{ENTERPRISE}:manager.value"), op, 1.5).unwrap();
        assert_eq!(
            f.to_string(),
            format!("{ENTERPRISE}:manager.value {op} 1.5")
        );
    }
    let f = Filter::co(AttrPath::new("title"), "x").unwrap();
    assert_eq!(f.to_string(), r#"title co "x""#);
    assert_eq!(
        Filter::ew("emails.value", "@x.org").unwrap().to_string(),
        r#"emails.value ew "@x.org""#
    );
    assert_eq!(Filter::ge("a", -1).unwrap().to_string(), "a ge -1");
    assert_eq!(
        Filter::lt("a", Value::Null).unwrap().to_string(),
        "a lt null"
    );

    // A path that is not an attribute path is an error, never text in the filter.
    for bad in [
        "userName eq \"x\" or a",
        "",
        "a b",
        "1a",
        "a.b.c",
        "emails[type pr]",
    ] {
        let err = Filter::eq(bad, "x").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidFilter, "{bad}");
    }
    let err = Filter::eq("a", json!(["x"])).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(Filter::value_path("emails.value", Filter::pr("x").unwrap()).is_err());
    let inner = Filter::value_path("roles", Filter::pr("x").unwrap()).unwrap();
    assert!(Filter::value_path("emails", inner).is_err());
}

// --- properties -------------------------------------------------------------------------

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z$][a-zA-Z0-9_-]{0,6}"
}

fn attr_path(allow_sub: bool) -> impl Strategy<Value = AttrPath> {
    let urn = prop_oneof![
        3 => Just(None),
        1 => Just(Some(ENTERPRISE.to_owned())),
        1 => Just(Some("urn:ietf:params:scim:schemas:core:2.0:User".to_owned())),
        1 => "[a-z][a-z0-9.:-]{0,12}".prop_map(|u| Some(format!("urn:{u}"))),
    ];
    let sub = if allow_sub {
        prop::option::of(name()).boxed()
    } else {
        Just(None).boxed()
    };
    (urn, name(), sub).prop_map(|(urn, name, sub_attr)| AttrPath {
        urn: urn.map(Into::into),
        name: name.into(),
        sub_attr: sub_attr.map(Into::into),
    })
}

fn json_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        // Any string: quotes, backslashes, control characters, any Unicode.
        any::<String>().prop_map(Value::String),
        "[\"\\\\\u{0}-\u{1f} a]{0,8}".prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(Value::Number),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ]
}

fn op() -> impl Strategy<Value = CompareOp> {
    prop::sample::select(CompareOp::ALL.to_vec())
}

/// Filters without value paths (what may appear inside one).
fn plain_filter() -> impl Strategy<Value = Filter> {
    let leaf = prop_oneof![
        (attr_path(true), op(), json_scalar()).prop_map(|(path, op, value)| Filter::Compare {
            path,
            op,
            value: value.try_into().unwrap(),
        }),
        attr_path(true).prop_map(Filter::Present),
    ];
    leaf.prop_recursive(5, 32, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(l, r)| and(l, r)),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| or(l, r)),
            inner.prop_map(not),
        ]
    })
}

fn any_filter() -> impl Strategy<Value = Filter> {
    let leaf = prop_oneof![
        3 => plain_filter(),
        1 => (attr_path(false), plain_filter()).prop_map(|(attr, f)| Filter::ValuePath {
            attr,
            filter: Box::new(f)
        }),
    ];
    leaf.prop_recursive(3, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(l, r)| and(l, r)),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| or(l, r)),
            inner.prop_map(not),
        ]
    })
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        json_scalar(),
        "(19|20)[0-9]{2}-0[1-9]-[0-2][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](Z|[+-]0[0-9]:00)"
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z$]{1,3}|value|type|emails|name", inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Grammar-shaped garbage reaches deeper into the parser than random bytes.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "userName",
        "emails",
        "name.givenName",
        "urn:x:y:a.b",
        "eq",
        "ne",
        "co",
        "gt",
        "pr",
        "and",
        "or",
        "not",
        "(",
        ")",
        "[",
        "]",
        "\"x\"",
        "\"\\u12\"",
        "\"\\",
        "1",
        "-0.5e",
        "01",
        "true",
        "True",
        "null",
        " ",
        "  ",
        ".",
        ":",
        "\t",
        "é",
        "$ref",
    ]);
    prop::collection::vec(token, 0..24).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// DESIGN.md: "`Display` of a `Filter` prints a canonical form; `parse(display(f)) ==
    /// f` always."
    #[test]
    fn print_then_parse_gives_the_same_tree(f in any_filter()) {
        let text = f.to_string();
        let parsed = Filter::parse(&text);
        prop_assert!(parsed.is_ok(), "{text}: {:?}", parsed);
        prop_assert_eq!(parsed.unwrap(), f);
    }

    #[test]
    fn path_print_then_parse_gives_the_same_path(
        attr in attr_path(true),
        filter in prop::option::of(plain_filter()),
        sub in prop::option::of(name()),
    ) {
        let path = match filter {
            Some(f) => scim_core::Path { urn: attr.urn, name: attr.name, filter: Some(f), sub_attr: sub.map(Into::into) },
            None => scim_core::Path { urn: attr.urn, name: attr.name, filter: None, sub_attr: attr.sub_attr },
        };
        let text = path.to_string();
        prop_assert_eq!(scim_core::Path::parse(&text).unwrap(), path);
    }

    /// The parsers never panic, whatever the input; errors point inside it.
    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let text = String::from_utf8_lossy(&bytes);
        for options in [ParseOptions::default(), ParseOptions::lenient()] {
            if let Err(e) = Filter::parse_with(&text, &options) {
                prop_assert!(e.position().unwrap() <= text.len());
                let _ = e.to_string();
            }
        }
        if let Err(e) = scim_core::Path::parse(&text) {
            prop_assert!(e.position().unwrap() <= text.len());
        }
    }

    #[test]
    fn parsers_never_panic_on_grammar_soup(text in token_soup()) {
        for options in [ParseOptions::default(), ParseOptions::lenient()] {
            match Filter::parse_with(&text, &options) {
                Ok(f) => prop_assert_eq!(Filter::parse_with(&f.to_string(), &options).unwrap(), f),
                Err(e) => prop_assert!(e.position().unwrap() <= text.len()),
            }
        }
        let _ = scim_core::Path::parse(&text);
    }

    /// Evaluation never panics, whatever the resource and the filter (errors are fine).
    #[test]
    fn evaluation_never_panics(resource in prop::collection::vec(
        ("[a-zA-Z$]{1,3}|value|emails|name|meta|urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", any_json()), 0..6),
        f in any_filter(),
    ) {
        let resource = Resource::from_value(Value::Object(resource.into_iter().collect())).unwrap();
        let reg = registry();
        let _ = f.matches(&resource, &reg);
        let _ = f.matches(&resource, &SchemaRegistry::empty());
        let emails = reg.attribute(&[], None, "emails", None);
        for element in resource.as_map().values() {
            let _ = f.matches_value(element, emails);
            let _ = f.matches_value(element, None);
        }
    }
}

/// The built-in RFC 7643 §8.7.1 schemas drive evaluation: `id` is caseExact (§3.1),
/// `x509Certificates.value` is binary, `meta.lastModified` a dateTime, `active` a
/// boolean.
#[test]
fn built_in_schemas_drive_evaluation() {
    let core = SchemaRegistry::core();
    let all = ["8.1", "8.2", "8.3"];
    let none: [&str; 0] = [];
    assert_eq!(
        matching(r#"id eq "2819C223-7F76-453A-919D-413861904646""#, core),
        none
    );
    assert_eq!(
        matching(r#"id eq "2819c223-7f76-453a-919d-413861904646""#, core),
        all
    );
    assert_eq!(matching(r#"userName eq "BJensen@Example.com""#, core), all);
    assert_eq!(
        matching(r#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#, core),
        all
    );
    assert_eq!(
        matching(r#"x509Certificates.value sw "miidqz""#, core),
        none
    );
    assert_eq!(
        matching(r#"x509Certificates.value sw "MIIDQz""#, core),
        ["8.2", "8.3"]
    );
    assert_eq!(
        matching(&format!(r#"{ENTERPRISE}:employeeNumber eq "701984""#), core),
        ["8.3"]
    );
    assert_eq!(
        matching(r#"emails[type eq "WORK" and primary eq true]"#, core),
        ["8.2", "8.3"]
    );
    let user = &users()[1].1;
    for text in [
        "active gt false",
        r#"x509Certificates.value lt "z""#,
        "emails[primary ge true]",
    ] {
        let err = Filter::parse(text)
            .unwrap()
            .matches(user, core)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidFilter, "{text}");
    }
}
