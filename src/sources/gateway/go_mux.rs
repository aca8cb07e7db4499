//! Reads Go `net/http` ServeMux registrations (`mux.Handle`, `mux.HandleFunc`) of one indexed
//! Go file into routes, following each handler inside that file (with the Go evaluator of
//! [`crate::sources::go`]) to a reverse-proxy target, another mux or the gateway's own code;
//! and the muxes the server listens with into entry tables.
//!
//! Must not look at any other file and must not guess: a handler this file does not define
//! becomes [`Target::Opaque`], never a forward to a host the code does not name. Called by the
//! Go project reader; never imports it.

use std::collections::HashSet;

use tree_sitter::Node;

use crate::model::method::{Method, MethodSet};
use crate::model::path::{PatSeg, PathMatch, Pattern};
use crate::sources::facts::{Dialect, Facts, Owner, RouteFact, Target};
use crate::sources::go::index::Ctx;
use crate::sources::go::tree::{Loc, named_args};
use crate::sources::go::value::{DEFAULT_MUX, Env, Routed, Val};

/// Reads the ServeMux routes and entry tables of one Go file into `facts`.
///
/// Produces one [`RouteFact`] per `Handle` / `HandleFunc` registration on a mux variable of
/// this file (or on `http.DefaultServeMux` through `http.Handle`), in source order, with the
/// Go 1.22 pattern as a [`PathMatch::Template`]; the muxes given to `http.ListenAndServe`,
/// `http.Server{Handler: …}` and friends go to [`Facts::entry_tables`].
pub(crate) fn read(ctx: &Ctx<'_>, facts: &mut Facts) {
    routes(ctx, facts);
    entries(ctx, facts);
}

/// One route per registration (per call site of the helper it sits in).
fn routes(ctx: &Ctx<'_>, facts: &mut Facts) {
    let mut order: u32 = 0;
    for call in &ctx.calls {
        let Some(callee) = call.child_by_field_name("function") else {
            continue;
        };
        if callee.kind() != "selector_expression" {
            continue;
        }
        let Some(method) = callee.child_by_field_name("field").map(|f| ctx.text(f)) else {
            continue;
        };
        if !matches!(method, "Handle" | "HandleFunc") || named_args(*call).len() != 2 {
            continue;
        }
        let mut seen = HashSet::new();
        for env in ctx.call_envs(*call) {
            ctx.refuel();
            let Some(route) = registration(ctx, *call, method == "HandleFunc", &env, order) else {
                continue;
            };
            let key = (
                route.table.clone(),
                route.span,
                format!("{:?}", route.target),
            );
            if seen.insert(key) {
                facts.routes.push(route);
                order = order.saturating_add(1);
            }
        }
    }
}

/// The route one registration call gives under the bindings `env`; `None` when its mux or
/// pattern is not a constant this file shows, or ServeMux would reject the pattern.
fn registration<'t>(
    ctx: &Ctx<'t>,
    call: Node<'t>,
    is_func: bool,
    env: &Env<'t>,
    order: u32,
) -> Option<RouteFact> {
    let callee = call.child_by_field_name("function")?;
    let operand = callee.child_by_field_name("operand")?;
    let table =
        if operand.kind() == "identifier" && ctx.pkg_path(ctx.text(operand)) == Some("net/http") {
            DEFAULT_MUX.to_owned()
        } else {
            match ctx.eval(operand, env, 0) {
                Val::Mux(name) => name,
                _ => return None,
            }
        };
    let args = named_args(call);
    let (pat_node, handler) = (*args.first()?, *args.get(1)?);
    let Val::Str(pattern, ploc) = ctx.eval(pat_node, env, 0) else {
        return None;
    };
    let (methods, pattern) = parse_pattern(&pattern)?;
    let v = ctx.eval(handler, env, 0);
    let routed = match v {
        // HandleFunc always takes a function: one this file does not define is the
        // gateway's own code (`healthz`, `h.listPosts`).
        Val::Unknown(_)
            if is_func && matches!(handler.kind(), "identifier" | "selector_expression") =>
        {
            Routed::plain(Target::Serve {
                handler: ctx.text(handler).to_owned(),
            })
        }
        v => ctx.to_target(&v, 0),
    };
    Some(RouteFact {
        owner: Owner::File,
        origin: format!("ServeMux {table}"),
        table,
        order,
        matcher: PathMatch::Template {
            pattern,
            ignore_case: false,
        },
        methods,
        rewrite_span: routed.rewrite.as_ref().map(|(_, l)| ctx.span(*l)),
        rewrite: routed.rewrite.map(|(r, _)| r),
        target: routed.target,
        span: ctx.span(ploc),
        rule_span: ctx.span(Loc::of(call)),
        hosts: Vec::new(),
        gateways: Vec::new(),
        dialect: Dialect::GoServeMux { modern: true },
        priority: None,
        conditional: false,
    })
}

