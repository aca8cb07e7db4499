//! nginx `error_page` for 404/405: the body nginx answers its own misses with once an error page
//! is configured (a named location with `default_type` and `return 404 '{…}'`, or a static
//! `.json`/`.html` page). Reads one file's directives; knows nothing of the services.

use crate::sources::gateway::nginx::{Directive, parse};
use crate::sources::{
    facts::ErrorBody, facts::ErrorShapeFact, facts::ErrorShapeKind, facts::ShapeOwner, input::Input,
};

/// The error shapes one nginx file installs for 404/405, at each `error_page` directive.
pub fn shapes(input: Input<'_>) -> Vec<ErrorShapeFact> {
    let (directives, _) = parse(input.text);
    let mut pages = Vec::new();
    collect(&directives, &mut |d| {
        if d.name.text == "error_page" {
            pages.push(d.clone());
        }
    });
    let mut out = Vec::new();
    for page in pages {
        let codes: Vec<&str> = page
            .args
            .iter()
            .map(|a| a.text.as_str())
            .take_while(|a| a.chars().all(|c| c.is_ascii_digit()))
            .collect();
        if !codes.iter().any(|c| *c == "404" || *c == "405") {
            continue;
        }
        let Some(target) = page.args.last().map(|a| a.text.as_str()) else {
            continue;
        };
        let Some(body) = body_of_target(&directives, target) else {
            continue;
        };
        out.push(ErrorShapeFact {
            kind: ErrorShapeKind::MissHandler,
            body,
            status: None,
            span: input.span(page.name.start, page.name.end),
            owner: ShapeOwner::File,
        });
    }
    out
}

/// Every directive, depth first.
fn collect(ds: &[Directive], f: &mut impl FnMut(&Directive)) {
    for d in ds {
        f(d);
        if let Some(children) = &d.block {
            collect(children, f);
        }
    }
}

/// What the error page target answers: a location named `@x` or matching `/x` exactly, read
/// for `default_type` / `add_header Content-Type` and `return CODE body`; else the page's
/// extension.
fn body_of_target(directives: &[Directive], target: &str) -> Option<ErrorBody> {
    let mut found: Option<Directive> = None;
    collect(directives, &mut |d| {
        if found.is_none()
            && d.name.text == "location"
            && d.args.last().is_some_and(|a| a.text == target)
        {
            found = Some(d.clone());
        }
    });
    if let Some(loc) = found {
        let children = loc.block.unwrap_or_default();
        let mut media: Option<String> = None;
        let mut members = Vec::new();
        for c in &children {
            match c.name.text.as_str() {
                "default_type" => media = c.args.first().map(|a| a.text.to_ascii_lowercase()),
                "add_header"
                    if c.args
                        .first()
                        .is_some_and(|a| a.text.eq_ignore_ascii_case("content-type")) =>
                {
                    media = c.args.get(1).map(|a| a.text.to_ascii_lowercase());
                }
                "return" => {
                    if let Some(body) = c.args.get(1) {
                        members = json_keys(&body.text);
                        if media.is_none() && body.text.trim_start().starts_with('{') {
                            media = Some("application/json".to_owned());
                        }
                    }
                }
                _ => {}
            }
        }
        let media = media?;
        let media = media.split(';').next().unwrap_or(&media).trim().to_owned();
        let members = if media.ends_with("json") {
            members
        } else {
            Vec::new()
        };
        return Some(ErrorBody {
            media_type: Some(media),
            members,
        });
    }
    let lower = target.to_ascii_lowercase();
    let media = if lower.ends_with(".json") {
        "application/json"
    } else if lower.ends_with(".html") || lower.ends_with(".htm") {
        "text/html"
    } else {
        return None;
    };
    Some(ErrorBody {
        media_type: Some(media.to_owned()),
        members: Vec::new(),
    })
}

/// Top-level keys of a JSON object literal (`{"type":"about:blank","status":404}`), sorted.
fn json_keys(text: &str) -> Vec<String> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = map.keys().cloned().collect();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(Option<String>, Vec<String>, String)> {
        let input = crate::sources::testing::test_input("nginx.conf", text);
        shapes(input)
            .into_iter()
            .map(|s| {
                (
                    s.body.media_type,
                    s.body.members,
                    text[s.span.start as usize..s.span.end as usize].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn a_named_location_returning_problem_details() {
        let text = r#"server {
  error_page 404 405 = @problem;
  location @problem {
    default_type application/problem+json;
    return 404 '{"type":"about:blank","title":"Not Found","status":404}';
  }
  location /api/ { proxy_pass http://api/; }
}"#;
        assert_eq!(
            read(text),
            [(
                Some("application/problem+json".into()),
                vec!["status".into(), "title".into(), "type".into()],
                "error_page".into()
            )]
        );
    }

    #[test]
    fn static_pages_by_extension_and_other_codes_ignored() {
        assert_eq!(
            read("server { error_page 404 /errors/404.json; }")
                .into_iter()
                .map(|x| x.0)
                .collect::<Vec<_>>(),
            [Some("application/json".to_owned())]
        );
        assert_eq!(
            read("server { error_page 404 /404.html; }")[0].0.as_deref(),
            Some("text/html")
        );
        assert!(read("server { error_page 500 502 /50x.html; }").is_empty());
        assert!(read("server { error_page 404 @missing; }").is_empty());
    }
}
