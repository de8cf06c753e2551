//! The `scim-testkit` binary: prints its URL first, serves, stops on stdin EOF.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn binary_prints_its_url_then_serves_until_stdin_closes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scim-testkit"))
        .args([
            "--port",
            "0",
            "--token",
            "tok",
            "--seed-users",
            "3",
            "--exit-on-stdin-eof",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v2"),
        "{url}"
    );
    let r = reqwest::blocking::Client::new()
        .get(format!("{url}/Users"))
        .bearer_auth("tok")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().unwrap();
    assert_eq!(body["totalResults"], 3);
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success());
}

#[test]
fn binary_rejects_unknown_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_scim-testkit"))
        .arg("--frobnicate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown option"));
    let help = Command::new(env!("CARGO_BIN_EXE_scim-testkit"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--seed-users"));
}
