//! The tokio runtime every client call blocks on: one per process, owned by the library.
//!
//! A multi-thread runtime with two worker threads drives the I/O; each C call runs its
//! future with `block_on` on the calling thread, so any number of threads may call at
//! once. After `fork()`, the child has none of the parent's worker threads: the first
//! call in the child sees a new process id and builds a new runtime. The parent's one is
//! kept, unused, in [`retire`]'s list and never dropped: dropping it would wait for
//! threads that do not exist in the child, and deregister sockets from an epoll instance
//! the child shares with its parent.

use std::any::Any;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::runtime::{Builder, Runtime};

use crate::error::scim_error;
use crate::scim_code::SCIM_ERR_TRANSPORT;

/// The runtime and the process that built it.
static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The process's runtime, built on first use (and again in a forked child).
pub(crate) fn runtime() -> Result<Arc<Runtime>, scim_error> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    match slot.as_ref() {
        Some((owner, rt)) if *owner == pid => return Ok(Arc::clone(rt)),
        Some(_) => {
            if let Some((_, inherited)) = slot.take() {
                retire(Box::new(inherited));
            }
        }
        None => {}
    }
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("scim-io")
        .enable_all()
        .build()
        .map_err(|e| {
            scim_error::new(
                SCIM_ERR_TRANSPORT,
                format!("cannot start the I/O runtime: {e}"),
            )
        })?;
    let rt = Arc::new(rt);
    *slot = Some((pid, Arc::clone(&rt)));
    Ok(rt)
}

/// What a forked child inherited and must neither use nor drop (a runtime, a client
/// with the parent's connections): kept here for the life of the process, so it stays
/// reachable instead of leaking.
static RETIRED: Mutex<Vec<Box<dyn Any + Send>>> = Mutex::new(Vec::new());

/// Keeps `inherited` alive, unused, until the process exits.
pub(crate) fn retire(inherited: Box<dyn Any + Send>) {
    RETIRED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(inherited);
}

/// True when this process is not the one `pid` names (a forked child).
pub(crate) fn forked_since(pid: u32) -> bool {
    std::process::id() != pid
}
