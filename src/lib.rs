//! routelint: finds the requests that will get 404 or 405 between a frontend and the service
//! that should answer them, by joining every routing layer of a repository into one graph.

pub mod atomic_write;
pub mod baseline;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod coverage;
pub mod deployment;
pub mod discover;
pub mod finding;
pub mod glob;
pub mod model;
pub mod report;
pub mod rules;
pub mod run;
pub mod sim;
pub mod source_file;
pub mod sources;
pub mod suppress;
pub mod tree;
