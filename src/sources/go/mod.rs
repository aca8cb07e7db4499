//! Go: the project reader ([`project`], which dispatches the Go readers of
//! [`crate::sources::gateway`]) and the infrastructure those readers share: the tree helpers
//! ([`tree`]), the indexed file ([`index`]), the values ([`value`]) and the evaluator over them
//! ([`eval`]) with its step budget ([`budget`]); and the `go.mod` reader ([`go_mod`]).
//! Nothing here decides whether anything is wrong.

pub mod budget;
pub mod eval;
pub mod go_mod;
pub mod index;
pub mod project;
pub mod tree;
pub mod value;
