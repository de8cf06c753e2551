//! PATCH: apply and apply_owned (the 16 requests of bench/compare/patch/requests.json,
//! each on a fresh copy of its RFC 7643 §8 target, the copies of the target and, for
//! apply_owned, of the request made outside the timing); the floor of each request (the
//! same change written by hand on serde_json's map with no SCIM rule, `patch/floor` and
//! `patch/floor_owned`: the bound of any implementation over this data model); apply and
//! the floor again on hot copies, made right before they are applied (`patch/apply_hot`,
//! `patch/floor_hot`); and diff (a 10,000-member group with one member added and one
//! removed; the §8.3 user with a handful of changes).
//!
//! `cargo bench -p scim-core --bench patch -- --warm-up-time 1 --measurement-time 3`
//! (bench/compare/patch/run compares with npm scim-patch in the same session).

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use scim_core::patch::{self, DiffOptions};
use scim_core::resource::PatchOp;
use scim_core::{Resource, SchemaRegistry};
use serde_json::{json, Map, Value};

const REQUESTS: &str = include_str!("../../bench/compare/patch/requests.json");
const USER: &str = include_str!("../tests/fixtures/rfc7643-8.3-enterprise-user.json");
const GROUP: &str = include_str!("../tests/fixtures/rfc7643-8.4-group.json");

struct Request {
    name: String,
    target: Resource,
    patch: PatchOp,
    /// The request done by hand, with no SCIM rule (see `patch/floor`).
    floor: Floor,
}

fn requests() -> Vec<Request> {
    let doc: Value = serde_json::from_str(REQUESTS).expect("requests.json");
    let user = Resource::from_json(USER).expect("user fixture");
    let group = Resource::from_json(GROUP).expect("group fixture");
    doc["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| {
            let name = r["name"].as_str().expect("name").to_owned();
            Request {
                floor: floor_of(&name),
                name,
                target: if r["target"] == "group" {
                    group.clone()
                } else {
                    user.clone()
                },
                patch: serde_json::from_value(r["patch"].clone()).expect("PatchOp"),
            }
        })
        .collect()
}

/// How the copies that [`on_copies`] applies to are made.
#[derive(Clone, Copy)]
enum Copies {
    /// In batches of a tenth of the iterations (criterion's `SmallInput`): most copies
    /// were made megabytes of allocations earlier and are no longer in any cache, as
    /// after a database read.
    Cold,
    /// In batches of 32 (4 for `all 16`), right before they are applied: about 160 KiB,
    /// in the core's cache, as for a service provider that has just decoded the resource.
    Hot,
}

impl Copies {
    fn batch(self, one_request: bool) -> BatchSize {
        match (self, one_request) {
            (Copies::Cold, _) => BatchSize::SmallInput,
            (Copies::Hot, true) => BatchSize::NumIterations(32),
            (Copies::Hot, false) => BatchSize::NumIterations(4),
        }
    }
}

/// Times `f` on each request and on all of them in a row (`all 16`), each time on a fresh
/// copy of its target made outside the timing (criterion's batched setup), as the
/// scim-patch side does.
fn on_copies(
    c: &mut Criterion,
    group: &str,
    requests: &[Request],
    copies: Copies,
    f: impl Fn(&mut Resource, &Request),
) {
    let mut g = c.benchmark_group(group);
    for r in requests {
        g.bench_function(r.name.as_str(), |b| {
            b.iter_batched_ref(|| r.target.clone(), |copy| f(copy, r), copies.batch(true))
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
                for (copy, r) in copies.iter_mut().zip(requests) {
                    f(copy, r);
                }
            },
            copies.batch(false),
        )
    });
    g.finish();
}

