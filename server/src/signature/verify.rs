//! Parsing the `Authorization` header and `X-Sdk-Date`, and verifying a signed request.
use std::time::Duration;

use axum::http::HeaderMap;
use subtle::ConstantTimeEq;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::canonical::{
    canonical_digest, canonical_request, declared_payload_hash, sha256_hex, signature_bytes,
    RequestParts, SigningKey, ALGORITHM, UNSIGNED_PAYLOAD,
};
use super::SignatureError;

/// The header carrying the signing time.
pub const HEADER_DATE: &str = "x-sdk-date";
/// How far `X-Sdk-Date` may be from the server time, either way.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// A parsed `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key (AppKey or AK).
    pub access_key: String,
    /// The signed header names, lower-cased, in the order given.
    pub signed_headers: Vec<String>,
    /// The signature as sent: 64 hex digits.
    pub signature: String,
}

/// Parses an `Authorization` header value, tolerating extra spaces around the fields.
pub fn parse_authorization(value: &str) -> Result<Authorization, SignatureError> {
    let malformed = |why: &str| SignatureError::MalformedAuthorization(why.to_owned());
    let value = value.trim();
    if value.is_empty() {
        return Err(SignatureError::MissingAuthorization);
    }
    let (algorithm, fields) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .ok_or_else(|| malformed("fields not found"))?;
    if algorithm != ALGORITHM {
        return Err(SignatureError::MalformedAuthorization(format!(
            "unsupported algorithm {algorithm}"
        )));
    }
    let (mut access, mut signed, mut signature) = (None, None, None);
    for field in fields.split(',') {
        let (name, field_value) = field
            .split_once('=')
            .ok_or_else(|| malformed("field without '='"))?;
        let slot = match name.trim() {
            "Access" => &mut access,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            other => {
                return Err(SignatureError::MalformedAuthorization(format!(
                    "unknown field {other}"
                )))
            }
        };
        if slot.replace(field_value.trim()).is_some() {
            return Err(malformed("repeated field"));
        }
    }
    let access_key = access
        .filter(|key| !key.is_empty())
        .ok_or_else(|| malformed("Access not found"))?;
    let signed_headers: Vec<String> = signed
        .ok_or_else(|| malformed("SignedHeaders not found"))?
        .split(';')
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    if signed_headers.iter().any(String::is_empty) {
        return Err(malformed("empty name in SignedHeaders"));
    }
    let signature = signature.ok_or_else(|| malformed("Signature not found"))?;
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("Signature must be 64 hex digits"));
    }
    Ok(Authorization {
        access_key: access_key.to_owned(),
        signed_headers,
        signature: signature.to_owned(),
    })
}

/// Parses `YYYYMMDDTHHMMSSZ` (UTC); `None` if it is not exactly that.
pub fn parse_sdk_date(value: &str) -> Option<OffsetDateTime> {
    let bytes = value.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = &value[range];
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(number(4..6)?).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(number(6..8)?).ok()?).ok()?;
    let time = Time::from_hms(
        u8::try_from(number(9..11)?).ok()?,
        u8::try_from(number(11..13)?).ok()?,
        u8::try_from(number(13..15)?).ok()?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// Formats a time as `YYYYMMDDTHHMMSSZ` in UTC.
pub fn format_sdk_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Verifies a signed request against the access key's `secret` at server time `now`.
///
/// Checks, in order: `X-Sdk-Date` present, well-formed and within [`MAX_CLOCK_SKEW`]; the
/// canonical request built from exactly `auth.signed_headers`; the signature (constant
/// time); and, when a signed `X-Sdk-Content-Sha256` carries a hash, that the body has it.
pub fn verify(
    req: &RequestParts<'_>,
    auth: &Authorization,
    secret: &[u8],
    now: OffsetDateTime,
) -> Result<(), SignatureError> {
    let date = check_date(req.headers, now)?;
    verify_dated(req, auth, &SigningKey::new(secret), date)
}

/// [`verify`] of a request whose `X-Sdk-Date` [`check_date`] accepted (`date`), with a key
/// prepared beforehand (the gateway prepares each secret once, when it is loaded).
pub fn verify_dated(
    req: &RequestParts<'_>,
    auth: &Authorization,
    key: &SigningKey,
    date: &str,
) -> Result<(), SignatureError> {
    let digest = canonical_digest(req, &auth.signed_headers)?;
    let expected = signature_bytes(key, date, &digest);
    // `parse_authorization` checked that the signature is 64 hex digits.
    let given = from_hex(auth.signature.as_bytes());
    let signature_ok = bool::from(expected.ct_eq(&given));
    let body_ok = match declared_payload_hash(req.headers, &auth.signed_headers)? {
        Some(declared) if declared != UNSIGNED_PAYLOAD => {
            declared.eq_ignore_ascii_case(&sha256_hex(req.body))
        }
        _ => true,
    };
    if signature_ok && body_ok {
        Ok(())
    } else {
        Err(SignatureError::Mismatch {
            canonical_request: canonical_request(req, &auth.signed_headers)?,
        })
    }
}

/// The 32 bytes of 64 hex digits (a digit that is not one reads as 0).
fn from_hex(digits: &[u8]) -> [u8; 32] {
    let value = |digit: u8| match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    };
    let mut bytes = [0u8; 32];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = value(pair[0]) << 4 | value(pair[1]);
    }
    bytes
}

