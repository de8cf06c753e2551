//! Load check of the testkit server: seeds N users, pages through all of them with index
//! and cursor pagination, provisions users over HTTP with 16 threads, and prints the
//! figures (wall time, requests per second, the process's peak RSS).
//!
//! ```sh
//! cargo run --release -p scim-testkit --example load -- [SEED_USERS] [PROVISION_USERS]
//! ```
//! Defaults: 100000 seeded users, 10000 provisioned.

use std::time::Instant;

use scim_testkit::{Config, TestServer};
use serde_json::{json, Value};

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn iterate(
    client: &reqwest::blocking::Client,
    url: &str,
    page: usize,
    cursor: bool,
) -> (usize, usize) {
    let (mut seen, mut requests) = (0, 0);
    let mut next = String::new();
    loop {
        let q = if cursor {
            format!("{url}/Users?count={page}&cursor={next}")
        } else {
            format!("{url}/Users?count={page}&startIndex={}", seen + 1)
        };
        let body: Value = client.get(q).send().expect("page").json().expect("json");
        requests += 1;
        let n = body["Resources"].as_array().map_or(0, Vec::len);
        seen += n;
        if cursor {
            match body["nextCursor"].as_str() {
                Some(c) => next = c.to_owned(),
                None => break,
            }
        } else if n == 0 || seen >= body["totalResults"].as_u64().unwrap_or(0) as usize {
            break;
        }
    }
    (seen, requests)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seed: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let provision: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);

    let t = Instant::now();
    let server = TestServer::start_blocking(Config {
        seed_users: seed,
        ..Config::default()
    })
    .expect("server");
    println!("seeded {seed} users in {:.2} s", t.elapsed().as_secs_f64());
    let url = server.url().to_owned();
    let client = reqwest::blocking::Client::new();

    for (page, cursor) in [(100, false), (1000, false), (100, true), (1000, true)] {
        let t = Instant::now();
        let (seen, requests) = iterate(&client, &url, page, cursor);
        let s = t.elapsed().as_secs_f64();
        println!(
            "iterate {seen} users, {} pages of {page}: {requests} requests in {s:.2} s ({:.0} users/s)",
            if cursor { "cursor" } else { "index" },
            seen as f64 / s
        );
        assert_eq!(seen, seed);
    }

    let t = Instant::now();
    let per_thread = provision.div_ceil(16);
    std::thread::scope(|scope| {
        for thread in 0..16 {
            let (client, url) = (client.clone(), url.clone());
            scope.spawn(move || {
                for i in 0..per_thread {
                    let body = json!({
                        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                        "userName": format!("load-{thread}-{i}"),
                        "name": {"givenName": "Load", "familyName": format!("{i}")},
                        "emails": [{"value": format!("load-{thread}-{i}@example.com"), "type": "work"}],
                    });
                    let r = client.post(format!("{url}/Users")).body(body.to_string()).send().expect("post");
                    assert_eq!(r.status().as_u16(), 201);
                }
            });
        }
    });
    let s = t.elapsed().as_secs_f64();
    println!(
        "provisioned {} users with 16 threads in {s:.2} s ({:.0} users/s)",
        per_thread * 16,
        (per_thread * 16) as f64 / s
    );
    println!(
        "peak RSS of this process (server + client): {:.0} MiB",
        peak_rss_mib()
    );
}
