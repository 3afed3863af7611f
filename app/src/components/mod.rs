//! Shared widgets. Pages compose these; styling lives in `style/main.css`.
pub mod form;
pub mod shell;
