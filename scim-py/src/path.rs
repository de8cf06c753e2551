//! `scim.Path`: a PATCH operation path (RFC 7644 §3.5.2), over `scim_core::Path`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use pyo3::basic::CompareOp as PyCompareOp;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple, PyType};
use scim_core::Path;

use crate::errors::IntoPyResult;
use crate::filter::{parse_options, PyFilter};

/// A parsed PATCH path: `urn`, `name`, `filter`, `sub_attr`. Immutable, hashable,
/// picklable.
#[pyclass(name = "Path", module = "scim", frozen)]
pub struct PyPath {
    inner: Path,
}

fn parse(
    py: Python<'_>,
    text: &str,
    max_length: Option<usize>,
    max_depth: Option<usize>,
) -> PyResult<PyPath> {
    Path::parse_with(text, &parse_options(false, max_length, max_depth))
        .into_py_result(py)
        .map(|inner| PyPath { inner })
}

#[pymethods]
impl PyPath {
    #[new]
    #[pyo3(signature = (text, *, max_length = None, max_depth = None))]
    fn new(
        py: Python<'_>,
        text: &str,
        max_length: Option<usize>,
        max_depth: Option<usize>,
    ) -> PyResult<Self> {
        parse(py, text, max_length, max_depth)
    }

    #[classmethod]
    #[pyo3(signature = (text, *, max_length = None, max_depth = None))]
    fn parse(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        text: &str,
        max_length: Option<usize>,
        max_depth: Option<usize>,
    ) -> PyResult<Self> {
        parse(py, text, max_length, max_depth)
    }

    #[getter]
    fn urn(&self) -> Option<&str> {
        self.inner.urn.as_deref()
    }

    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    #[getter]
    fn filter(&self) -> Option<PyFilter> {
        self.inner.filter.clone().map(|inner| PyFilter { inner })
    }

    #[getter]
    fn sub_attr(&self) -> Option<&str> {
        self.inner.sub_attr.as_deref()
    }

    #[getter]
    fn full_name(&self) -> String {
        self.inner.full_name()
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let text = PyString::new(slf.py(), &slf.get().inner.to_string());
        Ok(format!("Path({})", text.repr()?))
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: PyCompareOp) -> Py<PyAny> {
        let py = other.py();
        let Ok(other) = other.cast::<PyPath>() else {
            return py.NotImplemented();
        };
        let equal = self.inner == other.get().inner;
        match op {
            PyCompareOp::Eq => equal
                .into_pyobject(py)
                .map(|b| b.to_owned().into_any().unbind()),
            PyCompareOp::Ne => (!equal)
                .into_pyobject(py)
                .map(|b| b.to_owned().into_any().unbind()),
            _ => return py.NotImplemented(),
        }
        .unwrap_or_else(|never| match never {})
    }

    fn __hash__(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.inner.to_string().hash(&mut h);
        h.finish()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let args = PyTuple::new(py, [slf.get().inner.to_string()])?;
        PyTuple::new(py, [slf.get_type().into_any(), args.into_any()])
    }
}
