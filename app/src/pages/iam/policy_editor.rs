//! The JSON editor of custom policies. The policy is checked in the browser as the user
//! types (`model::permission::document::parse`, the same check the server runs); a problem is
//! shown under the editor with its line and column and the offending text marked, and a
//! button selects that text in the editor.
use leptos::html::Textarea;
use leptos::prelude::*;

use crate::model::permission::PermissionDocumentError;

/// A policy document as the editor starts it: read-only access to every gateway resource.
pub const TEMPLATE: &str = r#"{
  "Version": "1.1",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["apig:*:get*", "apig:*:list*"]
    }
  ]
}"#;

/// Where a problem sits in the text: the line, shown with the offending part marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of the line before, at and after the marked part.
    pub before: String,
    pub marked: String,
    pub after: String,
}

impl Spot {
    /// Finds the line and column of `error` in `text` and how much to mark there: a whole
    /// string, a number or word, or a single character.
    pub fn find(text: &str, error: &PermissionDocumentError) -> Option<Spot> {
        let (line, column) = (error.line?, error.column?.max(1));
        let line_text = text.split('\n').nth(line.checked_sub(1)?)?;
        let chars: Vec<char> = line_text.trim_end_matches('\r').chars().collect();
        let start = (column - 1).min(chars.len());
        let width = token_width(&chars[start..]);
        let end = start + width;
        Some(Spot {
            line,
            column,
            before: chars[..start].iter().collect(),
            marked: chars[start..end].iter().collect(),
            after: chars[end..].iter().collect(),
        })
    }

    /// The marked part as a textarea selection: start and end in UTF-16 code units.
    pub fn selection(&self, text: &str) -> (u32, u32) {
        let line_start: usize = text
            .split('\n')
            .take(self.line - 1)
            .map(|line| line.encode_utf16().count() + 1)
            .sum();
        let start = line_start + self.before.encode_utf16().count();
        let end = start + self.marked.encode_utf16().count();
        (
            u32::try_from(start).unwrap_or(u32::MAX),
            u32::try_from(end).unwrap_or(u32::MAX),
        )
    }
}

/// How many characters of `rest` the problem covers: a JSON string up to its closing quote,
/// a number or word up to the next delimiter, otherwise one character (nothing at the end
/// of a line).
fn token_width(rest: &[char]) -> usize {
    match rest.first() {
        None => 0,
        Some('"') => {
            let mut escaped = false;
            for (index, c) in rest.iter().enumerate().skip(1) {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => return index + 1,
                    _ => escaped = false,
                }
            }
            rest.len()
        }
        Some(c) if c.is_alphanumeric() || *c == '-' => rest
            .iter()
            .position(|c| matches!(c, ',' | ']' | '}' | ':') || c.is_whitespace())
            .unwrap_or(rest.len()),
        Some(_) => 1,
    }
}

