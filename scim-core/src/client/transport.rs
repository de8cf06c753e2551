//! Moves bytes: sends an `http::Request` built by [`crate::protocol`] with reqwest, with
//! authentication, retries and a response size limit, and returns the whole response.

use std::time::SystemTime;

use bytes::{Bytes, BytesMut};
use http::header::{AUTHORIZATION, IF_MATCH};
use http::{HeaderMap, HeaderValue, Method, Response};
use tracing::Instrument;

use super::auth::Auth;
use crate::error::{Error, Result};
use crate::protocol::retry::{self, RetryPolicy};

/// The HTTP side of a client: shared by every request of a [`super::Client`].
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) auth: Auth,
    pub(crate) headers: HeaderMap,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    /// The base URL's origin, parsed once: requests to it skip a full URL parse.
    pub(crate) origin: Origin,
}

/// A parsed origin (`scheme://authority`) and its text, for [`Transport::url`].
#[derive(Debug)]
pub(crate) struct Origin {
    pub(crate) url: reqwest::Url,
    pub(crate) scheme: String,
    pub(crate) authority: String,
}

impl Origin {
    pub(crate) fn new(base: &str) -> Result<Self> {
        let uri: http::Uri = base
            .parse()
            .map_err(|e| Error::InvalidInput(format!("invalid base URL: {e}")))?;
        let url = reqwest::Url::parse(base)
            .map_err(|e| Error::InvalidInput(format!("invalid base URL: {e}")))?;
        Ok(Origin {
            url,
            scheme: uri.scheme_str().unwrap_or_default().to_owned(),
            authority: uri
                .authority()
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default(),
        })
    }
}

/// Whether a request may be sent again after it may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Decide from the method ([`retry::is_idempotent`]).
    ByMethod,
    /// A POST without side effects (`.search`): safe to send again.
    Safe,
}

