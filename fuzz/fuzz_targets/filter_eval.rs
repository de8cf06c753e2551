//! Any filter evaluated against the RFC 7643 §8.3 user and against a resource read from
//! the rest of the input: a result or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::filter::{Filter, ParseOptions};
use scim_core::{Resource, SchemaRegistry};

const USER: &str = include_str!("../../scim-core/tests/fixtures/rfc7643-8.3-enterprise-user.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `filter` NUL `resource JSON`
    let (filter, resource) = text.split_once('\0').unwrap_or((text, ""));
    let Ok(filter) = Filter::parse_with(filter, &ParseOptions::lenient()) else {
        return;
    };
    let user = Resource::from_json(USER).expect("fixture is a JSON object");
    let registry = SchemaRegistry::core();
    let _ = filter.matches(&user, registry);
    let _ = filter.matches(&user, &SchemaRegistry::empty());
    if let Ok(other) = Resource::from_json(resource) {
        let _ = filter.matches(&other, registry);
        for value in other.as_map().values() {
            let _ = filter.matches_value(value, None);
        }
    }
});
