//! Reads Kubernetes `Ingress` objects (networking.k8s.io/v1, v1beta1, extensions/v1beta1) into
//! routes of the ingress controller they name. Knows the resource and the ingress-nginx path
//! annotations; decides nothing about other files.
//!
//! Semantics kept (semantics.md; Kubernetes Ingress docs "Path types"; ingress-nginx docs
//! "Rewrite" and "Ingress Path Matching"):
//! - `Exact` matches the whole path; `Prefix` is segment-wise (`/api` matches `/api`, `/api/`,
//!   `/api/x`, not `/apix`), trailing slash ignored; `ImplementationSpecific` (and a missing
//!   `pathType`, as v1beta1 objects write it) is the controller's choice: ingress-nginx makes it
//!   an nginx prefix `location`, a string prefix.
//! - `nginx.ingress.kubernetes.io/use-regex: "true"` or a non-empty `rewrite-target` makes the
//!   paths case-insensitive regexes anchored at the start (`location ~* "^/api(/|$)(.*)"`).
//! - `rewrite-target` is an nginx `rewrite`: the WHOLE path is replaced by the target, with
//!   `$1`… from the path's capture groups. Without groups (`rewrite-target: /`) every path under
//!   the prefix becomes `/` — the break that ingress-nginx 0.22 introduced.
//! - `konghq.com/strip-path: "true"` removes the matched prefix; `app-root` redirects `/`;
//!   `traefik.ingress.kubernetes.io/router.middlewares` makes the rewrite unknown (the
//!   Middleware resources are elsewhere).
//! - The host-wide effect of `use-regex` on other Ingresses of the same host is not applied
//!   here (it needs the other files); the topology will.

use crate::model::method::MethodSet;
use crate::model::path::{PathMatch, Rewrite};
use crate::source_file::Span;
use crate::sources::k8s::object::Object;
use crate::sources::{
    facts::ComponentFact, facts::ComponentKind, facts::Dialect, facts::Facts, facts::Owner,
    facts::RouteFact, facts::Target, input::Input,
};
use crate::tree::Node;

/// The component name of an ingress class: `nginx` → `ingress-nginx`, none → `ingress`.
pub fn controller_name(class: Option<&str>) -> String {
    match class {
        Some(c) if c.starts_with("ingress") => c.to_owned(),
        Some(c) if !c.is_empty() => format!("ingress-{c}"),
        _ => "ingress".to_owned(),
    }
}

fn annotation<'a>(obj: &Object<'a>, key: &str) -> Option<&'a str> {
    obj.node
        .at(&["metadata", "annotations"])?
        .get(key)?
        .as_str()
}

