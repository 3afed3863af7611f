//! A gateway's credentials (`/gateways/:id/credentials`): the list with a form to add one
//! and deletion after a confirmation naming what the credential is authorized for; and one
//! credential's page (`/gateways/:id/credentials/:credential_id`): its key, its secret
//! revealed on demand, freezing, AppCodes, the APIs it may call per environment, and its
//! access control.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::credentials::{
    credential_detail, entry_lines, list_credentials, AddAppCode, CreateCredential, CredentialView,
    DeleteCredential, FreezeCredential, RemoveAppCode, RemoveCredentialAcl, ResetCredentialSecret,
    RevealSecret, RevokeAuthorization, SetCredentialAcl,
};
use crate::components::copy::CopyButton;
use crate::components::details::{or_none, property_table, row};
use crate::components::dialog::{send_for, ConfirmDelete, ConfirmDialog, Removal};
use crate::components::feedback::{failure, refresh_on_success, ErrorBanner, Loading};
use crate::components::form::{problems, FormCard, SelectField, Sending, TextField};
use crate::components::heading::ScopedHeading;
use crate::components::route::path_param;
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable, EmptyState};
use crate::error::AppError;
use crate::model::address::parse_list;
use crate::model::api_group::validate_remark;
use crate::model::credential::{
    validate_app_code, validate_name, AppCode, Authorization, Credential, FROZEN, MAX_REMARK,
};
use crate::model::gateway::counted;
use crate::model::permission::actions;

fn status_badge(status: i16) -> impl IntoView {
    if status == FROZEN {
        view! { <span class="badge badge-warning">"Frozen"</span> }.into_any()
    } else {
        view! { <span class="badge badge-success">"Valid"</span> }.into_any()
    }
}

/// What deleting a credential removes.
fn credential_removal(credential: &Credential) -> Removal {
    Removal::new(format!("credential {}", credential.name))
        .with(format!(
            "its authorizations for {}",
            counted(credential.authorized_apis, "API", "APIs")
        ))
        .with("its AppCodes and access control")
        .note("Callers signing with its key or sending its AppCodes are refused from then on.")
}

