//! nginx configuration: a hand-written parser (words, quoted strings, `;`, blocks, `#`
//! comments, `$vars`) with byte spans, and the `server`/`location`/`proxy_pass` routes it
//! declares.

use super::{Facts, Input};

/// Reads one nginx configuration file.
pub fn extract(input: Input<'_>) -> Facts {
    let _ = input;
    Facts::default()
}

/// Whether a `.conf` file reads as nginx configuration (a cheap check before parsing).
pub fn sniff(text: &str) -> bool {
    [
        "server {",
        "location ",
        "http {",
        "upstream ",
        "proxy_pass",
        "events {",
    ]
    .iter()
    .any(|t| text.contains(t))
}
