//! Generated OpenAPI clients, read as their generators emit them: each operation of the SDK is
//! a function whose request has a constant method and URL, and each call of it in the app is a
//! request at the call site.
//!
//! Two shapes are recognised, by the code the generators write, not by file names:
//!
//! - `openapi-typescript-codegen` and `@hey-api/openapi-ts`'s legacy clients:
//!   `__request(OpenAPI, { method: 'GET', url: '/users/{id}', ... })`, `__request` imported from
//!   a module named `request`; the URL is `OpenAPI.BASE + url`, `BASE` the generated default
//!   until the app assigns `OpenAPI.BASE = ...`.
//! - `@hey-api/openapi-ts` clients: `(options.client ?? client).post({ url: '/users', ... })`
//!   (also `options?.client`), `client` made by `createClient(createConfig({ baseUrl }))`; the URL
//!   is `baseUrl + url` (`baseURL` for the axios client) until the app calls
//!   `client.setConfig({ baseURL })`.
//!
//! An operation is a static method of an exported class (`UsersService.readUser`) or an
//! exported function (`export const readUser = (options) => ...`). Its `{name}` segments stay
//! path parameters. The SDK's own request is not a call: only its call sites are (an operation
//! nothing calls sends nothing). A base the app sets in one module applies to every call of
//! the same kind of client in that app ([`super::project`]).
//!
//! What this module must not do: guess a base it cannot see (an unknown base leaves the calls
//! unresolved, with the reason), or take an `url` that is not a constant.

use oxc_ast::ast as js;
use oxc_span::GetSpan;

use super::{
    Binding, EVAL_FUEL, Frame, Lookup, ModuleBase, Part, Pass, Reader, Unknown, Val, Value,
    normalize, val_at,
};
use crate::model::method::Method;
use crate::sources::facts::CallUrl;

/// Which configuration an SDK's base URL comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `OpenAPI.BASE` (openapi-typescript-codegen, hey-api legacy clients).
    Legacy,
    /// A hey-api `createClient` client (`client.setConfig({ baseUrl })`).
    Client,
}

impl Kind {
    /// How the app sets this base, for messages.
    pub(crate) fn setting(self) -> &'static str {
        match self {
            Kind::Legacy => "`OpenAPI.BASE`",
            Kind::Client => "the SDK client's `baseURL`",
        }
    }
}

/// One operation of a generated SDK.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Operation {
    pub method: Method,
    /// The URL as generated, `{name}` segments as holes.
    pub url: Vec<Part>,
    pub kind: Kind,
    /// The generated default base (`Ok(None)`: none); `Err` says why it is not known.
    pub base: Result<Option<Vec<Part>>, String>,
}

/// A call of an SDK operation, for the project pass: the call's index, its kind of client,
/// and its URL without the base.
pub(crate) type SdkCall = (usize, Kind, Vec<Part>);

/// A base the app sets for a kind of SDK client.
pub(crate) type SdkBase = (Kind, ModuleBase);

/// The verbs of a hey-api client.
const VERBS: [(&str, Method); 7] = [
    ("get", Method::Get),
    ("post", Method::Post),
    ("put", Method::Put),
    ("patch", Method::Patch),
    ("delete", Method::Delete),
    ("head", Method::Head),
    ("options", Method::Options),
];

/// A generated URL with its `{name}` segments as path parameter holes.
pub(crate) fn templated(parts: Vec<Part>) -> Vec<Part> {
    let mut out = Vec::new();
    for part in parts {
        let Part::Lit(text) = part else {
            out.push(part);
            continue;
        };
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            let Some(len) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + len];
            if name.is_empty() || name.contains(['/', '{']) {
                break;
            }
            out.push(Part::Lit(rest[..open].to_owned()));
            out.push(Part::Hole {
                name: name.to_owned(),
                unknown: Unknown {
                    source: name.to_owned(),
                    reason: "which is a path parameter".into(),
                    slot: None,
                },
            });
            rest = &rest[open + len + 1..];
        }
        out.push(Part::Lit(rest.to_owned()));
    }
    normalize(out)
}