#[component]
pub fn GatewayCredentialsPage() -> impl IntoView {
    let gateway_id = path_param("id");
    let refresh = RwSignal::new(0_u32);
    let create = ServerAction::<CreateCredential>::new();
    let delete = ServerAction::<DeleteCredential>::new();
    refresh_on_success(create, refresh);
    refresh_on_success(delete, refresh);
    let data = Resource::new(
        move || (gateway_id.get(), refresh.get()),
        |(id, _)| list_credentials(id),
    );
    let shell = use_shell();
    let wizard = move || format!("/gateways/{}/credentials/authorize", gateway_id.get());
    view! {
        <Title text="Credentials"/>
        <p class="small"><a href="/gateways">"← Gateways"</a></p>
        <div class="page-header">
            <ScopedHeading
                name=Signal::derive(move || data.get().and_then(Result::ok).map(|v| v.gateway_name))
                title="Credentials"
            />
            <p class="muted">
                "A credential is what a caller of an APP-authenticated API holds: a key and a secret to sign calls with, or an AppCode to send over HTTPS. It passes only for the APIs it is authorized for, in the environments it is authorized in."
            </p>
        </div>
        {move || shell.can(actions::apig::apis::grantAppAccess).then(|| view! {
            <div class="table-toolbar-actions">
                <a class="btn btn-primary" href=wizard>"Authorize credentials"</a>
            </div>
        })}
        <ErrorBanner error=failure(delete)/>
        <CreatedNotice create/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || data.get().map(|result| match result {
                Ok(view) => view! {
                    <CredentialTable credentials=view.credentials delete gateway_id=gateway_id.get_untracked()/>
                }.into_any(),
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
        <CreateCredentialCard gateway_id=gateway_id.get_untracked() create/>
    }
    .into_any()
}

/// The key and secret of the credential just created, shown once.
#[component]
fn CreatedNotice(create: ServerAction<CreateCredential>) -> impl IntoView {
    move || {
        create.value().get().and_then(Result::ok).map(|made| {
            view! {
                <div class="alert alert-success" role="status">
                    <p>{format!("Credential {} is ready. Its secret is shown again on its page to who may read credentials.", made.name)}</p>
                    {property_table(view! {
                        {row("Key", view! { <code>{made.app_key.clone()}</code> " " <CopyButton text=made.app_key.clone() what="key"/> })}
                        {row("Secret", view! { <code>{made.app_secret.clone()}</code> " " <CopyButton text=made.app_secret.clone() what="secret"/> })}
                    })}
                </div>
            }
        })
    }
}

#[component]
fn CredentialTable(
    credentials: Vec<Credential>,
    delete: ServerAction<DeleteCredential>,
    gateway_id: String,
) -> impl IntoView {
    let can_delete = use_shell().can(actions::apig::apps::delete);
    let confirming = RwSignal::new(None::<Credential>);
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        if delete.value().with(Option::is_some) {
            open.set(false);
        }
    });
    let columns = vec![
        Column::new("Name", {
            let gateway_id = gateway_id.clone();
            move |c: &Credential| {
                view! { <a href=format!("/gateways/{gateway_id}/credentials/{}", c.id)>{c.name.clone()}</a> }
            }
        }),
        Column::new(
            "Key",
            |c: &Credential| view! { <code>{c.app_key.clone()}</code> },
        ),
        Column::new("Status", |c: &Credential| status_badge(c.status)),
        Column::new("Authorized for", |c: &Credential| {
            counted(c.authorized_apis, "API", "APIs")
        }),
        Column::new("Description", |c: &Credential| or_none(c.remark.clone())),
        Column::actions(move |c: &Credential| {
            let ask = {
                let c = c.clone();
                move |_| {
                    delete.clear();
                    confirming.set(Some(c.clone()));
                    open.set(true);
                }
            };
            can_delete.then(|| view! {
                <button type="button" class="btn btn-small btn-ghost"
                    aria-label=format!("Delete credential {}", c.name) on:click=ask>"Delete"</button>
            })
        }),
    ];
    let confirm = send_for(confirming, delete, move |c| DeleteCredential {
        gateway_id: gateway_id.clone(),
        id: c.id,
    });
    let blank = move || {
        view! {
            <EmptyState
                title="No credentials yet"
                text="Add a credential below, or let the Authorize-credentials wizard create one and authorize it for your APIs in one go."
                permission=actions::apig::apps::create
            />
        }
        .into_any()
    };
    view! {
        <section class="card">
            <h2>"Credentials"</h2>
            <DataTable label="Credentials" columns rows=credentials blank/>
            <ConfirmDelete
                open
                removal=Signal::derive(move || confirming.get().map(|c| credential_removal(&c)))
                pending=delete.pending()
                on_confirm=confirm
            />
        </section>
    }
    .into_any()
}

#[component]
fn CreateCredentialCard(
    gateway_id: String,
    create: ServerAction<CreateCredential>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let remark = RwSignal::new(String::new());
    let errors = move || -> Vec<AppError> {
        problems([
            validate_name("name", name.get().trim()),
            validate_remark("remark", &remark.get(), MAX_REMARK),
        ])
    };
    let form = Sending::new(create, errors);
    form.on_success(move || {
        name.set(String::new());
        remark.set(String::new());
    });
    let input = move || CreateCredential {
        gateway_id: gateway_id.clone(),
        name: name.get_untracked(),
        remark: remark.get_untracked(),
    };
    use_shell().can(actions::apig::apps::create).then(|| view! {
        <FormCard title="Add a credential" form input label="Add credential" busy="Adding…" inline=true>
            <TextField label="Credential name" id="credential_name" value=name error=form.field_error("name")
                hint="3 to 64 letters, digits and underscores, starting with a letter."/>
            <TextField label="Description" id="credential_remark" value=remark error=form.field_error("remark")/>
        </FormCard>
    })
}

