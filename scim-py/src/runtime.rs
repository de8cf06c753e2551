//! The process's one tokio runtime, and blocking on it with the GIL released.
//!
//! Every `scim.Client` of the process shares one multi-threaded runtime (two worker
//! threads: the client is I/O-bound). A forked child cannot use its parent's runtime
//! (its worker threads do not exist there), so the runtime is tagged with the pid that
//! built it and rebuilt on first use in a child; the parent's copy is leaked, never
//! dropped, since dropping it would wait for threads that are not there.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll, Wake, Waker};

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

/// Set at interpreter exit (an `atexit` hook): from then on, a task that ends on a
/// runtime thread no longer wakes its Python coroutine. Waking one means taking the
/// GIL from that thread, and a thread that takes the GIL while the interpreter
/// finalizes is killed in the middle of pyo3's code, which aborts the process.
static EXITING: AtomicBool = AtomicBool::new(false);
/// Held (shared) by every wake in progress; `before_exit` takes it exclusively, so the
/// flag is set only once no runtime thread is waking Python.
static WAKES: RwLock<()> = RwLock::new(());

/// Called by `scim/__init__.py` through `atexit`: stops runtime threads from waking
/// coroutines (see [`ExitSafe`]).
#[pyfunction]
pub fn _before_exit(py: Python<'_>) {
    // Wait, without the GIL, for the wakes in progress (they need the GIL to finish).
    py.detach(|| {
        let _exclusive = WAKES.write().unwrap_or_else(|p| p.into_inner());
        EXITING.store(true, Ordering::Release);
    });
}

/// The waker given to a runtime task on behalf of a Python coroutine: wakes it unless
/// the interpreter is exiting.
struct GuardedWaker(Waker);

impl Wake for GuardedWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let _shared = WAKES.read().unwrap_or_else(|p| p.into_inner());
        if !EXITING.load(Ordering::Acquire) {
            self.0.wake_by_ref();
        }
    }
}

/// Polls a future (a runtime task's `JoinHandle`) from a Python coroutine so that the
/// task's end never wakes Python during interpreter exit.
pub struct ExitSafe<F>(pub F);

impl<F: Future + Unpin> Future for ExitSafe<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let waker = Waker::from(Arc::new(GuardedWaker(cx.waker().clone())));
        Pin::new(&mut self.0).poll(&mut Context::from_waker(&waker))
    }
}
