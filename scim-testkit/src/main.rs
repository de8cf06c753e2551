//! `scim-testkit`: runs the in-memory SCIM service provider from a shell, for the C, PHP
//! and Python tests.
//!
//! It prints the base URL (`http://127.0.0.1:PORT/v2`) as the first line of standard
//! output, flushed, then serves until it gets SIGINT or SIGTERM — or, with
//! `--exit-on-stdin-eof`, until its standard input closes (so a test harness that dies
//! takes the server with it). Run `scim-testkit --help` for the options.

use std::io::Write;

use scim_testkit::{Capabilities, Config, Faults, TestServer};

const USAGE: &str = "\
usage: scim-testkit [options]

Serves an in-memory SCIM 2.0 service provider on 127.0.0.1 and prints its base URL
(http://127.0.0.1:PORT/v2) as the first line of standard output.

options:
  --port N               TCP port (default 0: a free port)
  --base-path P          path prefix of the SCIM endpoints (default /v2)
  --token T              require Authorization: Bearer T on SCIM requests
  --seed-users N         create N users at start (user000001, ...)
  --seed-groups N        create N groups at start, spreading the seeded users over them
  --me USERNAME          the user that /Me designates
  --latency-ms N         delay every SCIM request by N milliseconds
  --ignore-start-index   index pagination always answers the first page
  --cursor-only          RFC 9865 cursors only: startIndex > 1 is refused
  --no-bulk | --no-patch | --no-etag | --no-sort | --no-filter | --no-change-password
                         switch a capability off (requests for it get 501)
  --max-results N        filter.maxResults (default 1000)
  --max-page-size N      pagination.maxPageSize (default 1000)
  --default-page-size N  page size when a request gives no count (default 100)
  --faults JSON          initial faults, as POST /_testkit/faults takes them
  --capabilities JSON    initial capabilities, as PUT /_testkit/capabilities takes them
  --exit-on-stdin-eof    stop when standard input closes
  -h, --help             show this help

admin endpoints (never authenticated): http://127.0.0.1:PORT/_testkit/{faults,capabilities,requests,reset,stats}";

#[derive(Debug)]
struct Args {
    config: Config,
    exit_on_stdin_eof: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut config = Config::default();
    let mut exit_on_stdin_eof = false;
    fn value(args: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, String> {
        args.next().ok_or_else(|| format!("{flag} needs a value"))
    }
    fn number<T: std::str::FromStr>(text: String, flag: &str) -> Result<T, String> {
        text.parse()
            .map_err(|_| format!("{flag} needs a number, not {text:?}"))
    }
    while let Some(arg) = args.next() {
        let caps = &mut config.capabilities;
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => config.port = number(value(&mut args, &arg)?, &arg)?,
            "--base-path" => config.base_path = value(&mut args, &arg)?,
            "--token" => config.token = Some(value(&mut args, &arg)?),
            "--seed-users" => config.seed_users = number(value(&mut args, &arg)?, &arg)?,
            "--seed-groups" => config.seed_groups = number(value(&mut args, &arg)?, &arg)?,
            "--me" => config.me_user_name = Some(value(&mut args, &arg)?),
            "--latency-ms" => config.faults.latency_ms = number(value(&mut args, &arg)?, &arg)?,
            "--ignore-start-index" => config.faults.ignore_start_index = true,
            "--cursor-only" => {
                let defaults = Capabilities::cursor_only();
                (caps.index, caps.cursor, caps.default_pagination) =
                    (defaults.index, defaults.cursor, defaults.default_pagination);
            }
            "--no-bulk" => caps.bulk = false,
            "--no-patch" => caps.patch = false,
            "--no-etag" => caps.etag = false,
            "--no-sort" => caps.sort = false,
            "--no-filter" => caps.filter = false,
            "--no-change-password" => caps.change_password = false,
            "--max-results" => caps.max_results = number(value(&mut args, &arg)?, &arg)?,
            "--max-page-size" => caps.max_page_size = number(value(&mut args, &arg)?, &arg)?,
            "--default-page-size" => {
                caps.default_page_size = number(value(&mut args, &arg)?, &arg)?
            }
            "--faults" => {
                let text = value(&mut args, &arg)?;
                config.faults =
                    serde_json::from_str::<Faults>(&text).map_err(|e| format!("--faults: {e}"))?;
            }
            "--capabilities" => {
                let text = value(&mut args, &arg)?;
                config.capabilities =
                    serde_json::from_str(&text).map_err(|e| format!("--capabilities: {e}"))?;
            }
            "--exit-on-stdin-eof" => exit_on_stdin_eof = true,
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(Some(Args {
        config,
        exit_on_stdin_eof,
    }))
}

/// Resolves when the process gets SIGINT or SIGTERM.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Resolves when standard input reaches end of file (or fails).
async fn stdin_closed() {
    use tokio::io::AsyncReadExt;
    let mut stdin = tokio::io::stdin();
    let mut buf = [0u8; 1024];
    while let Ok(n) = stdin.read(&mut buf).await {
        if n == 0 {
            break;
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return std::process::ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("scim-testkit: {e}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let server = match TestServer::start(args.config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("scim-testkit: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{}", server.url())
        .and_then(|_| out.flush())
        .is_err()
    {
        return std::process::ExitCode::FAILURE;
    }
    drop(out);
    if args.exit_on_stdin_eof {
        tokio::select! {
            _ = terminated() => {}
            _ = stdin_closed() => {}
        }
    } else {
        terminated().await;
    }
    server.shutdown().await;
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn options_set_the_config() {
        let a = parse(&[
            "--port",
            "8080",
            "--token",
            "t",
            "--seed-users",
            "5",
            "--cursor-only",
            "--no-bulk",
            "--latency-ms",
            "3",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(a.config.port, 8080);
        assert_eq!(a.config.token.as_deref(), Some("t"));
        assert_eq!(a.config.seed_users, 5);
        assert!(!a.config.capabilities.index && !a.config.capabilities.bulk);
        assert_eq!(a.config.faults.latency_ms, 3);
        let a = parse(&["--faults", r#"{"rules":[{"fault":"reset","times":1}]}"#])
            .unwrap()
            .unwrap();
        assert_eq!(a.config.faults.rules.len(), 1);
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--port"]).unwrap_err().contains("needs a value"));
        assert!(parse(&["--port", "x"]).unwrap_err().contains("number"));
        assert!(parse(&["--bogus"]).unwrap_err().contains("unknown option"));
        assert!(parse(&["--faults", "{"]).is_err());
    }
}
