//! The one place a `scim_core::Error` becomes a Python exception.
//!
//! The exception classes are defined in Python (`scim/errors.py`) so they can be
//! subclassed, pickled and documented like any Python class; this module calls
//! `scim.errors._from_core` with the error's stable code and fields.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use scim_core::Error;

static FROM_CORE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Converts a core error to the matching `scim.errors` exception.
pub fn to_py_err(py: Python<'_>, err: Error) -> PyErr {
    match build(py, &err) {
        Ok(exc) => PyErr::from_value(exc),
        // Only reachable if `scim.errors` cannot be imported: keep the message.
        Err(import_err) => {
            let e = PyRuntimeError::new_err(err.to_string());
            e.set_cause(py, Some(import_err));
            e
        }
    }
}

fn build<'py>(py: Python<'py>, err: &Error) -> PyResult<Bound<'py, PyAny>> {
    let from_core = FROM_CORE.get_or_try_init(py, || {
        py.import("scim.errors")?
            .getattr("_from_core")
            .map(Bound::unbind)
    })?;
    let extra = match err {
        Error::Http { snippet, .. } => Some(snippet.clone()),
        Error::Decode { path, .. } => path.clone(),
        _ => None,
    };
    let detail = match err {
        Error::Api { detail, .. } => detail.clone(),
        _ => None,
    };
    from_core.bind(py).call1((
        err.code().as_str(),
        err.to_string(),
        err.status(),
        err.scim_type().map(|t| t.as_str().to_owned()),
        detail,
        err.position(),
        err.operation_index(),
        extra,
    ))
}

/// `Result<T, scim_core::Error>` → `PyResult<T>`.
pub trait IntoPyResult<T> {
    /// Maps the error with [`to_py_err`].
    fn into_py_result(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn into_py_result(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py_err(py, e))
    }
}