/// [`on_copies`] for what takes its request: each iteration also gets its own `input`
/// of the request, made outside the timing like the target's copy, and the resource is
/// dropped outside the timing too.
fn on_owned_copies<T>(
    c: &mut Criterion,
    group: &str,
    requests: &[Request],
    input: impl Fn(&Request) -> T,
    f: impl Fn(&mut Resource, T, &Request),
) {
    let mut g = c.benchmark_group(group);
    for r in requests {
        g.bench_function(r.name.as_str(), |b| {
            b.iter_batched(
                || (r.target.clone(), input(r)),
                |(mut copy, t)| {
                    f(&mut copy, t, r);
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
                    .map(|r| (r.target.clone(), input(r)))
                    .collect::<Vec<_>>()
            },
            |copies| {
                let mut out = Vec::with_capacity(copies.len());
                for ((mut copy, t), r) in copies.into_iter().zip(requests) {
                    f(&mut copy, t, r);
                    out.push(copy);
                }
                out
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn apply(c: &mut Criterion) {
    let registry = SchemaRegistry::core();
    let requests = requests();
    // Every request must succeed, or the figures mean nothing; and each floor must do
    // what `apply` does (no rule changes anything on these requests), copying or moving.
    for r in &requests {
        let mut expected = r.target.clone();
        patch::apply(&mut expected, &r.patch, registry)
            .unwrap_or_else(|e| panic!("{}: {e}", r.name));
        let mut copy = r.target.clone();
        (r.floor)(copy.as_map_mut(), operation_value(r).map(Cow::Borrowed));
        assert_eq!(copy, expected, "{}: the floor differs from apply", r.name);
        let mut copy = r.target.clone();
        (r.floor)(
            copy.as_map_mut(),
            operation_value(r).cloned().map(Cow::Owned),
        );
        assert_eq!(
            copy, expected,
            "{}: the owned floor differs from apply",
            r.name
        );
    }
    let apply = |copy: &mut Resource, r: &Request| {
        patch::apply(copy, black_box(&r.patch), registry).expect("applies")
    };
    on_copies(c, "patch/apply", &requests, Copies::Cold, apply);
    on_copies(c, "patch/apply_hot", &requests, Copies::Hot, apply);
    // `apply_owned` moves each operation's value into the resource (what scim-patch
    // does: it stores the request's own objects).
    on_owned_copies(
        c,
        "patch/apply_owned",
        &requests,
        |r| r.patch.clone(),
        |copy, p, _| patch::apply_owned(copy, black_box(p), registry).expect("applies"),
    );

    // The floor: what each request must do to the data at the least, written by hand
    // against serde_json's map with no SCIM rule at all: no path to parse (the keys are
    // written in), no schema, no type, mutability, duplicate or `primary` check, no undo
    // log; keys found by an exact scan (faster here than serde_json's SipHash look-up).
    // `patch/floor` copies what it stores from the request, as `apply` does;
    // `patch/floor_owned` moves it, as `apply_owned` does. No PATCH implementation over
    // DESIGN's data model (a serde_json map per resource) can be faster, so these bound
    // what `apply` and `apply_owned` can reach against scim-patch.
    let floor = |copy: &mut Resource, r: &Request| {
        (r.floor)(
            copy.as_map_mut(),
            black_box(operation_value(r)).map(Cow::Borrowed),
        )
    };
    on_copies(c, "patch/floor", &requests, Copies::Cold, floor);
    on_copies(c, "patch/floor_hot", &requests, Copies::Hot, floor);
    on_owned_copies(
        c,
        "patch/floor_owned",
        &requests,
        |r| operation_value(r).cloned(),
        |copy, v, r| (r.floor)(copy.as_map_mut(), black_box(v).map(Cow::Owned)),
    );

    // The copy alone, to tell it from the apply.
    let user = Resource::from_json(USER).expect("user fixture");
    c.bench_function("patch/clone/rfc7643-8.3 user", |b| {
        b.iter(|| black_box(&user).clone())
    });
}

/// A request's hand-written floor (see `patch/floor`): the resource's map and the
/// operation's value, lent (copied where stored) or given (moved).
type Floor = fn(&mut Map<String, Value>, Option<Cow<'_, Value>>);

/// The value of a request's one operation.
fn operation_value(r: &Request) -> Option<&Value> {
    r.patch.operations[0].value.as_ref()
}

fn field<'m>(m: &'m mut Map<String, Value>, key: &str) -> &'m mut Value {
    m.iter_mut()
        .find(|(k, _)| k.as_str() == key)
        .expect("the fixture has it")
        .1
}

fn object(v: &mut Value) -> &mut Map<String, Value> {
    v.as_object_mut().expect("an object")
}

fn array(v: &mut Value) -> &mut Vec<Value> {
    v.as_array_mut().expect("an array")
}

fn set(m: &mut Map<String, Value>, key: &str, v: Option<Cow<'_, Value>>) {
    *field(m, key) = v.expect("a value").into_owned();
}

/// Sets each attribute of the object `v` in `m`.
fn merge(m: &mut Map<String, Value>, v: Option<Cow<'_, Value>>) {
    let mut put = |k: Cow<'_, str>, v: Value| match m.iter_mut().find(|(key, _)| **key == *k) {
        Some((_, slot)) => *slot = v,
        None => {
            m.insert(k.into_owned(), v);
        }
    };
    match v.expect("a value") {
        Cow::Borrowed(v) => {
            for (k, v) in v.as_object().expect("an object") {
                put(Cow::Borrowed(k.as_str()), v.clone());
            }
        }
        Cow::Owned(Value::Object(o)) => {
            for (k, v) in o {
                put(Cow::Owned(k), v);
            }
        }
        Cow::Owned(_) => panic!("an object"),
    }
}

/// Appends the values of the array `v` to `m[key]`.
fn push(m: &mut Map<String, Value>, key: &str, v: Option<Cow<'_, Value>>) {
    let items = array(field(m, key));
    match v.expect("a value") {
        Cow::Borrowed(v) => items.extend(v.as_array().expect("an array").iter().cloned()),
        Cow::Owned(Value::Array(new)) => items.extend(new),
        Cow::Owned(_) => panic!("an array"),
    }
}

fn where_eq<'a>(
    items: &'a mut [Value],
    key: &'static str,
    want: &'static str,
) -> impl Iterator<Item = &'a mut Value> {
    items.iter_mut().filter(move |e| e[key] == want)
}

/// The one value a filter selects (the fixtures have one work email and address): every
/// value is looked at, as a filter must, and the request's value is stored once.
fn only<'a>(mut matches: impl Iterator<Item = &'a mut Value>) -> &'a mut Map<String, Value> {
    let one = matches.next().expect("a match");
    assert!(matches.next().is_none(), "one match");
    object(one)
}

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// The floor of the request named `name` in requests.json.
fn floor_of(name: &str) -> Floor {
    match name {
        "replace simple" => |m, v| set(m, "displayName", v),
        "add simple" => |m, v| set(m, "nickName", v),
        "remove simple" => |m, _| {
            m.shift_remove("title");
        },
        "replace sub-attribute" => |m, v| set(object(field(m, "name")), "givenName", v),
        "replace complex" => |m, v| merge(object(field(m, "name")), v),
        "add multi-valued" => |m, v| push(m, "emails", v),
        "replace multi-valued" => |m, v| set(m, "phoneNumbers", v),
        "replace filtered" => |m, v| {
            merge(only(where_eq(array(field(m, "emails")), "type", "work")), v);
        },
        "replace filtered sub-attribute" => |m, v| {
            set(
                only(where_eq(array(field(m, "addresses")), "type", "work")),
                "streetAddress",
                v,
            );
        },
        "remove filtered" => |m, _| array(field(m, "emails")).retain(|e| e["type"] != "home"),
        "replace extension (URN path)" => |m, v| set(object(field(m, ENTERPRISE)), "department", v),
        "replace extension sub-attribute" => |m, v| {
            set(
                object(field(object(field(m, ENTERPRISE)), "manager")),
                "value",
                v,
            )
        },
        "replace without path" => merge,
        "add member" => |m, v| push(m, "members", v),
        "remove member (filter)" => |m, _| {
            array(field(m, "members"))
                .retain(|e| e["value"] != "2819c223-7f76-453a-919d-413861904646")
        },
        "replace members" => |m, v| set(m, "members", v),
        other => panic!("no floor for `{other}`: add one beside the request"),
    }
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
