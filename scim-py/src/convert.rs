//! Python objects ⇄ JSON values (`serde_json::Value`).
//!
//! Python → JSON accepts what `json.dumps` accepts (dicts with `str` keys, lists, tuples,
//! `str`, `int`, `float`, `bool`, `None`) plus, so that pydantic models such as
//! scim2-models' work unchanged:
//! - any object with a `model_dump()` method, dumped with `mode="json"`, `by_alias=True`
//!   and `exclude_none=True` (SCIM has no use for JSON `null` in a request);
//! - any other `collections.abc.Mapping` (read through `.items()`);
//! - `datetime.datetime` / `datetime.date`, written with `isoformat()` (RFC 7643 §2.3.5
//!   `dateTime` is an xsd:dateTime).
//!
//! Floats that JSON cannot hold (NaN, infinities) and integers beyond 64 bits are a
//! `ValueError`; a non-`str` dict key and any other type is a `TypeError`. Nesting deeper
//! than [`MAX_DEPTH`] (which a self-referencing list reaches) is a `ValueError`, never a
//! stack overflow.
//!
//! JSON → Python gives plain `dict`s (key order kept), `list`s, `str`, `int`, `float`,
//! `bool` and `None`.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Number, Value};

extern "C" {
    // In the stable ABI only from Python 3.10, but exported by every CPython 3.x: the
    // UTF-8 form cached in the string object, without the `bytes` object (and copy)
    // that the 3.9 stable ABI's `PyUnicode_AsUTF8String` makes for each string.
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut pyo3::ffi::PyObject,
        size: *mut pyo3::ffi::Py_ssize_t,
    ) -> *const std::os::raw::c_char;
}

/// The text of a Python `str`, copied out.
fn text(s: &Bound<'_, PyString>) -> PyResult<String> {
    let mut size: pyo3::ffi::Py_ssize_t = 0;
    // SAFETY: `s` is a live `str` (the GIL is held: we have a `Bound`), and `size` is a
    // valid out-pointer. The function returns NULL with an exception set on failure
    // (lone surrogates), else a pointer to `size` bytes of valid UTF-8 owned by `s`,
    // which outlives this call; they are copied before returning.
    unsafe {
        let data = PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut size);
        if data.is_null() {
            return Err(PyErr::fetch(s.py()));
        }
        let bytes = std::slice::from_raw_parts(data.cast::<u8>(), size as usize);
        // The interpreter's UTF-8 encoder only produces valid UTF-8 (strings it cannot
        // encode, with lone surrogates, were refused above).
        Ok(String::from_utf8_unchecked(bytes.to_vec()))
    }
}

/// The deepest nesting converted; deeper is a `ValueError`.
pub const MAX_DEPTH: usize = 512;

/// Converts a Python object to JSON, counting the values converted.
pub struct ToJson {
    /// How many JSON values (objects, arrays and scalars) were produced so far.
    pub nodes: usize,
}

impl ToJson {
    /// A converter with a zero count.
    pub fn new() -> Self {
        ToJson { nodes: 0 }
    }

    /// Converts `obj`; a top-level object with `model_dump()` is dumped first.
    pub fn convert(&mut self, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
        self.value(obj, 0)
    }