/// An Ingress: its rules' paths and default backend become routes of its controller.
pub fn ingress(input: Input<'_>, obj: &Object<'_>, facts: &mut Facts) {
    let name = obj.display_name();
    let what = format!("Ingress `{name}`");
    let Some(spec) = obj.spec(input, facts, &what) else {
        return;
    };
    let class = spec
        .get("ingressClassName")
        .and_then(Node::as_str)
        .or_else(|| annotation(obj, "kubernetes.io/ingress.class"));
    let controller = controller_name(class);
    facts.components.push(ComponentFact {
        name: controller.clone(),
        kind: ComponentKind::Ingress,
        aliases: Vec::new(),
        hosts: Vec::new(),
        span: input.node_span(obj.anchor()),
    });
    let rewrite_target =
        annotation(obj, "nginx.ingress.kubernetes.io/rewrite-target").filter(|t| !t.is_empty());
    let regex_mode = annotation(obj, "nginx.ingress.kubernetes.io/use-regex") == Some("true")
        || rewrite_target.is_some();
    let strip = annotation(obj, "konghq.com/strip-path") == Some("true");
    if let Some(o) = annotation(obj, "konghq.com/override") {
        facts
            .kong_override_refs
            .push((format!("Ingress {name}"), o.to_owned()));
    }
    for plugin in annotation(obj, "konghq.com/plugins")
        .unwrap_or("")
        .split(',')
    {
        let plugin = plugin.trim();
        if !plugin.is_empty() {
            facts
                .kong_override_refs
                .push((format!("Ingress {name}"), plugin.to_owned()));
        }
    }
    let traefik_middlewares = annotation(obj, "traefik.ingress.kubernetes.io/router.middlewares")
        .filter(|m| !m.trim().is_empty());
    let ctx = Ctx {
        traefik_middlewares,
        input,
        what: &what,
        name,
        controller: &controller,
        regex_mode,
        rewrite_target,
        strip,
    };
    let mut order = 0u32;
    let rules = match spec.get("rules") {
        None => &[][..],
        Some(r) if r.is_null() => &[][..],
        Some(r) => match r.as_seq() {
            Some(items) => items,
            None => {
                facts.problem(
                    input.node_span(r),
                    format!("{what}: `rules` must be a list, found {}", r.type_name()),
                );
                &[][..]
            }
        },
    };
    for rule in rules {
        let host: Vec<String> = rule
            .get("host")
            .and_then(Node::as_str)
            .map(|h| vec![h.to_owned()])
            .unwrap_or_default();
        let Some(paths) = rule.at(&["http", "paths"]) else {
            continue;
        };
        let Some(paths) = paths.as_seq() else {
            facts.problem(
                input.node_span(paths),
                format!(
                    "{what}: `http.paths` must be a list, found {}",
                    paths.type_name()
                ),
            );
            continue;
        };
        for p in paths {
            if let Some(route) = ctx.path_route(facts, p, &host, order) {
                facts.routes.push(route);
                order += 1;
            }
        }
    }
    if let Some(app_root) = annotation(obj, "nginx.ingress.kubernetes.io/app-root") {
        facts.routes.push(ctx.route(
            PathMatch::Exact {
                path: "/".to_owned(),
                ignore_case: false,
            },
            None,
            Target::Opaque {
                why: format!("ingress-nginx redirects / to the app root {app_root}"),
            },
            input.node_span(obj.anchor()),
            Vec::new(),
            order,
        ));
        order += 1;
    }
    let default = spec.get("defaultBackend").or_else(|| spec.get("backend"));
    if let Some(b) = default {
        let target = ctx.backend(facts, b);
        facts.routes.push(ctx.route(
            PathMatch::Any,
            None,
            target,
            input.node_span(b),
            Vec::new(),
            order,
        ));
    }
}

struct Ctx<'a> {
    /// Traefik middlewares applied to the Ingress's routers (`ns-name@kubernetescrd`, …).
    traefik_middlewares: Option<&'a str>,
    input: Input<'a>,
    what: &'a str,
    name: &'a str,
    controller: &'a str,
    regex_mode: bool,
    rewrite_target: Option<&'a str>,
    strip: bool,
}

