//! Error shapes: what each layer answers when a request fails (the body a client sees on a 404 or 405).

pub mod handlers;
pub mod local_reply;
pub mod nginx;
pub mod openapi;
