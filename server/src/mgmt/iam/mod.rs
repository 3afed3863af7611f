//! The IAM v3 subset, path for path and field for field as `huaweicloudsdkiam` sends and
//! reads it.
mod access_keys;
mod json;
mod projects;
mod roles;
mod tokens;
mod user_groups;
mod users;

use axum::routing::{get, post, put};
use axum::Router;

use super::MgmtState;

pub fn routes() -> Router<MgmtState> {
    Router::new()
        .route(
            "/v3/auth/tokens",
            post(tokens::create)
                .get(tokens::validate)
                .delete(tokens::revoke),
        )
        .route("/v3/auth/domains", get(projects::auth_domains))
        .route("/v3/projects", get(projects::list).post(projects::create))
        .route(
            "/v3/projects/{project_id}",
            get(projects::show).patch(projects::update),
        )
        .route("/v3/users/{user_id}/projects", get(projects::list_for_user))
        .route("/v3/OS-FEDERATION/projects", get(projects::list_mine))
        .route(
            "/v3.0/OS-USER/users/{user_id}/info",
            put(users::update_information),
        )
        .route("/v3/users", post(users::create).get(users::list))
        .route("/v3.0/OS-USER/users", post(users::create))
        .route(
            "/v3/users/{user_id}",
            get(users::show).patch(users::update).delete(users::delete),
        )
        .route(
            "/v3.0/OS-USER/users/{user_id}",
            get(users::show).put(users::update),
        )
        .route("/v3/users/{user_id}/groups", get(user_groups::list_for_user))
        .route("/v3/users/{user_id}/password", post(users::change_password))
        .route("/v3/groups", post(user_groups::create).get(user_groups::list))
        .route(
            "/v3/groups/{group_id}",
            get(user_groups::show)
                .patch(user_groups::update)
                .delete(user_groups::delete),
        )
        .route("/v3/groups/{group_id}/users", get(user_groups::members))
        .route(
            "/v3/groups/{group_id}/users/{user_id}",
            put(user_groups::add_member)
                .head(user_groups::check_member)
                .delete(user_groups::remove_member),
        )
        .route("/v3/roles", get(roles::list_system))
        .route("/v3/roles/{role_id}", get(roles::show))
        .route(
            "/v3/projects/{project_id}/groups/{group_id}/roles",
            get(roles::list_granted),
        )
        .route(
            "/v3/projects/{project_id}/groups/{group_id}/roles/{role_id}",
            put(roles::grant)
                .head(roles::check_grant)
                .delete(roles::revoke),
        )
        .route(
            "/v3/domains/{domain_id}/groups/{group_id}/roles",
            get(roles::list_granted),
        )
        .route(
            "/v3/domains/{domain_id}/groups/{group_id}/roles/{role_id}",
            put(roles::grant)
                .head(roles::check_grant)
                .delete(roles::revoke),
        )
        .route(
            "/v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/inherited_to_projects",
            get(roles::list_granted),
        )
        .route(
            "/v3/OS-INHERIT/domains/{domain_id}/groups/{group_id}/roles/{role_id}/inherited_to_projects",
            put(roles::grant)
                .head(roles::check_grant)
                .delete(roles::revoke),
        )
        .route(
            "/v3.0/OS-ROLE/roles",
            post(roles::create_custom).get(roles::list_custom),
        )
        .route(
            "/v3.0/OS-ROLE/roles/{role_id}",
            get(roles::show)
                .patch(roles::update_custom)
                .delete(roles::delete_custom),
        )
        .route(
            "/v3.0/OS-CREDENTIAL/credentials",
            post(access_keys::create).get(access_keys::list),
        )
        .route(
            "/v3.0/OS-CREDENTIAL/securitytokens",
            post(access_keys::create_temporary),
        )
        .route(
            "/v3.0/OS-CREDENTIAL/credentials/{access_key}",
            get(access_keys::show)
                .put(access_keys::update)
                .delete(access_keys::delete),
        )
}
