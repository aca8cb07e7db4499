//! Services: the endpoints an application answers, read from its specification or its framework code.

pub mod js_routes;
pub mod openapi;
pub mod python;
pub mod spring_mvc;
