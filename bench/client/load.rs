//! Client load benchmarks (BENCHMARKS.md, "Client" (b) and (c)), run by
//! `bench/client/load.sh` against a scim-testkit server in another process, so that the
//! figures are the client's alone:
//!
//! - `provision URL N CONCURRENCY`: creates N users, CONCURRENCY requests in flight;
//!   prints users per second.
//! - `iterate URL PAGE_SIZE`: walks every user with the page iterator; prints how many,
//!   users per second, and this process's peak RSS (`VmHWM`), which must not grow with
//!   the number of users since the iterator holds one page at a time.

use std::time::Instant;

use futures::{stream, StreamExt, TryStreamExt};
use scim_core::client::Client;
use scim_core::User;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let usage = "usage: client_load provision URL N CONCURRENCY | iterate URL PAGE_SIZE";
    let (mode, url) = match (args.first(), args.get(1)) {
        (Some(mode), Some(url)) => (mode.as_str(), url.as_str()),
        _ => return Err(usage.into()),
    };
    let client = Client::builder(url).build()?;
    match mode {
        "provision" => {
            let n: usize = args.get(2).ok_or(usage)?.parse()?;
            let concurrency: usize = args.get(3).ok_or(usage)?.parse()?;
            let started = Instant::now();
            let created: Vec<User> = stream::iter(0..n)
                .map(|i| {
                    let client = &client;
                    async move {
                        let mut user = User::new(format!("load-{i:07}"));
                        user.display_name = Some(format!("Load Test {i}"));
                        client.users().create(&user).await
                    }
                })
                .buffer_unordered(concurrency)
                .try_collect()
                .await?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "provision users={} concurrency={concurrency} seconds={secs:.2} users_per_s={:.0}",
                created.len(),
                created.len() as f64 / secs
            );
        }
        "iterate" => {
            let page: u64 = args.get(2).ok_or(usage)?.parse()?;
            let started = Instant::now();
            let mut users = client.users().iter().count(page);
            let mut n = 0u64;
            while let Some(user) = users.try_next().await? {
                n += u64::from(user.id.is_some());
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "iterate users={n} page={page} seconds={secs:.2} users_per_s={:.0} peak_rss_kib={}",
                n as f64 / secs,
                peak_rss_kib().unwrap_or(0)
            );
        }
        _ => return Err(usage.into()),
    }
    Ok(())
}

/// This process's peak resident set size (`VmHWM` of /proc/self/status), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
