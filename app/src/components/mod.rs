//! Small shared components.

pub mod footer;
pub mod form;
pub mod header;

pub use footer::Footer;
pub use header::Header;
