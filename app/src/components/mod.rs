//! Small shared components.

pub mod footer;
pub mod form;
pub mod header;
pub mod hydration;
pub mod thread;

pub use footer::Footer;
pub use header::Header;
