//! `scim.Filter`: a parsed SCIM filter (RFC 7644 §3.4.2.2), over `scim_core::Filter`.

use pyo3::basic::CompareOp as PyCompareOp;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};
use scim_core::filter::{CompareOp, ParseOptions};
use scim_core::{Filter, Resource, SchemaRegistry};

use crate::convert::{to_json, to_json_object};
use crate::errors::IntoPyResult;
use crate::value_class;

/// Above this many JSON values, `matches` releases the GIL while it evaluates.
const DETACH_NODES: usize = 10_000;

/// A parsed SCIM filter. Immutable, hashable, picklable.
#[pyclass(name = "Filter", module = "scim", frozen)]
pub struct PyFilter {
    pub(crate) inner: Filter,
}

impl PyFilter {
    fn wrap(inner: Filter) -> Self {
        PyFilter { inner }
    }
}

/// The parse options from the keyword arguments (`None`: the core's defaults).
pub(crate) fn parse_options(
    lenient: bool,
    max_length: Option<usize>,
    max_depth: Option<usize>,
) -> ParseOptions {
    let defaults = ParseOptions::default();
    ParseOptions {
        lenient,
        max_length: max_length.unwrap_or(defaults.max_length),
        max_depth: max_depth.unwrap_or(defaults.max_depth),
    }
}

fn parse(
    py: Python<'_>,
    text: &str,
    lenient: bool,
    max_length: Option<usize>,
    max_depth: Option<usize>,
) -> PyResult<PyFilter> {
    let options = parse_options(lenient, max_length, max_depth);
    Filter::parse_with(text, &options)
        .into_py_result(py)
        .map(PyFilter::wrap)
}

fn compare(
    py: Python<'_>,
    path: &str,
    op: CompareOp,
    value: &Bound<'_, PyAny>,
) -> PyResult<PyFilter> {
    let value = to_json(value)?;
    Filter::compare(path, op, value)
        .into_py_result(py)
        .map(PyFilter::wrap)
}

#[pymethods]
impl PyFilter {
    #[new]
    #[pyo3(signature = (text, *, lenient = false, max_length = None, max_depth = None))]
    fn new(
        py: Python<'_>,
        text: &str,
        lenient: bool,
        max_length: Option<usize>,
        max_depth: Option<usize>,
    ) -> PyResult<Self> {
        parse(py, text, lenient, max_length, max_depth)
    }

    /// Parses a filter; `Filter.parse(text)` is `Filter(text)`.
    #[classmethod]
    #[pyo3(signature = (text, *, lenient = false, max_length = None, max_depth = None))]
    fn parse(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        text: &str,
        lenient: bool,
        max_length: Option<usize>,
        max_depth: Option<usize>,
    ) -> PyResult<Self> {
        parse(py, text, lenient, max_length, max_depth)
    }

    /// True when the resource (a dict, or a model with `model_dump()`) matches.
    fn matches(&self, py: Python<'_>, resource: &Bound<'_, PyAny>) -> PyResult<bool> {
        let (map, nodes) = to_json_object(resource, "the resource")?;
        let resource = Resource::from(map);
        let eval = || self.inner.matches(&resource, SchemaRegistry::core());
        let result = if nodes > DETACH_NODES {
            py.detach(eval)
        } else {
            eval()
        };
        result.into_py_result(py)
    }

    #[staticmethod]
    fn eq(py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        compare(py, path, CompareOp::Eq, value)
    }

    #[staticmethod]
    fn ne(py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        compare(py, path, CompareOp::Ne, value)
    }

    #[staticmethod]
    fn co(py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        compare(py, path, CompareOp::Co, value)
    }

    #[staticmethod]
    fn sw(py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        compare(py, path, CompareOp::Sw, value)
    }

    #[staticmethod]
    fn ew(py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        compare(py, path, CompareOp::Ew, value)
    }

    #[staticmethod]
    fn gt(py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        compare(py, path, CompareOp::Gt, value)
    }

    #[staticmethod]
    fn ge(py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        compare(py, path, CompareOp::Ge, value)
    }

    #[staticmethod]
    fn lt(py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        compare(py, path, CompareOp::Lt, value)
    }

    #[staticmethod]
    fn le(py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Self> {
        compare(py, path, CompareOp::Le, value)
    }

    #[staticmethod]
    fn pr(py: Python<'_>, path: &str) -> PyResult<Self> {
        Filter::pr(path).into_py_result(py).map(PyFilter::wrap)
    }

    #[staticmethod]
    fn value_path(py: Python<'_>, attr: &str, filter: &PyFilter) -> PyResult<Self> {
        Filter::value_path(attr, filter.inner.clone())
            .into_py_result(py)
            .map(PyFilter::wrap)
    }

    fn __and__(&self, other: &PyFilter) -> Self {
        PyFilter::wrap(self.inner.clone().and(other.inner.clone()))
    }

    fn __or__(&self, other: &PyFilter) -> Self {
        PyFilter::wrap(self.inner.clone().or(other.inner.clone()))
    }

    fn __invert__(&self) -> Self {
        PyFilter::wrap(!self.inner.clone())
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        value_class::repr(py, "Filter", &self.inner.to_string())
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: PyCompareOp) -> Py<PyAny> {
        let equal = other
            .cast::<PyFilter>()
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
