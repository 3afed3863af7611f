//! One API group's domains and certificates (`/gateways/:id/groups/:group_id`): the
//! generated subdomain, the bound domains with the certificate each serves over HTTPS and
//! its expiry, binding a domain, adding a certificate (upload PEM or pick a stored one), and
//! unbinding after a confirmation.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::domains::{
    group_domains, BindDomain, GroupDomainsView, LinkDomainCertificate, UnbindDomain,
    UploadDomainCertificate,
};
use crate::components::copy::CopyButton;
use crate::components::dialog::ConfirmDialog;
use crate::components::feedback::{failure, refresh_on_success, ErrorBanner, Loading};
use crate::components::form::{field_errors, problems, SelectField, Sending, TextField};
use crate::components::heading::ScopedHeading;
use crate::components::route::path_param;
use crate::components::shell::use_shell;
use crate::components::table::{Column, DataTable};
use crate::error::AppError;
use crate::model::certificate::{
    validate_certificate_name, validate_domain, BoundDomain, Link, TLS_VERSIONS,
};
use crate::model::permission::actions;

/// Days left before a certificate expires, counted on whole UTC days of `YYYY-MM-DD ...`.
fn days_between(today: &str, until: &str) -> Option<i64> {
    fn day_number(date: &str) -> Option<i64> {
        let mut parts = date.get(..10)?.split('-').map(|p| p.parse::<i64>().ok());
        let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(era * 146_097 + doe)
    }
    Some(day_number(until)? - day_number(today)?)
}

#[component]
pub fn GroupDomainsPage() -> impl IntoView {
    let gateway_id = path_param("id");
    let group_id = path_param("group_id");
    let refresh = RwSignal::new(0_u32);
    let bind = ServerAction::<BindDomain>::new();
    let unbind = ServerAction::<UnbindDomain>::new();
    let upload = ServerAction::<UploadDomainCertificate>::new();
    let attach = ServerAction::<LinkDomainCertificate>::new();
    let detach = ServerAction::<LinkDomainCertificate>::new();
    refresh_on_success(bind, refresh);
    refresh_on_success(unbind, refresh);
    refresh_on_success(upload, refresh);
    refresh_on_success(attach, refresh);
    refresh_on_success(detach, refresh);
    // The domain whose certificate form is open.
    let adding = RwSignal::new(None::<BoundDomain>);
    let view_data = Resource::new(
        move || (gateway_id.get(), group_id.get(), refresh.get()),
        |(gateway, group, _)| group_domains(gateway, group),
    );
    let actions = DomainActions {
        gateway_id,
        group_id,
        unbind,
        upload,
        attach,
        detach,
        adding,
    };
    view! {
        <Title text="Domains and certificates"/>
        <p class="small"><a href=move || format!("/gateways/{}/groups", gateway_id.get())>"← API groups"</a></p>
        <div class="page-header">
            <ScopedHeading
                name=Signal::derive(move || view_data.get().and_then(Result::ok).map(|v| format!("{} · {}", v.gateway_name, v.group.name)))
                title="Domains and certificates"
            />
            <p class="muted">
                "Callers reach this group's APIs at its generated subdomain, or at your own domains bound here. Point a domain's DNS (CNAME) at the subdomain; add a certificate to serve it over HTTPS."
            </p>
        </div>
        <ErrorBanner error=failure(unbind)/>
        <ErrorBanner error=failure(detach)/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || view_data.get().map(|result| match result {
                Ok(data) => view! { <DomainsCard data actions/> }.into_any(),
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
            })}
        </Transition>
        <CertificateCard actions view_data/>
        <BindDomainCard gateway_id group_id bind/>
    }
    .into_any()
}

/// Everything a row or the certificate card can do.
#[derive(Clone, Copy)]
struct DomainActions {
    gateway_id: Memo<String>,
    group_id: Memo<String>,
    unbind: ServerAction<UnbindDomain>,
    upload: ServerAction<UploadDomainCertificate>,
    attach: ServerAction<LinkDomainCertificate>,
    detach: ServerAction<LinkDomainCertificate>,
    adding: RwSignal<Option<BoundDomain>>,
}

/// What the confirmation dialog is about to do.
#[derive(Clone)]
enum Pending {
    Unbind(BoundDomain),
    RemoveCertificate(BoundDomain),
}

