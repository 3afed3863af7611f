//! Property tests of the policy document parser: it never panics, whatever the text; a
//! valid document written out and parsed again is the same document; and a one-character
//! change of a valid document is either a valid document or refused with the place named.
//! `PROPTEST_CASES` sets how many cases (`scripts/properties` runs the long mode).
use proptest::prelude::*;

use super::actions::ACTIONS;
use super::document::{parse, Effect, PermissionDocument, Statement, VERSION};

fn cases() -> ProptestConfig {
    ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
    )
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        any::<bool>(),
        prop::collection::vec(prop::sample::select(ACTIONS.to_vec()), 1..4),
        prop::collection::vec("[a-f0-9]{32}|\\*", 0..3),
    )
        .prop_map(|(allow, actions, gateways)| Statement {
            effect: if allow { Effect::Allow } else { Effect::Deny },
            actions: actions.into_iter().map(str::to_owned).collect(),
            resources: gateways
                .into_iter()
                .map(|id| format!("apig:*:*:instance:{id}"))
                .collect(),
            condition: None,
        })
}

fn document() -> impl Strategy<Value = PermissionDocument> {
    prop::collection::vec(statement(), 1..4).prop_map(|statements| PermissionDocument {
        version: VERSION.to_owned(),
        statements,
    })
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn any_text_is_parsed_or_refused_without_a_panic(text in "\\PC{0,200}") {
        let _ = parse(&text);
    }

    #[test]
    fn a_valid_document_reads_back_as_itself(document in document()) {
        let text = serde_json::to_string(&document).unwrap();
        prop_assert_eq!(parse(&text), Ok(document));
    }

    #[test]
    fn a_changed_character_is_valid_or_refused_with_its_place(
        document in document(),
        at in any::<usize>(),
        replacement in prop::sample::select(vec!['"', '{', '}', '[', ']', ',', ':', 'x', '*', ' ']),
    ) {
        let text = serde_json::to_string(&document).unwrap();
        let mut chars: Vec<char> = text.chars().collect();
        let at = at % chars.len();
        chars[at] = replacement;
        let changed: String = chars.into_iter().collect();
        if let Err(error) = parse(&changed) {
            prop_assert!(!error.to_string().is_empty());
        }
    }
}
