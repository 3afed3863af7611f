//! APIG operations with no meaning for a self-hosted gateway (EIPs, VPC endpoints, orders
//! and resizing, availability zones, tag-based instance queries, AI API keys, microservice
//! import, API tags and debugging-domain switches): `spec/management-api.md`, "Not
//! planned". They answer 501 with an APIG error body that names the operation.
use axum::http::StatusCode;
use axum::routing::{on, MethodFilter};
use axum::Router;

use crate::mgmt::{ApiError, MgmtState};

/// (method, path after `/v2/{project_id}/apigw`, the SDK operation).
const OPERATIONS: &[(MethodFilter, &str, &str)] = &[
    (
        MethodFilter::PUT,
        "/instances/{instance_id}/eip",
        "add_eip_v2",
    ),
    (
        MethodFilter::DELETE,
        "/instances/{instance_id}/eip",
        "remove_eip_v2",
    ),
    (
        MethodFilter::POST,
        "/instances/{instance_id}/nat-eip",
        "add_engress_eip_v2",
    ),
    (
        MethodFilter::PUT,
        "/instances/{instance_id}/nat-eip",
        "update_engress_eip_v2",
    ),
    (
        MethodFilter::DELETE,
        "/instances/{instance_id}/nat-eip",
        "remove_engress_eip_v2",
    ),
    (
        MethodFilter::POST,
        "/instances/{instance_id}/ingress-eip",
        "add_ingress_eip_v2",
    ),
    (
        MethodFilter::PUT,
        "/instances/{instance_id}/ingress-eip",
        "update_ingress_eip_v2",
    ),
    (
        MethodFilter::DELETE,
        "/instances/{instance_id}/ingress-eip",
        "remove_ingress_eip_v2",
    ),
    (
        MethodFilter::GET,
        "/instances/{instance_id}/vpc-endpoint/connections",
        "list_endpoint_connections",
    ),
    (
        MethodFilter::POST,
        "/instances/{instance_id}/vpc-endpoint/connections/action",
        "accept_or_reject_endpoint_connections",
    ),
    (
        MethodFilter::GET,
        "/instances/{instance_id}/vpc-endpoint/permissions",
        "list_endpoint_permissions",
    ),
    (
        MethodFilter::POST,
        "/instances/{instance_id}/vpc-endpoint/permissions/batch-add",
        "add_endpoint_permissions",
    ),
    (
        MethodFilter::POST,
        "/instances/{instance_id}/vpc-endpoint/permissions/batch-delete",
        "delete_endpoint_permissions",
    ),
    (MethodFilter::POST, "/prepay-instances", "create_order"),
    (
        MethodFilter::POST,
        "/instances/{instance_id}/postpaid-resize",
        "create_post_pay_resize_order",
    ),
    (
        MethodFilter::POST,
        "/instances/{instance_id}/prepay-resize",
        "create_prepay_resize",
    ),
    (
        MethodFilter::GET,
        "/available-zones",
        "list_available_zones_v2",
    ),
    (
        MethodFilter::POST,
        "/resource-instances/filter",
        "list_instances_by_tags",
    ),
    (
        MethodFilter::POST,
        "/resource-instances/count",
        "show_instances_num_by_tags",
    ),
    (
        MethodFilter::GET,
        "/instances/{instance_id}/tags",
        "list_tags_v2",
    ),
    (
        MethodFilter::POST,
        "/instances/{instance_id}/apps/{app_id}/ai-api-keys",
        "create_ai_api_key",
    ),
    (
        MethodFilter::GET,
        "/instances/{instance_id}/apps/{app_id}/ai-api-keys",
        "list_ai_api_keys",
    ),
    (
        MethodFilter::GET,
        "/instances/{instance_id}/apps/{app_id}/ai-api-keys/{ai_api_key_id}",
        "show_details_of_ai_api_key",
    ),
    (
        MethodFilter::DELETE,
        "/instances/{instance_id}/apps/{app_id}/ai-api-keys/{ai_api_key_id}",
        "delete_ai_api_key",
    ),
    (
        MethodFilter::POST,
        "/instances/{instance_id}/microservice/import",
        "import_microservice",
    ),
    (
        MethodFilter::PUT,
        "/instances/{instance_id}/api-groups/{group_id}/sl-domain-access-settings",
        "update_sl_domain_setting_v2",
    ),
];

pub fn routes(base: &str) -> Router<MgmtState> {
    let mut router = Router::new();
    for (method, path, operation) in OPERATIONS {
        let operation = *operation;
        router = router.route(
            &format!("{base}{path}"),
            on(*method, move || async move {
                ApiError::new(
                    StatusCode::NOT_IMPLEMENTED,
                    "APIG.9501",
                    format!("{operation} has no meaning for a self-hosted gateway: Portico has no EIPs, VPC endpoints, orders, availability zones or AI API keys."),
                )
            }),
        );
    }
    router
}