#[component]
fn DomainsCard(data: GroupDomainsView, actions: DomainActions) -> impl IntoView {
    let shell = use_shell();
    let can_unbind = shell.can(actions::apig::domains::delete);
    let can_bind_cert = shell.can(actions::apig::domains::bindCertificate);
    let can_unbind_cert = shell.can(actions::apig::domains::unbindCertificate);
    let confirming = RwSignal::new(None::<Pending>);
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        if actions.unbind.value().with(Option::is_some)
            || actions.detach.value().with(Option::is_some)
        {
            open.set(false);
        }
    });
    let today = data.today.clone();
    let subdomain = data.subdomain.clone();
    let empty = data.domains.is_empty();
    let columns = vec![
        Column::new(
            "Domain",
            |domain: &BoundDomain| view! { <code class="wrap-anywhere">{domain.domain.clone()}</code> },
        ),
        Column::new(
            "HTTPS certificate",
            move |domain: &BoundDomain| match &domain.certificate {
                Some(c) => {
                    let left = days_between(&today, &c.not_after).unwrap_or(0);
                    let (badge, label) = match left {
                        l if l < 0 => ("badge badge-danger", "Expired".to_owned()),
                        l if l <= 30 => ("badge badge-warning", format!("Expires in {l} days")),
                        l => ("badge badge-success", format!("Valid for {l} days")),
                    };
                    view! {
                    {c.name.clone()} " "
                    <span class=badge>{label}</span>
                    <div class="small muted">"Until " {c.not_after.clone()} " UTC · " {c.algorithm_type.clone()}</div>
                }
                .into_any()
                }
                None => view! { <span class="muted">"None — HTTP only"</span> }.into_any(),
            },
        ),
        Column::new("Minimum TLS", |domain: &BoundDomain| {
            domain.min_ssl_version.clone()
        }),
        Column::actions(move |domain: &BoundDomain| {
            let ask_unbind = {
                let domain = domain.clone();
                move |_| {
                    actions.unbind.clear();
                    actions.detach.clear();
                    confirming.set(Some(Pending::Unbind(domain.clone())));
                    open.set(true);
                }
            };
            let ask_remove = {
                let domain = domain.clone();
                move |_| {
                    actions.unbind.clear();
                    actions.detach.clear();
                    confirming.set(Some(Pending::RemoveCertificate(domain.clone())));
                    open.set(true);
                }
            };
            let add = {
                let domain = domain.clone();
                move |_| {
                    actions.upload.clear();
                    actions.attach.clear();
                    actions.adding.set(Some(domain.clone()));
                }
            };
            let has_certificate = domain.certificate.is_some();
            view! {
                {(can_bind_cert && !has_certificate).then(|| view! {
                    <button type="button" class="btn btn-small" aria-label=format!("Add a certificate to {}", domain.domain) on:click=add>"Add certificate"</button>
                })}
                {(can_unbind_cert && has_certificate).then(|| view! {
                    <button type="button" class="btn btn-small btn-ghost" aria-label=format!("Remove the certificate of {}", domain.domain) on:click=ask_remove>"Remove certificate"</button>
                })}
                {can_unbind.then(|| view! {
                    <button type="button" class="btn btn-small btn-ghost" aria-label=format!("Unbind {}", domain.domain) on:click=ask_unbind>"Unbind"</button>
                })}
            }
        }),
    ];
    let domains = data.domains;
    let confirm = move || match confirming.get_untracked() {
        Some(Pending::Unbind(domain)) => {
            actions.unbind.dispatch(UnbindDomain {
                gateway_id: actions.gateway_id.get_untracked(),
                group_id: actions.group_id.get_untracked(),
                domain_id: domain.id,
            });
        }
        Some(Pending::RemoveCertificate(domain)) => {
            if let Some(certificate) = domain.certificate {
                actions.detach.dispatch(LinkDomainCertificate {
                    gateway_id: actions.gateway_id.get_untracked(),
                    group_id: actions.group_id.get_untracked(),
                    domain_id: domain.id,
                    certificate_id: certificate.id,
                    link: Link::Detach,
                });
            }
        }
        None => {}
    };
    view! {
        <section class="card">
            <h2>"Subdomain"</h2>
            <p><code>{subdomain.clone()}</code> " " <CopyButton text=subdomain.clone() what="subdomain"/></p>
        </section>
        <section class="card">
            <h2>"Bound domains"</h2>
            {if empty {
                view! {
                    <div class="empty-state">
                        <p>"No domains bound yet."</p>
                        <p class="muted">"Bind your own domain below, then point its DNS (CNAME) at " <code>{subdomain}</code> "."</p>
                    </div>
                }
                .into_any()
            } else {
                view! { <DataTable label="Bound domains" columns rows=domains/> }.into_any()
            }}
        </section>
        <ConfirmDialog
            open
            title=Signal::derive(move || match confirming.get() {
                Some(Pending::Unbind(d)) => format!("Unbind {}?", d.domain),
                Some(Pending::RemoveCertificate(d)) => format!("Remove the certificate of {}?", d.domain),
                None => String::new(),
            })
            message=Signal::derive(move || match confirming.get() {
                Some(Pending::Unbind(d)) => format!("Requests to {} stop reaching this group. The certificate stays stored.", d.domain),
                Some(Pending::RemoveCertificate(d)) => format!("{} stops answering over HTTPS. The certificate stays stored and can be added again.", d.domain),
                None => String::new(),
            })
            confirm_label=Signal::derive(move || match confirming.get() {
                Some(Pending::RemoveCertificate(_)) => "Remove certificate".to_owned(),
                _ => "Unbind domain".to_owned(),
            })
            pending=Signal::derive(move || actions.unbind.pending().get() || actions.detach.pending().get())
            on_confirm=confirm
        />
    }
    .into_any()
}

