//! Finding where a place in a policy document is written in its JSON text, so errors found
//! after parsing can still point a JSON editor at the right line and column.
//!
//! Rules: paths are written as in error messages (`Statement[0].Action[2]`, `Version`,
//! and `` for the whole document); the text has already been parsed, so it is valid JSON.

/// Where a value starts in the text (byte offsets), and where its key starts if it is an
/// object member.
struct Place {
    path: String,
    key: Option<usize>,
    value: usize,
}

/// The 1-based line and column (in characters) where the value at `path` starts, or with
/// `key` where the key naming it starts. Duplicate keys resolve to the last one, as they do
/// when serde_json reads them.
pub fn position(text: &str, path: &str, key: bool) -> Option<(usize, usize)> {
    let mut places = Vec::new();
    walk(text, 0, String::new(), None, &mut places);
    let place = places.iter().rev().find(|place| place.path == path)?;
    let offset = if key { place.key? } else { place.value };
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before.get(line_start..)?.chars().count() + 1;
    Some((before.matches('\n').count() + 1, column))
}

/// The path of field `key` of the object at `path`.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Records the place of the value starting at `at` (after blanks) in the valid JSON `text`
/// and of everything inside it; returns the offset just after the value.
fn walk(
    text: &str,
    at: usize,
    path: String,
    key: Option<usize>,
    out: &mut Vec<Place>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let at = skip_blanks(bytes, at);
    out.push(Place {
        path: path.clone(),
        key,
        value: at,
    });
    let close = match bytes.get(at)? {
        b'"' => return skip_string(bytes, at),
        b'{' => b'}',
        b'[' => b']',
        _ => {
            // A number, true, false or null: runs to the next delimiter.
            let end = (at..bytes.len())
                .find(|&i| matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(bytes.len());
            return (end > at).then_some(end);
        }
    };
    let mut next = skip_blanks(bytes, at + 1);
    let mut index = 0;
    while *bytes.get(next)? != close {
        next = if close == b'}' {
            let key_end = skip_string(bytes, next)?;
            let name: String = serde_json::from_str(text.get(next..key_end)?).ok()?;
            let colon = skip_blanks(bytes, key_end);
            (bytes.get(colon)? == &b':').then_some(())?;
            walk(text, colon + 1, join(&path, &name), Some(next), out)?
        } else {
            walk(text, next, format!("{path}[{index}]"), None, out)?
        };
        index += 1;
        next = skip_blanks(bytes, next);
        if bytes.get(next) == Some(&b',') {
            next = skip_blanks(bytes, next + 1);
        }
    }
    Some(next + 1)
}

fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// From the opening quote of a string to just after its closing quote.
fn skip_string(bytes: &[u8], mut at: usize) -> Option<usize> {
    at += 1;
    loop {
        match bytes.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_keys_are_found_by_path() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\\\"y\"}],\n  \"é\": true, \"c\": null\n}";
        assert_eq!(position(text, "", false), Some((1, 1)));
        assert_eq!(position(text, "a", true), Some((2, 3)));
        assert_eq!(position(text, "a", false), Some((2, 8)));
        assert_eq!(position(text, "a[0]", false), Some((2, 9)));
        assert_eq!(position(text, "a[1].b", false), Some((2, 18)));
        assert_eq!(position(text, "c", true), Some((3, 14)));
        assert_eq!(position(text, "c", false), Some((3, 19)));
        assert_eq!(position(text, "a[2]", false), None);
        assert_eq!(position(text, "a[0]", true), None);
    }

    #[test]
    fn the_last_duplicate_key_wins() {
        assert_eq!(position(r#"{"k":1,"k":2}"#, "k", false), Some((1, 12)));
    }

    #[test]
    fn paths_are_joined_like_error_paths() {
        assert_eq!(join("", "Version"), "Version");
        assert_eq!(join("Statement[0]", "Effect"), "Statement[0].Effect");
    }
}