/// A base and a URL joined as the generated clients join them: `base + url`.
pub(crate) fn joined(base: Option<&[Part]>, url: &[Part]) -> Vec<Part> {
    let mut parts: Vec<Part> = base.map(<[Part]>::to_vec).unwrap_or_default();
    parts.extend(url.iter().cloned());
    normalize(parts)
}

/// The URL of an SDK call: its base joined, or why the base is not known.
pub(crate) fn call_url(base: Result<Option<&[Part]>, &str>, url: &[Part]) -> Option<CallUrl> {
    match base {
        Err(why) => Some(CallUrl::Unresolved {
            why: why.to_owned(),
        }),
        Ok(base) => {
            if let Some(Part::Hole { unknown, .. }) = base.and_then(|b| b.first()) {
                return Some(CallUrl::Unresolved {
                    why: format!(
                        "the SDK's base URL starts with `{}`, {}",
                        unknown.source, unknown.reason
                    ),
                });
            }
            super::finish(joined(base, url))
        }
    }
}

/// Applies the bases an app sets (`OpenAPI.BASE = ...`, `client.setConfig(...)`) to the SDK
/// calls of every module of the same app (`projects`: each file's app). A base set to a value
/// routelint cannot see makes it unknown, whatever else sets it; two constants disagree.
pub(crate) fn apply_app_bases(outs: &mut [super::FileOut], projects: &[String]) {
    let mut bases: Vec<(&str, &SdkBase)> = Vec::new();
    for (o, project) in outs.iter().zip(projects) {
        for base in &o.sdk_bases {
            let same = |(p, (k, b)): &(&str, &SdkBase)| {
                *p == project.as_str()
                    && *k == base.0
                    && match (b, &base.1) {
                        (Ok((x, _)), Ok((y, _))) => x == y,
                        (x, y) => x == y,
                    }
            };
            if !bases.iter().any(same) {
                bases.push((project.as_str(), base));
            }
        }
    }
    let bases: Vec<(String, SdkBase)> = bases
        .into_iter()
        .map(|(p, b)| (p.to_owned(), b.clone()))
        .collect();
    for (out, project) in outs.iter_mut().zip(projects) {
        for (call, kind, url) in std::mem::take(&mut out.sdk_calls) {
            let set: Vec<&ModuleBase> = bases
                .iter()
                .filter(|(p, (k, _))| p == project && *k == kind)
                .map(|(_, (_, b))| b)
                .collect();
            let Some(c) = out.facts.calls.get_mut(call) else {
                continue;
            };
            let why;
            let unknown = set.iter().find_map(|b| b.as_ref().err());
            let base = match (set.as_slice(), unknown) {
                ([], _) => continue,
                (_, Some(e)) => Err(e.as_str()),
                ([Ok((base, _))], None) => Ok(Some(base.as_slice())),
                _ => {
                    why = format!("the app sets {} to different values", kind.setting());
                    Err(why.as_str())
                }
            };
            if let Some(u) = call_url(base, &url) {
                c.url = u;
            }
        }
    }
}

/// A property written in an object literal itself (spreads ignored: the generated code
/// spreads the caller's options, which do not carry the URL or the method).
fn own_prop<'a>(object: &'a js::ObjectExpression<'a>, key: &str) -> Option<&'a js::Expression<'a>> {
    object.properties.iter().rev().find_map(|p| match p {
        js::ObjectPropertyKind::ObjectProperty(p)
            if p.key.static_name().as_deref() == Some(key) =>
        {
            Some(&p.value)
        }
        _ => None,
    })
}

/// The member of an imported value a member chain (`UsersService.readUser`) reads, borrowed;
/// the chain's root is the import.
fn chain_val<'v>(root: &'v Val, expr: &js::Expression<'_>, depth: usize) -> Option<&'v Val> {
    match expr.get_inner_expression() {
        js::Expression::Identifier(_) => Some(root),
        js::Expression::StaticMemberExpression(m) if depth < super::MAX_OBJECT_HOPS => {
            let Val::Obj(members) = chain_val(root, &m.object, depth + 1)? else {
                return None;
            };
            let key = m.property.name.as_str();
            members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
        }
        _ => None,
    }
}

