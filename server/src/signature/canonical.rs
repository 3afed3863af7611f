//! The canonical request, the string to sign and the signature: what a client signs and
//! what the verifier recomputes. Everything here is a pure function of the request.
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use percent_encoding::percent_decode;
use sha2::{Digest, Sha256};

use super::SignatureError;

/// The signing algorithm, the first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The header whose value, when signed, replaces the hash of the body.
pub const HEADER_CONTENT_SHA256: &str = "x-sdk-content-sha256";
/// The `X-Sdk-Content-Sha256` value that leaves the body unsigned.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The parts of an HTTP request that take part in the signature.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The HTTP method (upper-cased when signed).
    pub method: &'a str,
    /// The path exactly as sent, still percent-encoded, without the query.
    pub path: &'a str,
    /// The raw query string (after `?`), if any.
    pub query: Option<&'a str>,
    /// The request headers; `host` is read from the `Host` header (an HTTP/2 caller must
    /// copy `:authority` into `Host` first).
    pub headers: &'a HeaderMap,
    /// The raw body.
    pub body: &'a [u8],
}

/// Percent-encodes every byte except `A–Z a–z 0–9 - _ . ~`, as `%XX` in upper-case hex.
pub fn escape(input: impl AsRef<[u8]>) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let input = input.as_ref();
    let mut out = String::with_capacity(input.len());
    for &byte in input {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// The canonical URI: the path percent-decoded, split on `/`, each segment escaped, joined
/// again and always ending with `/` (an empty path gives `/`).
pub fn canonical_uri(path: &str) -> String {
    // Most paths hold only unreserved characters and slashes: they are their own form.
    if path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/'))
    {
        let mut uri = String::with_capacity(path.len() + 1);
        uri.push_str(path);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        return uri;
    }
    let decoded: Vec<u8> = percent_decode(path.as_bytes()).collect();
    let mut uri = decoded
        .split(|&byte| byte == b'/')
        .map(escape)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query string: pairs decoded as a form (`+` is a space, like Go's
/// `url.ParseQuery` in Huawei's signer), sorted by key then value in byte order, and emitted
/// as `escape(key)=escape(value)` joined with `&`. A key without `=` gives `key=`.
///
/// Empty pairs (`a=1&&b=2`) are skipped; an empty key (`=v`) is kept, as Go keeps it, so
/// nothing in the query escapes the signature. Invalid `%` sequences are kept literally.
pub fn canonical_query_string(query: Option<&str>) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(key), form_decode(value))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(key, value)| format!("{}={}", escape(key), escape(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn form_decode(component: &str) -> Vec<u8> {
    let spaced: Vec<u8> = component
        .bytes()
        .map(|byte| if byte == b'+' { b' ' } else { byte })
        .collect();
    percent_decode(&spaced).collect()
}

/// The canonical headers block: for each signed header, in the order given, one line
/// `name:trimmed value` per value (several values sorted). The block ends with `\n`.
pub fn canonical_headers(
    headers: &HeaderMap,
    signed_headers: &[String],
) -> Result<String, SignatureError> {
    let mut block = String::new();
    write_headers(headers, signed_headers, &mut block)?;
    Ok(block)
}

/// What a canonical request is written into: a `String` to show it, or a hash of it.
trait Sink {
    fn put(&mut self, part: &str);
}

impl Sink for String {
    fn put(&mut self, part: &str) {
        self.push_str(part);
    }
}

impl Sink for Sha256 {
    fn put(&mut self, part: &str) {
        Digest::update(self, part.as_bytes());
    }
}

fn write_headers(
    headers: &HeaderMap,
    signed_headers: &[String],
    out: &mut impl Sink,
) -> Result<(), SignatureError> {
    for name in signed_headers {
        let mut line = |value: &str| {
            out.put(name);
            out.put(":");
            out.put(value.trim());
            out.put("\n");
        };
        let mut all = headers.get_all(name.as_str()).iter();
        match (all.next(), all.next()) {
            (None, _) => return Err(SignatureError::MissingSignedHeader(name.clone())),
            // One value, as nearly every header has: no list to sort.
            (Some(only), None) => line(
                std::str::from_utf8(only.as_bytes())
                    .map_err(|_| SignatureError::InvalidHeaderValue(name.clone()))?,
            ),
            (Some(_), Some(_)) => {
                let mut values = header_values(headers, name)?;
                values.sort_unstable();
                for value in values {
                    line(value);
                }
            }
        }
    }
    Ok(())
}

fn header_values<'h>(headers: &'h HeaderMap, name: &str) -> Result<Vec<&'h str>, SignatureError> {
    headers
        .get_all(name)
        .iter()
        .map(|value| {
            std::str::from_utf8(value.as_bytes())
                .map_err(|_| SignatureError::InvalidHeaderValue(name.to_owned()))
        })
        .collect()
}

/// The value of `X-Sdk-Content-Sha256` if it is one of the signed headers; an unsigned one
/// is ignored, since honouring it would let anyone swap the body.
pub fn declared_payload_hash<'h>(
    headers: &'h HeaderMap,
    signed_headers: &[String],
) -> Result<Option<&'h str>, SignatureError> {
    if !signed_headers
        .iter()
        .any(|name| name == HEADER_CONTENT_SHA256)
    {
        return Ok(None);
    }
    Ok(header_values(headers, HEADER_CONTENT_SHA256)?
        .first()
        .map(|value| value.trim())
        .filter(|value| !value.is_empty()))
}

