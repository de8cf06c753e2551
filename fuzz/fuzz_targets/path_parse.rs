//! Any input: the PATCH path parser returns a path or an error, never panics, and a path
//! prints to text that parses back to the same path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Path::parse(text) {
        Ok(path) => {
            let printed = path.to_string();
            let again = Path::parse(&printed)
                .unwrap_or_else(|e| panic!("canonical form does not parse: {printed:?}: {e}"));
            assert_eq!(again, path, "round trip of {printed:?}");
        }
        Err(e) => {
            assert!(e.position().is_some_and(|p| p <= text.len()));
            let _ = e.to_string();
        }
    }
});
