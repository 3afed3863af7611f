//! Editing an API (`/gateways/:id/apis/:api_id/edit`): the Open-an-API steps filled with the
//! stored definition, ending with "Save changes"; what the wizard does not show is kept.
use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    cancel_href, Draft, Editing, InputForm, ReviewForm, Wizard, DONE, EDIT_STEPS, REQUEST, REVIEW,
};
use crate::api::apis::get_api;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::route::path_param;
use crate::components::wizard::WizardPage;
use crate::model::api::ApiDefinition;
use crate::model::permission::actions;

/// The edited definition with what the wizard does not show taken from the stored one:
/// descriptions, samples, tags, custom-authorizer authentication (the wizard offers NONE,
/// APP and IAM), parameter ranges and patterns, mock headers.
/// Editing in the console never drops what the API or an import set.
pub(super) fn keep_unedited(original: &ApiDefinition, mut edited: ApiDefinition) -> ApiDefinition {
    edited.visibility = original.visibility;
    edited.version = original.version.clone();
    edited.req_protocol = original.req_protocol.clone();
    if !matches!(original.auth_type.as_str(), "NONE" | "APP" | "IAM") {
        edited.auth_type = original.auth_type.clone();
        edited.auth_opt = original.auth_opt.clone();
    }
    edited.tags = original.tags.clone();
    edited.body_remark = original.body_remark.clone();
    edited.result_normal_sample = original.result_normal_sample.clone();
    edited.result_failure_sample = original.result_failure_sample.clone();
    for param in &mut edited.req_params {
        let same = original
            .req_params
            .iter()
            .find(|o| o.location == param.location && o.name.eq_ignore_ascii_case(&param.name));
        if let Some(o) = same {
            param.sample_value = o.sample_value.clone();
            param.valid_enable = o.valid_enable;
            param.remark = o.remark.clone();
            param.min_num = o.min_num;
            param.max_num = o.max_num;
            param.min_size = o.min_size;
            param.max_size = o.max_size;
            param.regular = o.regular.clone();
            param.pass_through = o.pass_through;
        }
    }
    for param in &mut edited.backend_params {
        let same = original
            .backend_params
            .iter()
            .find(|o| o.location == param.location && o.name.eq_ignore_ascii_case(&param.name));
        if let Some(o) = same {
            param.remark = o.remark.clone();
        }
    }
    if let (Some(backend), Some(o)) = (&mut edited.backend_api, &original.backend_api) {
        backend.remark = o.remark.clone();
    }
    if let (Some(mock), Some(o)) = (&mut edited.mock_info, &original.mock_info) {
        mock.headers = o.headers.clone();
        mock.remark = o.remark.clone();
    }
    edited
}

/// Editing an API (`/gateways/:id/apis/:api_id/edit`): the wizard's steps filled with the
/// stored definition, ending with "Save changes" instead of publishing.
#[component]
pub fn EditApiWizard() -> impl IntoView {
    let gateway_id = path_param("id");
    let api_id = path_param("api_id");
    let loaded = Resource::new(
        move || (gateway_id.get(), api_id.get()),
        |(gateway, api)| get_api(gateway, api),
    );
    view! {
        <Transition fallback=|| view! {
            <Title text="Edit an API"/>
            <Loading/>
        }>
            {move || loaded.get().map(|result| match result {
                Err(error) => view! { <ErrorBanner error=Some(error)/> }.into_any(),
                Ok(view_data) => {
                    let definition = view_data.api.definition.clone();
                    let wizard = Wizard {
                        gateway_id,
                        draft: Draft::from_definition(&definition),
                        step: RwSignal::new(REQUEST),
                        attempted: RwSignal::new([false; 3]),
                        server_error: RwSignal::new(None),
                        open: ServerAction::new(),
                        max_timeout: RwSignal::new(view_data.scope.max_timeout),
                        editing: Some(Editing {
                            api_id: StoredValue::new(view_data.api.id.clone()),
                            original: StoredValue::new(definition.clone()),
                            save: ServerAction::new(),
                        }),
                    };
                    Effect::new(move |_| wizard.follow_outcome());
                    let step = wizard.step;
                    let scope = view_data.scope.clone();
                    let name = definition.name.clone();
                    view! {
                        <WizardPage
                            title=format!("Edit {name}")
                            intro="Change the request, the backend or the parameter mapping. Saving changes the draft; publish it from the API's page to make it live."
                            back=Signal::derive(move || (format!("/gateways/{}/apis/{}", gateway_id.get(), api_id.get()), "The API"))
                            steps=EDIT_STEPS
                            current=step
                            permission=actions::apig::apis::update
                            refused="edit APIs on this gateway"
                        >
                            {
                                let scope = scope.clone();
                                move || match step.get() {
                                    DONE => view! { <SavedStep wizard/> }.into_any(),
                                    REVIEW => view! { <ReviewForm wizard scope=scope.clone()/> }.into_any(),
                                    current => view! { <InputForm wizard current scope=scope.clone()/> }.into_any(),
                                }
                            }
                        </WizardPage>
                    }
                    .into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn SavedStep(wizard: Wizard) -> impl IntoView {
    let detail = cancel_href(wizard);
    view! {
        <section class="card">
            <div class="alert alert-success" role="status">
                {format!("API {} is saved. Publish it from its page to make the change live.", wizard.draft.name.get_untracked())}
            </div>
            <div class="form-actions">
                <a class="btn btn-primary" href=detail>"View the API"</a>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_keeps_what_the_wizard_does_not_show() {
        let mut original = crate::model::api::sample();
        original.tags = vec!["billing".into()];
        original.body_remark = "JSON order".into();
        original.req_params[0].regular = "^[0-9]+$".into();
        original.req_params[0].remark = "order id".into();
        // In the wizard: the timeout changed, the QUERY parameter was removed and a header
        // parameter added.
        let draft_edit = {
            let mut edited = original.clone();
            edited.tags.clear();
            edited.body_remark.clear();
            edited.req_params[0].regular.clear();
            edited.req_params[0].remark.clear();
            edited.req_params[0].min_num = None;
            edited.req_params.truncate(1);
            let mut header = original.req_params[1].clone();
            header.name = "X-Trace".into();
            header.location = "HEADER".into();
            header.max_size = None;
            edited.req_params.push(header);
            edited.backend_api.as_mut().unwrap().timeout = 8000;
            edited
        };
        let kept = keep_unedited(&original, draft_edit);
        assert_eq!(kept.tags, ["billing"]);
        assert_eq!(kept.body_remark, "JSON order");
        assert_eq!(kept.req_params[0].regular, "^[0-9]+$");
        assert_eq!(kept.req_params[0].remark, "order id");
        assert_eq!(kept.req_params[0].min_num, Some(1));
        assert_eq!(kept.req_params[1].name, "X-Trace");
        assert_eq!(
            kept.req_params[1].max_size, None,
            "a new parameter keeps what was entered"
        );
        assert_eq!(kept.req_params.len(), 2);
        assert_eq!(kept.backend_api.unwrap().timeout, 8000);
    }

    #[test]
    fn a_definition_fills_the_draft_and_comes_back_unchanged() {
        let owner = Owner::new();
        owner.with(|| {
            let original = crate::model::api::sample();
            let draft = Draft::from_definition(&original);
            let back = keep_unedited(&original, draft.definition(&original.group_id, true));
            assert_eq!(back, original);
        });
    }
}