/// The form that adds a certificate to the chosen domain: a stored one that covers it, or a
/// new PEM certificate and key.
#[component]
fn CertificateCard(
    actions: DomainActions,
    view_data: Resource<Result<GroupDomainsView, AppError>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let cert = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let existing = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let errors = move || -> Vec<AppError> {
        let mut found = Vec::new();
        if let Err(error) = validate_certificate_name("name", name.get().trim()) {
            found.push(error);
        }
        if !cert.get().contains("-----BEGIN CERTIFICATE-----") {
            found.push(AppError::invalid(
                "cert_content",
                "Paste the PEM certificate, starting with -----BEGIN CERTIFICATE-----.",
            ));
        }
        if !key.get().contains("PRIVATE KEY-----") {
            found.push(AppError::invalid(
                "private_key",
                "Paste the PEM private key, starting with -----BEGIN PRIVATE KEY-----.",
            ));
        }
        found
    };
    let server_error = failure(actions.upload);
    let field_error = field_errors(attempted, errors, server_error);
    let general = Signal::derive(move || {
        server_error
            .get()
            .filter(|e| e.field().is_none())
            .or_else(|| failure(actions.attach).get())
    });
    Effect::new(move |_| {
        let uploaded = actions.upload.value().with(|v| matches!(v, Some(Ok(_))));
        let attached = actions.attach.value().with(|v| matches!(v, Some(Ok(_))));
        if uploaded || attached {
            actions.adding.set(None);
            name.set(String::new());
            cert.set(String::new());
            key.set(String::new());
            attempted.set(false);
        }
    });
    let target = move || actions.adding.get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let Some(domain) = actions.adding.get_untracked() else {
            return;
        };
        if !errors().is_empty() || actions.upload.pending().get_untracked() {
            return;
        }
        actions.upload.dispatch(UploadDomainCertificate {
            gateway_id: actions.gateway_id.get_untracked(),
            group_id: actions.group_id.get_untracked(),
            domain_id: domain.id,
            name: name.get_untracked(),
            cert_content: cert.get_untracked(),
            private_key: key.get_untracked(),
        });
    };
    let use_existing = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(domain) = actions.adding.get_untracked() else {
            return;
        };
        let chosen = existing.get_untracked();
        if chosen.is_empty() {
            return;
        }
        actions.attach.dispatch(LinkDomainCertificate {
            gateway_id: actions.gateway_id.get_untracked(),
            group_id: actions.group_id.get_untracked(),
            domain_id: domain.id,
            certificate_id: chosen,
            link: Link::Attach,
        });
    };
    move || {
        target().map(|domain| {
            let covering: Vec<(String, String)> = view_data
                .get_untracked()
                .and_then(Result::ok)
                .map(|v| v.certificates)
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c.details.covers(&domain.domain))
                .map(|c| (c.id.clone(), format!("{} ({}, until {})", c.name, c.details.names().join(", "), c.details.not_after)))
                .collect();
            if let Some((first, _)) = covering.first() {
                existing.set(first.clone());
            }
            view! {
                <section class="card" aria-label="Add a certificate">
                    <h2>"Add a certificate to " <code>{domain.domain.clone()}</code></h2>
                    <ErrorBanner error=general/>
                    {(!covering.is_empty()).then(|| view! {
                        <form class="form" novalidate on:submit=use_existing>
                            <SelectField label="Stored certificate" id="existing_certificate" value=existing options=covering.clone()
                                hint="Certificates of this project that cover the domain."/>
                            <div class="form-actions">
                                <button type="submit" class="btn" disabled=move || actions.attach.pending().get()>"Use this certificate"</button>
                            </div>
                        </form>
                        <p class="muted">"Or upload a new one:"</p>
                    })}
                    <form class="form" novalidate on:submit=submit>
                        <TextField label="Certificate name" id="certificate_name" value=name error=field_error("name")
                            hint="4 to 50 letters, digits and _, starting with a letter."/>
                        <TextField label="Certificate (PEM)" id="certificate_pem" multiline=true value=cert error=field_error("cert_content")
                            hint="The certificate first, then any intermediate certificates. Its names must cover the domain."/>
                        <TextField label="Private key (PEM)" id="certificate_key" multiline=true value=key error=field_error("private_key")
                            hint="RSA or ECDSA, unencrypted. Stored encrypted; never shown again."/>
                        <div class="form-actions">
                            <button type="button" class="btn btn-ghost" on:click=move |_| actions.adding.set(None)>"Cancel"</button>
                            <button type="submit" class="btn btn-primary" disabled=move || actions.upload.pending().get()>"Upload and add"</button>
                        </div>
                    </form>
                </section>
            }
        })
    }
}

