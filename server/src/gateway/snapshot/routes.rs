//! One group's routes in one environment: APIG's precedence (exact paths, then paths with
//! parameters, then prefix matches; a specific method before ANY), looked up per call.
use std::cmp::Reverse;
use std::sync::Arc;

use foldhash::HashMap;

use super::api::LiveApi;

/// The APIs of one group in one environment, in APIG's precedence: exact paths, then paths
/// with parameters (more literal segments first, then more segments), then prefix matches
/// (more segments first, then more literal segments); routes still level are ordered from
/// the left, a literal segment before `{param}` before `{param+}`, and last by API id, so
/// the same routes answer alike however they were published. In each, a specific method
/// before ANY.
#[derive(Debug, Default)]
pub struct RouteTable {
    exact: HashMap<String, Vec<Arc<LiveApi>>>,
    patterned: Vec<Arc<LiveApi>>,
    /// Positions in `patterned` (ascending) by the route's first segment when it is a
    /// literal, and of the routes that start with a parameter: a request only tries the
    /// routes its first segment can match, so thousands of routes cost no more than a few.
    patterned_by_first: HashMap<String, Vec<usize>>,
    patterned_open: Vec<usize>,
    prefixed: Vec<Arc<LiveApi>>,
}

/// Path parameters a route captured: (name, value).
pub type Captured = Vec<(String, String)>;
/// The API a request matched, with what its path captured.
pub type Matched = (Arc<LiveApi>, Captured);

/// A path segment of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Segment {
    Literal(String),
    /// `{name}`: one segment.
    Param(String),
    /// `{name+}`: the rest of the path.
    Rest(String),
}

/// A route's path as segments.
pub(super) fn segments(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => match name.strip_suffix('+') {
                    Some(rest) => Segment::Rest(rest.to_owned()),
                    None => Segment::Param(name.to_owned()),
                },
                None => Segment::Literal(s.to_owned()),
            },
        )
        .collect()
}

impl RouteTable {
    pub(super) fn add(&mut self, api: Arc<LiveApi>) {
        let literal = api
            .segments
            .iter()
            .all(|s| matches!(s, Segment::Literal(_)));
        if api.prefix {
            self.prefixed.push(api);
        } else if literal {
            self.exact
                .entry(path_of(&api.segments))
                .or_default()
                .push(api);
        } else {
            self.patterned.push(api);
        }
    }

    /// How many APIs the table holds.
    pub(super) fn len(&self) -> usize {
        self.exact.values().map(Vec::len).sum::<usize>()
            + self.patterned.len()
            + self.prefixed.len()
    }

    pub(super) fn finish(&mut self) {
        for apis in self.exact.values_mut() {
            apis.sort_by(|a, b| a.api_id.cmp(&b.api_id));
        }
        self.patterned.sort_by_cached_key(|api| {
            let (literals, kinds) = shape(&api.segments);
            (
                Reverse(literals),
                Reverse(api.segments.len()),
                kinds,
                api.api_id.clone(),
            )
        });
        self.prefixed.sort_by_cached_key(|api| {
            let (literals, kinds) = shape(&api.segments);
            (
                Reverse(api.segments.len()),
                Reverse(literals),
                kinds,
                api.api_id.clone(),
            )
        });
        for (position, api) in self.patterned.iter().enumerate() {
            match api.segments.first() {
                Some(Segment::Literal(first)) => self
                    .patterned_by_first
                    .entry(first.clone())
                    .or_default()
                    .push(position),
                _ => self.patterned_open.push(position),
            }
        }
    }

    /// The parameterised routes a path starting with `first` can match, in precedence
    /// order.
    fn patterned_for<'a>(&'a self, first: Option<&str>) -> impl Iterator<Item = &'a Arc<LiveApi>> {
        let mut named = first
            .and_then(|f| self.patterned_by_first.get(f))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .peekable();
        let mut open = self.patterned_open.iter().peekable();
        std::iter::from_fn(move || {
            let next = match (named.peek(), open.peek()) {
                (Some(a), Some(b)) if a < b => named.next(),
                (Some(_), None) => named.next(),
                _ => open.next(),
            };
            next.map(|&position| &self.patterned[position])
        })
    }

    /// The API answering `method` on `path`, with the path parameters it captured.
    pub fn find(&self, method: &str, path: &str) -> Option<Matched> {
        let by_method = |apis: &mut dyn Iterator<Item = (&Arc<LiveApi>, Captured)>| {
            let mut any = None;
            for (api, params) in apis {
                if api.method == method {
                    return Some((api.clone(), params));
                }
                if api.method == "ANY" && any.is_none() {
                    any = Some((api.clone(), params));
                }
            }
            any
        };
        // `/a//b/` is looked up as `/a/b`; a path already in that form (nearly every one) is
        // used as it is, and split into segments only when no exact route answers.
        let canonical =
            path == "/" || (path.starts_with('/') && !path.ends_with('/') && !path.contains("//"));
        let exact = |path: &str| {
            self.exact
                .get(path)
                .and_then(|apis| by_method(&mut apis.iter().map(|a| (a, Vec::new()))))
        };
        if canonical {
            if let Some(found) = exact(path) {
                return Some(found);
            }
        }
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if !canonical {
            if let Some(found) = exact(&format!("/{}", parts.join("/"))) {
                return Some(found);
            }
        }
        if let Some(found) = by_method(
            &mut self
                .patterned_for(parts.first().copied())
                .filter_map(|a| captures(&a.segments, &parts).map(|c| (a, c))),
        ) {
            return Some(found);
        }
        by_method(&mut self.prefixed.iter().filter_map(|a| {
            // A prefix route ending in `{name+}` captures the whole rest of the path.
            let n = match a.segments.last() {
                Some(Segment::Rest(_)) => parts.len(),
                _ => a.segments.len(),
            };
            (parts.len() >= n)
                .then(|| captures(&a.segments, &parts[..n]))
                .flatten()
                .map(|c| (a, c))
        }))
    }
}

