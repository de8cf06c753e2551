//! Authentication: bearer tokens, HTTP Basic, and OAuth 2.0 client credentials with a
//! cached token.
//!
//! Every credential is held in a [`Secret`], whose `Debug` prints `***`, and is sent in
//! a header marked sensitive (hyper then keeps it out of its own logs). Errors built
//! here never quote a credential.

use std::fmt;
use std::time::{Duration, Instant};

use http::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::error::{Error, Result};
use crate::protocol::{encode_query_component, response, QueryString};

/// A credential: its `Debug` and `Display` print `***`, never the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself, for the few places that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

/// OAuth 2.0 client credentials (RFC 6749 §4.4) for a token endpoint.
///
/// The client authenticates to the token endpoint with HTTP Basic (RFC 6749 §2.3.1,
/// which authorization servers MUST support), caches the access token, fetches a new
/// one shortly before `expires_in` runs out (the last 10% of its life, at most 60 s
/// early), and once more when the SCIM server answers 401 with a cached token.
#[derive(Clone, Debug)]
pub struct ClientCredentials {
    /// The token endpoint URL.
    pub token_url: String,
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: Secret,
    /// `scope` values, sent space-separated when not empty.
    pub scopes: Vec<String>,
}

impl ClientCredentials {
    /// Credentials for `token_url`, without scopes.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
        }
    }

    /// Adds a `scope` value.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scopes.push(scope.into());
        self
    }
}

/// How the client authenticates its requests.
#[derive(Debug, Default)]
pub(crate) enum Auth {
    #[default]
    None,
    /// A fixed `Authorization` header (bearer or basic).
    Header(HeaderValue),
    OAuth2(OAuth2),
}

impl Auth {
    pub(crate) fn bearer(token: &Secret) -> Result<Self> {
        sensitive(&format!("Bearer {}", token.expose())).map(Auth::Header)
    }

    /// RFC 7617: `Basic base64(user ":" password)`.
    pub(crate) fn basic(user: &str, password: &Secret) -> Result<Self> {
        let raw = format!("{user}:{}", password.expose());
        sensitive(&format!("Basic {}", base64(raw.as_bytes()))).map(Auth::Header)
    }
}

fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::InvalidInput("a credential holds characters not allowed in a header".into())
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// The OAuth 2.0 client-credentials state: the credentials and the cached token.
pub(crate) struct OAuth2 {
    credentials: ClientCredentials,
    token: Mutex<Option<CachedToken>>,
}

impl fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
struct CachedToken {
    header: HeaderValue,
    refresh_at: Option<Instant>,
}

/// RFC 6749 §5.1.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

impl OAuth2 {
    pub(crate) fn new(credentials: ClientCredentials) -> Self {
        OAuth2 {
            credentials,
            token: Mutex::new(None),
        }
    }

    /// The `Authorization` header to send: the cached token while fresh, else a new one.
    /// Concurrent callers wait for one token request instead of each sending their own.
    pub(crate) async fn header(&self, http: &reqwest::Client) -> Result<HeaderValue> {
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref() {
            if t.refresh_at.is_none_or(|at| Instant::now() < at) {
                return Ok(t.header.clone());
            }
        }
        let fresh = self.fetch(http).await?;
        let header = fresh.header.clone();
        *slot = Some(fresh);
        Ok(header)
    }

    /// Forgets the cached token if it is still `used` (the server refused it with 401).
    pub(crate) async fn invalidate(&self, used: &HeaderValue) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| t.header == *used) {
            *slot = None;
        }
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<CachedToken> {
        let c = &self.credentials;
        let mut form = QueryString::default();
        form.push("grant_type", "client_credentials");
        if !c.scopes.is_empty() {
            form.push("scope", &c.scopes.join(" "));
        }
        // RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded, then joined
        // with ":" and base64-encoded for the Basic scheme.
        let user_pass = format!(
            "{}:{}",
            encode_query_component(&c.client_id),
            encode_query_component(c.client_secret.expose())
        );
        let basic = sensitive(&format!("Basic {}", base64(user_pass.as_bytes())))?;
        let started = Instant::now();
        let span = tracing::debug_span!("scim.oauth2_token", url = %c.token_url);
        let _enter = span.enter();
        let response = http
            .post(&c.token_url)
            .header(AUTHORIZATION, basic)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(form.as_str().to_owned())
            .send()
            .await
            .map_err(|e| super::transport::map_reqwest_error(e, "token request"))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|e| super::transport::map_reqwest_error(e, "token response"))?;
        if !(200..300).contains(&status) {
            return Err(Error::Http {
                status,
                snippet: format!("token endpoint: {}", response::snippet(&body)),
            });
        }
        let token: TokenResponse = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            message: format!("token endpoint answer: {e}"),
            path: None,
        })?;
        if let Some(kind) = token.token_type.as_deref() {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err(Error::Unsupported(format!(
                    "the token endpoint issued a {kind:?} token; only bearer tokens are supported"
                )));
            }
        }
        // expires_in: "The lifetime in seconds of the access token" (RFC 6749 §5.1);
        // some servers send it as a string.
        let lifetime = token.expires_in.as_ref().and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        });
        let refresh_at = lifetime.map(|secs| {
            let life = Duration::from_secs(secs);
            let early = (life / 10).min(Duration::from_secs(60));
            started + life - early
        });
        tracing::debug!(expires_in = ?lifetime, "obtained an access token");
        Ok(CachedToken {
            header: sensitive(&format!("Bearer {}", token.access_token))?,
            refresh_at,
        })
    }
}

/// Standard base64 with padding (RFC 4648 §4), for the Basic scheme.
fn base64(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(TABLE[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        // RFC 4648 §10 test vectors.
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
        let c = ClientCredentials::new("https://idp/token", "app", "hunter2");
        assert!(!format!("{c:?}").contains("hunter2"));
        let auth = Auth::basic("admin", &s).unwrap();
        assert!(!format!("{auth:?}").contains("aHVudGVyMg"), "{auth:?}");
        // RFC 7617 §2: "Aladdin:open sesame" → "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        match Auth::basic("Aladdin", &Secret::new("open sesame")).unwrap() {
            Auth::Header(h) => assert_eq!(h, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            other => panic!("{other:?}"),
        }
    }
}
