//! The end-to-end harness: hfgen's rendered deployment, run with the real HyperFlow engine and
//! job executor from npm (`tests/e2e/package.json`), Redis and RabbitMQ from the host, and a
//! small stand-in for the Kubernetes API server and kubelet. A scenario is a workflow folder under
//! `tests/e2e/workflows/` plus the profile to render; [`run::run`] returns what happened.

pub mod admission;
pub mod api_server;
pub mod data_job;
pub mod deployment;
pub mod job_controller;
pub mod keda;
pub mod kubelet;
pub mod node;
pub mod pools;
pub mod processes;
pub mod rabbitmq;
pub mod rbac;
pub mod redis;
pub mod run;