impl Ctx<'_> {
    fn route(
        &self,
        matcher: PathMatch,
        rewrite: Option<Rewrite>,
        target: Target,
        span: Span,
        hosts: Vec<String>,
        order: u32,
    ) -> RouteFact {
        RouteFact {
            owner: Owner::Named(self.controller.to_owned()),
            table: self.name.to_owned(),
            origin: format!("Ingress {}", self.name),
            order,
            matcher,
            methods: MethodSet::Any,
            rewrite_span: rewrite.as_ref().map(|_| span),
            rewrite,
            target,
            span,
            rule_span: span,
            hosts,
            gateways: Vec::new(),
            dialect: Dialect::Ingress,
            priority: None,
            conditional: false,
        }
    }

    fn path_route(
        &self,
        facts: &mut Facts,
        p: &Node,
        hosts: &[String],
        order: u32,
    ) -> Option<RouteFact> {
        let input = self.input;
        if p.as_map().is_none() {
            facts.problem(
                input.node_span(p),
                format!(
                    "{}: a path must be a mapping, found {}",
                    self.what,
                    p.type_name()
                ),
            );
            return None;
        }
        let path_node = p.get("path");
        let path = match path_node {
            None => "/",
            Some(n) => match n.as_str() {
                Some(s) => s,
                None => {
                    facts.problem(
                        input.node_span(n),
                        format!(
                            "{}: `path` must be a string, found {}",
                            self.what,
                            n.type_name()
                        ),
                    );
                    return None;
                }
            },
        };
        let span = path_node
            .map(|n| input.node_span(n))
            .unwrap_or_else(|| input.node_span(p));
        let kind = p.get("pathType").and_then(Node::as_str).unwrap_or("");
        let matcher = if self.regex_mode {
            // `location ~* "^PATH"`: case-insensitive, anchored at the start only.
            match regex::Regex::new(&format!("(?i)^(?:{path})")) {
                Ok(re) => PathMatch::Regex {
                    source: path.to_owned(),
                    re,
                },
                Err(_) => {
                    facts.problem(
                        span,
                        format!(
                            "{}: routelint cannot read the regular expression `{path}`",
                            self.what
                        ),
                    );
                    return None;
                }
            }
        } else {
            match kind {
                "Exact" => PathMatch::Exact {
                    path: path.to_owned(),
                    ignore_case: false,
                },
                "Prefix" => PathMatch::SegmentPrefix {
                    prefix: path.to_owned(),
                    ignore_case: false,
                },
                "ImplementationSpecific" | "" => PathMatch::StringPrefix {
                    prefix: path.to_owned(),
                    ignore_case: false,
                },
                other => {
                    let at = p
                        .get("pathType")
                        .map(|n| input.node_span(n))
                        .unwrap_or(span);
                    facts.problem(at, format!("{}: unknown pathType `{other}` (expected Exact, Prefix or ImplementationSpecific)", self.what));
                    return None;
                }
            }
        };
        let rewrite = self.rewrite(path, &matcher);
        let target = match p.get("backend") {
            Some(b) => self.backend(facts, b),
            None => {
                facts.problem(
                    input.node_span(p),
                    format!("{}: path `{path}` has no backend", self.what),
                );
                return None;
            }
        };
        Some(self.route(matcher, rewrite, target, span, hosts.to_vec(), order))
    }

    fn rewrite(&self, path: &str, matcher: &PathMatch) -> Option<Rewrite> {
        if let Some(target) = self.rewrite_target {
            // nginx `rewrite (?i)PATH TARGET break`: the whole URI becomes TARGET.
            let re = regex::Regex::new(&format!("(?i)^(?:{path}).*$")).ok()?;
            return Some(Rewrite::RegexReplace {
                re,
                with: target.to_owned(),
                shown: format!("rewrite-target {target}"),
            });
        }
        if self.strip && !matches!(matcher, PathMatch::Regex { .. }) {
            return Some(Rewrite::ReplaceMatched(String::new()));
        }
        if let Some(m) = self.traefik_middlewares {
            // Middleware resources live elsewhere: whether they change the path is not known
            // here, so requests through them are unknown rather than guessed.
            return Some(Rewrite::Unknown(format!(
                "Traefik middlewares {m} are applied"
            )));
        }
        None
    }

    /// `backend.service.{name,port}` (v1) or `serviceName`/`servicePort` (v1beta1).
    fn backend(&self, facts: &mut Facts, b: &Node) -> Target {
        let input = self.input;
        let (name, port) = match b.get("service") {
            Some(s) => (s.get("name"), s.at(&["port", "number"])),
            None => (b.get("serviceName"), b.get("servicePort")),
        };
        match name {
            Some(n) => match n.as_str() {
                Some(host) => Target::Forward {
                    host: host.to_owned(),
                    port: port
                        .and_then(Node::as_i64)
                        .and_then(|p| u16::try_from(p).ok()),
                    span: input.node_span(n),
                },
                None => {
                    facts.problem(
                        input.node_span(n),
                        format!("{}: the backend service name must be a string", self.what),
                    );
                    Target::Opaque {
                        why: "the backend service name is not a string".to_owned(),
                    }
                }
            },
            None if b.get("resource").is_some() => Target::Opaque {
                why: "the backend is a resource, not a Service".to_owned(),
            },
            None => {
                facts.problem(
                    input.node_span(b),
                    format!("{}: the backend names no service", self.what),
                );
                Target::Opaque {
                    why: "the backend names no service".to_owned(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::path::{ReqPath, Rewritten};

    use crate::sources::{facts::Facts, facts::Target, k8s};

    fn run(text: &str) -> Facts {
        k8s::extract(crate::sources::testing::test_input(
            "k8s/ingress.yaml",
            text,
        ))
    }

    #[test]
    fn path_types_map_to_their_matchers() {
        let f = run(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  ingressClassName: nginx\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}\n      - {path: /health, pathType: Exact, backend: {service: {name: api, port: {number: 8080}}}}\n      - {path: /static, pathType: ImplementationSpecific, backend: {service: {name: cdn, port: {name: http}}}}\n",
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<String> = f.routes.iter().map(|r| r.matcher.to_string()).collect();
        assert_eq!(
            got,
            [
                "path prefix /api",
                "exact /health",
                "prefix /static",
                "any path"
            ]
        );
        assert_eq!(f.components[0].name, "ingress-nginx");
        assert!(
            matches!(&f.routes[0].target, Target::Forward { host, port: Some(8080), .. } if host == "api")
        );
    }

    #[test]
    fn rewrite_target_replaces_the_whole_path_with_its_captures() {
        // ingress-nginx docs, "Rewrite": path /something(/|$)(.*), rewrite-target /$2.
        let f = run(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: rw\n  annotations:\n    nginx.ingress.kubernetes.io/rewrite-target: /$2\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /something(/|$)(.*)\n        pathType: ImplementationSpecific\n        backend: {service: {name: app, port: {number: 80}}}\n",
        );
        let r = &f.routes[0];
        let table = [
            ("/something", "/"),
            ("/something/", "/"),
            ("/something/new", "/new"),
            ("/SOMETHING/new", "/new"),
            ("/something/posts/{id}", "/posts/{id}"),
        ];
        for (from, to) in table {
            assert!(r.matcher.matches(&ReqPath::parse(from)).matched(), "{from}");
            let out = r
                .rewrite
                .as_ref()
                .map(|w| w.apply(&r.matcher, &ReqPath::parse(from)));
            assert_eq!(out, Some(Rewritten::Path(ReqPath::parse(to))), "{from}");
        }
        // Without capture groups every path under the prefix becomes the target (0.22+).
        let f = run(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: rw\n  annotations:\n    nginx.ingress.kubernetes.io/rewrite-target: /\nspec:\n  rules:\n  - http:\n      paths:\n      - {path: /api, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}\n",
        );
        let r = &f.routes[0];
        let out = r
            .rewrite
            .as_ref()
            .map(|w| w.apply(&r.matcher, &ReqPath::parse("/api/users")));
        assert_eq!(out, Some(Rewritten::Path(ReqPath::parse("/"))));
    }

    #[test]
    fn v1beta1_backends_and_kong_strip_path() {
        let f = run(
            "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old\n  annotations: {kubernetes.io/ingress.class: kong, konghq.com/strip-path: \"true\"}\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /orders\n        backend: {serviceName: orders, servicePort: 80}\n",
        );
        assert_eq!(f.components[0].name, "ingress-kong");
        let r = &f.routes[0];
        assert!(matches!(&r.target, Target::Forward { host, .. } if host == "orders"));
        let out = r
            .rewrite
            .as_ref()
            .map(|w| w.apply(&r.matcher, &ReqPath::parse("/orders/5")));
        assert_eq!(out, Some(Rewritten::Path(ReqPath::parse("/5"))));
    }

    #[test]
    fn traefik_middleware_annotation_makes_the_rewrite_unknown_not_a_guess() {
        let f = run(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: t\n  annotations: {traefik.ingress.kubernetes.io/router.middlewares: default-strip@kubernetescrd}\nspec:\n  ingressClassName: traefik\n  rules:\n  - http:\n      paths:\n      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}\n",
        );
        let r = &f.routes[0];
        let out = r
            .rewrite
            .as_ref()
            .map(|w| w.apply(&r.matcher, &ReqPath::parse("/api/x")));
        assert_eq!(out, Some(Rewritten::Unknown));
    }

    #[test]
    fn malformed_ingresses_are_problems() {
        let f = run(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: bad}\nspec:\n  rules:\n  - http:\n      paths:\n      - {path: /a, pathType: Sideways, backend: {service: {name: a}}}\n      - {path: 7, backend: {service: {name: a}}}\n      - {path: /b, pathType: Prefix}\n",
        );
        assert_eq!(f.problems.len(), 3, "{:?}", f.problems);
        assert!(f.routes.is_empty());
    }
}
