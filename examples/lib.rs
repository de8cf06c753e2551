//! The README's Rust code blocks, run as doctests of this crate by `cargo test`.
#![doc = include_str!("../README.md")]