/// The muxes that receive the server's traffic.
fn entries(ctx: &Ctx<'_>, facts: &mut Facts) {
    let mut handlers: Vec<(usize, Option<Node<'_>>)> = Vec::new();
    for call in &ctx.calls {
        let Some(callee) = call.child_by_field_name("function") else {
            continue;
        };
        let index = match ctx.qualified(callee) {
            Some(("net/http", "ListenAndServe" | "Serve" | "ServeTLS")) => 1,
            Some(("net/http", "ListenAndServeTLS")) => 3,
            _ => continue,
        };
        if let Some(h) = named_args(*call).get(index) {
            handlers.push((call.start_byte(), Some(*h)));
        }
    }
    for lit in &ctx.composites {
        let Some(ty) = lit.child_by_field_name("type") else {
            continue;
        };
        if ty.kind() != "qualified_type" {
            continue;
        }
        let pkg = ty
            .child_by_field_name("package")
            .and_then(|p| ctx.pkg_path(ctx.text(p)));
        let name = ty.child_by_field_name("name").map(|p| ctx.text(p));
        if pkg != Some("net/http") || name != Some("Server") {
            continue;
        }
        let h = ctx
            .keyed_fields(*lit)
            .into_iter()
            .find(|(k, _)| *k == "Handler")
            .map(|(_, v)| v);
        handlers.push((lit.start_byte(), h));
    }
    handlers.sort_by_key(|(pos, _)| *pos);
    for (_, h) in handlers {
        ctx.refuel();
        let table = match h {
            None => Some(DEFAULT_MUX.to_owned()),
            Some(h) => match ctx.eval(h, &Env::default(), 0) {
                Val::Nil => Some(DEFAULT_MUX.to_owned()),
                v => match ctx.to_target(&v, 0).target {
                    Target::Table(name) => Some(name),
                    _ => None,
                },
            },
        };
        if let Some(t) = table
            && !facts.entry_tables.contains(&t)
        {
            facts.entry_tables.push(t);
        }
    }
}

/// A Go 1.22 ServeMux pattern `[METHOD ][HOST]/PATH` as methods and a path template; `None`
/// for a pattern ServeMux rejects (it panics at registration).
fn parse_pattern(s: &str) -> Option<(MethodSet, Pattern)> {
    let (method, rest) = match s.find([' ', '\t']) {
        Some(i) => (s.get(..i)?, s.get(i + 1..)?.trim_start_matches([' ', '\t'])),
        None => ("", s),
    };
    let methods = if method.is_empty() {
        MethodSet::Any
    } else {
        let token = method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
        if !token {
            return None;
        }
        // Methods are case-sensitive: `get` is a method no client sends.
        match Method::parse(method).filter(|m| m.as_str() == method) {
            Some(Method::Get) => MethodSet::only([Method::Get, Method::Head]),
            Some(m) => MethodSet::only([m]),
            None => MethodSet::Only(Vec::new()),
        }
    };
    let slash = rest.find('/')?;
    if rest.get(..slash)?.contains('{') {
        return None;
    }
    let mut path = rest.get(slash..)?;
    let mut pattern = Pattern::default();
    let mut names = HashSet::new();
    while let Some(after) = path.strip_prefix('/') {
        if after.is_empty() {
            pattern.subtree = true;
            break;
        }
        let end = after.find('/').unwrap_or(after.len());
        let seg = after.get(..end)?;
        path = after.get(end..)?;
        let Some(brace) = seg.find('{') else {
            pattern.segs.push(PatSeg::Lit(seg.to_owned()));
            continue;
        };
        if brace != 0 {
            return None;
        }
        let name = seg.strip_prefix('{')?.strip_suffix('}')?;
        if name == "$" {
            if !path.is_empty() {
                return None;
            }
            pattern.trailing_slash = true;
            break;
        }
        let (name, rest_wild) = match name.strip_suffix("...") {
            Some(n) => (n, true),
            None => (name, false),
        };
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !valid || !names.insert(name.to_owned()) || (rest_wild && !path.is_empty()) {
            return None;
        }
        pattern.segs.push(if rest_wild {
            PatSeg::Rest(name.to_owned())
        } else {
            PatSeg::Param(name.to_owned())
        });
    }
    Some((methods, pattern))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::Rewrite;
    use crate::source_file::Span;
    use crate::sources::go::go_mod::extract_go_mod;

    fn run(src: &str) -> Facts {
        crate::sources::go::project::extract(crate::sources::testing::test_input(
            "api-gateway/main.go",
            src,
        ))
    }

    fn slice(src: &str, span: Span) -> &str {
        &src[span.start as usize..span.end as usize]
    }

    fn fwd(host: &str, port: Option<u16>) -> (String, Option<u16>) {
        (host.to_owned(), port)
    }

    fn forward_of(r: &RouteFact) -> Option<(String, Option<u16>)> {
        match &r.target {
            Target::Forward { host, port, .. } => Some((host.clone(), *port)),
            _ => None,
        }
    }

    fn rewrite_of(r: &RouteFact) -> Option<String> {
        r.rewrite.as_ref().map(|w| w.to_string())
    }

    const SEED: &str = r#"package main

import (
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

func getEnv(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func main() {
	target, _ := url.Parse(getEnv("BLOG_SERVICE_URL", "http://blog-service:8005"))
	proxy := httputil.NewSingleHostReverseProxy(target)
	authProxy := withAuth(proxy)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("/blog/api/", authProxy)
	log.Fatal(http.ListenAndServe(":8000", mux))
}
"#;

    #[test]
    fn seed_gateway_forwards_blog_api_unchanged_to_blog_service() {
        let f = run(SEED);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        assert_eq!(f.routes.len(), 2);
        let health = &f.routes[0];
        assert_eq!(format!("{}", health.matcher), "/healthz");
        assert_eq!(health.methods, MethodSet::only([Method::Get, Method::Head]));
        assert_eq!(
            health.target,
            Target::Serve {
                handler: "healthz".into()
            }
        );
        assert_eq!(health.order, 0);
        assert_eq!(slice(SEED, health.span), "\"GET /healthz\"");

        let api = &f.routes[1];
        assert_eq!(api.order, 1);
        assert_eq!(api.table, "mux");
        assert_eq!(api.origin, "ServeMux mux");
        assert_eq!(api.owner, Owner::File);
        assert_eq!(api.dialect, Dialect::GoServeMux { modern: true });
        assert_eq!(format!("{}", api.matcher), "/blog/api/");
        match &api.matcher {
            PathMatch::Template {
                pattern,
                ignore_case,
            } => {
                assert!(pattern.subtree);
                assert!(!ignore_case);
            }
            other => panic!("not a template: {other:?}"),
        }
        assert_eq!(api.methods, MethodSet::Any);
        assert!(api.rewrite.is_none());
        assert!(api.rewrite_span.is_none());
        assert_eq!(forward_of(api), Some(fwd("blog-service", Some(8005))));
        let Target::Forward { span, .. } = &api.target else {
            panic!("not a forward")
        };
        assert_eq!(slice(SEED, *span), "\"http://blog-service:8005\"");
        assert_eq!(slice(SEED, api.span), "\"/blog/api/\"");
        assert_eq!(
            slice(SEED, api.rule_span),
            "mux.Handle(\"/blog/api/\", authProxy)"
        );
        assert!(api.hosts.is_empty() && api.gateways.is_empty());
        assert_eq!(f.entry_tables, vec!["mux".to_owned()]);
    }

    #[test]
    fn seed_gateway_with_its_own_auth_middleware_and_proxy_handler_still_forwards() {
        let src = format!(
            "{SEED}{}",
            r#"
var userProxy = newProxy("http://user-service:8001")

func newProxy(target string) *httputil.ReverseProxy {
	u, _ := url.Parse(target)
	return httputil.NewSingleHostReverseProxy(u)
}

func withAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func userHandler(w http.ResponseWriter, r *http.Request) { userProxy.ServeHTTP(w, r) }

func init() { http.HandleFunc("/users/", userHandler) }
"#
        );
        let f = run(&src);
        assert!(f.problems.is_empty(), "{:?}", f.problems);
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| format!("{} {} {:?}", r.table, r.matcher, forward_of(r)))
            .collect();
        let want = [
            "mux /healthz None",
            r#"mux /blog/api/ Some(("blog-service", Some(8005)))"#,
            r#"http.DefaultServeMux /users/ Some(("user-service", Some(8001)))"#,
        ];
        assert_eq!(got, want);
        assert_eq!(f.entry_tables, ["mux"]);
    }

    /// Wraps registrations in a minimal file with a proxy and a local handler.
    fn gateway(body: &str) -> String {
        format!(
            r#"package main

import (
	"net/http"
	"net/http/httputil"
	"net/url"
)

func listPosts(w http.ResponseWriter, r *http.Request) {{ w.WriteHeader(200) }}

func main() {{
	u, _ := url.Parse("http://blog-service:8005")
	proxy := httputil.NewSingleHostReverseProxy(u)
	mux := http.NewServeMux()
	{body}
	http.ListenAndServe(":8000", mux)
}}
"#
        )
    }

    #[test]
    fn go_1_22_patterns_become_templates_with_methods() {
        // (pattern literal, matcher display, methods, shape)
        let table = [
            (
                r#""PATCH /blog/api/posts/{id}""#,
                "/blog/api/posts/{id}",
                "PATCH",
                "exact",
            ),
            (r#""GET /posts/{$}""#, "/posts/", "GET, HEAD", "slash"),
            (r#""/{$}""#, "/", "any method", "slash"),
            (
                r#""GET /files/{path...}""#,
                "/files/{path...}",
                "GET, HEAD",
                "exact",
            ),
            (r#""/""#, "/", "any method", "subtree"),
            (r#""/blog/api""#, "/blog/api", "any method", "exact"),
            (r#""POST example.com/login""#, "/login", "POST", "exact"),
            (r#""DELETE\t/posts/{id}""#, "/posts/{id}", "DELETE", "exact"),
            (r#""get /x""#, "/x", "", "exact"),
            ("`HEAD /raw/`", "/raw/", "HEAD", "subtree"),
        ];
        for (lit, display, methods, shape) in table {
            let src = gateway(&format!("mux.Handle({lit}, proxy)"));
            let f = run(&src);
            assert_eq!(f.routes.len(), 1, "{lit}");
            let r = &f.routes[0];
            assert_eq!(format!("{}", r.matcher), display, "{lit}");
            assert_eq!(r.methods.to_string(), methods, "{lit}");
            let PathMatch::Template { pattern, .. } = &r.matcher else {
                panic!("{lit}: not a template")
            };
            let got = match (pattern.subtree, pattern.trailing_slash) {
                (true, false) => "subtree",
                (false, true) => "slash",
                (false, false) => "exact",
                (true, true) => "both",
            };
            assert_eq!(got, shape, "{lit}");
            assert_eq!(slice(&src, r.span), lit);
            assert_eq!(
                forward_of(r),
                Some(fwd("blog-service", Some(8005))),
                "{lit}"
            );
        }
        // GET also serves HEAD; the set is exact.
        let src = gateway(r#"mux.Handle("GET /x", proxy)"#);
        let get_head = MethodSet::only([Method::Get, Method::Head]);
        assert_eq!(run(&src).routes[0].methods, get_head);
    }

    #[test]
    fn pattern_segments_are_params_and_rest() {
        let (_, p) = parse_pattern("PATCH /blog/api/posts/{id}").unwrap();
        assert_eq!(
            p.segs,
            vec![
                PatSeg::Lit("blog".into()),
                PatSeg::Lit("api".into()),
                PatSeg::Lit("posts".into()),
                PatSeg::Param("id".into()),
            ]
        );
        let (_, p) = parse_pattern("/static/{path...}").unwrap();
        assert_eq!(
            p.segs,
            vec![PatSeg::Lit("static".into()), PatSeg::Rest("path".into())]
        );
        let (_, p) = parse_pattern("/").unwrap();
        assert!(p.segs.is_empty() && p.subtree && !p.trailing_slash);
    }

    #[test]
    fn patterns_servemux_rejects_produce_no_route() {
        for bad in [
            "",
            "GET",
            "/a{id}",
            "/{id}x",
            "/{path...}/more",
            "/{$}/x",
            "/{}",
            "/{a}/{a}",
            "/{1x}",
            "host{x}/y",
            "GE(T /x",
        ] {
            assert!(parse_pattern(bad).is_none(), "{bad:?} should be rejected");
        }
        let src = gateway(r#"mux.Handle("/a{id}", proxy); mux.Handle("nopath", proxy)"#);
        assert!(run(&src).routes.is_empty());
    }

    #[test]
    fn strip_prefix_keeps_the_strip_and_follows_the_proxy() {
        let src = gateway(r#"mux.Handle("/blog/api/", http.StripPrefix("/blog/api", proxy))"#);
        let f = run(&src);
        let r = &f.routes[0];
        assert!(matches!(r.rewrite, Some(Rewrite::StripPrefix(ref p)) if p == "/blog/api"));
        assert_eq!(
            slice(&src, r.rewrite_span.unwrap()),
            r#"http.StripPrefix("/blog/api", proxy)"#
        );
        assert_eq!(forward_of(r), Some(fwd("blog-service", Some(8005))));
    }

    #[test]
    fn nested_strip_prefix_trims_both_prefixes() {
        let src = gateway(
            r#"mux.Handle("/a/b/", http.StripPrefix("/a", http.StripPrefix("/b", proxy)))"#,
        );
        let r = &run(&src).routes[0];
        assert_eq!(rewrite_of(r).as_deref(), Some("strip /a/b"));
        assert_eq!(forward_of(r), Some(fwd("blog-service", Some(8005))));
    }

    #[test]
    fn proxy_target_with_path_prefixes_the_request_path() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url")
func main() {
	u, _ := url.Parse("https://backend/v2/")
	mux := http.NewServeMux()
	mux.Handle("/api/", httputil.NewSingleHostReverseProxy(u))
	mux.Handle("/old/", http.StripPrefix("/old", httputil.NewSingleHostReverseProxy(u)))
}
"#;
        let f = run(src);
        assert_eq!(
            rewrite_of(&f.routes[0]).as_deref(),
            Some("prefix with /v2/")
        );
        assert_eq!(
            slice(src, f.routes[0].rewrite_span.unwrap()),
            "\"https://backend/v2/\""
        );
        assert_eq!(forward_of(&f.routes[0]), Some(fwd("backend", None)));
        // One rewrite per route: the strip wins over the target path.
        assert_eq!(rewrite_of(&f.routes[1]).as_deref(), Some("strip /old"));
    }

    #[test]
    fn new_proxy_helpers_of_this_file_are_followed_per_argument() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url")

func newProxy(target string) *httputil.ReverseProxy {
	u, _ := url.Parse(target)
	return httputil.NewSingleHostReverseProxy(u)
}

func proxyHandler(raw string) http.HandlerFunc {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	p := httputil.NewSingleHostReverseProxy(u)
	return func(w http.ResponseWriter, r *http.Request) {
		r.Host = u.Host
		p.ServeHTTP(w, r)
	}
}

func mustProxy(raw string) (*httputil.ReverseProxy, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	return httputil.NewSingleHostReverseProxy(u), nil
}

const userURL = "http://user-service:8001"

func main() {
	mux := http.NewServeMux()
	mux.Handle("/blog/api/", newProxy("http://blog-service:8005"))
	mux.HandleFunc("/users/", proxyHandler(userURL))
	p, err := mustProxy("http://search:9200")
	_ = err
	mux.Handle("/search/", p)
}
"#;
        let f = run(src);
        let got: Vec<_> = f.routes.iter().map(forward_of).collect();
        assert_eq!(
            got,
            vec![
                Some(fwd("blog-service", Some(8005))),
                Some(fwd("user-service", Some(8001))),
                Some(fwd("search", Some(9200))),
            ]
        );
        let Target::Forward { span, .. } = &f.routes[1].target else {
            panic!()
        };
        assert_eq!(slice(src, *span), "\"http://user-service:8001\"");
    }

    #[test]
    fn director_and_rewrite_proxies_forward_to_the_host_they_set() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url")
func main() {
	director := &httputil.ReverseProxy{Director: func(req *http.Request) {
		req.URL.Scheme = "http"
		req.URL.Host = "blog-service:8005"
	}}
	target := &url.URL{Scheme: "http", Host: "auth-service:9000"}
	viaURL := httputil.ReverseProxy{Director: func(req *http.Request) {
		req.URL.Scheme = target.Scheme
		req.URL.Host = target.Host
	}}
	rw := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
	}}
	mux := http.NewServeMux()
	mux.Handle("/blog/", director)
	mux.Handle("/auth/", &viaURL)
	mux.Handle("/rw/", rw)
}
"#;
        let f = run(src);
        let got: Vec<_> = f.routes.iter().map(forward_of).collect();
        assert_eq!(
            got,
            vec![
                Some(fwd("blog-service", Some(8005))),
                Some(fwd("auth-service", Some(9000))),
                Some(fwd("auth-service", Some(9000))),
            ]
        );
        let Target::Forward { span, .. } = &f.routes[0].target else {
            panic!()
        };
        assert_eq!(slice(src, *span), "\"blog-service:8005\"");
    }

    #[test]
    fn env_lookups_fall_back_to_their_literal_default() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url"; "os"; "config")
func main() {
	blog := os.Getenv("BLOG_URL")
	if blog == "" {
		blog = "http://blog-service:8005"
	}
	user := "http://user-service:8001"
	if v, ok := os.LookupEnv("USER_URL"); ok {
		user = v
	}
	bu, _ := url.Parse(blog)
	uu, _ := url.Parse(user)
	cu, _ := url.Parse(config.Get("CMT_URL", "http://comment-service:8002"))
	only := os.Getenv("NOPE")
	nu, _ := url.Parse(only)
	mux := http.NewServeMux()
	mux.Handle("/blog/", httputil.NewSingleHostReverseProxy(bu))
	mux.Handle("/users/", httputil.NewSingleHostReverseProxy(uu))
	mux.Handle("/comments/", httputil.NewSingleHostReverseProxy(cu))
	mux.Handle("/nope/", httputil.NewSingleHostReverseProxy(nu))
}
"#;
        let f = run(src);
        let got: Vec<_> = f.routes.iter().map(forward_of).collect();
        assert_eq!(
            got,
            vec![
                Some(fwd("blog-service", Some(8005))),
                Some(fwd("user-service", Some(8001))),
                Some(fwd("comment-service", Some(8002))),
                None,
            ]
        );
        assert!(matches!(f.routes[3].target, Target::Opaque { .. }));
    }

    #[test]
    fn middleware_wraps_pass_the_proxy_through() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url"; "time")

func withLogging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
	})
}

func withAuthFunc(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { next(w, r) }
}

func main() {
	u, _ := url.Parse("http://blog-service:8005")
	proxy := httputil.NewSingleHostReverseProxy(u)
	authProxy := authMiddleware(proxy)
	mux := http.NewServeMux()
	mux.Handle("/a/", authProxy)
	mux.Handle("/b/", withLogging(proxy))
	mux.Handle("/c/", rateLimit(cfg)(proxy))
	mux.Handle("/d/", http.TimeoutHandler(proxy, time.Second, "slow"))
	mux.HandleFunc("/e/", withAuthFunc(proxy.ServeHTTP))
	mux.HandleFunc("/f/", withAuthFunc(listPosts))
}
"#;
        let f = run(src);
        let got: Vec<_> = f.routes.iter().map(forward_of).collect();
        let blog = Some(fwd("blog-service", Some(8005)));
        assert_eq!(
            got[..5],
            [
                blog.clone(),
                blog.clone(),
                blog.clone(),
                blog.clone(),
                blog.clone()
            ]
        );
        // listPosts is defined elsewhere: the wrap of an unknown function is not a forward.
        assert!(matches!(
            f.routes[5].target,
            Target::Opaque { .. } | Target::Serve { .. }
        ));
    }

    #[test]
    fn mux_mounted_in_mux_continues_in_that_table() {
        let src = r#"package main
import "net/http"
var api = http.NewServeMux()
func main() {
	root := http.NewServeMux()
	root.Handle("/api/", http.StripPrefix("/api", api))
	api.HandleFunc("GET /posts", listPosts)
	http.ListenAndServe(":80", root)
}
"#;
        let f = run(src);
        assert_eq!(f.routes.len(), 2);
        assert_eq!(f.routes[0].table, "root");
        assert_eq!(f.routes[0].target, Target::Table("api".into()));
        assert_eq!(rewrite_of(&f.routes[0]).as_deref(), Some("strip /api"));
        assert_eq!(f.routes[1].table, "api");
        assert_eq!(f.routes[1].origin, "ServeMux api");
        assert_eq!(f.entry_tables, vec!["root".to_owned()]);
    }

    #[test]
    fn entry_tables_come_from_listen_and_serve_and_server_literals() {
        // (server code, entry tables)
        let table: Vec<(&str, Vec<&str>)> = vec![
            (r#"http.ListenAndServe(":80", mux)"#, vec!["mux"]),
            (r#"http.ListenAndServe(":80", nil)"#, vec![DEFAULT_MUX]),
            (
                r#"http.ListenAndServeTLS(":443", "c", "k", logging(mux))"#,
                vec!["mux"],
            ),
            (
                r#"srv := &http.Server{Addr: ":80", Handler: mux}; srv.ListenAndServe()"#,
                vec!["mux"],
            ),
            (
                r#"srv := http.Server{Addr: ":80"}; srv.ListenAndServe()"#,
                vec![DEFAULT_MUX],
            ),
            (
                r#"http.ListenAndServe(":80", mux); http.ListenAndServe(":81", mux); http.ListenAndServe(":82", other)"#,
                vec!["mux", "other"],
            ),
            (r#"http.ListenAndServe(":80", api.Router())"#, vec![]),
        ];
        for (code, want) in table {
            let src = format!(
                "package main\nimport \"net/http\"\nfunc main() {{\n\tmux := http.NewServeMux()\n\tother := http.NewServeMux()\n\tmux.Handle(\"/\", other)\n\t{code}\n}}\n"
            );
            let f = run(&src);
            assert_eq!(f.entry_tables, want, "{code}");
        }
    }

    #[test]
    fn handle_func_with_a_local_function_is_served_by_the_gateway() {
        let src = gateway(
            r#"mux.HandleFunc("GET /posts", listPosts)
	mux.HandleFunc("POST /posts", h.createPost)
	mux.Handle("GET /x", http.HandlerFunc(listPosts))
	mux.HandleFunc("/proxy/", func(w http.ResponseWriter, r *http.Request) { proxy.ServeHTTP(w, r) })
	mux.HandleFunc("/inline", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("/method-value/", proxy.ServeHTTP)
	http.HandleFunc("/default", listPosts)"#,
        );
        let f = run(&src);
        let targets: Vec<&Target> = f.routes.iter().map(|r| &r.target).collect();
        assert_eq!(
            targets[0],
            &Target::Serve {
                handler: "listPosts".into()
            }
        );
        assert_eq!(
            targets[1],
            &Target::Serve {
                handler: "h.createPost".into()
            }
        );
        assert_eq!(
            targets[2],
            &Target::Serve {
                handler: "listPosts".into()
            }
        );
        assert_eq!(
            forward_of(&f.routes[3]),
            Some(fwd("blog-service", Some(8005)))
        );
        assert!(
            matches!(targets[4], Target::Serve { handler } if handler.starts_with("func literal at line"))
        );
        assert_eq!(
            forward_of(&f.routes[5]),
            Some(fwd("blog-service", Some(8005)))
        );
        assert_eq!(f.routes[6].table, DEFAULT_MUX);
        let orders: Vec<u32> = f.routes.iter().map(|r| r.order).collect();
        assert_eq!(orders, (0..7).collect::<Vec<u32>>());
    }

    #[test]
    fn handlers_defined_elsewhere_are_opaque_never_forwarded() {
        let src = gateway(
            r#"mux.Handle("/api/", api.Router())
	mux.Handle("/other/", otherHandler)
	mux.Handle("/env/", httputil.NewSingleHostReverseProxy(cfg.Target))"#,
        );
        let f = run(&src);
        assert_eq!(f.routes.len(), 3);
        assert_eq!(
            f.routes[0].target,
            Target::Opaque {
                why: "handler `api.Router()` is defined outside this file".into()
            }
        );
        assert_eq!(
            f.routes[1].target,
            Target::Opaque {
                why: "handler `otherHandler` is defined outside this file".into()
            }
        );
        assert!(
            matches!(&f.routes[2].target, Target::Opaque { why } if why.contains("cfg.Target"))
        );
    }

    #[test]
    fn patterns_from_constants_and_registration_helpers() {
        let src = r#"package main
import ("net/http"; "net/http/httputil"; "net/url")
const (
	apiPrefix = "/blog/api/"
	postPath = apiPrefix + "posts/{id}"
)
func register(mux *http.ServeMux, prefix, target string) {
	u, _ := url.Parse(target)
	mux.Handle(prefix, httputil.NewSingleHostReverseProxy(u))
}
func main() {
	mux := http.NewServeMux()
	mux.Handle(apiPrefix, unknownThing)
	mux.HandleFunc("PATCH "+postPath, updatePost)
	register(mux, "/users/", "http://user-service:8001")
	register(mux, "/comments/", "http://comment-service:8002")
	mux.Handle(dynamicPattern(), unknownThing)
}
"#;
        let f = run(src);
        let got: Vec<String> = f
            .routes
            .iter()
            .map(|r| format!("{} {} {:?}", r.table, r.matcher, forward_of(r)))
            .collect();
        // Source order: the helper's registration comes first, once per call site.
        let want = [
            r#"mux /users/ Some(("user-service", Some(8001)))"#,
            r#"mux /comments/ Some(("comment-service", Some(8002)))"#,
            "mux /blog/api/ None",
            "mux /blog/api/posts/{id} None",
        ];
        assert_eq!(got, want);
        assert_eq!(slice(src, f.routes[0].span), "\"/users/\"");
        assert_eq!(slice(src, f.routes[2].span), "\"/blog/api/\"");
        assert_eq!(slice(src, f.routes[3].span), r#""PATCH "+postPath"#);
        assert_eq!(f.routes[3].methods, MethodSet::only([Method::Patch]));
        let orders: Vec<u32> = f.routes.iter().map(|r| r.order).collect();
        assert_eq!(orders, [0, 1, 2, 3]);
    }

    #[test]
    fn struct_field_mux_and_default_mux_alias() {
        let src = r#"package main
import "net/http"
type server struct{ mux *http.ServeMux }
func (s *server) routes() {
	s.mux.HandleFunc("/a", s.handleA)
	http.DefaultServeMux.Handle("/b", http.FileServer(http.Dir(".")))
}
func main() {
	s := &server{}
	s.mux = http.NewServeMux()
	s.routes()
}
"#;
        let f = run(src);
        assert_eq!(f.routes.len(), 2);
        assert_eq!(f.routes[0].table, "s.mux");
        assert_eq!(f.routes[1].table, DEFAULT_MUX);
        assert_eq!(
            f.routes[1].target,
            Target::Serve {
                handler: "http.FileServer".into()
            }
        );
    }

    #[test]
    fn syntax_error_is_one_problem_and_the_rest_is_still_read() {
        let src = r#"package main
import "net/http"
func broken( {
func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", ok)
}
"#;
        let f = run(src);
        assert_eq!(f.problems.len(), 1);
        assert!(
            f.problems[0].message.starts_with("Go syntax error: "),
            "{}",
            f.problems[0].message
        );
        assert!(src.len() >= f.problems[0].span.end as usize);
        assert_eq!(f.routes.len(), 1);
        assert_eq!(f.routes[0].matcher.to_string(), "/ok");
    }

    #[test]
    fn empty_file_has_no_facts() {
        assert!(run("").is_empty());
        assert!(run("package main\n").is_empty());
    }

    #[test]
    fn binary_garbage_and_deep_nesting_do_not_panic() {
        let garbage: String = (0u32..4000)
            .map(|i| char::from_u32((i * 7919) % 0x2FFF).unwrap_or('?'))
            .collect();
        let f = run(&garbage);
        assert!(f.problems.len() <= 1);
        let deep = format!(
            "package main\nimport \"net/http\"\nfunc main() {{ mux := http.NewServeMux(); mux.Handle(\"/\", {}x{}) }}\n",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let f = run(&deep);
        assert_eq!(f.routes.len(), 1);
        assert!(matches!(f.routes[0].target, Target::Opaque { .. }));
        let chain: String = (0..500)
            .map(|i| format!("var v{} = v{}\n", i + 1, i))
            .collect();
        let src = format!(
            "package main\nimport \"net/http\"\nvar v0 = v500\n{chain}func main() {{ mux := http.NewServeMux(); mux.Handle(\"/\", v500) }}\n"
        );
        assert!(matches!(run(&src).routes[0].target, Target::Opaque { .. }));
        let recursive = "package main\nimport \"net/http\"\nfunc f(x string) http.Handler { return f(x) }\nfunc main() { mux := http.NewServeMux(); mux.Handle(\"/\", f(\"http://a\")) }\n";
        assert!(matches!(
            run(recursive).routes[0].target,
            Target::Opaque { .. }
        ));
        for text in [
            "\"",
            "`",
            "mux.Handle(",
            "package main\nfunc main() { mux := http.NewServeMux(); mux.Handle(\"\\q\", x) }",
        ] {
            let _ = run(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_panicking(text in "\\PC{0,400}") {
            let f = run(&text);
            proptest::prop_assert!(f.problems.len() <= 1);
            let _ = extract_go_mod(crate::sources::testing::test_input("go.mod", &text));
        }

        #[test]
        fn go_token_soup_is_read_without_panicking(
            tokens in proptest::collection::vec(proptest::sample::select(vec![
                "package main", "import \"net/http\"", "func", "main", "(", ")", "{", "}",
                "mux", ":=", "=", "http.NewServeMux()", "mux.Handle", "mux.HandleFunc",
                "\"/api/\"", "\"GET /x/{id}\"", "\"/{$}\"", "`/raw/`", ",", ";", "\n",
                "proxy", "httputil.NewSingleHostReverseProxy", "url.Parse",
                "\"http://svc:80/p\"", "http.StripPrefix", "return", "&", ".", "x", "nil",
                "http.ListenAndServe", "\"\\", "\"\\x\"",
            ]), 0..120)
        ) {
            let src = tokens.join(" ");
            let f = run(&src);
            for r in &f.routes {
                proptest::prop_assert!(src.get(r.span.start as usize..r.span.end as usize).is_some());
                proptest::prop_assert!(src.get(r.rule_span.start as usize..r.rule_span.end as usize).is_some());
            }
        }
    }
}
