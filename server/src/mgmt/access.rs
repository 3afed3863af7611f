//! Authorization of management calls. The authentication layer leaves the caller in the
//! request as an [`Authenticated`] that handlers cannot open: a handler gets its `Caller`
//! only from one of the extractors here, by naming the catalogue action it performs
//! (`allow…`), so a handler without a declared action does not compile. Each extractor
//! fixes the scope the action is checked in:
//! - [`InAccount`]: IAM's calls (`/v3/…`), across the caller's account;
//! - [`InProject`]: `/v2/{project_id}/…`, the caller acting in the path's project;
//! - [`InGateway`]: `/v2/{project_id}/apigw/instances/{instance_id}/…`, inside an existing
//!   gateway of that project.
//!
//! Refusals are audited against the kind of thing the action acts on.
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::StatusCode;
use sqlx::PgPool;

use app::error::{AppError, Kind};
use app::model::permission::{Action, Scope};
use app::services::apig::gateways;
use app::services::audit::Target;
use app::services::caller::{Caller, Cx};
use app::services::iam::{authz, projects};

use super::{ApiError, MgmtState};

/// The caller the authentication layer identified, not yet allowed anything.
#[derive(Clone)]
pub struct Authenticated(Caller);

impl Authenticated {
    pub(super) fn new(caller: Caller) -> Self {
        Self(caller)
    }
}

fn authenticated(parts: &Parts) -> Result<Caller, ApiError> {
    parts
        .extensions
        .get::<Authenticated>()
        .map(|Authenticated(caller)| caller.clone())
        .ok_or_else(|| ApiError::unauthenticated("The request is not authenticated."))
}

/// The path parameter `name` of the matched route.
async fn path_parameter(parts: &mut Parts, name: &str) -> Result<String, ApiError> {
    let params = RawPathParams::from_request_parts(parts, &())
        .await
        .map_err(|error| ApiError::from(AppError::Internal(error.to_string())))?;
    params
        .iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .ok_or_else(|| AppError::Internal(format!("the route has no {{{name}}}")).into())
}

/// A caller allowed what a handler does, with the database to do it in. It reads as the
/// `Caller` it holds (`&allowed` where a service takes `&Caller`).
pub struct Allowed {
    pub pool: PgPool,
    caller: Caller,
}

impl Allowed {
    /// What a service call runs with.
    pub fn cx(&self) -> Cx<'_> {
        Cx {
            pool: &self.pool,
            caller: &self.caller,
        }
    }
}

impl std::ops::Deref for Allowed {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.caller
    }
}

/// The caller with what checking an action needs.
struct Pending {
    pool: PgPool,
    caller: Caller,
}

impl Pending {
    /// The caller, allowed `action` in `scope`; a refusal is audited against `target`.
    async fn check(
        self,
        action: Action,
        scope: Scope<'_>,
        target: Target<'_>,
    ) -> Result<Allowed, ApiError> {
        authz::require_in(
            Cx {
                pool: &self.pool,
                caller: &self.caller,
            },
            action,
            scope,
            target,
        )
        .await?;
        Ok(self.allowed())
    }

    fn allowed(self) -> Allowed {
        Allowed {
            pool: self.pool,
            caller: self.caller,
        }
    }

    /// `action` across the project, on `id` (none: on nothing in particular).
    async fn across(self, action: Action, id: &str) -> Result<Allowed, ApiError> {
        let target = Target {
            kind: action.target_kind(),
            id,
            name: "",
        };
        self.check(action, Scope::Project, target).await
    }

    /// `action` on what `owner` owns (the refusal names the owner).
    async fn owned_by(self, action: Action, owner: &str) -> Result<Allowed, ApiError> {
        let target = Target {
            kind: action.target_kind(),
            id: "",
            name: owner,
        };
        self.check(action, Scope::Project, target).await
    }
}

/// An IAM call, across the caller's account (IAM actions are granted in all projects).
pub struct InAccount(Pending);

impl FromRequestParts<MgmtState> for InAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &MgmtState) -> Result<Self, ApiError> {
        Ok(Self(Pending {
            pool: state.pool.clone(),
            caller: authenticated(parts)?,
        }))
    }
}

impl InAccount {
    /// The user making the call.
    pub fn user_id(&self) -> &str {
        &self.0.caller.user_id
    }

    /// The account the caller belongs to (to find what an action is about before it is
    /// checked).
    pub fn account_id(&self) -> &str {
        &self.0.caller.account_id
    }

