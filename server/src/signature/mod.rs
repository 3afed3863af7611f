//! SDK-HMAC-SHA256 request signatures, as Huawei's APIG SDKs sign them: one verifier for
//! both the management API (AK/SK-signed calls) and the gateway (App authentication).
//!
//! Rules of this module tree: pure functions of the request, the secret and the time passed
//! in; no I/O, no clock reads (but `sign_parts`, which signs at the current time), no
//! database, no axum extractors.
//!
//! The algorithm (spec §2.1):
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//!                    SignedHeaders \n hex(SHA256(body))
//! StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(SHA256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(key = secret, StringToSign))
//! ```
//!
//! * The URI is percent-decoded, split on `/`, each segment [`escape`]d, and always ends in
//!   `/`. The query is decoded as a form (`+` is a space), sorted by key then value, and
//!   escaped (a space is `%20`).
//! * Exactly the headers named in `SignedHeaders` are signed, in that order; `host` comes
//!   from the `Host` header. A header with several values gives one sorted line per value.
//! * A signed `X-Sdk-Content-Sha256` replaces the body hash; unless it is
//!   `UNSIGNED-PAYLOAD`, the body must hash to it.
//! * `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC) must be within 15 minutes of the server time.
//! * Signatures are compared in constant time; [`FailureLimiter`] refuses an access key
//!   for 5 minutes after 5 failures in a row.
//!
//! Callers look the access key up, then call [`FailureLimiter::guard`] around [`verify`],
//! and render a [`SignatureError`] after APIG's prefix ("Incorrect app authentication
//! information: " for apps).
mod canonical;
mod lockout;
#[cfg(test)]
mod properties;
mod sign;
mod verify;

pub use canonical::{
    canonical_headers, canonical_query_string, canonical_request, canonical_uri,
    declared_payload_hash, escape, sha256_hex, sign, string_to_sign, RequestParts, SigningKey,
    ALGORITHM, HEADER_CONTENT_SHA256, UNSIGNED_PAYLOAD,
};
pub use lockout::FailureLimiter;
pub use sign::sign_parts;
pub use verify::{
    check_date, format_sdk_date, parse_authorization, parse_sdk_date, verify, verify_dated,
    Authorization, HEADER_DATE, MAX_CLOCK_SKEW,
};

/// Why a signed request was refused. `Display` gives the text that follows APIG's
/// "Incorrect app authentication information: " (or the IAM equivalent).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The request has no `Authorization` header (or it is empty).
    #[error("authorization header not found")]
    MissingAuthorization,
    /// The `Authorization` header is not `SDK-HMAC-SHA256 Access=…, SignedHeaders=…,
    /// Signature=…`; the text says what is wrong.
    #[error("authorization format incorrect, {0}")]
    MalformedAuthorization(String),
    /// The request has no `X-Sdk-Date` header.
    #[error("header X-Sdk-Date not found")]
    MissingDate,
    /// `X-Sdk-Date` is not `YYYYMMDDTHHMMSSZ`; carries the value sent.
    #[error("invalid X-Sdk-Date {0}, the format must be YYYYMMDDTHHMMSSZ")]
    MalformedDate(String),
    /// `X-Sdk-Date` is more than 15 minutes away from the server time.
    #[error("signature expired, signature time:{signature_time},server time:{server_time}")]
    Expired {
        /// `X-Sdk-Date` as sent.
        signature_time: String,
        /// The server time in the same format.
        server_time: String,
    },
    /// A header listed in `SignedHeaders` is not in the request.
    #[error("signed header {0} not found")]
    MissingSignedHeader(String),
    /// A signed header's value is not UTF-8.
    #[error("signed header {0} is not valid UTF-8")]
    InvalidHeaderValue(String),
    /// The signature does not match (or the body does not match its signed hash). Carries
    /// the canonical request the server computed, which APIG shows with `|` for newlines.
    #[error("verify signature fail, canonicalRequest:{}", .canonical_request.replace('\n', "|"))]
    Mismatch {
        /// The canonical request recomputed by the server.
        canonical_request: String,
    },
    /// The access key failed too often and is refused for a while.
    #[error("AK access failed to reach the limit,forbidden")]
    Locked {
        /// Seconds until the key is accepted again (at least 1).
        retry_after_secs: u64,
    },
}
