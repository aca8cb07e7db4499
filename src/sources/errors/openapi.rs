//! The error shapes an OpenAPI document declares: the media types and required members of
//! every operation's 4xx, 5xx and `default` responses (Swagger 2.0 and OpenAPI 3.x), local
//! `$ref`s followed. It reads one document and compares nothing.

use crate::sources::{
    facts::ErrorBody, facts::ErrorShapeFact, facts::ErrorShapeKind, facts::Facts,
    facts::ShapeOwner, input::Input,
};
use crate::tree::Node;
use crate::tree::resolve_pointer;

/// How many `$ref` hops a response or schema may take.
const MAX_HOPS: usize = 16;
/// How deep `allOf` nesting is followed.
const MAX_DEPTH: usize = 8;
const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// Records one [`ErrorShapeFact`] per distinct error body the document declares, at its first
/// declaration.
pub fn read(input: Input<'_>, root: &Node, facts: &mut Facts) {
    let swagger2 = root.get("swagger").is_some();
    let global_produces = produces(root.get("produces"));
    let Some(paths) = root.get("paths").and_then(Node::as_map) else {
        return;
    };
    let mut seen: Vec<ErrorBody> = Vec::new();
    for (_, item) in paths {
        let item = follow(root, item).unwrap_or(item);
        let Some(ops) = item.as_map() else { continue };
        for (key, op) in ops {
            if !key.as_str().is_some_and(|k| METHODS.contains(&k)) {
                continue;
            }
            let Some(responses) = op.get("responses").and_then(Node::as_map) else {
                continue;
            };
            for (code, response) in responses {
                let Some(status) = code
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| code.as_i64().map(|i| i.to_string()))
                else {
                    continue;
                };
                if !is_error(&status) {
                    continue;
                }
                let Some(response) = follow(root, response) else {
                    continue;
                };
                let exact = status.parse::<u16>().ok();
                let bodies: Vec<(ErrorBody, &Node)> = if swagger2 {
                    let types = match produces(op.get("produces")) {
                        t if !t.is_empty() => t,
                        _ => global_produces.clone(),
                    };
                    let members = response
                        .get("schema")
                        .map(|s| members(root, s, 0))
                        .unwrap_or_default();
                    // A response without a body schema says nothing about the body: many
                    // documents leave error bodies out; that is not a declared empty body.
                    match response.get("schema") {
                        None => Vec::new(),
                        Some(_) if types.is_empty() => {
                            vec![(json("application/json", &members), code)]
                        }
                        Some(_) => types.iter().map(|t| (json(t, &members), code)).collect(),
                    }
                } else {
                    match response.get("content").and_then(Node::as_map) {
                        None => Vec::new(),
                        Some(content) => content
                            .iter()
                            .filter_map(|(mt, media)| {
                                let mt = mt.as_str()?;
                                let members = media
                                    .get("schema")
                                    .map(|s| members(root, s, 0))
                                    .unwrap_or_default();
                                Some((json(mt, &members), mt_node(mt, content)?))
                            })
                            .collect(),
                    }
                };
                for (body, at) in bodies {
                    if seen.contains(&body) {
                        continue;
                    }
                    seen.push(body.clone());
                    facts.error_shapes.push(ErrorShapeFact {
                        kind: ErrorShapeKind::Declared,
                        body,
                        status: exact,
                        span: input.span(at.range.start, at.range.end),
                        owner: ShapeOwner::File,
                    });
                }
            }
        }
    }
}

/// `4xx`, `5xx`, `4XX`, `default`.
fn is_error(status: &str) -> bool {
    status == "default" || status.starts_with('4') || status.starts_with('5')
}

fn json(media_type: &str, members: &[String]) -> ErrorBody {
    let mt = media_type
        .split(';')
        .next()
        .unwrap_or(media_type)
        .trim()
        .to_ascii_lowercase();
    let is_json = mt.ends_with("json");
    ErrorBody {
        media_type: Some(mt),
        members: if is_json {
            members.to_vec()
        } else {
            Vec::new()
        },
    }
}

/// The key node of a media type in a `content` map (to point at).
fn mt_node<'n>(mt: &str, content: &'n [(Node, Node)]) -> Option<&'n Node> {
    content
        .iter()
        .find(|(k, _)| k.as_str() == Some(mt))
        .map(|(k, _)| k)
}

