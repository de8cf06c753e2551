//! What `Filter` and `Path` share as immutable value classes printed to canonical text:
//! `repr`, `==`/`!=`, a hash consistent with `==`, and pickling as their text.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use pyo3::basic::CompareOp;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use pyo3::PyClass;

/// `Name('text')`, with the text quoted as Python would.
pub fn repr(py: Python<'_>, class: &str, text: &str) -> PyResult<String> {
    Ok(format!("{class}({})", PyString::new(py, text).repr()?))
}

/// `==` and `!=` from `equal` (`None`: the other object is of another type, so
/// `NotImplemented`, which lets Python try the reflected operation); ordering is not
/// supported.
pub fn compare(py: Python<'_>, equal: Option<bool>, op: CompareOp) -> Py<PyAny> {
    let result = match (equal, op) {
        (Some(eq), CompareOp::Eq) => eq,
        (Some(eq), CompareOp::Ne) => !eq,
        _ => return py.NotImplemented(),
    };
    pyo3::types::PyBool::new(py, result)
        .to_owned()
        .into_any()
        .unbind()
}

/// The hash of the canonical text: equal values print the same text.
pub fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// `(type(self), (text,))`: unpickling calls the class with the canonical text, which
/// parses back to an equal value.
pub fn reduce<'py, T: PyClass>(slf: &Bound<'py, T>, text: String) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let args = PyTuple::new(py, [text])?;
    PyTuple::new(py, [slf.as_any().get_type().into_any(), args.into_any()])
}
