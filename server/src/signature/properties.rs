//! Property tests of the signature canonicaliser: any request signed as Huawei's SDKs sign
//! it (escaped path segments and query, signed headers, the body's hash) verifies, and a
//! change of one byte anywhere it covers does not. The official Python signer is driven
//! against the server in `compat/`; here the cases are many and random. `PROPTEST_CASES`
//! sets how many (`scripts/properties` runs the long mode).
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use time::macros::datetime;
use time::OffsetDateTime;

use super::canonical::{canonical_request, escape, sign};
use super::{parse_authorization, verify, RequestParts};

const SIGNED_AT: OffsetDateTime = datetime!(2026-12-02 02:30:00 UTC);
const SECRET: &[u8] = b"proptest-secret-key-of-forty-characters!";

#[derive(Debug, Clone)]
struct Signed {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn text() -> impl Strategy<Value = String> {
    // Letters, reserved characters, spaces, percent signs and a few non-ASCII ones.
    proptest::string::string_regex("[a-zA-Z0-9 ._~!$&'()*+,;=:@/?#%\\-ü你]{0,12}").unwrap()
}

fn request() -> impl Strategy<Value = Signed> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH"]),
        prop::collection::vec(text(), 0..4),
        prop::collection::vec((text(), text()), 0..4),
        prop::collection::vec("[ -~]{0,16}", 0..3),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(method, segments, query, values, body)| {
            // As a client writes them: each segment and each query key and value escaped.
            let path = format!(
                "/{}",
                segments.iter().map(escape).collect::<Vec<_>>().join("/")
            );
            let query = (!query.is_empty()).then(|| {
                query
                    .iter()
                    .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
                    .collect::<Vec<_>>()
                    .join("&")
            });
            let headers = values
                .into_iter()
                .enumerate()
                .map(|(n, v)| (format!("x-custom-{n}"), v.trim().to_owned()))
                .collect();
            Signed {
                method: method.to_owned(),
                path,
                query,
                headers,
                body,
            }
        })
}

fn header_map(signed: &Signed) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("api.example.com"));
    headers.insert("x-sdk-date", HeaderValue::from_static("20261202T023000Z"));
    for (name, value) in &signed.headers {
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    headers
}

/// Runs `with` on the request as the signer and the verifier see it.
fn with_parts<T>(signed: &Signed, with: impl FnOnce(&RequestParts<'_>) -> T) -> T {
    let headers = header_map(signed);
    with(&RequestParts {
        method: &signed.method,
        path: &signed.path,
        query: signed.query.as_deref(),
        headers: &headers,
        body: &signed.body,
    })
}

/// The request's `Authorization` value, signed over every header it carries.
fn authorization(signed: &Signed) -> String {
    with_parts(signed, |parts| {
        let mut names: Vec<String> = parts
            .headers
            .keys()
            .map(|k| k.as_str().to_owned())
            .collect();
        names.sort();
        let canonical = canonical_request(parts, &names).unwrap();
        let signature = sign(SECRET, "20261202T023000Z", &canonical);
        format!(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders={}, Signature={signature}",
            names.join(";")
        )
    })
}

fn verifies(signed: &Signed, authorization: &str) -> bool {
    let Ok(auth) = parse_authorization(authorization) else {
        return false;
    };
    with_parts(signed, |parts| {
        verify(parts, &auth, SECRET, SIGNED_AT).is_ok()
    })
}

/// `text` with its byte at `at` replaced by another printable ASCII byte, if that keeps
/// it UTF-8.
fn changed(text: &str, at: usize) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let at = at % bytes.len().max(1);
    let byte = *bytes.get(at)?;
    bytes[at] = if byte == b'a' { b'b' } else { b'a' };
    String::from_utf8(bytes).ok()
}

/// Whether two escaped texts stand for the same bytes (`%a0` is `%A0`): such a change is no
/// change of the request.
fn same_bytes(a: &str, b: &str) -> bool {
    let bytes = |text: &str| percent_encoding::percent_decode_str(text).collect::<Vec<u8>>();
    bytes(a) == bytes(b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn what_is_signed_verifies(signed in request()) {
        let authorization = authorization(&signed);
        prop_assert!(verifies(&signed, &authorization), "{signed:?}");
    }

    #[test]
    fn one_changed_byte_fails(signed in request(), at in any::<usize>(), part in 0..5u8) {
        let authorization = authorization(&signed);
        let mut tampered = signed.clone();
        let mut signature = authorization.clone();
        match part {
            0 => {
                let Some(path) = changed(&signed.path, at) else { return Ok(()) };
                if same_bytes(&path, &signed.path) {
                    return Ok(());
                }
                tampered.path = path;
            }
            1 => {
                let Some(original) = signed.query.as_deref() else { return Ok(()) };
                let Some(query) = changed(original, at) else { return Ok(()) };
                if same_bytes(&query, original) {
                    return Ok(());
                }
                tampered.query = Some(query);
            }
            2 => {
                if tampered.body.is_empty() { tampered.body.push(0) } else {
                    let at = at % tampered.body.len();
                    tampered.body[at] ^= 0x01;
                }
            }
            3 => {
                let Some((_, value)) = tampered.headers.first_mut() else { return Ok(()) };
                value.push('x');
            }
            _ => {
                let hex_at = signature.len() - 1 - at % 64;
                let byte = signature.as_bytes()[hex_at];
                let flipped = if byte == b'0' { '1' } else { '0' };
                signature.replace_range(hex_at..=hex_at, &flipped.to_string());
            }
        }
        prop_assert!(!verifies(&tampered, &signature), "{tampered:?} still verifies");
    }
}
