//! Responses: status and body → resource, typed message or [`Error`].
//!
//! Parsing is lenient where real servers deviate (`application/json` instead of
//! `application/scim+json`, error `status` as a number or a string) and strict where
//! leniency would lose data: a 2xx body that is not the JSON expected is a
//! [`Error::Decode`], never an empty success.

use http::Response;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::resource::{get_ci, remove_ci, ErrorResponse, Resource, ScimObject};
use crate::urn;

/// How many characters of a non-SCIM error body an [`Error::Http`] keeps.
pub const SNIPPET_CHARS: usize = 200;

/// The body of a successful response, or the error the response stands for.
pub fn success_body<B: AsRef<[u8]>>(response: &Response<B>) -> Result<&[u8]> {
    let body = response.body().as_ref();
    if response.status().is_success() {
        Ok(body)
    } else {
        Err(error_from_response(response.status().as_u16(), body))
    }
}

/// Decodes a successful response's body as a JSON object (a resource or a message).
pub fn parse_resource<B: AsRef<[u8]>>(response: &Response<B>) -> Result<Resource> {
    let body = success_body(response)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Decode {
            message: format!(
                "the server answered {} with an empty body where a resource was expected",
                response.status().as_u16()
            ),
            path: None,
        });
    }
    // The fast path parses once, without tracking paths; only a body that fails is
    // parsed again to say where.
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => Resource::from_value(value),
        Err(_) => Err(Resource::from_slice(body)
            .err()
            .map(|e| not_json(e, body))
            .unwrap_or_else(|| Error::Decode {
                message: "the body is not JSON".into(),
                path: None,
            })),
    }
}

/// Decodes a successful response's body into `T`, keeping the JSON path of a failure.
pub fn parse_json<T: DeserializeOwned, B: AsRef<[u8]>>(response: &Response<B>) -> Result<T> {
    let body = success_body(response)?;
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let err = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => Error::decode(e),
        Ok(_) => Error::Decode {
            message: "trailing characters after the JSON document".into(),
            path: None,
        },
    };
    Err(not_json(err, body))
}

/// Adds the start of the body to a decode error whose body was not JSON at all, so an
/// HTML page served with status 200 is recognisable.
fn not_json(e: Error, body: &[u8]) -> Error {
    match e {
        Error::Decode { message, path } if serde_json::from_slice::<Value>(body).is_err() => {
            Error::Decode {
                message: format!("{message} (body starts with: {})", snippet(body)),
                path,
            }
        }
        other => other,
    }
}

/// The error an unsuccessful response stands for.
///
/// RFC 7644 §3.12: a SCIM error body (`schemas` holding the Error URN, or at least a
/// `status`/`scimType`/`detail`) becomes [`Error::Api`]; anything else — an HTML page from
/// a proxy, plain text, an empty body — becomes [`Error::Http`] with the status and the
/// first [`SNIPPET_CHARS`] characters of the body.
pub fn error_from_response(status: u16, body: &[u8]) -> Error {
    let http_error = || Error::Http {
        status,
        snippet: snippet(body),
    };
    let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(body) else {
        return http_error();
    };
    let is_error = Resource::from(map.clone()).has_schema(urn::ERROR)
        || ["status", "scimType", "detail"]
            .iter()
            .any(|k| get_ci(&map, k).is_some());
    if !is_error {
        return http_error();
    }
    // RFC 7644 §3.12: "status ... REQUIRED"; when a server leaves it out (or sends
    // something that is not an error status), the response's status stands in.
    let body_status = get_ci(&map, "status").and_then(|(_, v)| match v {
        Value::String(s) => s.trim().parse::<u16>().ok(),
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        _ => None,
    });
    if !body_status.is_some_and(|s| (400..600).contains(&s)) {
        remove_ci(&mut map, "status");
        map.insert("status".into(), Value::from(status.to_string()));
    }
    match ErrorResponse::from_resource(Resource::from(map)) {
        Ok(e) => e.into_error(),
        Err(_) => http_error(),
    }
}

/// The start of a body for an error message: lossy UTF-8, whitespace runs collapsed,
/// control characters dropped, at most [`SNIPPET_CHARS`] characters.
pub fn snippet(body: &[u8]) -> String {
    let head = &body[..body.len().min(SNIPPET_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let word: String = word.chars().filter(|c| !c.is_control()).collect();
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars == SNIPPET_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ScimType;

    fn response(status: u16, body: &str) -> Response<Vec<u8>> {
        Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    /// RFC 7644 §3.12: `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
    /// "scimType": "mutability", "detail": "Attribute 'id' is readOnly", "status": "400"}`
    #[test]
    fn scim_error_bodies_become_api_errors() {
        let e = parse_resource(&response(
            400,
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"mutability","detail":"Attribute 'id' is readOnly","status":"400"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.status(), Some(400));
        assert_eq!(e.scim_type(), Some(&ScimType::Mutability));
        assert_eq!(
            e.to_string(),
            "SCIM error 400 (mutability): Attribute 'id' is readOnly"
        );
        // Number status, no schemas, PascalCase keys.
        let e = error_from_response(409, br#"{"Status": 409, "Detail": "taken"}"#);
        assert!(e.is_conflict());
        assert_eq!(e.to_string(), "SCIM error 409: taken");
    }

    #[test]
    fn other_error_bodies_keep_status_and_snippet() {
        let html = format!(
            "<html>\n<body>\n  <h1>502 Bad Gateway</h1>{}</body></html>",
            "x".repeat(500)
        );
        let e = error_from_response(502, html.as_bytes());
        match &e {
            Error::Http { status, snippet } => {
                assert_eq!(*status, 502);
                assert!(snippet.starts_with("<html> <body> <h1>502 Bad Gateway</h1>"));
                assert_eq!(snippet.chars().count(), SNIPPET_CHARS + 1);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            error_from_response(503, b"").to_string(),
            "HTTP error 503 (empty body)"
        );
        assert_eq!(
            error_from_response(500, b"[1]").code(),
            crate::ErrorCode::Http
        );
    }

    #[test]
    fn success_bodies_must_be_json_objects() {
        let e = parse_resource(&response(200, "")).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Decode);
        let e = parse_resource(&response(200, "<html>login</html>")).unwrap_err();
        assert!(e.to_string().contains("<html>login</html>"), "{e}");
        let r = parse_resource(&response(201, r#"{"id":"1"}"#)).unwrap();
        assert_eq!(r.id(), Some("1"));
    }
}
