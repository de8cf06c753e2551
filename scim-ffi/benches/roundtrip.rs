//! The cost of one filter parse + evaluation, in Rust and across the C ABI (called from
//! Rust, so the difference is the ABI's own work: C strings, UTF-8 and JSON checks,
//! handles, the panic guard). The C and PHP halves are `roundtrip.c` and
//! `scim-php/bench/roundtrip.php`; `run.sh` runs all three and prints a table.
//!
//! `cargo bench -p scim-ffi --bench roundtrip -- --warm-up-time 1 --measurement-time 3`

use std::ffi::CStr;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use scim::*;
use scim_core::{filter::Filter, Resource, SchemaRegistry};

const FILTER: &CStr =
    c"userName eq \"bjensen\" and emails[type eq \"work\" and value co \"@example.com\"]";
const USER: &CStr = c"{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"2819c223\",\"userName\":\"bjensen\",\"name\":{\"familyName\":\"Jensen\",\"givenName\":\"Barbara\"},\"active\":true,\"emails\":[{\"value\":\"bjensen@example.com\",\"type\":\"work\",\"primary\":true},{\"value\":\"babs@jensen.org\",\"type\":\"home\"}]}";

fn roundtrip(c: &mut Criterion) {
    let filter_text = FILTER.to_str().unwrap();
    let user_text = USER.to_str().unwrap();
    let mut group = c.benchmark_group("filter_roundtrip");
    group.bench_function("rust: parse + from_json + matches", |b| {
        b.iter(|| {
            let f = Filter::parse(black_box(filter_text)).unwrap();
            let r = Resource::from_json(black_box(user_text)).unwrap();
            assert!(f.matches(&r, SchemaRegistry::core()).unwrap());
        })
    });
    // What the ABI does inside: serde_json without path tracking (Resource::from_json
    // tracks the JSON path for its error messages, which costs on every call).
    group.bench_function("rust: parse + serde_json::from_str + matches", |b| {
        b.iter(|| {
            let f = Filter::parse(black_box(filter_text)).unwrap();
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(black_box(user_text)).unwrap();
            let r = Resource::from(map);
            assert!(f.matches(&r, SchemaRegistry::core()).unwrap());
        })
    });
    group.bench_function(
        "abi from rust: scim_filter_parse + scim_filter_matches",
        |b| {
            b.iter(|| {
                let mut f = std::ptr::null_mut();
                let mut matched = false;
                // SAFETY: valid C strings and writable outputs; the filter is freed once.
                unsafe {
                    assert_eq!(
                        scim_filter_parse(
                            black_box(FILTER.as_ptr()),
                            std::ptr::null(),
                            &mut f,
                            std::ptr::null_mut()
                        ),
                        SCIM_OK
                    );
                    assert_eq!(
                        scim_filter_matches(
                            f,
                            black_box(USER.as_ptr()),
                            &mut matched,
                            std::ptr::null_mut()
                        ),
                        SCIM_OK
                    );
                    scim_filter_free(f);
                }
                assert!(matched);
            })
        },
    );
    group.finish();
}

criterion_group!(benches, roundtrip);
criterion_main!(benches);
