//! Shared widgets. Pages compose these; styling lives in `style/main.css`.
pub mod dialog;
pub mod feedback;
pub mod form;
pub mod pager;
pub mod shell;
pub mod stepper;
