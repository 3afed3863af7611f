//! Property tests of route matching: for random route sets (exact, parameterised, greedy
//! and prefix routes, specific methods and ANY) and random request paths, the route table
//! answers what a brute-force reading of the routing rules answers: a route whose pattern
//! matches the path, with the parameters the pattern captures, the one APIG's precedence
//! names, and the same one whatever order the routes were published in. `PROPTEST_CASES`
//! sets how many cases (`scripts/properties` runs the long mode).
use std::cmp::Reverse;

use proptest::prelude::*;
use regex::Regex;

use super::{table, RouteTable};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Literal,
    Param,
    Rest,
}

#[derive(Debug, Clone)]
struct Route {
    id: String,
    method: &'static str,
    /// (kind, literal text or parameter name).
    parts: Vec<(Kind, String)>,
    prefix: bool,
    /// `parts` as a regular expression (see `Route::pattern`).
    pattern: Regex,
}

const LITERALS: [&str; 4] = ["a", "b", "me", "v1"];

impl Route {
    /// The route's path as an API defines it (`*` marks a prefix route for `table`).
    fn text(&self) -> String {
        let path: Vec<String> = self
            .parts
            .iter()
            .map(|(kind, text)| match kind {
                Kind::Literal => text.clone(),
                Kind::Param => format!("{{{text}}}"),
                Kind::Rest => format!("{{{text}+}}"),
            })
            .collect();
        format!("/{}{}", path.join("/"), if self.prefix { "*" } else { "" })
    }

    /// The route as a regular expression over a path without empty segments: a parameter is
    /// one segment, a greedy parameter the rest, a prefix route also what follows a `/`.
    fn pattern(parts: &[(Kind, String)], prefix: bool) -> Regex {
        let mut pattern = String::from("^");
        for (kind, text) in parts {
            pattern.push('/');
            match kind {
                Kind::Literal => pattern.push_str(&regex::escape(text)),
                Kind::Param => pattern.push_str("([^/]+)"),
                Kind::Rest => pattern.push_str("(.+)"),
            }
        }
        if prefix {
            pattern.push_str("(?:/.*)?$");
        } else if parts.is_empty() {
            pattern.push_str("/$");
        } else {
            pattern.push('$');
        }
        Regex::new(&pattern).unwrap()
    }

    fn captures(&self, path: &str) -> Option<Vec<(String, String)>> {
        let found = self.pattern.captures(path)?;
        let names = self
            .parts
            .iter()
            .filter(|(kind, _)| *kind != Kind::Literal)
            .map(|(_, name)| name.clone());
        Some(
            names
                .zip(found.iter().skip(1))
                .map(|(name, value)| (name, value.unwrap().as_str().to_owned()))
                .collect(),
        )
    }

    /// Exact paths first, then paths with parameters, then prefix routes.
    fn class(&self) -> u8 {
        if self.prefix {
            2
        } else if self.parts.iter().all(|(kind, _)| *kind == Kind::Literal) {
            0
        } else {
            1
        }
    }

    /// The precedence within a class, as the README and the route table document it.
    fn rank(&self) -> (Reverse<usize>, Reverse<usize>, Vec<Kind>, String) {
        let kinds: Vec<Kind> = self.parts.iter().map(|(kind, _)| *kind).collect();
        let literals = kinds.iter().filter(|k| **k == Kind::Literal).count();
        let (first, second) = if self.prefix {
            (kinds.len(), literals)
        } else {
            (literals, kinds.len())
        };
        (Reverse(first), Reverse(second), kinds, self.id.clone())
    }
}

fn route() -> impl Strategy<Value = (&'static str, Vec<(Kind, String)>, bool)> {
    let segment = prop_oneof![
        3 => prop::sample::select(LITERALS.to_vec()).prop_map(|l| (Kind::Literal, l.to_owned())),
        2 => Just((Kind::Param, String::new())),
        1 => Just((Kind::Rest, String::new())),
    ];
    (
        prop::sample::select(vec!["GET", "POST", "ANY"]),
        prop::collection::vec(segment, 0..4),
        prop::bool::weighted(0.25),
    )
        .prop_map(|(method, mut parts, prefix)| {
            // As validation allows: `{name+}` only last, parameter names unique.
            if let Some(rest) = parts.iter().position(|(kind, _)| *kind == Kind::Rest) {
                parts.truncate(rest + 1);
            }
            for (i, (kind, name)) in parts.iter_mut().enumerate() {
                if *kind != Kind::Literal {
                    *name = format!("p{i}");
                }
            }
            (method, parts, prefix)
        })
}