/// The hash of an empty body, which most signed calls have.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    let data = data.as_ref();
    if data.is_empty() {
        return EMPTY_SHA256.to_owned();
    }
    lower_hex(&Sha256::digest(data))
}

/// Lower-case hex of `bytes`, by table (the `hex` crate's iterator of chars costs several
/// times as much on the signature's hot path).
fn lower_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

/// The canonical request for `req`, signing exactly `signed_headers` (lower-case names).
pub fn canonical_request(
    req: &RequestParts<'_>,
    signed_headers: &[String],
) -> Result<String, SignatureError> {
    let mut out = String::with_capacity(256);
    write_canonical(req, signed_headers, &mut out)?;
    Ok(out)
}

/// The SHA-256 of the canonical request, hashed as it is written (the verifier's path: the
/// text itself is built only to show a mismatch).
pub(super) fn canonical_digest(
    req: &RequestParts<'_>,
    signed_headers: &[String],
) -> Result<[u8; 32], SignatureError> {
    let mut hash = Sha256::new();
    write_canonical(req, signed_headers, &mut hash)?;
    Ok(hash.finalize().into())
}

fn write_canonical(
    req: &RequestParts<'_>,
    signed_headers: &[String],
    out: &mut impl Sink,
) -> Result<(), SignatureError> {
    if req.method.bytes().any(|b| b.is_ascii_lowercase()) {
        out.put(&req.method.to_ascii_uppercase());
    } else {
        out.put(req.method);
    }
    out.put("\n");
    out.put(&canonical_uri(req.path));
    out.put("\n");
    if req.query.is_some_and(|q| !q.is_empty()) {
        out.put(&canonical_query_string(req.query));
    }
    out.put("\n");
    write_headers(req.headers, signed_headers, out)?;
    out.put("\n");
    for (i, name) in signed_headers.iter().enumerate() {
        if i > 0 {
            out.put(";");
        }
        out.put(name);
    }
    out.put("\n");
    match declared_payload_hash(req.headers, signed_headers)? {
        Some(declared) => out.put(declared),
        None if req.body.is_empty() => out.put(EMPTY_SHA256),
        None => out.put(&lower_hex(&Sha256::digest(req.body))),
    }
    Ok(())
}

/// `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>`.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    let hash = sha256_hex(canonical_request);
    let mut out = String::with_capacity(ALGORITHM.len() + sdk_date.len() + hash.len() + 2);
    for part in [ALGORITHM, "\n", sdk_date, "\n", &hash] {
        out.push_str(part);
    }
    out
}

/// An HMAC-SHA256 key with its pads hashed once: a secret that signs many requests is
/// prepared when it is loaded, not per request.
#[derive(Clone)]
pub struct SigningKey(Hmac<Sha256>);

