//! Tests of the API definition rules.
use super::super::{BackendApi, BackendParam, MockInfo, ReqParam};
use super::*;

pub(crate) fn sample() -> ApiDefinition {
    ApiDefinition {
        name: "get-user".into(),
        group_id: "g".into(),
        visibility: 1,
        version: String::new(),
        req_protocol: "HTTP".into(),
        req_method: "GET".into(),
        req_uri: "/users/{id}".into(),
        match_mode: "NORMAL".into(),
        auth_type: "NONE".into(),
        auth_opt: Default::default(),
        cors: false,
        backend_type: "HTTP".into(),
        remark: String::new(),
        tags: vec![],
        body_remark: String::new(),
        result_normal_sample: String::new(),
        result_failure_sample: String::new(),
        req_params: vec![
            ReqParam {
                name: "id".into(),
                kind: "NUMBER".into(),
                location: "PATH".into(),
                default_value: String::new(),
                sample_value: String::new(),
                required: 1,
                valid_enable: 1,
                remark: String::new(),
                enumerations: String::new(),
                min_num: Some(1),
                max_num: Some(1000),
                min_size: None,
                max_size: None,
                regular: String::new(),
                pass_through: 1,
            },
            ReqParam {
                name: "fields".into(),
                kind: "STRING".into(),
                location: "QUERY".into(),
                default_value: "all".into(),
                sample_value: String::new(),
                required: 2,
                valid_enable: 1,
                remark: String::new(),
                enumerations: "all,summary".into(),
                min_num: None,
                max_num: None,
                min_size: None,
                max_size: Some(16),
                regular: String::new(),
                pass_through: 1,
            },
        ],
        backend_params: vec![BackendParam {
            origin: "REQUEST".into(),
            name: "userId".into(),
            location: "PATH".into(),
            value: "id".into(),
            remark: String::new(),
        }],
        backend_api: Some(BackendApi {
            url_domain: "#host#:8080".into(),
            req_protocol: "HTTP".into(),
            req_method: "GET".into(),
            req_uri: "/v1/users/{userId}".into(),
            timeout: 5000,
            retry_count: "-1".into(),
            remark: String::new(),
        }),
        mock_info: None,
    }
}

fn field(api: &ApiDefinition) -> String {
    api.validate(60_000)
        .expect_err("refused")
        .field()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_complete_definition_passes_and_names_its_variables() {
    let api = sample();
    assert!(api.validate(60_000).is_ok(), "{:?}", api.validate(60_000));
    assert_eq!(api.variables(), ["host"]);
}

#[test]
fn paths_follow_apig() {
    assert_eq!(
        frontend_path_params("p", "/a/{x}/b/{rest+}").unwrap(),
        ["x", "rest"]
    );
    assert!(frontend_path_params("p", "/").unwrap().is_empty());
    assert!(frontend_path_params("p", "/a/").is_ok());
    for bad in [
        "a",
        "/a/{x+}/b",
        "/a/pre-{x}",
        "/a b",
        "/a//b",
        "/{x}/{x}",
        "/{1x}",
    ] {
        assert!(frontend_path_params("p", bad).is_err(), "{bad}");
    }
}

#[test]
fn every_rule_names_its_field() {
    type Change = Box<dyn Fn(&mut ApiDefinition)>;
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|a| a.name = "ab".into()), "name"),
        (Box::new(|a| a.req_method = "FETCH".into()), "req_method"),
        (Box::new(|a| a.req_uri = "users".into()), "req_uri"),
        (Box::new(|a| a.match_mode = "PREFIX".into()), "match_mode"),
        (Box::new(|a| a.auth_type = "AUTHORIZER".into()), "auth_type"),
        (
            Box::new(|a| a.auth_opt.app_code_auth_type = "HEADER".into()),
            "auth_opt.app_code_auth_type",
        ),
        (
            Box::new(|a| a.auth_opt.app_code_auth_type = "QUERY".into()),
            "auth_opt.app_code_auth_type",
        ),
        (
            Box::new(|a| a.backend_type = "FUNCTION".into()),
            "backend_type",
        ),
        (
            Box::new(|a| a.req_params[0].location = "QUERY".into()),
            "req_params",
        ),
        (
            Box::new(|a| a.req_params[1].name = "x-stage".into()),
            "req_params[1].name",
        ),
        (
            Box::new(|a| a.req_params[1].default_value = "none".into()),
            "req_params[1].default_value",
        ),
        (
            Box::new(|a| a.req_params[0].min_num = Some(5000)),
            "req_params[0].min_num",
        ),
        (
            Box::new(|a| a.req_params[1].min_num = Some(1)),
            "req_params[1].min_num",
        ),
        (
            Box::new(|a| a.backend_params[0].value = "nope".into()),
            "backend_params[0].value",
        ),
        (
            Box::new(|a| a.backend_params[0].name = "other".into()),
            "backend_api.req_uri",
        ),
        (
            Box::new(|a| a.backend_api.as_mut().unwrap().timeout = 60_001),
            "backend_api.timeout",
        ),
        (
            Box::new(|a| a.backend_api.as_mut().unwrap().retry_count = "11".into()),
            "backend_api.retry_count",
        ),
        (
            Box::new(|a| a.backend_api.as_mut().unwrap().url_domain = "http://x/y".into()),
            "backend_api.url_domain",
        ),
        (
            Box::new(|a| a.backend_api.as_mut().unwrap().url_domain = "#ho#".into()),
            "backend_api.url_domain",
        ),
        (
            Box::new(|a| a.backend_api.as_mut().unwrap().url_domain = "#host".into()),
            "backend_api.url_domain",
        ),
        (Box::new(|a| a.backend_api = None), "backend_api"),
    ];
    for (change, expected) in cases {
        let mut api = sample();
        change(&mut api);
        assert_eq!(field(&api), expected);
    }
}

