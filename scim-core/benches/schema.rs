//! SchemaRegistry: attribute lookups (what filter evaluation does per comparison),
//! validation, read-only stripping and loading a `/Schemas` response.
//!
//! `cargo bench -p scim-core --bench schema -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use scim_core::schema::ValidationMode;
use scim_core::urn::{ENTERPRISE_USER, USER};
use scim_core::{Resource, SchemaRegistry};

const ENTERPRISE_USER_JSON: &str =
    include_str!("../tests/fixtures/rfc7643-8.3-enterprise-user.json");
const RFC_8_7_1: &str = include_str!("../tests/fixtures/rfc7643-8.7.1-resource-schemas.json");
const RFC_8_7_2: &str =
    include_str!("../tests/fixtures/rfc7643-8.7.2-service-provider-schemas.json");

/// The lookups a filter such as
/// `userName eq "bjensen" and emails[type eq "work" and value co "@example.com"] and
/// name.familyName sw "J" and meta.lastModified gt "2011-05-13T04:42:34Z" and
/// urn:...:enterprise:2.0:User:manager.value pr and x-unknown eq 1`
/// makes, with the casing a client might use.
const LOOKUPS: [(Option<&str>, &str, Option<&str>); 8] = [
    (None, "userName", None),
    (None, "emails", Some("type")),
    (None, "emails", Some("value")),
    (None, "NAME", Some("familyName")),
    (None, "meta", Some("lastModified")),
    (Some(ENTERPRISE_USER), "manager", Some("value")),
    (None, "title", None),
    (None, "x-unknown", None),
];

fn lookups(c: &mut Criterion) {
    let registry = SchemaRegistry::core();
    let schemas = [USER, ENTERPRISE_USER];
    let mut g = c.benchmark_group("schema/lookup");
    g.throughput(Throughput::Elements(LOOKUPS.len() as u64));
    g.bench_function("attribute x8", |b| {
        b.iter(|| {
            for (urn, name, sub) in LOOKUPS {
                black_box(registry.attribute(black_box(&schemas), urn, black_box(name), sub));
            }
        })
    });
    let paths = [
        "userName",
        "emails.type",
        "emails.value",
        "NAME.familyName",
        "meta.lastModified",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        "title",
        "x-unknown",
    ];
    g.bench_function("attribute_at x8", |b| {
        b.iter(|| {
            for path in paths {
                black_box(registry.attribute_at(black_box(&schemas), black_box(path)));
            }
        })
    });
    g.finish();
}

fn validation(c: &mut Criterion) {
    let registry = SchemaRegistry::core();
    let user = Resource::from_json(ENTERPRISE_USER_JSON).unwrap();
    // As a service provider would return it: without the never-returned password.
    let mut returned = user.clone();
    returned.remove("password");
    let mut g = c.benchmark_group("schema/validate");
    g.bench_function("rfc7643-8.3 enterprise user, create", |b| {
        b.iter(|| black_box(registry.validate(black_box(&user), ValidationMode::Create)))
    });
    g.bench_function("rfc7643-8.3 enterprise user, response", |b| {
        b.iter(|| black_box(registry.validate(black_box(&returned), ValidationMode::Response)))
    });
    g.bench_function("strip_read_only rfc7643-8.3 enterprise user", |b| {
        b.iter_batched(
            || user.clone(),
            |mut u| {
                registry.strip_read_only(&mut u);
                u
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn loading(c: &mut Criterion) {
    let mut resources: Vec<serde_json::Value> = serde_json::from_str(RFC_8_7_1).unwrap();
    resources.extend(serde_json::from_str::<Vec<serde_json::Value>>(RFC_8_7_2).unwrap());
    let body = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": resources.len(),
        "Resources": resources,
    })
    .to_string();
    let mut g = c.benchmark_group("schema/load");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("rfc7643-8.7 /Schemas ListResponse", |b| {
        b.iter(|| black_box(SchemaRegistry::from_schemas_response(black_box(&body)).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, lookups, validation, loading);
criterion_main!(benches);
