//! JSON → User → JSON for the RFC 7643 §8.3 enterprise user (the full §8.2 user plus the
//! enterprise extension): the resource-model workload of BENCHMARKS.md, also run against
//! scim2-models by `bench/compare/models/run`.
//!
//! Run: `cargo bench -p scim-core --bench model -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use scim_core::{Resource, ScimObject, User};

const ENTERPRISE_USER: &str = include_str!("../tests/fixtures/rfc7643-8.3-enterprise-user.json");

fn json_user_json(c: &mut Criterion) {
    let mut g = c.benchmark_group("model/enterprise_user");
    g.throughput(Throughput::Bytes(ENTERPRISE_USER.len() as u64));
    // The comparison workload: JSON text decoded into the typed User, encoded back to JSON
    // text (what scim2-models' `model_validate_json` + `model_dump_json` do).
    g.bench_function("json_user_json", |b| {
        b.iter(|| {
            let user = User::from_json(black_box(ENTERPRISE_USER)).unwrap();
            black_box(user.to_json())
        })
    });
    // Through the dynamic Resource: parse, decode, encode to a Resource, write.
    g.bench_function("json_resource_user_resource_json", |b| {
        b.iter(|| {
            let resource = Resource::from_json(black_box(ENTERPRISE_USER)).unwrap();
            let user = User::from_resource(resource).unwrap();
            black_box(user.to_resource().to_json())
        })
    });
    // Baseline: the dynamic Resource alone (parse and write).
    g.bench_function("json_resource_json", |b| {
        b.iter(|| {
            black_box(
                Resource::from_json(black_box(ENTERPRISE_USER))
                    .unwrap()
                    .to_json(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, json_user_json);
criterion_main!(benches);