/// A hey-api client package (`@hey-api/client-fetch`, `@hey-api/client-axios`, …).
fn is_client_package(from: &str) -> bool {
    from.starts_with("@hey-api/client-")
}

/// `options.client` or `options?.client`: the member's object.
fn client_option<'a>(expr: &'a js::Expression<'a>) -> Option<&'a js::Expression<'a>> {
    let m = match expr.get_inner_expression() {
        js::Expression::ChainExpression(c) => c.expression.as_member_expression()?,
        other => other.as_member_expression()?,
    };
    (m.static_property_name() == Some("client")).then(|| m.object())
}

impl<'a> Reader<'a, '_> {
    /// Reads an SDK call: inside an SDK operation, its request makes the enclosing function an
    /// operation (wrappers pass) and is not itself a call; a call of an operation is a call
    /// (extract pass); `client.setConfig({ baseURL })` sets the app's base. Whether the call
    /// was an SDK request or operation call (nothing else reads it then).
    pub(super) fn sdk_call(&mut self, call: &'a js::CallExpression<'a>) -> bool {
        match self.pass {
            Pass::Collect => false,
            Pass::Wrappers => {
                let Some(&func) = self.functions.last() else {
                    return false;
                };
                let Some(op) = self.inner_operation(call) else {
                    return false;
                };
                self.operations.insert(func, op);
                true
            }
            Pass::Extract => {
                self.note_set_config(call);
                let in_operation = self
                    .functions
                    .last()
                    .is_some_and(|f| self.operations.contains_key(f));
                if in_operation && self.inner_operation(call).is_some() {
                    return true;
                }
                let Some((label, op)) = self.operation_called(&call.callee) else {
                    return false;
                };
                self.emit_operation(&label, &op, call.span);
                true
            }
        }
    }

    /// An operation given to TanStack Query as it is (`queryFn: UsersService.readUserMe`):
    /// the query calls it, so it is a call here.
    pub(super) fn sdk_reference(&mut self, p: &'a js::ObjectProperty<'a>) {
        if self.pass != Pass::Extract
            || !matches!(
                p.key.static_name().as_deref(),
                Some("queryFn" | "mutationFn")
            )
        {
            return;
        }
        if !matches!(
            p.value.get_inner_expression(),
            js::Expression::Identifier(_) | js::Expression::StaticMemberExpression(_)
        ) {
            return;
        }
        if let Some((label, op)) = self.operation_called(&p.value) {
            self.emit_operation(&label, &op, p.value.span());
        }
    }

    /// Records a call of an operation, with its generated base for now.
    fn emit_operation(&mut self, label: &str, op: &Operation, span: js::Span) {
        let base = op
            .base
            .as_ref()
            .map(|b| b.as_deref())
            .map_err(|e| e.as_str());
        if let Some(url) = call_url(base, &op.url) {
            self.push(url, span, label, Some(op.method), false);
            self.sdk_calls
                .push((self.calls.len() - 1, op.kind, op.url.clone()));
        }
    }

    /// The operation a callee names: an imported one (`UsersService.readUser`, `readUser`)
    /// or a function of this file found to be one; with the name to report.
    fn operation_called(&self, callee: &'a js::Expression<'a>) -> Option<(String, Operation)> {
        // Most calls are not of an operation: decide without allocating first.
        let mut e = callee.get_inner_expression();
        while let js::Expression::StaticMemberExpression(m) = e {
            e = m.object.get_inner_expression();
        }
        let js::Expression::Identifier(root) = e else {
            return None;
        };
        let direct = matches!(callee.get_inner_expression(), js::Expression::Identifier(_));
        let op = match self.lookup(root.name.as_str(), self.scopes.len())?.1 {
            Binding::Import(_) => {
                match chain_val(self.imports.get(root.name.as_str())?, callee, 0)? {
                    Val::Operation(op) => op,
                    _ => return None,
                }
            }
            Binding::Function(f) if direct => self.operations.get(&f.span.start)?,
            Binding::Value { init, .. } if direct => {
                let func = match init.get_inner_expression() {
                    js::Expression::ArrowFunctionExpression(f) => f.span.start,
                    js::Expression::FunctionExpression(f) => f.span.start,
                    _ => return None,
                };
                self.operations.get(&func)?
            }
            _ => return None,
        };
        let (root, path) = self.member_path(callee)?;
        let label = std::iter::once(root.to_owned())
            .chain(path)
            .collect::<Vec<_>>()
            .join(".");
        Some((label, op.clone()))
    }

    /// The request an SDK operation's body sends, in either generated shape.
    fn inner_operation(&self, call: &'a js::CallExpression<'a>) -> Option<Operation> {
        self.legacy_request(call)
            .or_else(|| self.client_request(call))
    }

    /// `__request(OpenAPI, { method, url })`.
    fn legacy_request(&self, call: &'a js::CallExpression<'a>) -> Option<Operation> {
        let js::Expression::Identifier(id) = call.callee.get_inner_expression() else {
            return None;
        };
        let config = call.arguments.first()?.as_expression()?;
        let js::Expression::ObjectExpression(options) = call
            .arguments
            .get(1)?
            .as_expression()?
            .get_inner_expression()
        else {
            return None;
        };
        let (_, Binding::Import(from)) = self.lookup(id.name.as_str(), self.scopes.len())? else {
            return None;
        };
        if from.rsplit('/').next() != Some("request") {
            return None;
        }
        let method = self.constant(own_prop(options, "method")?)?;
        let method = Method::parse(&method.to_ascii_uppercase())?;
        let url = self.url_of(own_prop(options, "url")?)?;
        Some(Operation {
            method,
            url,
            kind: Kind::Legacy,
            base: self.config_base(config),
        })
    }

    /// `(options.client ?? client).post({ url })`.
    fn client_request(&self, call: &'a js::CallExpression<'a>) -> Option<Operation> {
        let m = call.callee.get_inner_expression().as_member_expression()?;
        let verb = m.static_property_name()?;
        let method = VERBS.iter().find(|(v, _)| *v == verb)?.1;
        let js::Expression::LogicalExpression(l) = m.object().get_inner_expression() else {
            return None;
        };
        if l.operator != js::LogicalOperator::Coalesce {
            return None;
        }
        let js::Expression::Identifier(options) = client_option(&l.left)?.get_inner_expression()
        else {
            return None;
        };
        if !matches!(
            self.lookup(options.name.as_str(), self.scopes.len()),
            Some((_, Binding::Param { .. }))
        ) {
            return None;
        }
        let js::Expression::ObjectExpression(config) = call
            .arguments
            .first()?
            .as_expression()?
            .get_inner_expression()
        else {
            return None;
        };
        let url = self.url_of(own_prop(config, "url")?)?;
        Some(Operation {
            method,
            url,
            kind: Kind::Client,
            base: self.client_base(&l.right),
        })
    }

    /// A constant string.
    fn constant(&self, expr: &'a js::Expression<'a>) -> Option<String> {
        match self.eval_top(expr) {
            Value::Known(parts) => super::literal_text(&parts),
            Value::Unknown(_) => None,
        }
    }

    /// A generated URL: a constant with `{name}` parameters.
    fn url_of(&self, expr: &'a js::Expression<'a>) -> Option<Vec<Part>> {
        Some(templated(vec![Part::Lit(self.constant(expr)?)]))
    }

    /// The `BASE` of a legacy client's config object (`OpenAPI`).
    fn config_base(&self, config: &'a js::Expression<'a>) -> Result<Option<Vec<Part>>, String> {
        let name = self.source(config.span());
        let unknown = || Err(format!("the SDK's base URL `{name}.BASE` is not known"));
        let val = match config.get_inner_expression() {
            js::Expression::Identifier(id) => {
                match self.lookup(id.name.as_str(), self.scopes.len()) {
                    Some((_, Binding::Import(_))) => match self.imports.get(id.name.as_str()) {
                        Some(v) => val_at(v, &["BASE".to_owned()]),
                        None => return unknown(),
                    },
                    _ => match self.prop_of(Some(config), "BASE") {
                        Lookup::Found(expr, limit) => {
                            return self.known_base(expr, Frame { limit, depth: 0 }, &name);
                        }
                        _ => return unknown(),
                    },
                }
            }
            _ => return unknown(),
        };
        match val {
            Val::Str(parts) => Ok(Some(normalize(parts))),
            _ => unknown(),
        }
    }

    /// The base URL of the hey-api client an operation falls back on.
    fn client_base(&self, client: &'a js::Expression<'a>) -> Result<Option<Vec<Part>>, String> {
        let name = self.source(client.span());
        let unknown = || {
            Err(format!(
                "the base URL of the SDK client `{name}` is not known: it is not a `createClient(...)` routelint read"
            ))
        };
        let js::Expression::Identifier(id) = client.get_inner_expression() else {
            return unknown();
        };
        match self.lookup(id.name.as_str(), self.scopes.len()) {
            // The client package's own default client (hey-api before `client.gen.ts`).
            Some((_, Binding::Import(from))) if is_client_package(from) => Ok(None),
            Some((_, Binding::Import(_))) => match self.imports.get(id.name.as_str()) {
                Some(Val::Sdk(base)) => base.clone(),
                _ => unknown(),
            },
            Some((level, Binding::Value { init, .. })) => {
                match self.created_client(init, level + 1) {
                    Some(Val::Sdk(base)) => base,
                    _ => unknown(),
                }
            }
            _ => unknown(),
        }
    }

    /// `createClient(createConfig({ baseUrl }))` (or `createClient({ baseUrl })`) as a client
    /// value with its base.
    pub(super) fn created_client(&self, expr: &'a js::Expression<'a>, limit: usize) -> Option<Val> {
        let js::Expression::CallExpression(call) = expr.get_inner_expression() else {
            return None;
        };
        if !call.callee.is_specific_id("createClient") {
            return None;
        }
        let mut config = call.arguments.first().and_then(|a| a.as_expression());
        if let Some(js::Expression::CallExpression(inner)) =
            config.map(|c| c.get_inner_expression())
            && inner.callee.is_specific_id("createConfig")
        {
            config = inner.arguments.first().and_then(|a| a.as_expression());
        }
        let Some(config) = config else {
            return Some(Val::Sdk(Ok(None)));
        };
        let js::Expression::ObjectExpression(object) = config.get_inner_expression() else {
            return Some(Val::Sdk(Err(format!(
                "the base URL of the SDK client is not known: its config `{}` is not an object literal",
                self.source(config.span())
            ))));
        };
        let base = match own_prop(object, "baseUrl").or_else(|| own_prop(object, "baseURL")) {
            None => Ok(None),
            Some(expr) => {
                self.known_base(expr, Frame { limit, depth: 0 }, "the SDK client's baseUrl")
            }
        };
        Some(Val::Sdk(base))
    }

    /// A base URL expression evaluated; `Err` when it is not a constant.
    fn known_base(
        &self,
        expr: &'a js::Expression<'a>,
        frame: Frame,
        label: &str,
    ) -> Result<Option<Vec<Part>>, String> {
        let mut fuel = EVAL_FUEL;
        match self.eval(expr, frame, &mut fuel) {
            Value::Known(parts) => Ok(Some(normalize(parts))),
            Value::Unknown(u) => Err(format!("{label} is `{}`, {}", u.source, u.reason)),
        }
    }

    /// `client.setConfig({ baseURL })` on an SDK client.
    fn note_set_config(&mut self, call: &'a js::CallExpression<'a>) {
        let Some(m) = call.callee.get_inner_expression().as_member_expression() else {
            return;
        };
        if m.static_property_name() != Some("setConfig") {
            return;
        }
        let js::Expression::Identifier(id) = m.object().get_inner_expression() else {
            return;
        };
        let is_client = match self.lookup(id.name.as_str(), self.scopes.len()) {
            Some((_, Binding::Import(from))) if is_client_package(from) => true,
            Some((_, Binding::Import(_))) => {
                matches!(self.imports.get(id.name.as_str()), Some(Val::Sdk(_)))
            }
            Some((level, Binding::Value { init, .. })) => {
                self.created_client(init, level + 1).is_some()
            }
            _ => false,
        };
        let Some(js::Expression::ObjectExpression(config)) = call
            .arguments
            .first()
            .and_then(|a| a.as_expression())
            .map(|e| e.get_inner_expression())
        else {
            return;
        };
        let Some(expr) = own_prop(config, "baseURL").or_else(|| own_prop(config, "baseUrl")) else {
            return;
        };
        if is_client {
            let base = self.app_base(expr, &format!("`{}.setConfig`'s base URL", id.name));
            self.sdk_bases.push((Kind::Client, base));
        }
    }

    /// `OpenAPI.BASE = value` on a legacy SDK's config object.
    pub(super) fn note_base_assignment(&mut self, a: &'a js::AssignmentExpression<'a>) {
        if self.pass != Pass::Extract || a.operator != js::AssignmentOperator::Assign {
            return;
        }
        let Some(m) = a.left.as_member_expression() else {
            return;
        };
        if m.static_property_name() != Some("BASE") {
            return;
        }
        let js::Expression::Identifier(id) = m.object().get_inner_expression() else {
            return;
        };
        let config = match self.lookup(id.name.as_str(), self.scopes.len()) {
            Some((_, Binding::Import(_))) => self.imports.get(id.name.as_str()),
            _ => None,
        };
        let Some(Val::Obj(members)) = config else {
            return;
        };
        if !members.iter().any(|(k, _)| k == "BASE") {
            return;
        }
        let base = self.app_base(&a.right, &format!("`{}.BASE`", id.name));
        self.sdk_bases.push((Kind::Legacy, base));
    }

    /// A base the app sets, with where it is written.
    fn app_base(&self, expr: &'a js::Expression<'a>, label: &str) -> ModuleBase {
        let at = expr.span();
        match self.known_base(expr, self.here(), label) {
            Ok(parts) => {
                let parts = parts.unwrap_or_default();
                if let Some(Part::Hole { unknown, .. }) = parts.first() {
                    return Err(format!(
                        "{label} starts with `{}`, {}",
                        unknown.source, unknown.reason
                    ));
                }
                Ok((parts, self.input.span(at.start as usize, at.end as usize)))
            }
            Err(why) => Err(why),
        }
    }

    /// The operations an exported class declares as static methods, as an object.
    pub(super) fn class_val(&self, class: &'a js::Class<'a>) -> Option<Val> {
        let members: Vec<(String, Val)> = class
            .body
            .body
            .iter()
            .filter_map(|element| match element {
                js::ClassElement::MethodDefinition(m) if m.r#static => {
                    let op = self.operations.get(&m.value.span.start)?;
                    let name = m.key.static_name()?;
                    Some((name.to_string(), Val::Operation(Box::new(op.clone()))))
                }
                _ => None,
            })
            .collect();
        (!members.is_empty()).then_some(Val::Obj(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Part {
        Part::Lit(s.into())
    }

    /// Every call of a set of files: `path:line METHOD url-or-why [client]`.
    fn calls(files: &[(&str, &str)]) -> Vec<String> {
        let inputs = crate::sources::testing::test_inputs(files);
        let facts = super::super::extract_set(&inputs);
        let mut out = Vec::new();
        for (f, (path, text)) in facts.iter().zip(files) {
            assert!(f.problems.is_empty(), "{path}: {:?}", f.problems);
            for c in &f.calls {
                let method = c.method.map_or("*".to_owned(), |m| m.to_string());
                let url = match &c.url {
                    CallUrl::Resolved { origin, path } => {
                        format!("{}{path}", origin.as_deref().unwrap_or_default())
                    }
                    CallUrl::Unresolved { why } => format!("? {why}"),
                };
                let line = text[..c.span.start as usize].matches('\n').count() + 1;
                out.push(format!("{path}:{line} {method} {url} [{}]", c.client));
            }
        }
        out
    }

    const OPENAPI: (&str, &str) = (
        "src/client/core/OpenAPI.ts",
        "export const OpenAPI = { BASE: 'https://api.example.com', VERSION: '1' };\n",
    );
    const REQUEST: (&str, &str) = (
        "src/client/core/request.ts",
        "export const request = (config, options, axiosClient = axios) => axiosClient.request(options);\n",
    );
    const LEGACY: (&str, &str) = (
        "src/client/services.ts",
        "import { OpenAPI } from './core/OpenAPI';\nimport { request as __request } from './core/request';\n\
         export class PetsService {\n\
           public static getPet(data) {\n\
             return __request(OpenAPI, { method: 'get', url: '/pets/{petId}', path: { petId: data.petId } });\n\
           }\n\
           public static unused() { return __request(OpenAPI, { method: 'DELETE', url: '/pets' }); }\n\
           public helper(data) { return data; }\n\
         }\n",
    );

    #[test]
    fn legacy_operations_are_called_with_the_generated_base_unless_the_app_sets_one() {
        let app = (
            "src/app.ts",
            "import { PetsService } from './client/services';\n\nexport const load = (id) =>\n  PetsService.getPet({ petId: id });\n",
        );
        assert_eq!(
            calls(&[OPENAPI, REQUEST, LEGACY, app]),
            ["src/app.ts:4 GET https://api.example.com/pets/{petId} [PetsService.getPet]"]
        );
        // The app's `OpenAPI.BASE` replaces it in every module of the app.
        let main = (
            "src/main.ts",
            "import { OpenAPI } from './client/core/OpenAPI';\nOpenAPI.BASE = '/pets-api';\n",
        );
        assert_eq!(
            calls(&[OPENAPI, REQUEST, LEGACY, app, main]),
            ["src/app.ts:4 GET /pets-api/pets/{petId} [PetsService.getPet]"]
        );
        // A base from an environment variable no `.env` sets leaves the call unresolved.
        let env_main = (
            "src/main.ts",
            "import { OpenAPI } from './client/core/OpenAPI';\nOpenAPI.BASE = import.meta.env.VITE_PETS;\n",
        );
        let got = calls(&[OPENAPI, REQUEST, LEGACY, app, env_main]);
        assert_eq!(got.len(), 1);
        assert!(
            got[0].starts_with("src/app.ts:4 GET ? `OpenAPI.BASE` is `import.meta.env.VITE_PETS`, which is an environment variable"),
            "{got:?}"
        );
        // Two different constants: not guessed either.
        let other = (
            "src/other.ts",
            "import { OpenAPI } from './client/core/OpenAPI';\nOpenAPI.BASE = '/elsewhere';\n",
        );
        assert_eq!(
            calls(&[OPENAPI, REQUEST, LEGACY, app, main, other]),
            [
                "src/app.ts:4 GET ? the app sets `OpenAPI.BASE` to different values [PetsService.getPet]"
            ]
        );
    }

    #[test]
    fn the_client_packages_default_client_takes_the_apps_base() {
        let sdk = (
            "src/client/services.gen.ts",
            "import { client } from '@hey-api/client-fetch';\n\
             export const getPet = (options) => (options.client ?? client).get({ url: '/pets/{id}', ...options });\n",
        );
        let app = (
            "src/app.ts",
            "import { client } from '@hey-api/client-fetch';\nimport { getPet } from './client/services.gen';\n\
             client.setConfig({ baseUrl: 'https://pets.example.com/v2' });\ngetPet({ path: { id: 1 } });\n",
        );
        assert_eq!(
            calls(&[sdk, app]),
            ["src/app.ts:4 GET https://pets.example.com/v2/pets/{id} [getPet]"]
        );
    }

    #[test]
    fn only_the_generated_shapes_are_operations() {
        // `__request` from a module not named `request`, a `??` on something other than the
        // options' client, a non-constant URL: none is an operation; their calls stay what
        // they were (nothing here is a known client).
        let lib = (
            "src/lib.ts",
            "import { send as __request } from './transport';\nimport { client } from './client.gen';\n\
             export class A { static a(data) { return __request(OpenAPI, { method: 'GET', url: '/a' }); } }\n\
             export const b = (options) => (options.cache ?? client).get({ url: '/b' });\n\
             export const c = (options) => (options.client ?? client).get({ url: options.path });\n",
        );
        let generated = (
            "src/client.gen.ts",
            "import { createClient } from '@hey-api/client-axios';\nexport const client = createClient({ baseURL: '/api' });\n",
        );
        let app = (
            "src/app.ts",
            "import { A, b, c } from './lib';\nA.a({}); b({}); c({ path: '/x' });\n",
        );
        assert_eq!(calls(&[lib, generated, app]), Vec::<String>::new());
    }

    #[test]
    fn client_operations_join_the_clients_base_and_its_set_config() {
        let generated = (
            "web/src/client/client.gen.ts",
            "import { createClient, createConfig } from './client';\n\
             export const client = createClient(createConfig({ baseURL: 'http://localhost:8000' }));\n",
        );
        let sdk = (
            "web/src/client/sdk.gen.ts",
            "import { client } from './client.gen';\n\
             export const readItem = (options) => (options?.client ?? client).get({ url: '/items/{id}', ...options });\n\
             export function dropItem(options) { return (options.client ?? client).delete({ ...options, url: '/items/{id}' }); }\n",
        );
        let index = ("web/src/client/index.ts", "export * from './sdk.gen';\n");
        let app = (
            "web/src/items.ts",
            "import { readItem, dropItem } from './client';\nconst q = { queryFn: readItem };\ndropItem({ path: { id: 1 } });\n",
        );
        assert_eq!(
            calls(&[generated, sdk, index, app]),
            [
                "web/src/items.ts:2 GET http://localhost:8000/items/{id} [readItem]",
                "web/src/items.ts:3 DELETE http://localhost:8000/items/{id} [dropItem]",
            ]
        );
        let main = (
            "web/src/main.ts",
            "import { client } from './client/client.gen';\nclient.setConfig({ baseURL: '' });\n",
        );
        assert_eq!(
            calls(&[generated, sdk, index, app, main]),
            [
                "web/src/items.ts:2 GET /items/{id} [readItem]",
                "web/src/items.ts:3 DELETE /items/{id} [dropItem]",
            ]
        );
        // Another app of the repository keeps its own base.
        let other = (
            "admin/src/main.ts",
            "import { client } from '../../web/src/client/client.gen';\nclient.setConfig({ baseURL: '/admin' });\n",
        );
        assert_eq!(
            calls(&[generated, sdk, index, app, main, other]),
            [
                "web/src/items.ts:2 GET /items/{id} [readItem]",
                "web/src/items.ts:3 DELETE /items/{id} [dropItem]",
            ]
        );
    }

    #[test]
    fn braces_in_a_generated_url_are_path_parameters() {
        let parts = templated(vec![lit("/api/v1/users/{user_id}/items/{id}")]);
        let names: Vec<String> = parts
            .iter()
            .map(|p| match p {
                Part::Lit(l) => l.clone(),
                Part::Hole { name, .. } => format!("<{name}>"),
            })
            .collect();
        assert_eq!(names, ["/api/v1/users/", "<user_id>", "/items/", "<id>"]);
        // An unclosed brace stays literal.
        assert_eq!(templated(vec![lit("/a/{b")]), vec![lit("/a/{b")]);
    }

    #[test]
    fn the_base_is_prepended_as_written() {
        let url = templated(vec![lit("/api/v1/items/")]);
        let got = call_url(Ok(Some(&[lit("https://api.example.com")])), &url);
        assert_eq!(
            got.map(|u| format!("{u:?}")),
            super::super::finish(vec![lit("https://api.example.com/api/v1/items/")])
                .map(|u| format!("{u:?}"))
        );
        assert!(matches!(
            call_url(Err("the base is not known"), &url),
            Some(CallUrl::Unresolved { why }) if why == "the base is not known"
        ));
    }
}
