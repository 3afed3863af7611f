//! The APIG v2 subset, path for path and field for field as `huaweicloudsdkapig` sends and
//! reads it. Every path starts `/v2/{project_id}/apigw`; the caller acts in that project,
//! so the grants of that project decide.
mod api_groups;
mod apis;
mod app_auths;
mod certificates;
mod credentials;
mod debug;
mod domains;
mod instances;
mod limits;
mod not_applicable;
mod openapi;
mod publishing;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use axum::Router;
use serde::Deserialize;

use app::model::paging::Page;

use super::{ApiError, MgmtState};

/// Largest import request: the largest document plus the form around it.
const IMPORT_LIMIT: usize = app::services::apig::openapi::MAX_DOCUMENT + 64 * 1024;

pub fn routes() -> Router<MgmtState> {
    const BASE: &str = "/v2/{project_id}/apigw";
    let instance = |tail: &str| format!("{BASE}/instances/{{instance_id}}{tail}");
    not_applicable::routes(BASE)
        .route(
            &format!("{BASE}/instances"),
            post(instances::create).get(instances::list),
        )
        .route(
            &instance(""),
            get(instances::show)
                .put(instances::update)
                .delete(instances::delete),
        )
        .route(&instance("/progress"), get(instances::progress))
        .route(
            &format!("{BASE}/instance/configs"),
            get(limits::instance_configs),
        )
        .route(&instance("/project/configs"), get(limits::gateway_configs))
        .route(
            &instance("/resources/outline/groups"),
            get(limits::group_outline),
        )
        .route(
            &instance("/resources/outline/apis"),
            get(limits::api_outline),
        )
        .route(
            &instance("/resources/outline/apps"),
            get(limits::app_outline),
        )
        .route(&instance("/restriction"), get(instances::restriction))
        .route(
            &instance("/features"),
            post(instances::set_feature).get(instances::list_features),
        )
        .route(
            &instance("/instance-features"),
            get(instances::supported_features),
        )
        .route(&instance("/instance-tags"), get(instances::list_tags))
        .route(
            &instance("/instance-tags/action"),
            post(instances::change_tags),
        )
        .route(
            &format!("{BASE}/instance-tags"),
            get(instances::project_tags),
        )
        .route(
            &instance("/custom-ingress-ports"),
            post(instances::add_ingress_port).get(instances::list_ingress_ports),
        )
        .route(
            &instance("/custom-ingress-ports/{ingress_port_id}"),
            delete(instances::delete_ingress_port),
        )
        .route(
            &instance("/api-groups"),
            post(api_groups::create_group).get(api_groups::list_groups),
        )
        .route(
            &instance("/api-groups/check"),
            post(api_groups::check_group),
        )
        .route(
            &instance("/api-groups/{group_id}"),
            get(api_groups::show_group)
                .put(api_groups::update_group)
                .delete(api_groups::delete_group),
        )
        .route(
            &instance("/api-groups/{group_id}/domains"),
            post(domains::bind),
        )
        .route(
            &instance("/api-groups/{group_id}/domains/{domain_id}"),
            put(domains::update).delete(domains::unbind),
        )
        .route(
            &instance("/api-groups/{group_id}/domains/{domain_id}/certificate"),
            post(domains::upload_certificate),
        )
        .route(
            &instance("/api-groups/{group_id}/domains/{domain_id}/certificate/{certificate_id}"),
            get(domains::show_domain_certificate).delete(domains::remove_certificate),
        )
        .route(
            &instance("/api-groups/{group_id}/domains/{domain_id}/certificates/attach"),
            post(domains::link_certificates::<domains::Attach>),
        )
        .route(
            &instance("/api-groups/{group_id}/domains/{domain_id}/certificates/detach"),
            post(domains::link_certificates::<domains::Detach>),
        )
        .route(
            &format!("{BASE}/certificates"),
            post(certificates::create_certificate).get(certificates::list_certificates),
        )
        .route(
            &format!("{BASE}/certificates/{{certificate_id}}"),
            get(certificates::show_certificate)
                .put(certificates::update_certificate)
                .delete(certificates::delete_certificate),
        )
        .route(
            &format!("{BASE}/certificates/{{certificate_id}}/attached-domains"),
            get(certificates::attached_domains),
        )
        .route(
            &format!("{BASE}/certificates/{{certificate_id}}/domains/attach"),
            post(certificates::link_domains::<domains::Attach>),
        )
        .route(
            &format!("{BASE}/certificates/{{certificate_id}}/domains/detach"),
            post(certificates::link_domains::<domains::Detach>),
        )
        .route(
            &instance("/custom-ingress-ports/{ingress_port_id}/domains"),
            get(domains::port_domains),
        )
        .route(
            &instance("/apps"),
            post(credentials::create).get(credentials::list),
        )
        .route(
            &instance("/apps/{app_id}"),
            get(credentials::show)
                .put(credentials::update)
                .delete(credentials::delete),
        )
        .route(
            &instance("/apps/secret/{app_id}"),
            put(credentials::reset_secret),
        )
        .route(
            &instance("/apps/{app_id}/app-codes"),
            post(credentials::add_app_code)
                .put(credentials::generate_app_code)
                .get(credentials::list_app_codes),
        )
        .route(
            &instance("/apps/{app_id}/app-codes/{app_code_id}"),
            get(credentials::show_app_code).delete(credentials::remove_app_code),
        )
        .route(
            &instance("/apps/{app_id}/app-acl"),
            put(credentials::set_acl)
                .get(credentials::show_acl)
                .delete(credentials::remove_acl),
        )
        .route(&instance("/app-auths"), post(app_auths::authorize))
        .route(
            &instance("/app-auths/binded-apis"),
            get(app_auths::authorized_apis),
        )
        .route(
            &instance("/app-auths/binded-apps"),
            get(app_auths::authorized_apps),
        )
        .route(
            &instance("/app-auths/unbinded-apis"),
            get(app_auths::unauthorized_apis),
        )
        .route(
            &instance("/app-auths/{app_auth_id}"),
            delete(app_auths::revoke),
        )
        .route(
            &instance("/envs"),
            post(api_groups::create_env).get(api_groups::list_envs),
        )
        .route(
            &instance("/envs/{env_id}"),
            put(api_groups::update_env).delete(api_groups::delete_env),
        )
        .route(
            &instance("/env-variables"),
            post(api_groups::create_variable).get(api_groups::list_variables),
        )
        .route(&instance("/apis"), post(apis::create).get(apis::list))
        .route(&instance("/apis/check"), post(apis::check))
        .route(&instance("/apis/action"), post(publishing::action))
        .route(&instance("/apis/publish"), post(publishing::batch))
        .route(
            &instance("/apis/publish/{api_id}"),
            get(publishing::versions).put(publishing::switch_version),
        )
        .route(
            &instance("/apis/versions/{version_id}"),
            get(publishing::show_version).delete(publishing::delete_version),
        )
        .route(
            &instance("/apis/runtime/{api_id}"),
            get(publishing::runtime),
        )
        .route(&instance("/apis/debug/{api_id}"), post(debug::debug))
        .route(
            &instance("/openapi/import"),
            post(openapi::import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(&instance("/openapi/export"), post(openapi::export))
        .route(
            &instance("/openapi/async-import"),
            post(openapi::import_async).layer(DefaultBodyLimit::max(IMPORT_LIMIT)),
        )
        .route(
            &instance("/openapi/async-export"),
            post(openapi::export_async),
        )
        .route(&instance("/async-tasks/{task_id}"), get(openapi::task))
        .route(
            &instance("/apis/{api_id}"),
            get(apis::show).put(apis::update).delete(apis::delete),
        )
        .route(
            &instance("/env-variables/{env_variable_id}"),
            get(api_groups::show_variable)
                .put(api_groups::update_variable)
                .delete(api_groups::delete_variable),
        )
}

/// APIG's list paging alone, for lists without filters: `offset`, `limit` (≤ 0 → 20,
/// > 500 → 500); any other parameter is refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

impl Paging {
    pub fn page(&self) -> Result<Page, ApiError> {
        crate::mgmt::page(self.offset, self.limit)
    }
}

/// The fields of APIG's `precise_search` (a comma-separated list of the filters to match
/// exactly); a field that is not one of `fields` is refused.
pub fn precise<'q>(value: Option<&'q str>, fields: &[&str]) -> Result<Vec<&'q str>, ApiError> {
    let named = value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty());
    named
        .map(|field| match fields.contains(&field) {
            true => Ok(field),
            false => Err(ApiError::invalid_parameter(
                "precise_search",
                format!(
                    "{field} cannot be searched exactly here; use {}",
                    fields.join(", ")
                ),
            )),
        })
        .collect()
}

/// `value` without `fields`: a response whose SDK model has fewer fields than the shape it
/// shares with others.
pub fn without(mut value: serde_json::Value, fields: &[&str]) -> serde_json::Value {
    if let Some(map) = value.as_object_mut() {
        for field in fields {
            map.remove(*field);
        }
    }
    value
}

/// One page of a list held in memory, and the length of the whole list.
pub fn slice<T>(items: Vec<T>, page: Page) -> (Vec<T>, usize) {
    let total = items.len();
    let offset = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(page.limit).unwrap_or(0);
    (items.into_iter().skip(offset).take(limit).collect(), total)
}

/// A console time (`YYYY-MM-DD HH:MM:SS`, UTC) as APIG writes it.
pub fn apig_time_of(console_time: &str) -> String {
    if console_time.is_empty() {
        return String::new();
    }
    format!("{}Z", console_time.replacen(' ', "T", 1))
}
