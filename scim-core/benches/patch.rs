//! PATCH: apply and apply_owned (the 16 requests of bench/compare/patch/requests.json,
//! each on a fresh copy of its RFC 7643 §8 target, the copies of the target and, for
//! apply_owned, of the request made outside the timing) and diff (a 10,000-member group
//! with one member added and one removed; the §8.3 user with a handful of changes).
//!
//! `cargo bench -p scim-core --bench patch -- --warm-up-time 1 --measurement-time 3`
//! (bench/compare/patch/run compares with npm scim-patch in the same session).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use scim_core::patch::{self, DiffOptions};
use scim_core::resource::PatchOp;
use scim_core::{Resource, SchemaRegistry};
use serde_json::{json, Value};

const REQUESTS: &str = include_str!("../../bench/compare/patch/requests.json");
const USER: &str = include_str!("../tests/fixtures/rfc7643-8.3-enterprise-user.json");
const GROUP: &str = include_str!("../tests/fixtures/rfc7643-8.4-group.json");

struct Request {
    name: String,
    target: Resource,
    patch: PatchOp,
}

fn requests() -> Vec<Request> {
    let doc: Value = serde_json::from_str(REQUESTS).expect("requests.json");
    let user = Resource::from_json(USER).expect("user fixture");
    let group = Resource::from_json(GROUP).expect("group fixture");
    doc["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| Request {
            name: r["name"].as_str().expect("name").to_owned(),
            target: if r["target"] == "group" {
                group.clone()
            } else {
                user.clone()
            },
            patch: serde_json::from_value(r["patch"].clone()).expect("PatchOp"),
        })
        .collect()
}

fn apply(c: &mut Criterion) {
    let registry = SchemaRegistry::core();
    let requests = requests();
    // Every request must succeed, or the figures mean nothing.
    for r in &requests {
        let mut copy = r.target.clone();
        patch::apply(&mut copy, &r.patch, registry).unwrap_or_else(|e| panic!("{}: {e}", r.name));
    }
    // The apply alone: each iteration gets a fresh copy of the target, made outside the
    // timing (criterion's batched setup), as the scim-patch side does.
    let mut g = c.benchmark_group("patch/apply");
    for r in &requests {
        g.bench_function(r.name.as_str(), |b| {
            b.iter_batched_ref(
                || r.target.clone(),
                |copy| patch::apply(copy, black_box(&r.patch), registry).expect("applies"),
                BatchSize::SmallInput,
            )
        });
    }
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("all 16", |b| {
        b.iter_batched_ref(
            || {
                requests
                    .iter()
                    .map(|r| r.target.clone())
                    .collect::<Vec<_>>()
            },
            |copies| {
                for (copy, r) in copies.iter_mut().zip(&requests) {
                    patch::apply(copy, black_box(&r.patch), registry).expect("applies");
                }
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();

    // `apply_owned`: each iteration also gets a fresh copy of the request, made outside
    // the timing like the target's, and the apply moves its values into the resource
    // (what scim-patch does: it stores the request's own objects).
    let mut g = c.benchmark_group("patch/apply_owned");
    for r in &requests {
        g.bench_function(r.name.as_str(), |b| {
            b.iter_batched(
                || (r.target.clone(), r.patch.clone()),
                |(mut copy, p)| {
                    patch::apply_owned(&mut copy, black_box(p), registry).expect("applies");
                    copy
                },
                BatchSize::SmallInput,
            )
        });
    }
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("all 16", |b| {
        b.iter_batched(
            || {
                requests
                    .iter()
                    .map(|r| (r.target.clone(), r.patch.clone()))
                    .collect::<Vec<_>>()
            },
            |copies| {
                let mut out = Vec::with_capacity(copies.len());
                for (mut copy, p) in copies {
                    patch::apply_owned(&mut copy, black_box(p), registry).expect("applies");
                    out.push(copy);
                }
                out
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();

    // The copy alone, to tell it from the apply.
    let user = Resource::from_json(USER).expect("user fixture");
    c.bench_function("patch/clone/rfc7643-8.3 user", |b| {
        b.iter(|| black_box(&user).clone())
    });
}

fn big_group(n: usize) -> Resource {
    let members: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "value": format!("{i:08}-7f76-453a-919d-413861904646"),
                "$ref": format!("https://example.com/v2/Users/{i:08}-7f76-453a-919d-413861904646"),
                "display": format!("User {i}")
            })
        })
        .collect();
    Resource::from_value(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
        "displayName": "Everyone",
        "members": members
    }))
    .expect("an object")
}

fn diff(c: &mut Criterion) {
    let registry = SchemaRegistry::core();
    let options = DiffOptions::default();
    let old = big_group(10_000);
    let mut new = old.clone();
    let members = new.as_map_mut()["members"].as_array_mut().expect("members");
    members.remove(5_000);
    members.push(json!({"value": "newcomer", "display": "New Member"}));
    let p = patch::diff(&old, &new, registry, &options);
    println!(
        "diff of a 10,000-member group, one added and one removed: {} operations, {} bytes: {}",
        p.operations.len(),
        serde_json::to_string(&p).expect("json").len(),
        serde_json::to_string(&p.operations).expect("json")
    );
    let mut g = c.benchmark_group("patch/diff");
    g.sample_size(20);
    g.bench_function("10,000-member group, +1 -1", |b| {
        b.iter(|| patch::diff(black_box(&old), black_box(&new), registry, &options))
    });
    g.bench_function("apply that diff to the 10,000-member group", |b| {
        b.iter_batched_ref(
            || old.clone(),
            |r| patch::apply(r, black_box(&p), registry).expect("applies"),
            BatchSize::LargeInput,
        )
    });

    let user = Resource::from_json(USER).expect("user fixture");
    let mut changed = user.clone();
    changed.insert("title", json!("Head Guide"));
    changed.remove("nickName");
    let map = changed.as_map_mut();
    map["name"]["givenName"] = json!("Babs");
    map["emails"][1]["value"] = json!("babs@new.example.org");
    map["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"] =
        json!("Rides");
    g.bench_function("rfc7643-8.3 user, 5 changes", |b| {
        b.iter(|| patch::diff(black_box(&user), black_box(&changed), registry, &options))
    });
    g.bench_function("rfc7643-8.3 user, equal", |b| {
        b.iter(|| patch::diff(black_box(&user), black_box(&user), registry, &options))
    });
    g.finish();
}

criterion_group!(benches, apply, diff);
criterion_main!(benches);
