//! Applies the 16 PATCH requests of `bench/compare/patch/requests.json` (or the one
//! named) `n` times each, every time to a fresh copy of its RFC 7643 §8 target made
//! before the applies, for instruction counts under callgrind: the applies run in
//! `run`, which `bench/compare/patch/instructions` passes to `--toggle-collect`.
//!
//! Mode `borrowed` (the default) measures `patch::apply` (the request borrowed, what is
//! stored copied from it); `owned` measures `patch::apply_owned` (each apply takes its
//! own copy of the request, made before the applies like the resource copies);
//! `borrowed-drop` measures `patch::apply` on each copy of the request and then its
//! drop: what a service provider that decodes a request, applies it and drops it pays
//! with `apply`, to set beside `owned`.
//!
//! `cargo run --profile bench --example patch_probe -p scim-core -- [name|all] [n] [borrowed|owned|borrowed-drop]`

use std::hint::black_box;

use scim_core::patch;
use scim_core::resource::PatchOp;
use scim_core::{Resource, SchemaRegistry};
use serde_json::Value;

const REQUESTS: &str = include_str!("../../bench/compare/patch/requests.json");
const USER: &str = include_str!("../tests/fixtures/rfc7643-8.3-enterprise-user.json");
const GROUP: &str = include_str!("../tests/fixtures/rfc7643-8.4-group.json");

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Borrowed,
    Owned,
    BorrowedDrop,
}

/// The measured part: `patch` applied to each copy (`patch::apply`), or each copy of
/// the request applied to its copy of the target (`patch::apply_owned`, or
/// `patch::apply` and then the request dropped).
#[inline(never)]
fn run(
    copies: &mut [Resource],
    patch: &PatchOp,
    patches: Vec<PatchOp>,
    mode: Mode,
    registry: &SchemaRegistry,
) {
    match mode {
        Mode::Borrowed => {
            for copy in copies.iter_mut() {
                patch::apply(copy, black_box(patch), registry).expect("applies");
            }
        }
        Mode::Owned => {
            for (copy, p) in copies.iter_mut().zip(patches) {
                patch::apply_owned(copy, black_box(p), registry).expect("applies");
            }
        }
        Mode::BorrowedDrop => {
            for (copy, p) in copies.iter_mut().zip(patches) {
                patch::apply(copy, black_box(&p), registry).expect("applies");
                drop(p);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let only = args.get(1).map(String::as_str).unwrap_or("all");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(500);
    let mode = match args.get(3).map(String::as_str) {
        None | Some("borrowed") => Mode::Borrowed,
        Some("owned") => Mode::Owned,
        Some("borrowed-drop") => Mode::BorrowedDrop,
        Some(other) => panic!("mode `{other}`: expected borrowed, owned or borrowed-drop"),
    };
    let doc: Value = serde_json::from_str(REQUESTS).expect("requests.json");
    let user = Resource::from_json(USER).expect("user fixture");
    let group = Resource::from_json(GROUP).expect("group fixture");
    let registry = SchemaRegistry::core();
    for r in doc["requests"].as_array().expect("requests") {
        let name = r["name"].as_str().expect("name");
        if only != "all" && only != name {
            continue;
        }
        let target = if r["target"] == "group" {
            &group
        } else {
            &user
        };
        let patch: PatchOp = serde_json::from_value(r["patch"].clone()).expect("PatchOp");
        let mut copies: Vec<Resource> = (0..n).map(|_| target.clone()).collect();
        let patches = match mode {
            Mode::Borrowed => Vec::new(),
            _ => (0..n).map(|_| patch.clone()).collect(),
        };
        run(&mut copies, &patch, patches, mode, registry);
        black_box(&copies);
    }
}
