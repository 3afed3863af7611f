//! Shared widgets. Pages compose these; styling lives in `style/main.css`.
pub mod copy;
pub mod details;
pub mod dialog;
pub mod feedback;
pub mod form;
pub mod heading;
pub mod pager;
pub mod route;
pub mod shell;
pub mod stepper;
pub mod table;
pub mod wizard;
