//! Filter benchmarks: parsing the 10-filter mix of bench/compare/filter/filters.txt
//! (5 simple, 5 complex), printing it, and evaluating against the RFC 7643 §8.2 user.
//!
//! ```sh
//! cargo bench -p scim-core --bench filter -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! With `SCIM_FILTER_PARSE_ITERATIONS=N` set, the binary skips criterion and parses the
//! mix N times, for instruction counts that do not depend on the machine's load:
//! instructions per filter = (I(2N) - I(N)) / (10 N), with I from
//! `valgrind --tool=callgrind <binary>` (see BENCHMARKS.md, "Filters").

use std::hint::black_box;

use criterion::{criterion_group, Criterion};
use scim_core::filter::Filter;
use scim_core::schema::Schema;
use scim_core::{Resource, SchemaRegistry};

const MIX: &str = include_str!("../../bench/compare/filter/filters.txt");
const USER: &str = include_str!("../tests/fixtures/rfc7643-8.2-full-user.json");
const SCHEMAS: &str = include_str!("../tests/fixtures/test-schemas-user-enterprise.json");

fn mix() -> Vec<&'static str> {
    MIX.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// The RFC 7643 User schema: the built-in one when the registry has it, else the test
/// excerpt (same types and caseExact for the attributes the mix uses).
fn registry() -> SchemaRegistry {
    let core = SchemaRegistry::core();
    if core.schema(scim_core::urn::USER).is_some() {
        return core.clone();
    }
    let mut r = SchemaRegistry::empty();
    let schemas: Vec<Schema> = serde_json::from_str(SCHEMAS).expect("fixture parses");
    for s in schemas {
        r.add(s);
    }
    r
}

fn parse(c: &mut Criterion) {
    let filters = mix();
    let mut group = c.benchmark_group("parse");
    for (i, text) in filters.iter().enumerate() {
        group.bench_function(format!("{:02}", i + 1), |b| {
            b.iter(|| Filter::parse(black_box(text)).unwrap())
        });
    }
    group.bench_function("mix10", |b| {
        b.iter(|| {
            for text in &filters {
                black_box(Filter::parse(black_box(text)).unwrap());
            }
        })
    });
    group.finish();
}

fn display(c: &mut Criterion) {
    let parsed: Vec<Filter> = mix().iter().map(|t| Filter::parse(t).unwrap()).collect();
    c.bench_function("display/mix10", |b| {
        b.iter(|| {
            for f in &parsed {
                black_box(f.to_string());
            }
        })
    });
}

fn evaluate(c: &mut Criterion) {
    let user = Resource::from_json(USER).unwrap();
    let registry = registry();
    let parsed: Vec<Filter> = mix().iter().map(|t| Filter::parse(t).unwrap()).collect();
    let mut group = c.benchmark_group("eval");
    // The complex filters of the mix, one by one, against the full §8.2 user.
    for (i, f) in parsed.iter().enumerate().skip(5) {
        group.bench_function(format!("{:02}", i + 1), |b| {
            b.iter(|| f.matches(black_box(&user), &registry).unwrap())
        });
    }
    group.bench_function("simple-userName", |b| {
        b.iter(|| parsed[0].matches(black_box(&user), &registry).unwrap())
    });
    group.bench_function("mix10", |b| {
        b.iter(|| {
            for f in &parsed {
                black_box(f.matches(black_box(&user), &registry).unwrap());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse, display, evaluate);

/// Parses the mix `n` times (the `SCIM_FILTER_PARSE_ITERATIONS` mode).
fn parse_iterations(n: usize) {
    let filters = mix();
    for _ in 0..n {
        for text in &filters {
            black_box(Filter::parse(black_box(text)).unwrap());
        }
    }
}

fn main() {
    if let Ok(n) = std::env::var("SCIM_FILTER_PARSE_ITERATIONS") {
        let n = n.parse().expect("SCIM_FILTER_PARSE_ITERATIONS is a number");
        parse_iterations(n);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
