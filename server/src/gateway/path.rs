//! Request paths as callers write them and backends read them. The path is normalised once,
//! before routing: percent-encoded unreserved characters are decoded (`%7E` is `~`, `%2e`
//! is `.`; RFC 3986 §6.2.2.2) and dot segments removed (§5.2.4), and a path that climbs
//! above the root is refused. What a route captures is decoded once here and encoded once
//! when the backend request is written ([`encode`]): letters, digits and `-._~` as they
//! are, everything else percent-encoded, so `/orders/a%20b` reaches the backend as
//! `…/a%20b`, a greedy `{p+}` value keeps its slashes, and an encoded slash in a
//! one-segment parameter stays encoded.
use std::borrow::Cow;

use percent_encoding::{percent_decode_str, AsciiSet, PercentEncode, NON_ALPHANUMERIC};

use super::snapshot::Captured;
use super::GatewayError;

/// Everything but RFC 3986's unreserved characters.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value percent-encoded for a path segment or a query: unreserved characters as they
/// are, everything else encoded.
pub fn encode(value: &str) -> PercentEncode<'_> {
    percent_encoding::utf8_percent_encode(value, RESERVED)
}

/// The path routed on: `path` with percent-encoded unreserved characters decoded and dot
/// segments removed. Borrowed as it is when it has neither (nearly every path).
pub fn normalize(path: &str) -> Result<Cow<'_, str>, GatewayError> {
    if !path.contains('%') && !path.contains("/.") {
        return Ok(Cow::Borrowed(path));
    }
    let decoded = decode_unreserved(path);
    let mut segments: Vec<&str> = Vec::new();
    let mut parts = decoded.split('/').skip(1).peekable();
    // A path ending in a dot segment keeps its trailing slash (`/a/.` is `/a/`).
    let mut trailing = false;
    while let Some(segment) = parts.next() {
        let last = parts.peek().is_none();
        match segment {
            "." => trailing = last,
            ".." => {
                if segments.pop().is_none() {
                    return Err(GatewayError::PathAboveRoot);
                }
                trailing = last;
            }
            other => {
                segments.push(other);
                trailing = false;
            }
        }
    }
    let mut normalized = String::with_capacity(decoded.len());
    for segment in &segments {
        normalized.push('/');
        normalized.push_str(segment);
    }
    if trailing || normalized.is_empty() {
        normalized.push('/');
    }
    Ok(Cow::Owned(normalized))
}

/// `%XX` sequences that stand for unreserved characters, decoded; every other byte kept.
fn decode_unreserved(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                    out.push(char::from(byte));
                    i += 3;
                    continue;
                }
            }
        }
        // The path is ASCII (hyper refuses other bytes in a request target).
        out.push(char::from(bytes[i]));
        i += 1;
    }
    out
}

/// The captured path parameters, decoded once. A value that is not UTF-8 once decoded, or
/// that would climb the backend's path (a segment `.` or `..`, from `%2F..%2F` say), is
/// refused; a greedy value keeps its slashes.
pub fn decode(captured: Captured) -> Result<Captured, GatewayError> {
    captured
        .into_iter()
        .map(|(name, raw)| {
            if !raw.contains('%') {
                return Ok((name, raw));
            }
            let value = percent_decode_str(&raw)
                .decode_utf8()
                .map_err(|_| {
                    GatewayError::BadParameter(format!(
                        "The path parameter {name} is not valid UTF-8."
                    ))
                })?
                .into_owned();
            if value
                .split('/')
                .any(|segment| segment == "." || segment == "..")
            {
                return Err(GatewayError::BadParameter(format!(
                    "The path parameter {name} may not contain the segment . or .."
                )));
            }
            Ok((name, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal(path: &str) -> Result<String, GatewayError> {
        normalize(path).map(Cow::into_owned)
    }

    #[test]
    fn dot_segments_are_removed_and_unreserved_characters_decoded() {
        for (path, expected) in [
            ("/a/b/c", "/a/b/c"),
            ("/a/./b/../c", "/a/c"),
            ("/a/b/..", "/a/"),
            ("/a/.", "/a/"),
            ("/a/%2e%2E/b", "/b"),
            ("/%7euser/%41", "/~user/A"),
            ("/a%2Fb/%20", "/a%2Fb/%20"),
            ("/a/..", "/"),
            ("/.", "/"),
            ("/a/.b/..c", "/a/.b/..c"),
            ("/a%", "/a%"),
        ] {
            assert_eq!(normal(path).as_deref(), Ok(expected), "{path}");
        }
        assert!(matches!(normalize("/a"), Ok(Cow::Borrowed(_))));
        for above in ["/..", "/a/../..", "/%2e%2e/etc", "/a/%2E%2E/%2e%2e/x"] {
            assert_eq!(normal(above), Err(GatewayError::PathAboveRoot), "{above}");
        }
    }

    #[test]
    fn parameters_are_decoded_once_and_may_not_climb() {
        let captured = |value: &str| vec![("p".to_owned(), value.to_owned())];
        assert_eq!(decode(captured("a%20b")).unwrap()[0].1, "a b");
        assert_eq!(decode(captured("a/b/c.txt")).unwrap()[0].1, "a/b/c.txt");
        assert_eq!(decode(captured("%E4%BD%A0")).unwrap()[0].1, "你");
        assert_eq!(decode(captured("a%2Fb")).unwrap()[0].1, "a/b");
        for climbing in ["a%2F..%2Fetc", "%2E%2E", "x/%2e"] {
            assert!(decode(captured(climbing)).is_err(), "{climbing}");
        }
        assert!(decode(captured("%FF")).is_err());
    }

    #[test]
    fn values_are_encoded_once_and_unreserved_characters_never() {
        let encoded = |value: &str| encode(value).to_string();
        assert_eq!(encoded("a b"), "a%20b");
        assert_eq!(encoded("c.txt-_~"), "c.txt-_~");
        assert_eq!(encoded("a/b?c#d%"), "a%2Fb%3Fc%23d%25");
        assert_eq!(encoded("你"), "%E4%BD%A0");
    }
}
