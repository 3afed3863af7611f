//! The Portico console: Leptos pages rendered on the server and hydrated in the browser,
//! the server functions they call, and (with `ssr`) the service layer that owns all SQL.
//!
//! Rules: `model` holds plain types and rules shared by both halves; `api` holds thin server
//! functions (resolve the session, call one service); `services` is server-only and is
//! the only place that talks to PostgreSQL.
#![forbid(unsafe_code)]
// Deeply nested views (tables of forms) have deep types.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod services;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

use crate::components::shell::ConsoleShell;
use crate::pages::account::ChangePasswordPage;
use crate::pages::gateways::{
    api_detail::ApiDetailPage, api_groups::GatewayGroupsPage, apis::GatewayApisPage,
    authorize::AuthorizeCredentialsWizard, credentials::CredentialPage,
    credentials::GatewayCredentialsPage, domains::GroupDomainsPage,
    environments::GatewayEnvironmentsPage, list::GatewayPicker, list::GatewaysPage,
    open_api::EditApiWizard, open_api::OpenApiWizard, overview::GatewayOverviewPage,
    wizard::CreateGatewayWizard,
};
use crate::pages::iam::{
    access_keys::AccessKeysPage, permissions::PoliciesPage, user_detail::UserDetailPage,
    user_group_detail::UserGroupDetailPage, user_groups::GroupsPage, users::UsersPage,
    wizard::CreateUserWizard,
};
use crate::pages::{
    area::AreaPage, audit::AuditPage, dashboard::Dashboard, not_found::NotFound, signin::SignInPage,
};

/// The HTML document around the application, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The console: sign-in outside the frame, every other page inside it.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="portico" href="/pkg/portico.css"/>
        <Title formatter=|page: String| format!("{page} · Portico")/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async/>
                // Every console page is rendered whole on the server (its data in place, no
                // "Loading…"), so it reads without JavaScript and hydrates what it rendered.
                <ParentRoute path=path!("") view=ConsoleShell ssr=SsrMode::Async>
                    <Route path=path!("") view=Dashboard/>
                    <Route path=path!("iam/users") view=UsersPage/>
                    <Route path=path!("iam/users/new") view=CreateUserWizard/>
                    <Route path=path!("iam/users/:id") view=UserDetailPage/>
                    <Route path=path!("iam/groups") view=GroupsPage/>
                    <Route path=path!("iam/groups/:id") view=UserGroupDetailPage/>
                    <Route path=path!("iam/policies") view=PoliciesPage/>
                    <Route path=path!("iam/access-keys") view=AccessKeysPage/>
                    <Route path=path!("audit") view=AuditPage/>
                    <Route path=path!("gateways") view=GatewaysPage/>
                    <Route path=path!("gateways/new") view=CreateGatewayWizard/>
                    <Route path=path!("gateways/:id") view=GatewayOverviewPage/>
                    <Route path=path!("gateways/:id/groups") view=GatewayGroupsPage/>
                    <Route path=path!("gateways/:id/groups/:group_id") view=GroupDomainsPage/>
                    <Route path=path!("gateways/:id/environments") view=GatewayEnvironmentsPage/>
                    <Route path=path!("gateways/:id/apis") view=GatewayApisPage/>
                    <Route path=path!("gateways/:id/apis/new") view=OpenApiWizard/>
                    <Route path=path!("gateways/:id/apis/:api_id") view=ApiDetailPage/>
                    <Route path=path!("gateways/:id/apis/:api_id/edit") view=EditApiWizard/>
                    <Route path=path!("gateways/:id/credentials") view=GatewayCredentialsPage/>
                    <Route path=path!("gateways/:id/credentials/authorize") view=AuthorizeCredentialsWizard/>
                    <Route path=path!("gateways/:id/credentials/:credential_id") view=CredentialPage/>
                    <Route path=path!("gateways/:id/:area") view=AreaPage/>
                    <Route path=path!("api-groups") view=|| view! {
                        <GatewayPicker title="API groups" tail="/groups"
                            purpose="API groups live inside a gateway: choose one to see and create its groups."/>
                    }/>
                    <Route path=path!("apis") view=|| view! {
                        <GatewayPicker title="APIs" tail="/apis"
                            purpose="APIs live inside a gateway: choose one to see its APIs or open a new one."/>
                    }/>
                    <Route path=path!("environments") view=|| view! {
                        <GatewayPicker title="Environments" tail="/environments"
                            purpose="Environments and variables live inside a gateway: choose one to manage them."/>
                    }/>
                    <Route path=path!("account/password") view=ChangePasswordPage/>
                    <Route path=path!(":area") view=AreaPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