    fn value(&mut self, obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
        if depth > MAX_DEPTH {
            return Err(PyValueError::new_err(format!(
                "JSON nesting deeper than {MAX_DEPTH} levels (a value that contains itself?)"
            )));
        }
        self.nodes += 1;
        // Exact types first: they are what SCIM documents are made of.
        if let Ok(s) = obj.cast_exact::<PyString>() {
            return Ok(Value::String(text(s)?));
        }
        if let Ok(d) = obj.cast_exact::<PyDict>() {
            return self.dict(d, depth);
        }
        if let Ok(l) = obj.cast_exact::<PyList>() {
            let mut out = Vec::with_capacity(l.len());
            for item in l.iter() {
                out.push(self.value(&item, depth + 1)?);
            }
            return Ok(Value::Array(out));
        }
        if obj.is_none() {
            return Ok(Value::Null);
        }
        // `bool` before `int`: `True` is an `int` too.
        if let Ok(b) = obj.cast::<PyBool>() {
            return Ok(Value::Bool(b.is_true()));
        }
        if obj.cast::<PyInt>().is_ok() {
            return int(obj);
        }
        if let Ok(f) = obj.cast::<PyFloat>() {
            return float(f.value());
        }
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(Value::String(text(s)?));
        }
        if let Ok(d) = obj.cast::<PyDict>() {
            return self.dict(d, depth);
        }
        if let Ok(l) = obj.cast::<PyList>() {
            let mut out = Vec::with_capacity(l.len());
            for item in l.iter() {
                out.push(self.value(&item, depth + 1)?);
            }
            return Ok(Value::Array(out));
        }
        if let Ok(t) = obj.cast::<PyTuple>() {
            let mut out = Vec::with_capacity(t.len());
            for item in t.iter() {
                out.push(self.value(&item, depth + 1)?);
            }
            return Ok(Value::Array(out));
        }
        let py = obj.py();
        if let Ok(dump) = obj.getattr(intern!(py, "model_dump")) {
            let kwargs = PyDict::new(py);
            kwargs.set_item("mode", "json")?;
            kwargs.set_item("by_alias", true)?;
            kwargs.set_item("exclude_none", true)?;
            let dumped = dump.call((), Some(&kwargs))?;
            self.nodes -= 1;
            return self.value(&dumped, depth + 1);
        }
        if let Ok(m) = obj.cast::<PyMapping>() {
            let mut out = Map::new();
            for item in m.items()?.iter() {
                let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
                out.insert(key(&k)?, self.value(&v, depth + 1)?);
            }
            return Ok(Value::Object(out));
        }
        if let Ok(iso) = obj.getattr(intern!(py, "isoformat")) {
            if is_date(obj)? {
                let iso_text = iso.call0()?;
                return Ok(Value::String(self::text(iso_text.cast::<PyString>()?)?));
            }
        }
        Err(PyTypeError::new_err(format!(
            "cannot convert an object of type {} to JSON",
            obj.get_type().name()?
        )))
    }

    fn dict(&mut self, d: &Bound<'_, PyDict>, depth: usize) -> PyResult<Value> {
        let mut out = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            out.insert(key(&k)?, self.value(&v, depth + 1)?);
        }
        Ok(Value::Object(out))
    }
}

/// Converts a Python object to JSON (see the module documentation).
pub fn to_json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    ToJson::new().convert(obj)
}

/// Converts a Python object that must be a JSON object (a dict, a mapping, a model).
pub fn to_json_object(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<(Map<String, Value>, usize)> {
    let mut conv = ToJson::new();
    match conv.convert(obj)? {
        Value::Object(map) => Ok((map, conv.nodes)),
        other => Err(PyTypeError::new_err(format!(
            "{what} must be a dict (a JSON object), not {}",
            json_kind(&other)
        ))),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "None",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a str",
        Value::Array(_) => "a list",
        Value::Object(_) => "a dict",
    }
}

fn key(k: &Bound<'_, PyAny>) -> PyResult<String> {
    match k.cast::<PyString>() {
        Ok(s) => text(s),
        Err(_) => Err(PyTypeError::new_err(format!(
            "JSON object keys must be str, not {}",
            k.get_type().name()?
        ))),
    }
}

fn int(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(Value::Number(i.into()));
    }
    if let Ok(u) = obj.extract::<u64>() {
        return Ok(Value::Number(u.into()));
    }
    Err(PyValueError::new_err(format!(
        "integer {obj} does not fit in 64 bits"
    )))
}

fn float(f: f64) -> PyResult<Value> {
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| PyValueError::new_err(format!("{f} is not a JSON number")))
}

fn is_date(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let py = obj.py();
    let datetime = py.import(intern!(py, "datetime"))?;
    let date = datetime.getattr(intern!(py, "date"))?;
    let time = datetime.getattr(intern!(py, "time"))?;
    Ok(obj.is_instance(&date)? || obj.is_instance(&time)?)
}

/// Converts a JSON value to Python objects.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_py(py, map)?.into_any(),
    })
}

/// Converts a JSON object to a Python dict.
pub fn map_to_py<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in map {
        dict.set_item(PyString::new(py, k), to_py(py, v)?)?;
    }
    Ok(dict)
}
