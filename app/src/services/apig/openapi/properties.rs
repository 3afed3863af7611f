//! Property tests of the OpenAPI importer: no document, JSON or YAML or neither, panics
//! it; and what it imports, exported (as JSON and as YAML) and imported again, reads back
//! as the same definitions. The documents are random, built from the keys and values the
//! importer reads (`x-apigateway-*` extensions, parameters, backends) mixed with any JSON.
//! `PROPTEST_CASES` sets how many cases (`scripts/properties` runs the long mode).
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{preview, render};
use crate::model::api::ApiDefinition;
use crate::model::openapi::{export, plan};

fn word() -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(vec![
            "2.0", "3.0.1", "HTTP", "MOCK", "FUNCTION", "path", "query", "header", "body",
            "formData", "integer", "number", "string", "boolean", "AppSigv1", "IAM", "private",
            "public", "SWA", "NORMAL", "https", "http", "HtTpS", "never", "REQUEST", "CONSTANT",
            "GET", "post", "a, b,", "", " x ", "ß", "İ", "yes", "null", "~", "0x1F", "1e3",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,10}",
    ]
    .boxed()
}

fn leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        prop::num::f64::NORMAL.prop_map(Value::from),
        word().prop_map(Value::from),
    ]
    .boxed()
}

/// Any JSON value, objects keyed mostly by what the importer looks for.
fn value(keys: Vec<&'static str>) -> BoxedStrategy<Value> {
    let key = prop_oneof![
        3 => prop::sample::select(keys).prop_map(str::to_owned),
        1 => word(),
    ];
    leaf()
        .prop_recursive(3, 24, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

/// An object with some of `keys`, each holding a value `of` makes.
fn object(keys: &'static [&'static str], of: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop::collection::btree_map(prop::sample::select(keys.to_vec()), of, 0..keys.len())
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
        .boxed()
}

/// An object with each of `fields` present at its odds.
fn fields(fields: Vec<(&'static str, f64, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    fields
        .into_iter()
        .map(|(key, odds, of)| {
            proptest::option::weighted(odds, of.prop_map(move |v| (key.to_owned(), v))).boxed()
        })
        .collect::<Vec<_>>()
        .prop_map(|present| Value::Object(present.into_iter().flatten().collect()))
        .boxed()
}

/// Mostly one of the values the importer knows, sometimes anything.
fn choice(values: &[&'static str]) -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::sample::select(values.to_vec()).prop_map(Value::from),
        1 => leaf(),
    ]
    .boxed()
}

fn list(of: BoxedStrategy<Value>, most: usize) -> BoxedStrategy<Value> {
    prop::collection::vec(of, 0..most)
        .prop_map(Value::Array)
        .boxed()
}

fn any_value() -> BoxedStrategy<Value> {
    value(vec![
        "name",
        "in",
        "type",
        "schema",
        "enum",
        "key",
        "value",
        "httpEndpoints",
        "mockEndpoints",
        "parameters",
        "x-apigateway-backend",
    ])
}

fn constraints() -> Vec<(&'static str, f64, BoxedStrategy<Value>)> {
    vec![
        (
            "type",
            0.8,
            choice(&["string", "integer", "number", "boolean", "long"]),
        ),
        ("default", 0.3, leaf()),
        ("enum", 0.3, list(leaf(), 4)),
        ("minimum", 0.3, leaf()),
        ("maximum", 0.3, leaf()),
        ("minLength", 0.3, leaf()),
        ("maxLength", 0.3, leaf()),
        ("pattern", 0.3, word().prop_map(Value::from).boxed()),
    ]
}

fn parameter() -> BoxedStrategy<Value> {
    let mut parameter = vec![
        ("name", 0.95, word().prop_map(Value::from).boxed()),
        (
            "in",
            0.95,
            choice(&["path", "query", "header", "body", "query", "header"]),
        ),
        (
            "required",
            0.5,
            prop_oneof![4 => any::<bool>().prop_map(Value::from), 1 => leaf()].boxed(),
        ),
        ("description", 0.3, leaf()),
        ("schema", 0.4, fields(constraints())),
        (
            "x-apigateway-sample",
            0.2,
            word().prop_map(Value::from).boxed(),
        ),
        (
            "x-apigateway-pass-through",
            0.2,
            choice(&["never", "always"]),
        ),
    ];
    parameter.extend(constraints());
    prop_oneof![9 => fields(parameter), 1 => any_value()].boxed()
}

fn backend() -> BoxedStrategy<Value> {
    let http = fields(vec![
        ("address", 0.9, word().prop_map(Value::from).boxed()),
        ("scheme", 0.9, choice(&["http", "https", "HTTPS"])),
        ("method", 0.9, choice(&["GET", "post", "ANY"])),
        ("path", 0.9, choice(&["/v1/{id}", "/", "/x"])),
        (
            "timeout",
            0.5,
            prop_oneof![any::<i32>().prop_map(Value::from), leaf()].boxed(),
        ),
        ("retry-count", 0.5, leaf()),
        ("description", 0.3, leaf()),
    ]);
    let mock = fields(vec![
        ("result-content", 0.8, leaf()),
        (
            "status-code",
            0.6,
            prop_oneof![(100..600i64).prop_map(Value::from), leaf()].boxed(),
        ),
        (
            "headers",
            0.4,
            list(
                fields(vec![
                    ("key", 0.9, word().prop_map(Value::from).boxed()),
                    ("value", 0.9, leaf()),
                ]),
                3,
            ),
        ),
        ("description", 0.3, leaf()),
    ]);
    let parameter = fields(vec![
        ("name", 0.9, word().prop_map(Value::from).boxed()),
        ("value", 0.9, leaf()),
        ("in", 0.9, choice(&["path", "query", "header", "HEADER"])),
        ("origin", 0.6, choice(&["REQUEST", "CONSTANT", "SYSTEM"])),
        ("description", 0.3, leaf()),
    ]);
    fields(vec![
        (
            "type",
            0.95,
            choice(&["HTTP", "MOCK", "HTTP", "MOCK", "FUNCTION"]),
        ),
        ("httpEndpoints", 0.8, http),
        ("mockEndpoints", 0.8, mock),
        ("parameters", 0.5, list(parameter, 3)),
    ])
}

fn operation() -> BoxedStrategy<Value> {
    prop_oneof![
        19 => fields(vec![
            ("operationId", 0.7, word().prop_map(Value::from).boxed()),
            ("description", 0.5, leaf()),
            ("schemes", 0.5, list(choice(&["http", "https"]), 3)),
            ("parameters", 0.7, list(parameter(), 4)),
            ("x-apigateway-request-type", 0.5, choice(&["private", "public"])),
            ("x-apigateway-match-mode", 0.5, choice(&["SWA", "NORMAL"])),
            ("x-apigateway-cors", 0.5, prop_oneof![any::<bool>().prop_map(Value::from), leaf()].boxed()),
            ("x-apigateway-auth-type", 0.6, choice(&["AppSigv1", "IAM", "IAM_NONE", "AUTHORIZER", "None"])),
            ("x-apigateway-version", 0.3, word().prop_map(Value::from).boxed()),
            ("x-apigateway-backend", 0.85, backend()),
            ("x-extra", 0.1, any_value()),
        ]),
        1 => any_value(),
    ]
    .boxed()
}

/// A Swagger 2.0 or OpenAPI 3 document with random paths and operations.
fn document() -> BoxedStrategy<Value> {
    let method = prop::sample::select(vec![
        "get",
        "post",
        "put",
        "delete",
        "head",
        "patch",
        "options",
        "x-apigateway-any-method",
        "trace",
    ]);
    let item = (
        prop::collection::btree_map(method, operation(), 0..4),
        proptest::option::weighted(0.3, list(parameter(), 3)),
    )
        .prop_map(|(ops, shared)| {
            let mut item: Map<String, Value> =
                ops.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            if let Some(shared) = shared {
                item.insert("parameters".into(), shared);
            }
            Value::Object(item)
        });
    let path = prop_oneof![
        prop::sample::select(vec!["/a", "/a/{id}", "/files/{p+}", "/", "", "b"])
            .prop_map(str::to_owned),
        "/[a-z{}+%.]{0,8}",
    ];
    (
        prop::sample::select(vec![
            ("swagger", "2.0"),
            ("openapi", "3.0.1"),
            ("openapi", "3"),
        ]),
        object(&["title", "description", "version"], leaf()),
        proptest::option::of(word()),
        prop::collection::btree_map(path, item, 0..4),
    )
        .prop_map(|((key, version), info, base, paths)| {
            let mut document = Map::new();
            document.insert(key.into(), version.into());
            document.insert("info".into(), info);
            if let Some(base) = base {
                document.insert("basePath".into(), base.into());
            }
            document.insert("paths".into(), Value::Object(paths.into_iter().collect()));
            Value::Object(document)
        })
        .boxed()
}

/// The definitions a plan imports, in a stable order.
fn imported(document: &Value) -> Vec<ApiDefinition> {
    let mut definitions: Vec<ApiDefinition> = plan(document)
        .map(|plan| {
            plan.items
                .into_iter()
                .filter_map(|i| i.definition)
                .collect()
        })
        .unwrap_or_default();
    definitions.sort_by(|a, b| (&a.req_method, &a.req_uri).cmp(&(&b.req_method, &b.req_uri)));
    definitions
}

proptest! {
    /// No document panics the importer, whatever it holds; a text that is no document is
    /// refused with a message.
    #[test]
    fn no_document_panics_the_importer(
        document in prop_oneof![document(), any_value()],
        text in "\\PC{0,64}",
    ) {
        let _ = plan(&document);
        for yaml in [false, true] {
            let _ = preview(&render(&document, yaml).unwrap());
        }
        if let Err(error) = preview(&text) {
            prop_assert!(!error.describe().is_empty());
        }
    }

    /// Import, export, import: the second import reads the same group and the same
    /// definitions as the first, through JSON and through YAML.
    #[test]
    fn import_export_import_is_stable(document in document()) {
        let Ok(first) = plan(&document) else {
            return Ok(());
        };
        let definitions = imported(&document);
        let exported = export(&first.group_name, &first.group_remark, "1", "example.com", &definitions);
        for yaml in [false, true] {
            let text = render(&exported, yaml).unwrap();
            let again = preview(&text).unwrap();
            prop_assert_eq!(&again.group_name, &first.group_name);
            prop_assert_eq!(&again.group_remark, &first.group_remark);
            prop_assert!(
                again.items.iter().all(|i| i.error.is_empty()),
                "{:?}", again.items.iter().map(|i| &i.error).collect::<Vec<_>>()
            );
            prop_assert_eq!(imported(&serde_json::from_str::<Value>(&render(&exported, false).unwrap()).unwrap()), definitions.clone());
            let mut second: Vec<ApiDefinition> = again.items.into_iter().filter_map(|i| i.definition).collect();
            second.sort_by(|a, b| (&a.req_method, &a.req_uri).cmp(&(&b.req_method, &b.req_uri)));
            prop_assert_eq!(second, definitions.clone(), "through {}", if yaml { "YAML" } else { "JSON" });
        }
    }
}
