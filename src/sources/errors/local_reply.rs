//! Envoy `local_reply_config` (in an Istio `EnvoyFilter` patch or an Envoy HTTP connection
//! manager): the body Envoy answers its own 404/405 with once it is configured. Reads one
//! config tree; knows nothing of which proxy it applies to.

use crate::sources::{
    facts::ErrorBody, facts::ErrorShapeFact, facts::ErrorShapeKind, facts::ShapeOwner, input::Input,
};
use crate::tree::Node;

/// How deep a `local_reply_config` is searched for under a patch.
const MAX_DEPTH: usize = 12;

/// The error shape a `local_reply_config` found anywhere under `node` gives 404s: a mapper for
/// 404 (or without a status filter) with a `body_format_override`, else the config's
/// `body_format`. `None` when there is none, or it sets no body format.
pub fn shape(input: Input<'_>, node: &Node, owner: ShapeOwner) -> Option<ErrorShapeFact> {
    let (key, config) = find(node, 0)?;
    let mapper_format = config
        .get("mappers")
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .filter(|m| covers_404(m.get("filter")))
        .find_map(|m| m.get("body_format_override"));
    let format = mapper_format.or_else(|| config.get("body_format"))?;
    Some(ErrorShapeFact {
        kind: ErrorShapeKind::MissHandler,
        body: body(format)?,
        status: None,
        span: input.node_span(key),
        owner,
    })
}

/// The `local_reply_config` key and value under `node`.
fn find(node: &Node, depth: usize) -> Option<(&Node, &Node)> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(entries) = node.as_map() {
        for (k, v) in entries {
            if k.as_str() == Some("local_reply_config") {
                return Some((k, v));
            }
        }
        return entries.iter().find_map(|(_, v)| find(v, depth + 1));
    }
    node.as_seq()?.iter().find_map(|v| find(v, depth + 1))
}

/// Whether a mapper's filter lets 404 through: no filter, or a `status_code_filter` whose
/// comparison value is 404 (`EQ`) or a bound 404 satisfies (`GE`, `LE`).
fn covers_404(filter: Option<&Node>) -> bool {
    let Some(filter) = filter else { return true };
    let Some(cmp) = filter
        .get("status_code_filter")
        .and_then(|f| f.get("comparison"))
    else {
        // Another kind of filter (headers, response flags): assume it may cover 404.
        return true;
    };
    let op = cmp.get("op").and_then(Node::as_str).unwrap_or("EQ");
    let value = cmp
        .get("value")
        .and_then(|v| v.get("default_value"))
        .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()));
    match (op, value) {
        ("EQ", Some(v)) => v == 404,
        ("GE", Some(v)) => v <= 404,
        ("LE", Some(v)) => v >= 404,
        _ => true,
    }
}

/// The body a `SubstitutionFormatString` produces.
fn body(format: &Node) -> Option<ErrorBody> {
    let content_type = format
        .get("content_type")
        .and_then(Node::as_str)
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_ascii_lowercase());
    if let Some(json) = format.get("json_format").and_then(Node::as_map) {
        let mut members: Vec<String> = json
            .iter()
            .filter_map(|(k, _)| k.as_str().map(str::to_owned))
            .collect();
        members.sort();
        return Some(ErrorBody {
            media_type: Some(content_type.unwrap_or_else(|| "application/json".to_owned())),
            members,
        });
    }
    if format.get("text_format").is_some() || format.get("text_format_source").is_some() {
        return Some(ErrorBody {
            media_type: Some(content_type.unwrap_or_else(|| "text/plain".to_owned())),
            members: Vec::new(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(ErrorBody, String)> {
        let input = crate::sources::testing::test_input("f.yaml", text);
        let doc = crate::tree::parse_yaml(text)
            .into_iter()
            .next()?
            .result
            .ok()?;
        shape(input, &doc, ShapeOwner::File).map(|s| {
            (
                s.body,
                text[s.span.start as usize..s.span.end as usize].to_owned(),
            )
        })
    }

    #[test]
    fn a_404_mapper_override_wins_over_the_default_format() {
        let text = "patch:
  value:
    typed_config:
      local_reply_config:
        mappers:
        - filter:
            status_code_filter:
              comparison: {op: EQ, value: {default_value: 503, runtime_key: k}}
          body_format_override: {text_format: 'unavailable'}
        - filter:
            status_code_filter:
              comparison: {op: EQ, value: {default_value: 404, runtime_key: k}}
          body_format_override:
            json_format: {type: 'about:blank', title: 'Not Found', status: '%RESPONSE_CODE%'}
            content_type: application/problem+json
        body_format:
          json_format: {message: '%LOCAL_REPLY_BODY%'}
";
        let (body, at) = read(text).expect("a shape");
        assert_eq!(at, "local_reply_config");
        assert_eq!(body.media_type.as_deref(), Some("application/problem+json"));
        assert_eq!(body.members, ["status", "title", "type"]);
    }

    #[test]
    fn the_default_format_applies_without_a_404_mapper_and_nothing_without_a_format() {
        let text = "local_reply_config:\n  body_format:\n    json_format: {code: '%RESPONSE_CODE%', message: x}\n";
        let (body, _) = read(text).expect("a shape");
        assert_eq!(body.media_type.as_deref(), Some("application/json"));
        assert_eq!(body.members, ["code", "message"]);
        assert!(read("local_reply_config: {mappers: []}\n").is_none());
        assert!(read("other: {x: 1}\n").is_none());
    }
}