impl SigningKey {
    pub fn new(secret: &[u8]) -> SigningKey {
        SigningKey(Hmac::new_from_slice(secret).expect("HMAC accepts keys of any length"))
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

/// The raw HMAC-SHA256 of the string to sign, from the canonical request's hash, fed to the
/// MAC in pieces (the string to sign is never built).
pub(super) fn signature_bytes(key: &SigningKey, sdk_date: &str, digest: &[u8; 32]) -> [u8; 32] {
    let mut mac = key.0.clone();
    let mut hash = [0u8; 64];
    for (i, byte) in digest.iter().enumerate() {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        hash[2 * i] = HEX[usize::from(byte >> 4)];
        hash[2 * i + 1] = HEX[usize::from(byte & 0x0f)];
    }
    for part in [
        ALGORITHM.as_bytes(),
        b"\n",
        sdk_date.as_bytes(),
        b"\n",
        &hash,
    ] {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The signature (lower-case hex) of a canonical request made at `sdk_date`.
pub fn sign(secret: &[u8], sdk_date: &str, canonical_request: &str) -> String {
    let digest: [u8; 32] = Sha256::digest(canonical_request.as_bytes()).into();
    lower_hex(&signature_bytes(
        &SigningKey::new(secret),
        sdk_date,
        &digest,
    ))
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderName, HeaderValue};

    use super::*;

    pub(crate) fn header_map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn names(list: &str) -> Vec<String> {
        list.split(';').map(str::to_owned).collect()
    }

    fn check(req: RequestParts<'_>, signed: &str, secret: &str, date: &str, expected: [&str; 3]) {
        let canonical = canonical_request(&req, &names(signed)).unwrap();
        assert_eq!(canonical, expected[0]);
        if !expected[1].is_empty() {
            assert_eq!(sha256_hex(&canonical), expected[1]);
        }
        assert_eq!(sign(secret.as_bytes(), date, &canonical), expected[2]);
    }

    #[test]
    fn worked_example_1_official_huawei() {
        let headers = header_map(&[
            ("Content-Type", "application/json"),
            ("Host", "service.region.example.com"),
            ("X-Sdk-Date", "20191115T033655Z"),
        ]);
        let req = RequestParts {
            method: "GET",
            path: "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
            query: Some("limit=2&marker=13551d6b-755d-4757-b956-536f674975c0"),
            headers: &headers,
            body: b"",
        };
        check(req, "content-type;host;x-sdk-date", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
            "20191115T033655Z", [
            "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\nlimit=2&marker=13551d6b-755d-4757-b956-536f674975c0\ncontent-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\ncontent-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
            "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
        ]);
    }

    #[test]
    fn worked_example_2_post_with_body_and_repeated_keys() {
        let headers = header_map(&[
            ("Host", "api.example.com"),
            ("Content-Type", "application/json"),
            ("X-Sdk-Date", "20240101T120000Z"),
            ("X-Custom", "  v1 "),
        ]);
        let req = RequestParts {
            method: "POST",
            path: "/v1/users/a b:c",
            query: Some("b=2&a=1&b=1&q=x%20y"),
            headers: &headers,
            body: br#"{"name":"demo"}"#,
        };
        check(req, "content-type;host;x-custom;x-sdk-date", "my-app-secret-0001",
            "20240101T120000Z", [
            "POST\n/v1/users/a%20b%3Ac/\na=1&b=1&b=2&q=x%20y\ncontent-type:application/json\nhost:api.example.com\nx-custom:v1\nx-sdk-date:20240101T120000Z\n\ncontent-type;host;x-custom;x-sdk-date\nd7d234f759ec34fd6298b7e32318614760070aaef9f4e92ced928324b49a0602",
            "98340ee0ca05bb1444cc92640ac9ee76de0d766efbf3618fd2ef10b031bd9592",
            "ff8a2be58b391c417f8ce5ca6ffe3b0a08d1106abe591ac2668f4bcf387ab2d9",
        ]);
    }

    #[test]
    fn worked_example_3_empty_path() {
        let headers = header_map(&[
            ("Host", "api.example.com"),
            ("X-Sdk-Date", "20240101T120000Z"),
        ]);
        let req = RequestParts {
            method: "get",
            path: "",
            query: None,
            headers: &headers,
            body: b"",
        };
        check(req, "host;x-sdk-date", "my-app-secret-0001", "20240101T120000Z", [
            "GET\n/\n\nhost:api.example.com\nx-sdk-date:20240101T120000Z\n\nhost;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "",
            "f6742dbfc5d9018039a86e5f9ce4d6b577d58ff479fbbf76778e15ad9963e078",
        ]);
    }

    /// Produced by apigateway-sdk-python 1.0.0's signer (`apigateway_sdk_python.signer`,
    /// Python 3): `HttpRequest("POST", "https://api.example.com/v2/orders/item%20one?tag=b&
    /// tag=a&limit=10&tag=c&empty=&x%2By=1", headers, body)`, key `my-app-key-0002`.
    #[test]
    fn vector_from_apigateway_sdk_python() {
        let headers = header_map(&[
            ("Host", "api.example.com"),
            ("Content-Type", "application/json;charset=utf-8"),
            ("X-Sdk-Date", "20240315T083000Z"),
            ("X-Project-Id", " p-123 "),
        ]);
        let req = RequestParts {
            method: "POST",
            path: "/v2/orders/item%20one",
            query: Some("tag=b&tag=a&limit=10&tag=c&empty=&x%2By=1"),
            headers: &headers,
            body: r#"{"order":{"id":42,"items":["a","b"]},"note":"héllo wörld"}"#.as_bytes(),
        };
        check(req, "content-type;host;x-project-id;x-sdk-date", "my-app-secret-0002",
            "20240315T083000Z", [
            "POST\n/v2/orders/item%20one/\nempty=&limit=10&tag=a&tag=b&tag=c&x%2By=1\ncontent-type:application/json;charset=utf-8\nhost:api.example.com\nx-project-id:p-123\nx-sdk-date:20240315T083000Z\n\ncontent-type;host;x-project-id;x-sdk-date\nae8b96a28bda300a094448b8f8a61860a82a11fa85e82631c7ffe73bf61c26b5",
            "697d1a4b3b234c6b5d04b92c01f351f5667ae6d8f5ad1b4f8f6e731a5f27ea44",
            "5f25ae06a3ba2c5cec0083cf9382b6db97270239bb6950d3f5c27fe60a543282",
        ]);
    }

    #[test]
    fn escape_keeps_only_unreserved_bytes() {
        assert_eq!(escape("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(escape("a b"), "a%20b");
        assert_eq!(escape("+/:é"), "%2B%2F%3A%C3%A9");
    }

    #[test]
    fn canonical_uri_escapes_segments_and_ends_with_slash() {
        assert_eq!(canonical_uri("/path/_:test"), "/path/_%3Atest/");
        assert_eq!(canonical_uri("/a%20b/c/"), "/a%20b/c/");
        assert_eq!(canonical_uri("/x%3ay"), "/x%3Ay/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
    }

    #[test]
    fn canonical_query_sorts_keys_then_values() {
        assert_eq!(canonical_query_string(Some("b=2&a=1&b=3")), "a=1&b=2&b=3");
        assert_eq!(
            canonical_query_string(Some("q=a b&r=x+y")),
            "q=a%20b&r=x%20y"
        );
        assert_eq!(
            canonical_query_string(Some("p=1%2B1&flag&&=v")),
            "=v&flag=&p=1%2B1"
        );
        assert_eq!(canonical_query_string(Some("")), "");
        assert_eq!(canonical_query_string(None), "");
    }

    #[test]
    fn repeated_header_values_are_sorted_one_line_each() {
        let headers = header_map(&[("X-Multi", "b"), ("X-Multi", " a ")]);
        let block = canonical_headers(&headers, &names("x-multi")).unwrap();
        assert_eq!(block, "x-multi:a\nx-multi:b\n");
    }

    #[test]
    fn signed_content_sha256_replaces_the_body_hash() {
        let headers = header_map(&[("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")]);
        let req = RequestParts {
            method: "PUT",
            path: "/",
            query: None,
            headers: &headers,
            body: b"x",
        };
        let signed = canonical_request(&req, &names("x-sdk-content-sha256")).unwrap();
        assert!(signed.ends_with("\nx-sdk-content-sha256\nUNSIGNED-PAYLOAD"));
        let headers = header_map(&[("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"), ("Host", "h")]);
        let req = RequestParts {
            headers: &headers,
            ..req
        };
        let unsigned = canonical_request(&req, &names("host")).unwrap();
        assert!(unsigned.ends_with(&sha256_hex("x")));
    }

    #[test]
    fn missing_signed_header_is_an_error() {
        let headers = header_map(&[("Host", "h")]);
        assert_eq!(
            canonical_headers(&headers, &names("host;x-sdk-date")),
            Err(SignatureError::MissingSignedHeader("x-sdk-date".into()))
        );
    }
}