/// How many literal segments a route has, and the kind of each segment from the left
/// (literal before `{param}` before `{param+}`): with the length and the API's id, this
/// orders any two routes the same way whatever order they were published in.
fn shape(segments: &[Segment]) -> (usize, Vec<u8>) {
    let kinds: Vec<u8> = segments
        .iter()
        .map(|s| match s {
            Segment::Literal(_) => 0,
            Segment::Param(_) => 1,
            Segment::Rest(_) => 2,
        })
        .collect();
    (kinds.iter().filter(|&&k| k == 0).count(), kinds)
}

fn path_of(segments: &[Segment]) -> String {
    let parts: Vec<&str> = segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.as_str(),
            Segment::Param(p) | Segment::Rest(p) => p.as_str(),
        })
        .collect();
    format!("/{}", parts.join("/"))
}

/// The parameters `segments` capture from `parts`, if they match.
fn captures(segments: &[Segment], parts: &[&str]) -> Option<Captured> {
    let mut found = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Literal(literal) => {
                if parts.get(i) != Some(&literal.as_str()) {
                    return None;
                }
            }
            Segment::Param(name) => found.push((name.clone(), (*parts.get(i)?).to_owned())),
            Segment::Rest(name) => {
                if parts.len() <= i {
                    return None;
                }
                found.push((name.clone(), parts[i..].join("/")));
                return Some(found);
            }
        }
    }
    (parts.len() == segments.len()).then_some(found)
}

/// A route table of (name, method, path) routes, the name also their API id; a path ending
/// in `*` is a prefix route.
#[cfg(test)]
fn table(routes: &[(&str, &str, &str)]) -> RouteTable {
    let mut table = RouteTable::default();
    for (name, method, path) in routes {
        let prefix = path.ends_with('*');
        table.add(Arc::new(LiveApi {
            api_id: (*name).to_owned(),
            name: (*name).to_owned(),
            env_name: "RELEASE".into(),
            method: (*method).to_owned(),
            segments: segments(path.trim_end_matches('*')),
            prefix,
            checks: vec![],
            mappings: vec![],
            backend: super::Backend::Broken(String::new()),
            cors: false,
            protocol: super::api::Protocol::Http,
            auth: super::Authentication::None,
            authorized: Default::default(),
        }));
    }
    table.finish();
    table
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;

    fn found(
        table: &RouteTable,
        method: &str,
        path: &str,
    ) -> Option<(String, Vec<(String, String)>)> {
        table
            .find(method, path)
            .map(|(api, params)| (api.name.clone(), params))
    }

    #[test]
    fn exact_before_parameters_before_prefix_and_methods_before_any() {
        let table = table(&[
            ("prefix", "GET", "/users*"),
            ("one", "GET", "/users/{id}"),
            ("me", "GET", "/users/me"),
            ("any-me", "ANY", "/users/me"),
            ("files", "GET", "/files/{path+}"),
            ("orders", "ANY", "/users/{id}/orders"),
        ]);
        assert_eq!(found(&table, "GET", "/users/me").unwrap().0, "me");
        assert_eq!(found(&table, "POST", "/users/me").unwrap().0, "any-me");
        assert_eq!(
            found(&table, "GET", "/users/42"),
            Some(("one".into(), vec![("id".into(), "42".into())]))
        );
        assert_eq!(
            found(&table, "GET", "/users/42/orders").unwrap().0,
            "orders"
        );
        assert_eq!(found(&table, "GET", "/users/42/other").unwrap().0, "prefix");
        assert_eq!(found(&table, "GET", "/users").unwrap().0, "prefix");
        assert_eq!(
            found(&table, "GET", "/files/a/b.txt"),
            Some(("files".into(), vec![("path".into(), "a/b.txt".into())]))
        );
        assert_eq!(found(&table, "GET", "/files"), None);
        assert_eq!(found(&table, "DELETE", "/users/42"), None);
        assert_eq!(found(&table, "GET", "/usersx"), None);
    }

    #[test]
    fn parameterised_routes_keep_their_precedence_across_first_segments() {
        let mut routes: Vec<(String, &str, String)> = (0..10_000)
            .map(|i| (format!("item{i}"), "GET", format!("/items{i}/{{id}}")))
            .collect();
        routes.push(("open".into(), "GET", "/{kind}/fixed".into()));
        routes.push(("open-two".into(), "GET", "/{kind}/{id}/x".into()));
        routes.push(("named-two".into(), "GET", "/items7/{id}/{more}".into()));
        let routes: Vec<(&str, &str, &str)> = routes
            .iter()
            .map(|(n, m, p)| (n.as_str(), *m, p.as_str()))
            .collect();
        let table = table(&routes);
        assert_eq!(
            found(&table, "GET", "/items9999/42"),
            Some(("item9999".into(), vec![("id".into(), "42".into())]))
        );
        // Same literal count and length: the literal further left decides, across both
        // lists.
        assert_eq!(found(&table, "GET", "/items5/fixed").unwrap().0, "item5");
        assert_eq!(found(&table, "GET", "/other/fixed").unwrap().0, "open");
        assert_eq!(found(&table, "GET", "/items7/1/x").unwrap().0, "named-two");
        assert_eq!(found(&table, "GET", "/other/1/x").unwrap().0, "open-two");
        assert_eq!(found(&table, "GET", "/items7/1/y").unwrap().0, "named-two");
        assert_eq!(found(&table, "GET", "/nothing/1"), None);
    }
}