/// The editor: a monospaced textarea bound to `document`, and under it either a note that
/// the policy is valid or the `problem` with its place.
#[component]
pub fn PolicyEditor(
    document: RwSignal<String>,
    /// What `parse` says about the document now; `None` when it is valid.
    #[prop(into)]
    problem: Signal<Option<PermissionDocumentError>>,
    /// A refusal of the server for this field, shown when the text has no problem.
    #[prop(into)]
    server_error: Signal<Option<String>>,
) -> impl IntoView {
    let area = NodeRef::<Textarea>::new();
    let spot = Memo::new(move |_| {
        problem
            .get()
            .and_then(|error| document.with(|text| Spot::find(text, &error)))
    });
    let invalid = move || problem.get().is_some() || server_error.get().is_some();
    let select_in_editor = move |_| {
        let (Some(area), Some(spot)) = (area.get(), spot.get_untracked()) else {
            return;
        };
        let (start, end) = document.with_untracked(|text| spot.selection(text));
        // Focus first: browsers scroll a focused textarea to its selection.
        if area.focus().is_ok() {
            // Only fails for input types without a selection, never for a textarea.
            let _ = area.set_selection_range(start, end);
        }
    };
    view! {
        <div class="field" class:has-error=invalid>
            <label for="policy-document">"Policy document (JSON)"</label>
            <textarea
                id="policy-document"
                class="mono"
                rows="12"
                spellcheck="false"
                autocomplete="off"
                node_ref=area
                aria-invalid=move || invalid().to_string()
                aria-describedby="policy-document-status"
                prop:value=move || document.get()
                on:input=move |ev| document.set(event_target_value(&ev))
            ></textarea>
            <div id="policy-document-status" aria-live="polite">
                {move || match (problem.get(), server_error.get()) {
                    (Some(error), _) => view! {
                        <p class="field-error">{error.to_string()}</p>
                        {move || spot.get().map(|spot| view! {
                            <p class="field-hint">
                                {format!("At line {}, column {}:", spot.line, spot.column)}
                                " "
                                <button type="button" class="btn btn-ghost btn-small" on:click=select_in_editor>
                                    "Select in editor"
                                </button>
                            </p>
                            <pre><code>
                                {format!("{:>4} | ", spot.line)}
                                {spot.before.clone()}
                                <mark>{spot.marked.clone()}</mark>
                                {spot.after.clone()}
                                "\n"
                                {format!("     | {}{}", " ".repeat(spot.before.chars().count()), "^".repeat(spot.marked.chars().count().max(1)))}
                            </code></pre>
                        })}
                    }
                    .into_any(),
                    (None, Some(message)) => view! { <p class="field-error">{message}</p> }.into_any(),
                    (None, None) => view! {
                        <p class="field-hint">
                            "Valid policy. Actions look like apig:apis:create; * matches any part of one segment, as in apig:*:get*. To limit a statement to one gateway, add \"Resource\": [\"apig:*:*:instance:<gateway id>\"]."
                        </p>
                    }
                    .into_any(),
                }}
            </div>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::permission::parse;

    fn spot_of(text: &str) -> Spot {
        let error = parse(text).expect_err("the text has a problem");
        Spot::find(text, &error).expect("the problem has a place")
    }

    #[test]
    fn the_template_is_a_valid_policy() {
        assert!(parse(TEMPLATE).is_ok());
    }

    #[test]
    fn an_unknown_action_is_marked_whole() {
        let text = TEMPLATE.replace("apig:*:list*", "apig:apis:fly");
        let spot = spot_of(&text);
        assert_eq!((spot.line, spot.column), (6, 33));
        assert_eq!(spot.marked, "\"apig:apis:fly\"");
        assert_eq!(spot.before, r#"      "Action": ["apig:*:get*", "#);
        assert_eq!(spot.after, "]");
        let (start, end) = spot.selection(&text);
        let start = usize::try_from(start).unwrap();
        let end = usize::try_from(end).unwrap();
        assert_eq!(&text[start..end], "\"apig:apis:fly\"");
    }

    #[test]
    fn a_syntax_error_marks_one_character() {
        let text = "{\n  \"Version\": \"1.1\",\n  \"Statement\": [}\n}";
        let spot = spot_of(text);
        assert_eq!(spot.line, 3);
        assert_eq!(spot.marked.chars().count(), 1);
    }

    #[test]
    fn selections_count_utf16_units() {
        let text = "{\"é😀\": 1,\n  \"x\": 2}";
        let spot = Spot {
            line: 2,
            column: 3,
            before: "  ".to_owned(),
            marked: "\"x\"".to_owned(),
            after: ": 2}".to_owned(),
        };
        // Line 1 is 10 UTF-16 units long (the emoji takes two), plus the newline.
        assert_eq!(spot.selection(text), (13, 16));
    }

    #[test]
    fn words_and_numbers_end_at_delimiters() {
        let chars: Vec<char> = "true, 1".chars().collect();
        assert_eq!(token_width(&chars), 4);
        let chars: Vec<char> = "{\"a\"".chars().collect();
        assert_eq!(token_width(&chars), 1);
        assert_eq!(token_width(&[]), 0);
    }
}
