//! Writing a bundle: one YAML stream on stdout, or a folder that `kubectl apply -k` takes.

pub mod out_dir;
mod signals;
mod swap;

pub use out_dir::write_out_dir;
