//! The process's one tokio runtime, and blocking on it with the GIL released.
//!
//! Every `scim.Client` of the process shares one multi-threaded runtime (two worker
//! threads: the client is I/O-bound). A forked child cannot use its parent's runtime
//! (its worker threads do not exist there), so the runtime is tagged with the pid that
//! built it and rebuilt on first use in a child; the parent's copy is leaked, never
//! dropped, since dropping it would wait for threads that are not there.

use std::future::Future;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime of this process, built on first use (and again after a fork).
pub fn runtime() -> PyResult<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(rt.clone());
        }
    }
    let rt = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("scim-io")
            .enable_all()
            .build()
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start the I/O runtime: {e}")))?,
    );
    if let Some(inherited) = slot.replace((pid, rt.clone())) {
        // Inherited from the parent across fork(): its threads are gone; never drop it.
        std::mem::forget(inherited);
    }
    Ok(rt)
}

/// Runs `future` to completion on the runtime with the GIL released, so other Python
/// threads run meanwhile (and other calls of this client proceed in parallel).
pub fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let rt = runtime()?;
    Ok(py.detach(|| rt.block_on(future)))
}
