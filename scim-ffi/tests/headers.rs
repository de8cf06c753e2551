//! The committed headers are what the pinned cbindgen generates from the current source.
//!
//! Fails on a stale header; `SCIM_BLESS=1 cargo test -p scim-ffi --test headers` rewrites
//! them.

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate(config: &str) -> String {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join(config)).expect("cbindgen config");
    let bindings = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

fn check(config: &str, committed: &Path) {
    let fresh = generate(config);
    if std::env::var_os("SCIM_BLESS").is_some() {
        std::fs::write(committed, &fresh).expect("write header");
        return;
    }
    let current = std::fs::read_to_string(committed).unwrap_or_default();
    if current != fresh {
        let line = current
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| current.lines().count().min(fresh.lines().count()));
        panic!(
            "{} is stale from line {}: run `SCIM_BLESS=1 cargo test -p scim-ffi --test \
             headers` and commit it",
            committed.display(),
            line + 1
        );
    }
}

#[test]
fn c_header_is_up_to_date() {
    check("cbindgen.toml", &crate_dir().join("include/scim.h"));
}

#[test]
fn php_header_is_up_to_date() {
    check(
        "cbindgen-php.toml",
        &crate_dir().join("../scim-php/src/scim_ffi.h"),
    );
}

/// The PHP header must stay flat: `FFI::cdef` rejects preprocessor lines.
#[test]
fn php_header_has_no_preprocessor_lines() {
    let header = generate("cbindgen-php.toml");
    for line in header.lines() {
        assert!(
            !line.trim_start().starts_with('#'),
            "preprocessor line: {line}"
        );
    }
}
