//! When to retry a request, and after how long.
//!
//! Only two answers are retried: `429 Too Many Requests` (RFC 6585 §4) and
//! `503 Service Unavailable` (RFC 9110 §15.6.4), both of which say the request was not
//! processed. The wait honours `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3)
//! and otherwise grows exponentially, capped, with jitter so that many clients do not
//! retry in step. Which *requests* may be retried is the caller's decision
//! ([`is_idempotent`]): a `POST` that may have reached the server is never sent twice.

use std::time::{Duration, SystemTime};

use http::header::RETRY_AFTER;
use http::{HeaderMap, Method};

/// How a client retries `429` and `503` answers.
///
/// The default makes at most 3 retries, waiting 0.5 s, 1 s, 2 s (each scaled by a
/// random factor in \[0.5, 1\]) unless the server says otherwise, never more than 30 s
/// between attempts; a `Retry-After` longer than `max_retry_after` (60 s) is not
/// waited for: the error is returned at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times a request is retried after its first attempt (0: never).
    pub max_retries: u32,
    /// The wait before the first retry when the server gives no `Retry-After`.
    pub initial_backoff: Duration,
    /// The cap of the exponential backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client is willing to wait.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (0-based) when the server did not say:
    /// `initial_backoff * 2^retry`, capped by `max_backoff`, times `jitter`, a random
    /// number the caller draws from \[0, 1\] (mapped to a factor in \[0.5, 1\]).
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .min(self.max_backoff);
        exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }

    /// Whether to retry after `retries_done` retries, and how long to wait first:
    /// `None` when the budget is spent or the server asks for a longer wait than
    /// `max_retry_after`. A `Retry-After` is honoured as given (it is the server's
    /// explicit schedule); without one, [`RetryPolicy::backoff`] applies.
    pub fn delay(
        &self,
        retries_done: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        if retries_done >= self.max_retries {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retries_done, jitter)),
        }
    }
}

/// True for the statuses that say "not processed, try again later": 429 and 503.
pub fn is_retryable_status(status: u16) -> bool {
    status == 429 || status == 503
}

/// True when sending `method` twice has the effect of sending it once (RFC 9110
/// §9.2.2): GET, HEAD, PUT, DELETE, OPTIONS. A PATCH is idempotent here only when
/// it is conditional (`If-Match`): a second attempt then fails with 412 instead of
/// applying the operations twice. POST is never idempotent.
pub fn is_idempotent(method: &Method, has_if_match: bool) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    ) || (*method == Method::PATCH && has_if_match)
}

/// The wait a `Retry-After` header asks for, relative to `now`: delay-seconds or an
/// HTTP date (RFC 9110 §10.2.3). A date in the past is a zero wait; a malformed value
/// is ignored.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h, now), None);
        h.insert(RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(120)));
        // RFC 9110 §10.2.3: "Retry-After: Fri, 31 Dec 1999 23:59:59 GMT"
        h.insert(
            RETRY_AFTER,
            "Sun, 06 Nov 1994 08:49:47 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(10)));
        h.insert(
            RETRY_AFTER,
            "Sun, 06 Nov 1994 08:49:27 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn backoff_is_exponential_capped_and_jittered() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(0, 1.0), Duration::from_millis(500));
        assert_eq!(p.backoff(2, 1.0), Duration::from_secs(2));
        assert_eq!(p.backoff(2, 0.0), Duration::from_secs(1));
        assert_eq!(p.backoff(40, 1.0), Duration::from_secs(30));
        assert_eq!(p.delay(3, None, 1.0), None);
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(7)), 0.3),
            Some(Duration::from_secs(7))
        );
        assert_eq!(p.delay(0, Some(Duration::from_secs(3600)), 0.3), None);
        assert_eq!(RetryPolicy::never().delay(0, None, 0.5), None);
    }

    #[test]
    fn only_idempotent_requests_are_replayed() {
        assert!(is_idempotent(&Method::GET, false));
        assert!(is_idempotent(&Method::DELETE, false));
        assert!(!is_idempotent(&Method::POST, false));
        assert!(!is_idempotent(&Method::POST, true));
        assert!(!is_idempotent(&Method::PATCH, false));
        assert!(is_idempotent(&Method::PATCH, true));
        assert!(is_retryable_status(429) && is_retryable_status(503));
        assert!(!is_retryable_status(500) && !is_retryable_status(502));
    }
}
