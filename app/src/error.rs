//! The one error type at the console boundary. Server functions return it; pages show it
//! next to the field it names, or as a banner. Below this boundary the service layer
//! classifies library errors into it (`services::internal`).
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No session, or the session ended.
    #[error("Your session has ended. Sign in to continue.")]
    Unauthenticated,
    /// The caller lacks the IAM permission `action` in the target project.
    #[error("You do not have the permission {action} needed for this. Ask an administrator to grant it.")]
    Forbidden { action: String },
    /// A grant that would hand over more than the granter holds where it applies.
    #[error("{message}")]
    Beyond { message: String },
    /// The resource does not exist (or is not visible to the caller).
    #[error("{resource} does not exist.")]
    NotFound { kind: Kind, resource: String },
    /// A name (or route, or port) another resource of the same kind already holds.
    #[error("{message}")]
    Taken {
        kind: Kind,
        field: String,
        message: String,
    },
    /// The change conflicts with what exists (a duplicate name, a limit reached, a resource
    /// still in use); `field` names the form field when there is one.
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// Input that breaks a rule; `field` names the form field it belongs to.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// Wrong user name or password; deliberately does not say which.
    #[error("The user name or password is incorrect.")]
    InvalidCredentials,
    /// Too many wrong passwords in a row.
    #[error("Too many wrong passwords. This user is locked; try again after {until} UTC.")]
    Locked { until: String },
    /// A server-side failure the user cannot fix; details are in the server log.
    #[error("The server could not complete the request ({0}). Try again shortly.")]
    Internal(String),
    /// The database is out of reach or too busy for now (a pool or lock timeout): nothing
    /// was changed, and the same request may succeed in a moment.
    #[error("The server is busy ({0}); nothing was changed. Try again in a moment.")]
    Unavailable(String),
    /// The request did not reach the server or its answer could not be read.
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    /// The form field this error belongs next to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } | AppError::Taken { field, .. } => Some(field),
            AppError::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status a server function answers with when it fails this way.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Invalid { .. } => 400,
            // APIG answers a taken name with 400; IAM (Keystone) with 409.
            AppError::Taken { kind, .. } if kind.is_iam() => 409,
            AppError::Taken { .. } => 400,
            AppError::Forbidden { .. } | AppError::Beyond { .. } => 403,
            AppError::NotFound { .. } => 404,
            AppError::Conflict { .. } => 409,
            AppError::Locked { .. } => 429,
            AppError::Internal(_) => 500,
            AppError::Transport(_) => 502,
            AppError::Unavailable(_) => 503,
        }
    }

    /// The message with the field it concerns, for reports outside a form:
    /// "Invalid parameter req_uri: …".
    pub fn describe(&self) -> String {
        match self {
            AppError::Invalid { field, message } => format!("Invalid parameter {field}: {message}"),
            other => other.to_string(),
        }
    }

    /// The APIG error code of this kind of failure (`spec/apig-reference.md` §5.3), shown
    /// in small print in the console and returned by the management API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials | AppError::Locked { .. } => {
                "APIG.1000"
            }
            AppError::Forbidden { .. } | AppError::Beyond { .. } => "APIG.1020",
            AppError::Invalid { .. } => "APIG.2012",
            AppError::NotFound { kind, .. } => kind.missing_code(),
            AppError::Taken { kind, .. } => kind.taken_code(),
            AppError::Conflict { .. } => "APIG.2000",
            AppError::Internal(_) | AppError::Transport(_) | AppError::Unavailable(_) => {
                "APIG.9999"
            }
        }
    }

    pub fn forbidden(action: &str) -> Self {
        AppError::Forbidden {
            action: action.to_owned(),
        }
    }

    pub fn not_found(kind: Kind, resource: impl Into<String>) -> Self {
        AppError::NotFound {
            kind,
            resource: resource.into(),
        }
    }

    pub fn taken(kind: Kind, field: &str, message: impl Into<String>) -> Self {
        AppError::Taken {
            kind,
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn conflict(field: Option<&str>, message: impl Into<String>) -> Self {
        AppError::Conflict {
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Answers that `what`, a `kind`, does not exist when `missing` holds.
pub fn not_found_if(missing: bool, kind: Kind, what: impl Into<String>) -> Result<(), AppError> {
    match missing {
        true => Err(AppError::not_found(kind, what)),
        false => Ok(()),
    }
}

/// Refuses `field` with `message` when `refused` holds.
pub fn invalid_if(refused: bool, field: &str, message: impl Into<String>) -> Result<(), AppError> {
    match refused {
        true => Err(AppError::invalid(field, message)),
        false => Ok(()),
    }
}

/// The kinds of resource an error can be about, for the code that names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Gateway,
    ApiGroup,
    Api,
    /// A method and path an API of the group already answers.
    Route,
    Environment,
    Variable,
    /// An API's publication in an environment, or one of its versions.
    Publication,
    Domain,
    Certificate,
    Task,
    IngressPort,
    /// A credential (APIG's app).
    Credential,
    /// An AppCode of a credential.
    AppCode,
    /// A credential's authorization for an API in an environment.
    Authorization,
    /// The account, which IAM calls the domain.
    Account,
    Project,
    User,
    UserGroup,
    Policy,
    AccessKey,
}

impl Kind {
    /// Whether the kind belongs to IAM (whose errors keep Keystone's statuses).
    pub fn is_iam(self) -> bool {
        matches!(
            self,
            Kind::Account
                | Kind::Project
                | Kind::User
                | Kind::UserGroup
                | Kind::Policy
                | Kind::AccessKey
        )
    }

    /// APIG's "does not exist" code (APIG.3001–3095, 404). Where APIG's table names none
    /// (domain, certificate, task, inbound port), Portico's choice within the range; IAM's
    /// kinds answer in IAM's shape, where the code is the status.
    pub fn missing_code(self) -> &'static str {
        match self {
            Kind::ApiGroup => "APIG.3001",
            Kind::Api | Kind::Route => "APIG.3002",
            Kind::Environment => "APIG.3003",
            Kind::Variable => "APIG.3011",
            Kind::Publication => "APIG.3015",
            Kind::Domain => "APIG.3020",
            Kind::Certificate => "APIG.3021",
            Kind::Gateway => "APIG.3030",
            Kind::Task => "APIG.3040",
            Kind::IngressPort => "APIG.3041",
            Kind::Credential => "APIG.3004",
            Kind::AppCode => "APIG.3082",
            Kind::Authorization => "APIG.3010",
            Kind::Account
            | Kind::Project
            | Kind::User
            | Kind::UserGroup
            | Kind::Policy
            | Kind::AccessKey => "APIG.3000",
        }
    }

    /// APIG's "already exists" code (APIG.3201–3216 for names, 3301–3332 for other
    /// duplicates, 400).
    pub fn taken_code(self) -> &'static str {
        match self {
            Kind::ApiGroup => "APIG.3201",
            Kind::Api => "APIG.3202",
            Kind::Credential => "APIG.3203",
            Kind::Environment => "APIG.3205",
            Kind::Variable => "APIG.3206",
            Kind::Domain => "APIG.3210",
            Kind::Certificate => "APIG.3212",
            Kind::Gateway => "APIG.3216",
            Kind::Route => "APIG.3301",
            Kind::IngressPort => "APIG.3302",
            Kind::AppCode => "APIG.3303",
            Kind::Publication | Kind::Task | Kind::Authorization => "APIG.3300",
            Kind::Account
            | Kind::Project
            | Kind::User
            | Kind::UserGroup
            | Kind::Policy
            | Kind::AccessKey => "APIG.3200",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
