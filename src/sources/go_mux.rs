//! Reads Go `net/http` ServeMux registrations into routes. (Being written.)
use super::{Facts, Input};
pub fn extract(_input: Input<'_>) -> Facts { Facts::default() }
pub fn extract_go_mod(_input: Input<'_>) -> Facts { Facts::default() }
