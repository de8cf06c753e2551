//! `scim.Path`: a PATCH operation path (RFC 7644 §3.5.2), over `scim_core::Path`.

use pyo3::basic::CompareOp as PyCompareOp;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};
use scim_core::Path;

use crate::errors::IntoPyResult;
use crate::filter::{parse_options, PyFilter};
use crate::value_class;

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

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        value_class::repr(py, "Path", &self.inner.to_string())
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: PyCompareOp) -> Py<PyAny> {
        let equal = other
            .cast::<PyPath>()
            .ok()
            .map(|o| self.inner == o.get().inner);
        value_class::compare(other.py(), equal, op)
    }

    /// Equal values print the same canonical text, so hashing the text is consistent
    /// with `==`.
    fn __hash__(&self) -> u64 {
        value_class::hash(&self.inner.to_string())
    }

    /// Pickles as the canonical text.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        value_class::reduce(slf, slf.get().inner.to_string())
    }
}