#[component]
fn BindDomainCard(
    gateway_id: Memo<String>,
    group_id: Memo<String>,
    bind: ServerAction<BindDomain>,
) -> impl IntoView {
    let shell = use_shell();
    let domain = RwSignal::new(String::new());
    let tls = RwSignal::new("TLSv1.2".to_owned());
    let errors =
        move || -> Vec<AppError> { problems([validate_domain("url_domain", &domain.get())]) };
    let form = Sending::new(bind, errors);
    let server_error = form.refused();
    let general = Signal::derive(move || {
        server_error
            .get()
            .filter(|e| e.field() != Some("url_domain"))
    });
    form.on_success(move || {
        domain.set(String::new());
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        form.send(ev, || BindDomain {
            gateway_id: gateway_id.get_untracked(),
            group_id: group_id.get_untracked(),
            domain: domain.get_untracked().trim().to_owned(),
            min_ssl_version: tls.get_untracked(),
        })
    };
    let versions: Vec<(String, String)> = TLS_VERSIONS
        .iter()
        .map(|v| (v.to_string(), format!("{v} (served as TLS 1.2 and up)")))
        .collect();
    move || {
        shell.can(actions::apig::domains::create).then(|| view! {
            <section class="card">
                <h2>"Bind a domain"</h2>
                <form class="form" novalidate on:submit=submit>
                    <ErrorBanner error=general/>
                    <TextField label="Domain name" id="url_domain" value=domain error=form.field_error("url_domain")
                        hint="Like api.example.com, or *.example.com for every subdomain. At most 5 per group."/>
                    <SelectField label="Minimum TLS version" id="min_ssl_version" value=tls options=versions.clone()/>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || bind.pending().get()>"Bind domain"</button>
                    </div>
                </form>
            </section>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::days_between;

    #[test]
    fn days_are_counted_across_months_and_years() {
        assert_eq!(
            days_between("2026-11-26 10:00:00", "2026-11-27 00:00:00"),
            Some(1)
        );
        assert_eq!(days_between("2026-12-31", "2027-03-01"), Some(60));
        assert_eq!(days_between("2028-02-28", "2028-03-01"), Some(2));
        assert_eq!(days_between("2026-11-26", "2026-11-20"), Some(-6));
        assert_eq!(days_between("garbage", "2026-11-20"), None);
    }
}