    /// Whether the call comes with a token or temporary access key (scoped to a project).
    pub fn is_short_lived(&self) -> bool {
        self.0.caller.bound_to.is_some()
    }

    /// The caller, allowed `action`.
    pub async fn allow(self, action: Action) -> Result<Allowed, ApiError> {
        self.0.across(action, "").await
    }

    /// The caller, allowed `action` on the thing `id` (the refusal names it).
    pub async fn allow_on(self, action: Action, id: &str) -> Result<Allowed, ApiError> {
        self.0.across(action, id).await
    }

    /// The caller, allowed `action` on what `owner` owns, which needs no permission when
    /// the caller is the owner.
    pub async fn allow_unless_own(self, action: Action, owner: &str) -> Result<Allowed, ApiError> {
        if owner == self.user_id() {
            return Ok(self.0.allowed());
        }
        self.0.owned_by(action, owner).await
    }

    /// The caller, allowed `action` on what `owner` owns, the caller's own included.
    pub async fn allow_owned_by(self, action: Action, owner: &str) -> Result<Allowed, ApiError> {
        self.0.owned_by(action, owner).await
    }

    /// The caller acting on themselves (their own password, contact details, access keys
    /// or token), which needs no permission: the handler has checked that it is so.
    pub fn as_self(self) -> Allowed {
        self.0.allowed()
    }
}

/// A call in the path's project, which must be one of the account's and the one a scoped
/// token or temporary key was issued for.
pub struct InProject(Pending);

impl FromRequestParts<MgmtState> for InProject {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &MgmtState) -> Result<Self, ApiError> {
        let mut caller = authenticated(parts)?;
        let project_id = path_parameter(parts, "project_id").await?;
        projects::find(&state.pool, &caller.account_id, &project_id)
            .await
            .map_err(|_| AppError::not_found(Kind::Project, format!("Project {project_id}")))?;
        if let Some(bound) = caller.bound_to.as_deref().filter(|b| *b != project_id) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "APIG.1020",
                format!(
                    "The token or temporary access key is scoped to project {bound}, not {project_id}: get one scoped to {project_id}."
                ),
            ));
        }
        caller.project_id = project_id;
        Ok(Self(Pending {
            pool: state.pool.clone(),
            caller,
        }))
    }
}

impl InProject {
    /// The caller, allowed `action` across the project.
    pub async fn allow(self, action: Action) -> Result<Allowed, ApiError> {
        self.0.across(action, "").await
    }

    /// The caller, allowed `action` on the thing `id` across the project.
    pub async fn allow_on(self, action: Action, id: &str) -> Result<Allowed, ApiError> {
        self.0.across(action, id).await
    }

    /// The caller, allowed `action` somewhere in the project: a list, which the service
    /// filters to where the caller may see.
    pub async fn allow_anywhere(self, action: Action) -> Result<Allowed, ApiError> {
        self.0
            .check(action, Scope::Anywhere, authz::any(action))
            .await
    }

    /// The caller, allowed `action` on the gateway `gateway_id` itself.
    pub async fn allow_in(self, action: Action, gateway_id: &str) -> Result<Allowed, ApiError> {
        let target = Target {
            kind: action.target_kind(),
            id: gateway_id,
            name: "",
        };
        self.0
            .check(action, Scope::Gateway(gateway_id), target)
            .await
    }
}

/// A call inside the path's gateway, in the path's project.
pub struct InGateway {
    project: InProject,
    gateway_id: String,
}

impl FromRequestParts<MgmtState> for InGateway {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &MgmtState) -> Result<Self, ApiError> {
        let project = InProject::from_request_parts(parts, state).await?;
        let gateway_id = path_parameter(parts, "instance_id").await?;
        Ok(Self {
            project,
            gateway_id,
        })
    }
}

impl InGateway {
    /// The caller, allowed `action` inside the gateway, which exists (the refusal is
    /// audited against the gateway), and the gateway's id.
    pub async fn allow(self, action: Action) -> Result<(Allowed, String), ApiError> {
        let target = Target {
            kind: action.target_kind(),
            id: "",
            name: &self.gateway_id,
        };
        let scope = Scope::Gateway(&self.gateway_id);
        let allowed = self.project.0.check(action, scope, target).await?;
        gateways::get(allowed.cx(), &self.gateway_id).await?;
        Ok((allowed, self.gateway_id))
    }
}
