//! What a rule is to the registry: the [`Rule`] trait it runs, and `declare_rule!`, which gives
//! a rule file's struct its [`Meta`] (name, code, severity, predicted status) from its doc
//! comment. Knows no rule.

use crate::finding::{Finding, Meta};
use crate::rules::context::Context;

/// A rule as the registry sees it.
pub trait Rule: Sync {
    fn meta(&self) -> &'static Meta;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// What a rule file implements: its check. `declare_rule!` gives it its [`Meta`].
pub trait Check {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// Gives a rule struct its [`Meta`]; written by `declare_rule!`.
pub trait HasMeta {
    const META: Meta;
    /// The same, as a static (constants are inlined; the registry needs an address).
    fn meta_ref(&self) -> &'static Meta;
}

impl<T: HasMeta + Check + Sync> Rule for T {
    fn meta(&self) -> &'static Meta {
        self.meta_ref()
    }
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        Check::check(self, cx, out)
    }
}

/// Declares a rule struct whose doc comment becomes its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            name: $rule:literal,
            code: $code:literal,
            severity: $sev:ident,
            status: $status:expr,
            title: $title:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const META: $crate::finding::Meta = $crate::finding::Meta {
                name: $rule,
                code: $code,
                severity: $crate::finding::Severity::$sev,
                status: $status,
                title: $title,
                docs: concat!($($doc, "\n"),*),
            };
        }

        impl $crate::rules::rule::HasMeta for $name {
            const META: $crate::finding::Meta = $name::META;
            fn meta_ref(&self) -> &'static $crate::finding::Meta {
                static META: $crate::finding::Meta = $name::META;
                &META
            }
        }
    };
}
pub(crate) use declare_rule;