impl Transport {
    /// Sends `request` and reads the whole response (any status).
    ///
    /// - Retries 429/503 answers of replayable requests per the [`RetryPolicy`], waiting
    ///   what `Retry-After` asks.
    /// - Retries a failed connection for any request (nothing was sent), other transport
    ///   failures only for replayable ones; never a timeout (the caller's budget is spent).
    /// - With OAuth 2.0, a 401 drops the cached token and the request is sent once more
    ///   with a new one: a 401 means the request was not processed.
    pub(crate) async fn send(
        &self,
        request: http::Request<Vec<u8>>,
        replay: Replay,
    ) -> Result<Response<Bytes>> {
        let (parts, body) = request.into_parts();
        let span = tracing::debug_span!(
            "scim.request",
            method = %parts.method,
            path = %parts.uri.path(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        self.send_parts(parts, Bytes::from(body), replay)
            .instrument(span)
            .await
    }

    async fn send_parts(
        &self,
        parts: http::request::Parts,
        body: Bytes,
        replay: Replay,
    ) -> Result<Response<Bytes>> {
        let url = self.url(&parts.uri)?;
        let replayable = replay == Replay::Safe
            || retry::is_idempotent(&parts.method, parts.headers.contains_key(IF_MATCH));
        let headers = self.headers_for(parts.headers);
        let mut retries = 0u32;
        let mut token_refreshed = false;
        let span = tracing::Span::current();
        loop {
            let authorization = self.authorization().await?;
            let mut req = reqwest::Request::new(parts.method.clone(), url.clone());
            *req.headers_mut() = headers.clone();
            if let Some(value) = &authorization {
                req.headers_mut().insert(AUTHORIZATION, value.clone());
            }
            if !body.is_empty() || parts.method != Method::GET {
                *req.body_mut() = Some(body.clone().into());
            }
            let attempt = retries + 1;
            let response = match self.http.execute(req).await {
                Ok(response) => response,
                Err(e) => {
                    let connect = e.is_connect();
                    let err = map_reqwest_error(e, "request");
                    if connect || (replayable && !err.is_timeout()) {
                        if let Some(wait) = self.retry.delay(retries, None, fastrand::f64()) {
                            tracing::debug!(error = %err, wait_ms = wait.as_millis() as u64, "retrying after a transport error");
                            retries += 1;
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                    }
                    span.record("attempts", attempt);
                    return Err(err);
                }
            };
            let status = response.status().as_u16();
            if status == 401 && !token_refreshed {
                if let (Auth::OAuth2(oauth), Some(used)) = (&self.auth, &authorization) {
                    tracing::debug!("401 with a cached token: fetching a new one");
                    oauth.invalidate(used).await;
                    token_refreshed = true;
                    continue;
                }
            }
            if replayable && retry::is_retryable_status(status) {
                let asked = retry::retry_after(response.headers(), SystemTime::now());
                if let Some(wait) = self.retry.delay(retries, asked, fastrand::f64()) {
                    tracing::debug!(
                        status,
                        wait_ms = wait.as_millis() as u64,
                        "retrying after the server asked to wait"
                    );
                    drop(response);
                    retries += 1;
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            span.record("status", status);
            span.record("attempts", attempt);
            return self.read(response).await;
        }
    }

    /// The headers sent: the request's own, then the client's custom headers whose
    /// names the request does not set (a request's header wins over a custom one of the
    /// same name). The request's map is reused, not copied.
    fn headers_for(&self, mut headers: HeaderMap) -> HeaderMap {
        for name in self.headers.keys() {
            // `keys` yields each name once: a name appended here is not seen again.
            if !headers.contains_key(name) {
                for value in self.headers.get_all(name) {
                    headers.append(name, value.clone());
                }
            }
        }
        headers
    }

    /// The request's URL: on the base URL's origin, the parsed origin with this path
    /// and query (no host parsing per request); elsewhere, parsed in full.
    fn url(&self, uri: &http::Uri) -> Result<reqwest::Url> {
        let same_origin = uri.scheme_str() == Some(self.origin.scheme.as_str())
            && uri.authority().map(|a| a.as_str()) == Some(self.origin.authority.as_str());
        if same_origin {
            let mut url = self.origin.url.clone();
            url.set_path(uri.path());
            url.set_query(uri.query());
            return Ok(url);
        }
        reqwest::Url::parse(&uri.to_string())
            .map_err(|e| Error::InvalidInput(format!("invalid request URL: {e}")))
    }

    async fn authorization(&self) -> Result<Option<HeaderValue>> {
        match &self.auth {
            Auth::None => Ok(None),
            Auth::Header(value) => Ok(Some(value.clone())),
            Auth::OAuth2(oauth) => oauth.header(&self.http).await.map(Some),
        }
    }

    /// Reads the body, refusing more than `max_response_bytes`.
    async fn read(&self, mut response: reqwest::Response) -> Result<Response<Bytes>> {
        let max = self.max_response_bytes;
        let too_large = || Error::Transport {
            message: format!("the response body exceeds the limit of {max} bytes"),
            source: None,
        };
        if response.content_length().is_some_and(|n| n > max as u64) {
            return Err(too_large());
        }
        let status = response.status();
        let version = response.version();
        let headers = std::mem::take(response.headers_mut());
        let mut first: Option<Bytes> = None;
        let mut buffer = BytesMut::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| map_reqwest_error(e, "reading the response body"))?
        {
            let have = first.as_ref().map_or(0, Bytes::len) + buffer.len();
            if have + chunk.len() > max {
                return Err(too_large());
            }
            match first.take() {
                None if buffer.is_empty() => first = Some(chunk),
                Some(f) => {
                    buffer.extend_from_slice(&f);
                    buffer.extend_from_slice(&chunk);
                }
                None => buffer.extend_from_slice(&chunk),
            }
        }
        let body = first.unwrap_or_else(|| buffer.freeze());
        let mut out = Response::new(body);
        *out.status_mut() = status;
        *out.version_mut() = version;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

/// A reqwest error as an [`Error`], without the URL (a query may hold personal data) and
/// never with a credential (reqwest errors carry none once the URL is stripped).
pub(crate) fn map_reqwest_error(e: reqwest::Error, what: &str) -> Error {
    let e = e.without_url();
    let mut chain = String::new();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_timeout() {
        return Error::Timeout {
            message: format!("{what} timed out"),
        };
    }
    let kind = if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the response body was cut short or unreadable"
    } else {
        "the connection failed"
    };
    Error::Transport {
        message: format!("{what}: {kind}{chain}"),
        source: Some(Box::new(e)),
    }
}
