//! Any input: the filter parser returns a tree or an error, never panics, and a tree
//! prints to text that parses back to the same tree (strict and lenient).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::filter::{Filter, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for options in [ParseOptions::default(), ParseOptions::lenient()] {
        match Filter::parse_with(text, &options) {
            Ok(filter) => {
                let printed = filter.to_string();
                let again = Filter::parse(&printed)
                    .unwrap_or_else(|e| panic!("canonical form does not parse: {printed:?}: {e}"));
                assert_eq!(again, filter, "round trip of {printed:?}");
            }
            Err(e) => {
                assert!(e.position().is_some_and(|p| p <= text.len()));
                let _ = e.to_string();
            }
        }
    }
});
