//! Tests of OpenAPI import and export.
use super::*;

fn sample() -> ApiDefinition {
    serde_json::from_value(json!({
        "name": "get-order", "group_id": "g1", "req_method": "GET", "req_uri": "/orders/{id}",
        "match_mode": "NORMAL", "backend_type": "HTTP", "remark": "One order",
        "req_params": [
            { "name": "id", "type": "NUMBER", "location": "PATH", "required": 1, "min_num": 1, "max_num": 99 },
            { "name": "fields", "type": "STRING", "location": "QUERY", "required": 2,
              "enumerations": "all,summary", "default_value": "all", "max_size": 16 }
        ],
        "backend_params": [{ "origin": "REQUEST", "name": "orderId", "location": "PATH", "value": "id" }],
        "backend_api": { "url_domain": "#host#", "req_protocol": "HTTP", "req_method": "GET",
                         "req_uri": "/v1/orders/{orderId}", "timeout": 3000, "retry_count": "2" }
    }))
    .unwrap()
}

#[test]
fn an_export_imports_back_to_the_same_definitions() {
    let mut mock = sample();
    mock.name = "any-mock".into();
    mock.req_method = "ANY".into();
    mock.req_uri = "/mock".into();
    mock.match_mode = "SWA".into();
    mock.req_params.clear();
    mock.backend_params.clear();
    mock.backend_type = "MOCK".into();
    mock.backend_api = None;
    mock.mock_info = Some(MockInfo {
        result_content: "{\"ok\":true}".into(),
        status_code: 201,
        headers: vec![MockHeader {
            key: "X-Mock".into(),
            value: "yes".into(),
        }],
        remark: String::new(),
    });
    let apis = vec![sample(), mock];
    let document = export(
        "orders",
        "Order APIs",
        "2026-11-26",
        "g1.apig.localhost",
        &apis,
    );
    let plan = plan(&document).unwrap();
    assert_eq!(plan.group_name, "orders");
    assert_eq!(plan.group_remark, "Order APIs");
    let mut imported: Vec<ApiDefinition> = plan
        .items
        .into_iter()
        .map(|item| {
            let mut d = item.definition.expect(&item.error);
            d.group_id = "g1".into();
            d
        })
        .collect();
    imported.sort_by(|a, b| a.name.cmp(&b.name));
    let mut expected = apis;
    expected.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(imported, expected);
}

#[test]
fn openapi_3_and_plain_files_import_with_notes_and_errors() {
    let document = json!({
        "openapi": "3.0.1",
        "info": { "title": "pets", "version": "1" },
        "paths": {
            "/pets/{petId}": {
                "parameters": [{ "name": "petId", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } }],
                "get": { "operationId": "showPet", "parameters": [
                    { "name": "verbose", "in": "query", "schema": { "type": "boolean" } }
                ] },
                "post": { "parameters": [{ "name": "photo", "in": "formData" }] }
            }
        }
    });
    let plan = plan(&document).unwrap();
    let get = plan.items.iter().find(|i| i.method == "GET").unwrap();
    let definition = get.definition.as_ref().unwrap();
    assert_eq!(definition.name, "showPet");
    assert_eq!(definition.req_params[0].kind, "NUMBER");
    assert_eq!(definition.req_params[0].min_num, Some(1));
    assert_eq!(definition.req_params[1].kind, "STRING");
    assert_eq!(definition.backend_type, "MOCK");
    assert!(get.note.contains("no backend"));
    let post = plan.items.iter().find(|i| i.method == "POST").unwrap();
    assert!(post.error.contains("formData"));
    assert!(super::plan(&json!({ "info": {} })).is_err());
}
