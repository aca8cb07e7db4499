//! A Kubernetes object's identity (kind, name, namespace) and its spec, shared by the reader of
//! each kind. Knows no kind.

use crate::sources::facts::Facts;
use crate::sources::input::Input;
use crate::tree::Node;

/// A Kubernetes object's identity, shared by the readers of each kind.
pub struct Object<'a> {
    pub node: &'a Node,
    pub api_version: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub namespace: Option<&'a str>,
}

impl<'a> Object<'a> {
    pub(super) fn new(node: &'a Node) -> Option<Object<'a>> {
        let api_version = node.get("apiVersion")?.as_str()?;
        let kind = node.get("kind")?.as_str()?;
        let name = node.at(&["metadata", "name"]).and_then(Node::as_str);
        let namespace = node.at(&["metadata", "namespace"]).and_then(Node::as_str);
        Some(Object {
            node,
            api_version,
            kind,
            name,
            namespace,
        })
    }

    /// The node to point at for the object as a whole: its name, else its `kind:`.
    pub fn anchor(&self) -> &'a Node {
        self.node
            .at(&["metadata", "name"])
            .or_else(|| self.node.get("kind"))
            .unwrap_or(self.node)
    }

    pub fn display_name(&self) -> &'a str {
        self.name.unwrap_or("(unnamed)")
    }

    /// The object's `spec` when it is a mapping; any other value is a problem at it (`what`
    /// names the object in the message), and an absent spec is simply `None`.
    pub fn spec(&self, input: Input<'_>, facts: &mut Facts, what: &str) -> Option<&'a Node> {
        let spec = self.node.get("spec")?;
        if spec.as_map().is_none() {
            facts.problem(
                input.node_span(spec),
                format!(
                    "{what}: `spec` must be a mapping, found {}",
                    spec.type_name()
                ),
            );
            return None;
        }
        Some(spec)
    }
}
