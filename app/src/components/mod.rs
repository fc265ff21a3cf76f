//! Small shared components.

pub mod footer;
pub mod header;

pub use footer::Footer;
pub use header::Header;
