//! Client overhead: `GET /Users/{id}` of the RFC 7643 §8.2 user against a keep-alive
//! server returning fixed bytes, sequentially and with 16 requests in flight. The
//! figures are compared with `wrk -c1` / `wrk -c16` against the same server by
//! `bench/client/overhead.sh`, which records the table in BENCHMARKS.md.
//!
//! - `SCIM_BENCH_SERVE=1`: only run the fixed server, print its URL and serve until
//!   killed (for wrk).
//! - `SCIM_BENCH_URL=http://...`: benchmark against that server instead of starting one.
//! - `SCIM_BENCH_PROBE=<id>:<n>`: no criterion; run `n` iterations of one benchmark
//!   (`decode_user`, `decode_user_typed`, `send_raw_c1`, `get_user_c1`) once the client is
//!   set up, then exit. For instruction counts: run it under
//!   `valgrind --tool=callgrind` with `n` = 0 and with `n` = 2000; the difference divided
//!   by 2000 is the exact cost of one iteration, setup excluded.

mod fixed_server;

use std::hint::black_box;
use std::io::Write;

use criterion::{criterion_group, Criterion, Throughput};
use scim_core::client::Client;

/// Requests per iteration of the concurrent benchmark.
const CONCURRENT: usize = 16;
const PER_TASK: usize = 50;

fn base_url() -> String {
    std::env::var("SCIM_BENCH_URL").unwrap_or_else(|_| format!("http://{}", fixed_server::start()))
}

fn client_overhead(c: &mut Criterion) {
    let url = base_url();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = Client::builder(&url).build().expect("client");
    let users = client.users();
    // Check the answer once: a benchmark of errors would be meaningless.
    let user = rt
        .block_on(users.get(fixed_server::USER_ID).send())
        .expect("GET the fixed user");
    assert_eq!(user.id.as_deref(), Some(fixed_server::USER_ID));

    let bytes = fixed_server::USER.as_bytes();
    let endpoint = client.base_url().endpoint("/Users").expect("endpoint");
    // One iteration of each sequential benchmark.
    // What decoding the answer costs by way of a `Resource`: bytes → Resource → User.
    let decode_user = || {
        let resource = scim_core::Resource::from_slice(black_box(bytes)).expect("json");
        black_box(
            <scim_core::User as scim_core::ScimObject>::from_resource(resource).expect("user"),
        );
    };
    // What decoding costs on the client's path: body text → User, no tree.
    let decode_user_typed = || {
        let text = std::str::from_utf8(black_box(bytes)).expect("utf-8");
        black_box(<scim_core::User as scim_core::ScimObject>::from_json(text).expect("user"));
    };
    // What the transport costs: the same GET, the body left as bytes.
    let send_raw_c1 = || {
        let request = endpoint
            .get(fixed_server::USER_ID, &[], &[], None)
            .expect("request");
        black_box(rt.block_on(client.send(request)).expect("GET"));
    };
    let get_user_c1 = || {
        let user = rt
            .block_on(users.get(fixed_server::USER_ID).send())
            .expect("GET");
        black_box(user);
    };

    if let Ok(probe) = std::env::var("SCIM_BENCH_PROBE") {
        let (id, n) = probe.split_once(':').expect("SCIM_BENCH_PROBE=<id>:<n>");
        let n: usize = n.parse().expect("a number of iterations");
        let run: &dyn Fn() = match id {
            "decode_user" => &decode_user,
            "decode_user_typed" => &decode_user_typed,
            "send_raw_c1" => &send_raw_c1,
            "get_user_c1" => &get_user_c1,
            other => panic!("unknown benchmark {other}"),
        };
        for _ in 0..n {
            run();
        }
        std::process::exit(0);
    }

    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Elements(1));
    group.bench_function("decode_user", |b| b.iter(decode_user));
    group.bench_function("decode_user_typed", |b| b.iter(decode_user_typed));
    group.bench_function("send_raw_c1", |b| b.iter(send_raw_c1));
    group.bench_function("get_user_c1", |b| b.iter(get_user_c1));
    group.throughput(Throughput::Elements((CONCURRENT * PER_TASK) as u64));
    // 16 spawned tasks, each woken on its own, as 16 independent callers would be (a
    // `join_all` of 16 futures in one task would poll all 16 on every wake-up).
    group.bench_function("get_user_c16", |b| {
        b.iter(|| {
            rt.block_on(async {
                let tasks: Vec<_> = (0..CONCURRENT)
                    .map(|_| {
                        let users = users.clone();
                        tokio::spawn(async move {
                            for _ in 0..PER_TASK {
                                let user =
                                    users.get(fixed_server::USER_ID).send().await.expect("GET");
                                black_box(user);
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("task");
                }
            })
        })
    });
    group.finish();
}

criterion_group!(benches, client_overhead);

fn main() {
    if std::env::var_os("SCIM_BENCH_SERVE").is_some() {
        let addr = fixed_server::start();
        println!("http://{addr}");
        let _ = std::io::stdout().flush();
        loop {
            std::thread::park();
        }
    }
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
