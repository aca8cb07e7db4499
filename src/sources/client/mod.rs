//! Clients: the requests an application sends (browser code, service-to-service calls).

pub mod js_calls;
