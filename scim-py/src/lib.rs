//! `scim._scim`: the Rust half of the `scim` Python package (distribution `scim-rs`).
//!
//! Everything SCIM is done by `scim-core`; this crate only converts between Python
//! objects and the core's types, maps errors to the exceptions of `scim/errors.py`, and
//! releases the GIL around work that can take long. The public API is re-exported, with
//! its documentation and stubs, by the Python package `scim` (`python/scim/`).

mod aio;
mod client;
mod convert;
mod errors;
mod filter;
mod patch;
mod path;
mod runtime;
mod value_class;

use pyo3::prelude::*;

/// The module's Rust allocations (JSON values, maps, strings) go through mimalloc: the
/// conversions between Python objects and JSON are dominated by small allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The extension module `scim._scim`.
#[pymodule]
fn _scim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<filter::PyFilter>()?;
    m.add_function(wrap_pyfunction!(runtime::_before_exit, m)?)?;
    m.add_function(wrap_pyfunction!(patch::apply_patch, m)?)?;
    m.add_function(wrap_pyfunction!(patch::diff, m)?)?;
    m.add_class::<path::PyPath>()?;
    m.add_class::<client::PyClient>()?;
    m.add_class::<client::PyClientCredentials>()?;
    m.add_class::<client::PyEndpoint>()?;
    m.add_class::<client::PyMe>()?;
    m.add_class::<client::PyResourceIterator>()?;
    m.add_class::<aio::PyAsyncClient>()?;
    m.add_class::<aio::PyAsyncEndpoint>()?;
    m.add_class::<aio::PyAsyncMe>()?;
    m.add_class::<aio::PyAsyncResourceIterator>()?;
    Ok(())
}