/// Swagger 2.0 `produces`.
fn produces(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_seq)
        .map(|s| {
            s.iter()
                .filter_map(Node::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Follows a local `$ref` chain; `None` for a dangling, external or looping one.
fn follow<'a>(root: &'a Node, node: &'a Node) -> Option<&'a Node> {
    let mut current = node;
    for _ in 0..MAX_HOPS {
        match current.get("$ref") {
            None => return Some(current),
            Some(r) => {
                let pointer = r.as_str()?.strip_prefix('#')?;
                current = resolve_pointer(root, pointer)?;
            }
        }
    }
    None
}

/// The members a client can count on in a JSON schema: `required` (through `allOf`), else
/// every declared property. Sorted, without duplicates.
fn members(root: &Node, schema: &Node, depth: usize) -> Vec<String> {
    let Some(schema) = follow(root, schema) else {
        return Vec::new();
    };
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    let mut required: Vec<String> = schema
        .get("required")
        .and_then(Node::as_seq)
        .map(|r| {
            r.iter()
                .filter_map(Node::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut properties: Vec<String> = schema
        .get("properties")
        .and_then(Node::as_map)
        .map(|p| {
            p.iter()
                .filter_map(|(k, _)| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(parts) = schema.get("allOf").and_then(Node::as_seq) {
        for part in parts {
            let Some(part) = follow(root, part) else {
                continue;
            };
            required.extend(
                part.get("required")
                    .and_then(Node::as_seq)
                    .map(|r| {
                        r.iter()
                            .filter_map(Node::as_str)
                            .map(str::to_owned)
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default(),
            );
            properties.extend(members(root, part, depth + 1));
        }
    }
    let mut out = if required.is_empty() {
        properties
    } else {
        required
    };
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {

    /// (media type, members, status, the text the span points at).
    type Shape = (Option<String>, Vec<String>, Option<u16>, String);

    fn shapes(path: &str, text: &str) -> Vec<Shape> {
        let input = crate::sources::testing::test_input(path, text);
        crate::sources::service::openapi::extract(input)
            .error_shapes
            .into_iter()
            .map(|s| {
                (
                    s.body.media_type,
                    s.body.members,
                    s.status,
                    text[s.span.start as usize..s.span.end as usize].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn openapi_3_error_bodies_with_refs_and_all_of() {
        let text = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /posts/{id}:
    get:
      responses:
        '200': {description: ok}
        '404': {$ref: '#/components/responses/NotFound'}
        default:
          description: error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
    delete:
      responses:
        '204': {description: gone}
        '404': {$ref: '#/components/responses/NotFound'}
        '405': {description: no body}
components:
  responses:
    NotFound:
      description: not found
      content:
        application/problem+json:
          schema:
            allOf:
              - {$ref: '#/components/schemas/Problem'}
              - {type: object, required: [code]}
  schemas:
    Problem:
      type: object
      required: [type, title, status]
    Error:
      type: object
      properties: {message: {type: string}, status: {type: integer}}
";
        assert_eq!(
            shapes("openapi.yaml", text),
            [
                (
                    Some("application/problem+json".to_owned()),
                    vec![
                        "code".into(),
                        "status".into(),
                        "title".into(),
                        "type".into()
                    ],
                    Some(404),
                    "application/problem+json".to_owned()
                ),
                (
                    Some("application/json".to_owned()),
                    vec!["message".into(), "status".into()],
                    None,
                    "application/json".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn swagger_2_error_bodies_use_produces() {
        let text = r##"{"swagger": "2.0", "info": {"title": "t", "version": "1"},
"produces": ["application/json"],
"paths": {"/x": {"get": {"responses": {
  "200": {"description": "ok"},
  "404": {"description": "nf", "schema": {"$ref": "#/definitions/Err"}}}}}},
"definitions": {"Err": {"type": "object", "required": ["error", "code"]}}}"##;
        assert_eq!(
            shapes("api.json", text),
            [(
                Some("application/json".to_owned()),
                vec!["code".into(), "error".into()],
                Some(404),
                "\"404\"".to_owned()
            )]
        );
    }

    #[test]
    fn dangling_and_looping_refs_give_no_shape_and_no_panic() {
        let text = "openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /x:
    get:
      responses:
        '404': {$ref: '#/components/responses/Missing'}
        '500': {$ref: '#/components/responses/Loop'}
components:
  responses:
    Loop: {$ref: '#/components/responses/Loop'}
";
        assert!(shapes("openapi.yaml", text).is_empty());
    }
}