/// The request's `X-Sdk-Date`, if present, well-formed and within [`MAX_CLOCK_SKEW`] of
/// `now`: what can be checked of a signed request before its body is read.
pub fn check_date(headers: &HeaderMap, now: OffsetDateTime) -> Result<&str, SignatureError> {
    let date = headers
        .get(HEADER_DATE)
        .ok_or(SignatureError::MissingDate)?;
    let date = date
        .to_str()
        .map_err(|_| {
            SignatureError::MalformedDate(String::from_utf8_lossy(date.as_bytes()).into())
        })?
        .trim();
    let signed_at =
        parse_sdk_date(date).ok_or_else(|| SignatureError::MalformedDate(date.to_owned()))?;
    if (now - signed_at).unsigned_abs() > MAX_CLOCK_SKEW {
        return Err(SignatureError::Expired {
            signature_time: date.to_owned(),
            server_time: format_sdk_date(now),
        });
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderName, HeaderValue};
    use time::macros::datetime;

    use super::super::canonical::sign;
    use super::*;

    const SECRET: &[u8] = b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
    const EXAMPLE_1_AUTH: &str = "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe";
    const PATH: &str = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs";
    const QUERY: &str = "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0";
    const SIGNED_AT: OffsetDateTime = datetime!(2019-11-15 03:36:55 UTC);

    fn example_1_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert(
            "host",
            HeaderValue::from_static("service.region.example.com"),
        );
        headers.insert("x-sdk-date", HeaderValue::from_static("20191115T033655Z"));
        headers
    }

    fn check(
        headers: &HeaderMap,
        path: &str,
        body: &[u8],
        auth: &str,
    ) -> Result<(), SignatureError> {
        let req = RequestParts {
            method: "GET",
            path,
            query: Some(QUERY),
            headers,
            body,
        };
        verify(&req, &parse_authorization(auth).unwrap(), SECRET, SIGNED_AT)
    }

    fn is_mismatch(result: Result<(), SignatureError>) -> bool {
        matches!(result, Err(SignatureError::Mismatch { .. }))
    }

    #[test]
    fn parses_the_authorization_header() {
        let auth = parse_authorization(EXAMPLE_1_AUTH).unwrap();
        assert_eq!(auth.access_key, "QTWAOYTTINDUT2QVKYUC");
        assert_eq!(auth.signed_headers, ["content-type", "host", "x-sdk-date"]);
        let spaced =
            "  SDK-HMAC-SHA256   Access = k ,SignedHeaders= Host ; x-sdk-date ,  Signature=\
                      7BE6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe ";
        let auth = parse_authorization(spaced).unwrap();
        assert_eq!(auth.access_key, "k");
        assert_eq!(auth.signed_headers, ["host", "x-sdk-date"]);
    }

    #[test]
    fn rejects_malformed_authorization_headers() {
        assert_eq!(
            parse_authorization("  "),
            Err(SignatureError::MissingAuthorization)
        );
        let sig = "Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe";
        for bad in [
            "SDK-HMAC-SHA256".to_owned(),
            format!("SDK-HMAC-SM3 Access=k, SignedHeaders=host, {sig}"),
            format!("Basic Access=k, SignedHeaders=host, {sig}"),
            format!("SDK-HMAC-SHA256 SignedHeaders=host, {sig}"),
            format!("SDK-HMAC-SHA256 Access=, SignedHeaders=host, {sig}"),
            format!("SDK-HMAC-SHA256 Access=k, {sig}"),
            format!("SDK-HMAC-SHA256 Access=k, SignedHeaders=host;;x, {sig}"),
            "SDK-HMAC-SHA256 Access=k, SignedHeaders=host".to_owned(),
            "SDK-HMAC-SHA256 Access=k, SignedHeaders=host, Signature=abc".to_owned(),
            format!("SDK-HMAC-SHA256 Access=k, SignedHeaders=host, {sig}, Extra=1"),
            format!("SDK-HMAC-SHA256 Access=k, Access=j, SignedHeaders=host, {sig}"),
            format!("SDK-HMAC-SHA256 Access=k SignedHeaders=host, {sig}"),
        ] {
            assert!(
                matches!(
                    parse_authorization(&bad),
                    Err(SignatureError::MalformedAuthorization(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn sdk_dates_round_trip_and_reject_other_formats() {
        assert_eq!(parse_sdk_date("20191115T033655Z"), Some(SIGNED_AT));
        assert_eq!(format_sdk_date(SIGNED_AT), "20191115T033655Z");
        for bad in [
            "20191115T033655",
            "2019-11-15T03:36:55Z",
            "20191315T033655Z",
            "+0191115T033655Z",
        ] {
            assert_eq!(parse_sdk_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn accepts_example_1_within_fifteen_minutes() {
        let headers = example_1_headers();
        let req = RequestParts {
            method: "GET",
            path: PATH,
            query: Some(QUERY),
            headers: &headers,
            body: b"",
        };
        let auth = parse_authorization(EXAMPLE_1_AUTH).unwrap();
        for offset in [-15, -1, 0, 14, 15] {
            let now = SIGNED_AT + time::Duration::minutes(offset);
            assert_eq!(verify(&req, &auth, SECRET, now), Ok(()), "{offset} minutes");
        }
        let late = SIGNED_AT + time::Duration::minutes(16);
        assert_eq!(
            verify(&req, &auth, SECRET, late),
            Err(SignatureError::Expired {
                signature_time: "20191115T033655Z".into(),
                server_time: "20191115T035255Z".into(),
            })
        );
        assert_eq!(
            verify(&req, &auth, SECRET, late).unwrap_err().to_string(),
            "signature expired, signature time:20191115T033655Z,server time:20191115T035255Z"
        );
    }

    #[test]
    fn any_one_character_change_is_a_mismatch() {
        let headers = example_1_headers();
        assert_eq!(check(&headers, PATH, b"", EXAMPLE_1_AUTH), Ok(()));
        let tampered_sig = EXAMPLE_1_AUTH.replace("6ebe", "6ebf");
        assert!(is_mismatch(check(&headers, PATH, b"", &tampered_sig)));
        assert!(is_mismatch(check(&headers, PATH, b"x", EXAMPLE_1_AUTH)));
        assert!(is_mismatch(check(
            &headers,
            "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcS",
            b"",
            EXAMPLE_1_AUTH
        )));
        let mut tampered = example_1_headers();
        tampered.insert("content-type", HeaderValue::from_static("application/jsoN"));
        assert!(is_mismatch(check(&tampered, PATH, b"", EXAMPLE_1_AUTH)));
        // An unsigned header may change freely.
        tampered = example_1_headers();
        tampered.insert("x-extra", HeaderValue::from_static("anything"));
        assert_eq!(check(&tampered, PATH, b"", EXAMPLE_1_AUTH), Ok(()));
    }

    #[test]
    fn mismatch_message_shows_the_canonical_request_like_apig() {
        let headers = example_1_headers();
        let err = check(&headers, PATH, b"x", EXAMPLE_1_AUTH)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("verify signature fail, canonicalRequest:GET|/v1/"),
            "{err}"
        );
    }

    #[test]
    fn missing_date_or_signed_header_is_refused() {
        let mut headers = example_1_headers();
        headers.remove("content-type");
        assert_eq!(
            check(&headers, PATH, b"", EXAMPLE_1_AUTH),
            Err(SignatureError::MissingSignedHeader("content-type".into()))
        );
        headers = example_1_headers();
        headers.remove("x-sdk-date");
        assert_eq!(
            check(&headers, PATH, b"", EXAMPLE_1_AUTH),
            Err(SignatureError::MissingDate)
        );
        headers.insert("x-sdk-date", HeaderValue::from_static("2019-11-15"));
        assert_eq!(
            check(&headers, PATH, b"", EXAMPLE_1_AUTH),
            Err(SignatureError::MalformedDate("2019-11-15".into()))
        );
    }

    /// `PUT /obj` with `headers` and `body`.
    fn put_obj<'a>(headers: &'a HeaderMap, body: &'a [u8]) -> RequestParts<'a> {
        RequestParts {
            method: "PUT",
            path: "/obj",
            query: None,
            headers,
            body,
        }
    }

    /// Signs like the SDKs: every header present, sorted.
    fn signed(headers: &HeaderMap, body: &[u8]) -> String {
        let mut names: Vec<String> = headers
            .keys()
            .map(|name| name.as_str().to_owned())
            .collect();
        names.sort();
        let canonical = canonical_request(&put_obj(headers, body), &names).unwrap();
        let signature = sign(SECRET, "20191115T033655Z", &canonical);
        format!(
            "SDK-HMAC-SHA256 Access=ak, SignedHeaders={}, Signature={signature}",
            names.join(";")
        )
    }

    #[test]
    fn unsigned_payload_and_declared_body_hash() {
        let put = |headers: &HeaderMap, body: &[u8], auth: &str| {
            let auth = parse_authorization(auth).unwrap();
            verify(&put_obj(headers, body), &auth, SECRET, SIGNED_AT)
        };
        let mut headers = example_1_headers();
        headers.insert(
            HeaderName::from_static("x-sdk-content-sha256"),
            HeaderValue::from_static("UNSIGNED-PAYLOAD"),
        );
        let auth = signed(&headers, b"original");
        assert_eq!(put(&headers, b"original", &auth), Ok(()));
        assert_eq!(put(&headers, b"any other body", &auth), Ok(()));

        // A declared hash must be the body's hash, or the body could be swapped.
        let hash = sha256_hex("original");
        headers.insert(
            "x-sdk-content-sha256",
            HeaderValue::from_str(&hash).unwrap(),
        );
        let auth = signed(&headers, b"original");
        assert_eq!(put(&headers, b"original", &auth), Ok(()));
        assert!(is_mismatch(put(&headers, b"swapped", &auth)));
    }
}