#[test]
fn every_served_authentication_type_is_accepted() {
    for auth_type in ["NONE", "APP", "IAM"] {
        let mut api = sample();
        api.auth_type = auth_type.into();
        assert!(api.validate(60_000).is_ok(), "{auth_type}");
    }
}

#[test]
fn mocks_need_a_response() {
    let mut api = sample();
    api.backend_type = "MOCK".into();
    api.backend_api = None;
    api.backend_params.clear();
    assert_eq!(field(&api), "mock_info");
    api.mock_info = Some(MockInfo {
        result_content: "{\"ok\":true}".into(),
        status_code: 200,
        headers: vec![],
        remark: String::new(),
    });
    assert!(api.validate(60_000).is_ok());
    api.mock_info.as_mut().unwrap().status_code = 99;
    assert_eq!(field(&api), "mock_info.status_code");
}

#[test]
fn backend_addresses_are_host_and_port_as_a_connection_needs_them() {
    let address = |text: &str| {
        let mut api = sample();
        api.backend_api.as_mut().unwrap().url_domain = text.into();
        api.validate(60_000).err().map(|e| e.to_string())
    };
    for good in [
        "10.0.0.7:8080",
        "backend.internal",
        "api-1.example.com:443",
        "[2001:db8::7]:8080",
        "[::1]",
        "#host#",
        "#host#:8080",
        "api.#env#.example.com",
        "orders_service:8080",
    ] {
        assert_eq!(address(good), None, "{good}");
    }
    for (bad, says) in [
        ("127.0.0.1:", "followed by the port"),
        ("exa_mple..com", "empty part between dots"),
        ("api example.com", "' ' is not allowed"),
        (".example.com", "empty part between dots"),
        ("-api.example.com", "starts or ends with -"),
        ("api.example.com:0", "is not a port"),
        ("api.example.com:65536", "is not a port"),
        ("[2001:db8::7", "closed with ]"),
        ("[::1]8080", "closed with ]"),
    ] {
        let error = address(bad).unwrap_or_else(|| panic!("{bad} is accepted"));
        assert!(error.contains(says), "{bad}: {error}");
    }
}

#[test]
fn messages_name_fields_as_the_console_labels_them() {
    assert_eq!(label("req_uri"), "Path");
    assert_eq!(label("backend_api.url_domain"), "Backend address");
    assert_eq!(
        label("req_params[1].max_size"),
        "Parameter 2's longest length"
    );
    assert_eq!(
        label("backend_params[0].origin"),
        "Backend parameter 1's source"
    );
    let long = at_most("req_uri", &"a".repeat(513), 512).unwrap_err();
    assert_eq!(long.field(), Some("req_uri"));
    assert_eq!(
        long.to_string(),
        "Path has at most 512 characters; this one has 513."
    );
    let method = one_of("backend_api.req_method", "FETCH", &["GET", "POST"]).unwrap_err();
    assert_eq!(
        method.to_string(),
        r#"Backend method is one of GET, POST; "FETCH" is not."#
    );
}
