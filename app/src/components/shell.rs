//! The console frame: top bar (account, project switcher, user menu), left navigation,
//! and the page in the middle.
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};

use super::dialog::closes_on_escape;
use crate::api::{load_shell, SignOut, SwitchProject};
use crate::error::AppError;
use crate::model::nav::{gateway_of, GATEWAY_NAV, NAV};
use crate::model::{GatewayRef, ShellInfo};

/// The signed-in user's frame data, for pages that show only what the user may use.
///
/// Pages ask `can` while they render, often outside any Suspense. The server therefore
/// renders with the frame data its sign-in gate loaded for the request (`at_render`), and
/// the browser hydrates with the same data, serialised with the resource: both sides draw
/// the same buttons and forms, so hydration finds the HTML it expects.
#[derive(Debug, Clone, Copy)]
pub struct ShellContext {
    pub info: Resource<Result<ShellInfo, AppError>>,
    at_render: StoredValue<Option<ShellInfo>>,
}

impl ShellContext {
    /// The frame data once known: loaded in the browser, or loaded by the server for the
    /// page it renders. `None` also when it could not be loaded.
    pub fn current(&self) -> Option<ShellInfo> {
        match self.info.get() {
            Some(result) => result.ok(),
            None => self.at_render.get_value(),
        }
    }

    /// Whether the user may perform `action`; false while the frame data is unknown.
    pub fn can(&self, action: crate::model::permission::Action) -> bool {
        self.current().is_some_and(|info| info.can(action))
    }

    /// Whether the frame data is known, so `can` answers for real.
    pub fn loaded(&self) -> bool {
        self.current().is_some()
    }
}

