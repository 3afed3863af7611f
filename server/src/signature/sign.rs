//! Signing a request as Huawei's SDKs sign it, for the calls Portico makes itself (a debug
//! call signed with a credential): `X-Sdk-Date` set to now and every header present
//! signed, in sorted order. The one impure function of this module tree: it reads the clock.
use axum::http::request::Parts;
use axum::http::HeaderValue;
use time::OffsetDateTime;

use super::{canonical_request, format_sdk_date, sign, RequestParts, ALGORITHM, HEADER_DATE};

/// Signs `parts` (with `body`) with `key` and `secret`, adding `X-Sdk-Date` and
/// `Authorization`; a `Host` must already be among the headers.
pub fn sign_parts(parts: &mut Parts, body: &[u8], key: &str, secret: &[u8]) {
    let date = format_sdk_date(OffsetDateTime::now_utc());
    if let Ok(value) = HeaderValue::from_str(&date) {
        parts.headers.insert(HEADER_DATE, value);
    }
    parts.headers.remove(axum::http::header::AUTHORIZATION);
    let mut names: Vec<String> = parts
        .headers
        .keys()
        .map(|n| n.as_str().to_owned())
        .collect();
    names.sort();
    names.dedup();
    let request = RequestParts {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body,
    };
    let Ok(canonical) = canonical_request(&request, &names) else {
        return;
    };
    let authorization = format!(
        "{ALGORITHM} Access={key}, SignedHeaders={}, Signature={}",
        names.join(";"),
        sign(secret, &date, &canonical)
    );
    if let Ok(value) = HeaderValue::from_str(&authorization) {
        parts
            .headers
            .insert(axum::http::header::AUTHORIZATION, value);
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::super::{parse_authorization, verify};
    use super::*;

    #[test]
    fn what_it_signs_verifies() {
        let (mut parts, ()) = Request::post("http://gw/orders/a%20b?b=2&a=1")
            .header("host", "g.apig.localhost")
            .header("x-custom", " v ")
            .body(())
            .unwrap()
            .into_parts();
        sign_parts(&mut parts, b"{}", "key-1", b"secret-1");
        let auth = parse_authorization(parts.headers["authorization"].to_str().unwrap()).unwrap();
        assert_eq!(auth.signed_headers, ["host", "x-custom", "x-sdk-date"]);
        let request = RequestParts {
            method: "POST",
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &parts.headers,
            body: b"{}",
        };
        let now = OffsetDateTime::now_utc();
        assert_eq!(verify(&request, &auth, b"secret-1", now), Ok(()));
        assert!(verify(&request, &auth, b"secret-2", now).is_err());
    }
}