/// Routes, each with its id, in the order they are published.
fn routes() -> impl Strategy<Value = Vec<Route>> {
    prop::collection::vec(route(), 1..12)
        .prop_map(|specs| {
            specs
                .into_iter()
                .enumerate()
                .map(|(i, (method, parts, prefix))| Route {
                    id: format!("r{i:02}"),
                    method,
                    pattern: Route::pattern(&parts, prefix),
                    parts,
                    prefix,
                })
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
}

/// Request paths as callers send them, empty segments and a trailing slash included.
fn paths() -> impl Strategy<Value = Vec<String>> {
    let segment = prop::sample::select(vec!["a", "b", "me", "v1", "x", "a.b", "%20", ""]);
    let path =
        (prop::collection::vec(segment, 0..6), any::<bool>()).prop_map(|(segments, trailing)| {
            format!(
                "/{}{}",
                segments.join("/"),
                if trailing && !segments.is_empty() {
                    "/"
                } else {
                    ""
                }
            )
        });
    prop::collection::vec(path, 1..16)
}

fn build(routes: &[Route]) -> RouteTable {
    let texts: Vec<(String, &str, String)> = routes
        .iter()
        .map(|r| (r.id.clone(), r.method, r.text()))
        .collect();
    let specs: Vec<(&str, &str, &str)> = texts
        .iter()
        .map(|(id, method, text)| (id.as_str(), *method, text.as_str()))
        .collect();
    table(&specs)
}

/// What the rules say answers `method` on `path`: in each class in turn, the matching routes
/// by precedence, the first with the request's method, else the first ANY.
fn expected(routes: &[Route], method: &str, path: &str) -> Option<(String, Vec<(String, String)>)> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let normal = format!("/{}", segments.join("/"));
    let mut matching: Vec<(&Route, Vec<(String, String)>)> = routes
        .iter()
        .filter_map(|r| r.captures(&normal).map(|c| (r, c)))
        .collect();
    matching.sort_by_key(|(r, _)| (r.class(), r.rank()));
    for class in 0..3 {
        let in_class = || matching.iter().filter(|(r, _)| r.class() == class);
        if let Some((r, c)) = in_class()
            .find(|(r, _)| r.method == method)
            .or_else(|| in_class().find(|(r, _)| r.method == "ANY"))
        {
            return Some((r.id.clone(), c.clone()));
        }
    }
    None
}

fn answer(table: &RouteTable, method: &str, path: &str) -> Option<(String, Vec<(String, String)>)> {
    table
        .find(method, path)
        .map(|(api, captured)| (api.api_id.clone(), captured))
}

proptest! {
    /// A path matches only a route whose pattern matches it, with what the pattern
    /// captures, and the route precedence names; a path some route matches is never
    /// turned away.
    #[test]
    fn a_path_reaches_the_route_the_rules_name(routes in routes(), paths in paths()) {
        let table = build(&routes);
        for path in &paths {
            for method in ["GET", "POST", "DELETE"] {
                prop_assert_eq!(
                    answer(&table, method, path),
                    expected(&routes, method, path),
                    "{} {} among {:?}",
                    method,
                    path,
                    routes.iter().map(|r| format!("{} {} {}", r.id, r.method, r.text())).collect::<Vec<_>>()
                );
            }
        }
    }

    /// Precedence is total: the same routes published in any order answer every path
    /// alike.
    #[test]
    fn the_same_routes_answer_alike_in_any_order(
        (routes, shuffled) in routes().prop_flat_map(|r| (Just(r.clone()), Just(r).prop_shuffle())),
        paths in paths(),
    ) {
        let (one, other) = (build(&routes), build(&shuffled));
        for path in &paths {
            for method in ["GET", "POST", "DELETE"] {
                prop_assert_eq!(answer(&one, method, path), answer(&other, method, path));
            }
        }
    }
}