#[component]
pub fn CredentialPage() -> impl IntoView {
    let gateway_id = path_param("id");
    let credential_id = path_param("credential_id");
    let refresh = RwSignal::new(0_u32);
    let data = Resource::new(
        move || (gateway_id.get(), credential_id.get(), refresh.get()),
        |(gateway, id, _)| credential_detail(gateway, id),
    );
    view! {
        <Title text="Credential"/>
        <p class="small">
            <a href=move || format!("/gateways/{}/credentials", gateway_id.get())>"← Credentials"</a>
        </p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || data.get().map(|result| match result {
                Ok(view) => view! { <CredentialBody view refresh gateway_id=gateway_id.get_untracked()/> }.into_any(),
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn CredentialBody(
    view: CredentialView,
    refresh: RwSignal<u32>,
    gateway_id: String,
) -> impl IntoView {
    let credential = view.credential.clone();
    view! {
        <div class="page-header">
            <h1>{format!("{} · {}", view.gateway_name, credential.name)}</h1>
            <p class="muted">{if credential.remark.is_empty() { "A credential of this gateway.".to_owned() } else { credential.remark.clone() }}</p>
        </div>
        <KeysCard credential=credential.clone() refresh gateway_id=gateway_id.clone()/>
        <AppCodesCard codes=view.app_codes.clone() refresh gateway_id=gateway_id.clone() id=credential.id.clone()/>
        <AuthorizationsCard authorizations=view.authorizations.clone() refresh gateway_id=gateway_id.clone()/>
        <AclCard view refresh gateway_id/>
    }
    .into_any()
}

/// Key, secret (revealed on demand), status and the actions on them.
#[component]
fn KeysCard(credential: Credential, refresh: RwSignal<u32>, gateway_id: String) -> impl IntoView {
    let shell = use_shell();
    let reveal = ServerAction::<RevealSecret>::new();
    let reset = ServerAction::<ResetCredentialSecret>::new();
    let freeze = ServerAction::<FreezeCredential>::new();
    refresh_on_success(freeze, refresh);
    let confirm_reset = RwSignal::new(false);
    Effect::new(move |_| {
        if reset.value().with(Option::is_some) {
            confirm_reset.set(false);
        }
    });
    let secret = move || {
        reset
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| reveal.value().get().and_then(Result::ok))
    };
    let (id, name, frozen) = (
        credential.id.clone(),
        credential.name.clone(),
        credential.status == FROZEN,
    );
    let ask_reveal = {
        let (gateway_id, id) = (gateway_id.clone(), id.clone());
        move |_| {
            reveal.dispatch(RevealSecret {
                gateway_id: gateway_id.clone(),
                id: id.clone(),
            });
        }
    };
    let do_reset = {
        let (gateway_id, id) = (gateway_id.clone(), id.clone());
        move || {
            reset.dispatch(ResetCredentialSecret {
                gateway_id: gateway_id.clone(),
                id: id.clone(),
            });
        }
    };
    let toggle = {
        let (gateway_id, id) = (gateway_id.clone(), id.clone());
        move |_| {
            freeze.dispatch(FreezeCredential {
                gateway_id: gateway_id.clone(),
                id: id.clone(),
                frozen: !frozen,
            });
        }
    };
    let can_update = shell.can(actions::apig::apps::update);
    view! {
        <section class="card">
            <h2>"Key and secret"</h2>
            <ErrorBanner error=failure(reveal)/>
            <ErrorBanner error=failure(reset)/>
            <ErrorBanner error=failure(freeze)/>
            {property_table(view! {
                {row("Key", view! { <code>{credential.app_key.clone()}</code> " " <CopyButton text=credential.app_key.clone() what="key"/> })}
                {row("Secret", view! {
                    {move || match secret() {
                        Some(secret) => view! { <code data-testid="secret">{secret.clone()}</code> " " <CopyButton text=secret what="secret"/> }.into_any(),
                        None => view! {
                            <span class="muted">"Hidden"</span> " "
                            <button type="button" class="btn btn-small" on:click=ask_reveal.clone() disabled=move || reveal.pending().get()>"Reveal secret"</button>
                        }.into_any(),
                    }}
                })}
                {row("Status", status_badge(credential.status))}
                {row("Authorized for", counted(credential.authorized_apis, "API", "APIs"))}
                {row("Created", credential.created_at.clone())}
            })}
            {can_update.then(|| view! {
                <div class="form-actions">
                    <button type="button" class="btn" on:click=move |_| confirm_reset.set(true)>"Reset secret"</button>
                    <button type="button" class="btn" on:click=toggle disabled=move || freeze.pending().get()>
                        {if frozen { "Unfreeze" } else { "Freeze" }}
                    </button>
                </div>
            })}
            <ConfirmDialog
                open=confirm_reset
                title=format!("Reset the secret of {name}?")
                message="The current secret stops working at once: every caller signing with it is refused until it uses the new one."
                confirm_label="Reset secret"
                pending=reset.pending()
                on_confirm=do_reset
            />
        </section>
    }
    .into_any()
}

#[component]
fn AppCodesCard(
    codes: Vec<AppCode>,
    refresh: RwSignal<u32>,
    gateway_id: String,
    id: String,
) -> impl IntoView {
    let shell = use_shell();
    let add = ServerAction::<AddAppCode>::new();
    let remove = ServerAction::<RemoveAppCode>::new();
    refresh_on_success(add, refresh);
    refresh_on_success(remove, refresh);
    let confirming = RwSignal::new(None::<AppCode>);
    let open = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let errors = move || -> Vec<AppError> {
        let typed = code.get();
        problems([if typed.trim().is_empty() {
            Ok(())
        } else {
            validate_app_code("app_code", typed.trim())
        }])
    };
    let form = Sending::new(add, errors);
    form.on_success(move || code.set(String::new()));
    let input = {
        let (gateway_id, id) = (gateway_id.clone(), id.clone());
        move || AddAppCode {
            gateway_id: gateway_id.clone(),
            id: id.clone(),
            app_code: code.get_untracked(),
        }
    };
    let can_remove = shell.can(actions::apig::appCodes::delete);
    let columns = vec![
        Column::new(
            "AppCode",
            |c: &AppCode| view! { <code class="wrap-anywhere">{c.app_code.clone()}</code> " " <CopyButton text=c.app_code.clone() what="AppCode"/> },
        ),
        Column::new("Added", |c: &AppCode| c.created_at.clone()),
        Column::actions(move |c: &AppCode| {
            let ask = {
                let c = c.clone();
                move |_| {
                    confirming.set(Some(c.clone()));
                    open.set(true);
                }
            };
            can_remove.then(|| view! { <button type="button" class="btn btn-small btn-ghost" on:click=ask>"Remove"</button> })
        }),
    ];
    let confirm = send_for(confirming, remove, move |c| RemoveAppCode {
        gateway_id: gateway_id.clone(),
        id: id.clone(),
        code_id: c.id,
    });
    Effect::new(move |_| {
        if remove.value().with(Option::is_some) {
            open.set(false);
        }
    });
    view! {
        <section class="card">
            <h2>"AppCodes"</h2>
            <p class="muted">"Callers of APIs that take AppCodes send one in the X-Apig-AppCode header, over HTTPS, instead of signing. Up to five per credential."</p>
            <ErrorBanner error=failure(remove)/>
            <DataTable label="AppCodes" columns rows=codes empty="No AppCodes yet: add one below."/>
            <ConfirmDialog
                open
                title="Remove this AppCode?"
                message="Callers sending it are refused from then on."
                confirm_label="Remove"
                pending=remove.pending()
                on_confirm=confirm
            />
        </section>
        {shell.can(actions::apig::appCodes::create).then(|| view! {
            <FormCard title="Add an AppCode" form input label="Add AppCode" busy="Adding…" inline=true>
                <TextField label="AppCode (blank: generated)" id="app_code" value=code error=form.field_error("app_code")
                    hint="64 to 180 letters, digits and + _ ! @ # $ % - / =, starting with a letter, a digit, + or /."/>
            </FormCard>
        })}
    }
    .into_any()
}

#[component]
fn AuthorizationsCard(
    authorizations: Vec<Authorization>,
    refresh: RwSignal<u32>,
    gateway_id: String,
) -> impl IntoView {
    let revoke = ServerAction::<RevokeAuthorization>::new();
    refresh_on_success(revoke, refresh);
    let confirming = RwSignal::new(None::<Authorization>);
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        if revoke.value().with(Option::is_some) {
            open.set(false);
        }
    });
    let can_revoke = use_shell().can(actions::apig::apis::relieveAppAccess);
    let apis_base = format!("/gateways/{gateway_id}/apis");
    let columns = vec![
        Column::new(
            "API",
            move |a: &Authorization| view! { <a href=format!("{apis_base}/{}", a.api_id)>{a.api_name.clone()}</a> },
        ),
        Column::new("Group", |a: &Authorization| a.group_name.clone()),
        Column::new("Environment", |a: &Authorization| a.env_name.clone()),
        Column::new("Since", |a: &Authorization| a.created_at.clone()),
        Column::actions(move |a: &Authorization| {
            let ask = {
                let a = a.clone();
                move |_| {
                    confirming.set(Some(a.clone()));
                    open.set(true);
                }
            };
            can_revoke.then(|| view! {
                <button type="button" class="btn btn-small btn-ghost"
                    aria-label=format!("Revoke {} in {}", a.api_name, a.env_name) on:click=ask>"Revoke"</button>
            })
        }),
    ];
    let wizard = format!("/gateways/{gateway_id}/credentials/authorize");
    let confirm = send_for(confirming, revoke, move |a| RevokeAuthorization {
        gateway_id: gateway_id.clone(),
        auth_id: a.id,
    });
    view! {
        <section class="card">
            <h2>"Authorized APIs"</h2>
            <ErrorBanner error=failure(revoke)/>
            <DataTable label="Authorized APIs" columns rows=authorizations
                empty="Not authorized for any API yet: callers holding it are refused everywhere."/>
            <p><a class="btn" href=wizard>"Authorize for more APIs"</a></p>
            <ConfirmDialog
                open
                title=Signal::derive(move || confirming.get().map(|a| format!("Revoke {} in {}?", a.api_name, a.env_name)).unwrap_or_default())
                message="Calls with this credential to this API in this environment are refused from then on."
                confirm_label="Revoke"
                pending=revoke.pending()
                on_confirm=confirm
            />
        </section>
    }
    .into_any()
}

/// The credential's access control: a PERMIT or DENY list, each entry checked as typed.
#[component]
fn AclCard(view: CredentialView, refresh: RwSignal<u32>, gateway_id: String) -> impl IntoView {
    let set = ServerAction::<SetCredentialAcl>::new();
    let remove = ServerAction::<RemoveCredentialAcl>::new();
    refresh_on_success(set, refresh);
    refresh_on_success(remove, refresh);
    let current = view.acl.clone();
    let kind = RwSignal::new(
        current
            .as_ref()
            .map_or("PERMIT", |acl| acl.kind())
            .to_owned(),
    );
    let entries = RwSignal::new(
        current
            .as_ref()
            .map(|acl| acl.values.join("\n"))
            .unwrap_or_default(),
    );
    let errors = move || -> Vec<AppError> {
        // Each entry's problem shows under the one box they are typed in.
        problems([parse_list("entries", &entry_lines(&entries.get()))
            .map(|_| ())
            .map_err(|e| AppError::invalid("entries", e.to_string()))])
    };
    let form = Sending::new(set, errors);
    let id = view.credential.id.clone();
    let input = {
        let (gateway_id, id) = (gateway_id.clone(), id.clone());
        move || SetCredentialAcl {
            gateway_id: gateway_id.clone(),
            id: id.clone(),
            permit: kind.get_untracked() == "PERMIT",
            entries: entries.get_untracked(),
        }
    };
    let drop = move |_| {
        remove.dispatch(RemoveCredentialAcl {
            gateway_id: gateway_id.clone(),
            id: id.clone(),
        });
    };
    let summary = match &current {
        Some(acl) if acl.permit => format!(
            "Only calls from {} may use this credential.",
            counted(acl.values.len() as i64, "address entry", "address entries")
        ),
        Some(acl) => format!(
            "Calls from {} are refused.",
            counted(acl.values.len() as i64, "address entry", "address entries")
        ),
        None => "Calls may come from any address.".to_owned(),
    };
    let has_acl = current.is_some();
    use_shell().can(actions::apig::apps::update).then(|| view! {
        <section class="card">
            <h2>"Access control"</h2>
            <p class="muted">{summary} " A refused call answers 403 APIG.0405."</p>
            <ErrorBanner error=failure(remove)/>
            <ErrorBanner error=form.general()/>
            <form class="form" novalidate on:submit=move |ev| form.send(ev, &input)>
                <SelectField label="Addresses listed are" id="acl_type" value=kind
                    options=vec![("PERMIT".to_owned(), "the only ones allowed (PERMIT)".to_owned()), ("DENY".to_owned(), "refused (DENY)".to_owned())]/>
                <TextField label="Addresses, ranges and CIDR blocks, one per line" id="acl_entries" value=entries multiline=true
                    error=form.field_error("entries")
                    hint="Such as 203.0.113.7, 10.0.0.1-10.0.0.99, 192.168.0.0/16 or 2001:db8::/32."/>
                <div class="form-actions">
                    {has_acl.then(|| view! { <button type="button" class="btn" on:click=drop.clone()>"Remove access control"</button> })}
                    <button type="submit" class="btn btn-primary" disabled=move || form.pending().get()>"Save access control"</button>
                </div>
            </form>
        </section>
    }
    .into_any())
}