/// The frame data the server loaded for the page request being rendered (none in the
/// browser, and none for a server function call).
fn at_render() -> Option<ShellInfo> {
    #[cfg(feature = "ssr")]
    {
        crate::api::shell_at_render()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The shell context of the current page.
pub fn use_shell() -> ShellContext {
    expect_context::<ShellContext>()
}

/// The frame around every page but sign-in.
#[component]
pub fn ConsoleShell() -> impl IntoView {
    let switch = ServerAction::<SwitchProject>::new();
    // Reloaded on entering another gateway too, so a gateway created since the page loaded
    // is in the switcher and the navigation under its own name.
    let location = use_location();
    let gateway = Memo::new(move |_| {
        location
            .pathname
            .with(|path| gateway_of(path).map(str::to_owned))
    });
    let info = Resource::new(
        move || (switch.version().get(), gateway.get()),
        |_| load_shell(),
    );
    let shell = ShellContext {
        info,
        at_render: StoredValue::new(at_render()),
    };
    provide_context(shell);
    view! {
        <div class="app">
            <header class="topbar">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"P"</span>
                    "Portico"
                </a>
                <Transition fallback=|| view! { <span class="topbar-loading">"Loading…"</span> }>
                    {move || info.get().map(|result| match result {
                        Ok(info) => view! { <TopBar info switch/> }.into_any(),
                        Err(error) => view! { <SessionProblem error/> }.into_any(),
                    })}
                </Transition>
            </header>
            <div class="layout">
                <SideNav shell/>
                <main class="content" id="main">
                    <Outlet/>
                </main>
            </div>
        </div>
    }
}

#[component]
fn TopBar(info: ShellInfo, switch: ServerAction<SwitchProject>) -> impl IntoView {
    let menu_open = RwSignal::new(false);
    let sign_out = ServerAction::<SignOut>::new();
    let current = info.current_project.id.clone();
    view! {
        <div class="topbar-context">
            <span class="topbar-account" title="Account">{info.account}</span>
            <label class="project-switcher">
                <span class="visually-hidden">"Project"</span>
                <select
                    aria-label="Project"
                    on:change=move |ev| {
                        switch.dispatch(SwitchProject { project_id: event_target_value(&ev) });
                    }
                >
                    {info.projects.into_iter().map(|project| {
                        let selected = project.id == current;
                        view! { <option value=project.id selected=selected>{project.name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <GatewaySwitcher gateways=info.gateways/>
        </div>
        <div
            class="user-menu"
            class:open=move || menu_open.get()
            on:keydown=closes_on_escape(menu_open)
        >
            <button
                type="button"
                class="user-menu-button"
                aria-haspopup="menu"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| menu_open.update(|open| *open = !*open)
            >
                <span class="avatar" aria-hidden="true">
                    {info.user_name.chars().next().map(|c| c.to_ascii_uppercase()).unwrap_or('?')}
                </span>
                <span class="user-name">{info.user_name.clone()}</span>
            </button>
            <Show when=move || menu_open.get()>
                // A click anywhere outside the menu closes it.
                <div class="menu-backdrop" on:click=move |_| menu_open.set(false)></div>
                <div class="menu" role="menu">
                    <div class="menu-header">"Signed in as " <strong>{info.user_name.clone()}</strong></div>
                    <a class="menu-item" role="menuitem" href="/account/password"
                        on:click=move |_| menu_open.set(false)>"Change password"</a>
                    <a class="menu-item" role="menuitem" href="/iam/access-keys"
                        on:click=move |_| menu_open.set(false)>"My access keys"</a>
                    <ActionForm action=sign_out>
                        <button type="submit" class="menu-item" role="menuitem">"Sign out"</button>
                    </ActionForm>
                </div>
            </Show>
        </div>
    }
}

/// Inside a gateway: which one, and a switch to the same page of another.
#[component]
fn GatewaySwitcher(gateways: Vec<GatewayRef>) -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    let current = Memo::new(move |_| {
        location
            .pathname
            .with(|path| gateway_of(path).map(str::to_owned))
    });
    move || {
        let id = current.get()?;
        let navigate = navigate.clone();
        let options = gateways
            .iter()
            .map(|g| {
                let selected = g.id == id;
                view! { <option value=g.id.clone() selected=selected>{g.name.clone()}</option> }
            })
            .collect_view();
        Some(view! {
            <label class="project-switcher">
                <span class="visually-hidden">"Gateway"</span>
                <select aria-label="Gateway" on:change=move |ev| {
                    let to = event_target_value(&ev);
                    let path = location.pathname.get_untracked();
                    navigate(&same_page_of(&path, &to), Default::default());
                }>
                    {options}
                </select>
            </label>
        })
    }
}

/// The page of gateway `to` that matches `path` in another gateway: the same area
/// (`/gateways/a/apis/x` → `/gateways/b/apis`), since one gateway's resources are not in
/// another.
fn same_page_of(path: &str, to: &str) -> String {
    let area = path
        .strip_prefix("/gateways/")
        .and_then(|rest| rest.split('/').nth(1))
        .unwrap_or("");
    if area.is_empty() {
        format!("/gateways/{to}")
    } else {
        format!("/gateways/{to}/{area}")
    }
}

/// Shown in the top bar when the frame's data cannot be loaded.
#[component]
fn SessionProblem(error: AppError) -> impl IntoView {
    let unauthenticated = error == AppError::Unauthenticated;
    view! {
        <div class="topbar-problem" role="alert">
            {error.to_string()}
            {unauthenticated.then(|| view! { " " <a href="/signin">"Sign in"</a> })}
        </div>
    }
}

/// The left navigation: only the areas the user's permissions allow. Inside a gateway, the
/// gateway's own areas follow its name, under Gateways.
#[component]
fn SideNav(shell: ShellContext) -> impl IntoView {
    // An area without an action is for every signed-in user.
    let allowed = move |action: Option<crate::model::permission::Action>| {
        action.is_none_or(|action| shell.can(action))
    };
    let location = use_location();
    let inside = Memo::new(move |_| {
        location
            .pathname
            .with(|path| gateway_of(path).map(str::to_owned))
    });
    view! {
        <nav class="sidenav" aria-label="Console">
            <A href="/" exact=true attr:class="nav-link">"Dashboard"</A>
            <Transition fallback=|| ()>
                {move || NAV.iter().map(|section| {
                    let areas: Vec<_> = section.areas.iter().filter(|area| allowed(area.action)).collect();
                    (!areas.is_empty()).then(|| view! {
                        <div class="nav-section">
                            <div class="nav-section-title">{section.title}</div>
                            {areas.into_iter().map(|area| view! {
                                <A href=format!("/{}", area.slug) exact=true attr:class="nav-link">{area.title}</A>
                            }).collect_view()}
                        </div>
                    })
                }).collect_view()}
                {move || inside.get().map(|id| {
                    let name = shell
                        .current()
                        .and_then(|info| info.gateways.into_iter().find(|g| g.id == id))
                        .map_or_else(|| "This gateway".to_owned(), |g| g.name);
                    view! { <GatewayNav id name allowed/> }
                })}
            </Transition>
        </nav>
    }
}

/// The areas of one gateway, as APIG groups them.
#[component]
fn GatewayNav(
    id: String,
    name: String,
    allowed: impl Fn(Option<crate::model::permission::Action>) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let label = format!("Gateway {name}");
    view! {
        <div class="nav-gateway" role="group" aria-label=label>
            <div class="nav-gateway-name">{name}</div>
            {GATEWAY_NAV.iter().map(|section| {
                let areas: Vec<_> = section.areas.iter().filter(|area| allowed(area.action)).collect();
                (!areas.is_empty()).then(|| view! {
                    <div class="nav-section">
                        <div class="nav-section-title">{section.title}</div>
                        {areas.into_iter().map(|area| {
                            let href = if area.slug.is_empty() {
                                format!("/gateways/{id}")
                            } else {
                                format!("/gateways/{id}/{}", area.slug)
                            };
                            view! {
                                <A href=href exact=area.slug.is_empty() attr:class="nav-link">
                                    {area.title}
                                    {(!area.available).then(|| view! { " " <span class="nav-later">"later"</span> })}
                                </A>
                            }
                        }).collect_view()}
                    </div>
                })
            }).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::same_page_of;

    #[test]
    fn switching_gateway_keeps_the_area() {
        assert_eq!(same_page_of("/gateways/a", "b"), "/gateways/b");
        assert_eq!(
            same_page_of("/gateways/a/apis/x/edit", "b"),
            "/gateways/b/apis"
        );
        assert_eq!(
            same_page_of("/gateways/a/environments", "b"),
            "/gateways/b/environments"
        );
    }
}
