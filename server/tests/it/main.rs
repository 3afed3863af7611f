//! Integration tests: the real server on port 0, a real PostgreSQL, HTTP over sockets.
//! One test binary, so one private PostgreSQL cluster serves every test here; each test
//! gets its own fresh database.
#[macro_use]
mod iam_support;

mod access_keys;
mod api_groups;
mod apis;
mod apis_authz;
mod compat;
mod console_gateways;
mod console_iam;
mod console_permissions;
mod conventions;
mod credentials;
mod domains;
mod gateway;
mod gateways;
mod gateways_access;
mod health;
mod iam;
mod iam_grants;
mod openapi;
mod preauth;
mod runtime;
mod signin;
mod slow_clients;
mod startup;
mod supervision;
mod support;
mod upgrade;
