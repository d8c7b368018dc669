//! Semantic checks of the workflow's data source (`[data]`) and the engine's extra variables
//! (`engine.env`).

use super::Findings;
use crate::diag::Code;
use crate::profile::model::{DataSource, Profile, S3Object, Workflow};

/// Variables the engine Deployment sets itself; `engine.env` may not replace them.
pub const ENGINE_VARIABLES: &[&str] = &[
    "HF_VAR_function",
    "HF_VAR_JOB_TEMPLATE_PATH",
    "HF_VAR_WORKER_CONTAINER",
    "HF_VAR_WORK_DIR",
    "HF_VAR_DEBUG",
    "HF_VAR_BACKOFF_LIMIT",
    "HF_VAR_STOP_WORKFLOW_WHEN_JOB_FAILED",
    "HF_VAR_CPU_REQUEST",
    "HF_VAR_MEM_REQUEST",
    "HF_VAR_NAMESPACE",
    "HF_VAR_COMPLETION_TRANSPORT",
    "HF_VAR_ADMISSION_CONTROLLER",
    "HF_VAR_ADMISSION_PENDING_MAX",
    "HF_VAR_ADMISSION_FILL_RATE",
    "HF_VAR_ADMISSION_BURST",
    "HF_VAR_ADMISSION_ADAPTIVE",
    "HF_VAR_CONSOLE_LOG_LEVEL",
];

/// `[data]`: a URL source needs an http(s) URL and a checksum; an image source needs neither.
pub fn data_source(profile: &Profile, findings: &mut Findings) {
    let data = &profile.data;
    match data.source {
        DataSource::Url => {
            match &data.url {
                None => {
                    findings.error(
                        Code::MissingSetting,
                        "data.source",
                        "data.source = \"url\" needs data.url, the http(s) URL of a .tar.gz archive with workflow.json at its top level",
                    );
                }
                Some(url) if !is_http_url(url) => {
                    findings.error(
                        Code::InvalidFormat,
                        "data.url",
                        format!("data.url `{url}` is not an http:// or https:// URL"),
                    );
                }
                Some(_) => {}
            }
            archive_checksum("url", data.sha256.as_deref(), findings);
            if data.image.is_some() {
                findings.error(
                    Code::UnusedSetting,
                    "data.image",
                    "data.image is set but data.source = \"url\"; remove data.image or set data.source = \"image\"",
                );
            }
            if data.s3.is_some() {
                findings.error(
                    Code::UnusedSetting,
                    "data.s3",
                    "[data.s3] is set but data.source = \"url\"; remove it or set data.source = \"s3\"",
                );
            }
        }
        DataSource::S3 => {
            match &data.s3 {
                None => {
                    findings.error(
                        Code::MissingSetting,
                        "data.source",
                        "data.source = \"s3\" needs [data.s3]: endpoint, bucket, object and secret (a Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
                    );
                }
                Some(s3) => s3_object(s3, findings),
            }
            archive_checksum("s3", data.sha256.as_deref(), findings);
            for (key, set) in [
                ("data.url", data.url.is_some()),
                ("data.image", data.image.is_some()),
            ] {
                if set {
                    findings.error(
                        Code::UnusedSetting,
                        key,
                        format!("{key} is set but data.source = \"s3\"; remove {key}"),
                    );
                }
            }
        }
        DataSource::Image => {
            for (key, set) in [
                ("data.url", data.url.is_some()),
                ("data.sha256", data.sha256.is_some()),
                ("data.s3", data.s3.is_some()),
            ] {
                if set {
                    findings.error(
                        Code::UnusedSetting,
                        key,
                        format!("{key} is set but data.source = \"image\"; set data.source = \"url\" to download the data, or remove {key}"),
                    );
                }
            }
        }
    }
}

/// An archive source (`url`, `s3`) needs `data.sha256`, as `sha256sum` prints it.
fn archive_checksum(source: &str, sha256: Option<&str>, findings: &mut Findings) {
    match sha256 {
        None => {
            findings.error(
                Code::MissingSetting,
                "data.source",
                format!("data.source = \"{source}\" needs data.sha256, the SHA-256 of the archive (64 hex digits, as sha256sum prints it)"),
            );
        }
        Some(sum) if !is_sha256(sum) => {
            findings.error(
                Code::InvalidFormat,
                "data.sha256",
                format!("data.sha256 `{sum}` is not a SHA-256 checksum (64 hex digits)"),
            );
        }
        Some(_) => {}
    }
}

/// `[data.s3]`: an http(s) endpoint, an S3 bucket name, an object key, a Secret name. They
/// reach the download container as env values, never as shell text or options. An http
/// endpoint (an in-cluster MinIO) is as safe as an http `data.url`: the archive's sha256, which
/// an S3 source must have, is checked before anything is unpacked, and the secret key signs
/// requests without being sent.
fn s3_object(s3: &S3Object, findings: &mut Findings) {
    if !is_http_url(&s3.endpoint) {
        findings.error(
            Code::InvalidFormat,
            "data.s3.endpoint",
            format!(
                "data.s3.endpoint `{}` is not an http:// or https:// URL",
                s3.endpoint
            ),
        );
    }
    let bucket_ok = (3..=63).contains(&s3.bucket.len())
        && s3
            .bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && s3.bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s3.bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !bucket_ok {
        findings.error(
            Code::InvalidName,
            "data.s3.bucket",
            format!("data.s3.bucket `{}` is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-')", s3.bucket),
        );
    }
    if s3.object.is_empty() || s3.object.len() > 1024 || s3.object.chars().any(char::is_control) {
        findings.error(
            Code::InvalidName,
            "data.s3.object",
            "data.s3.object must be an object key of 1 to 1024 characters without control characters",
        );
    }
    // It reaches the download container as an env value and signs every request: a newline
    // or another control character is never part of a region (issue 27, item 9). Other text
    // is the storage's to judge (S3-compatible stores name regions freely), and reaches the
    // container as data.
    if s3.region.is_empty() || s3.region.len() > 64 || s3.region.chars().any(char::is_control) {
        findings.error(
            Code::InvalidFormat,
            "data.s3.region",
            format!(
                "data.s3.region {} is not a region name (1 to 64 characters without control characters, e.g. us-east-1)",
                crate::text::printable(&format!("`{}`", s3.region))
            ),
        );
    }
    if !crate::profile::formats::is_dns_subdomain(&s3.secret) {
        findings.error(
            Code::InvalidName,
            "data.s3.secret",
            format!("data.s3.secret `{}` is not a Secret name", s3.secret),
        );
    }
}

/// `workflow = "custom"` has no preset to take images from: the profile names them.
pub fn custom_workflow(profile: &Profile, findings: &mut Findings) {
    if profile.workflow != Workflow::Custom {
        return;
    }
    if profile.images.worker.is_none() {
        findings
            .error(
                Code::MissingSetting,
                "workflow",
                "workflow = \"custom\" needs images.worker, the image your tasks run in (with the HyperFlow job executor)",
            )
            .help = Some("set images.worker = \"registry/your-worker:tag\"".into());
    }
    if profile.data.source == DataSource::Image && profile.data.image.is_none() {
        findings
            .error(
                Code::MissingSetting,
                "workflow",
                "workflow = \"custom\" with data.source = \"image\" needs data.image, the image whose /data holds workflow.json and its inputs",
            )
            .help = Some("set data.image, or data.source = \"url\" with data.url and data.sha256".into());
    }
}

/// `engine.env`: HyperFlow variable names that hfgen does not set itself.
pub fn engine_env(profile: &Profile, findings: &mut Findings) {
    for name in profile.engine.env.keys() {
        if !is_hf_var_name(name) {
            findings.key_error(
                Code::InvalidName,
                &["engine", "env", name],
                format!("engine.env: `{name}` is not a HyperFlow variable name (HF_VAR_ followed by letters, digits and '_')"),
            );
        } else if ENGINE_VARIABLES.contains(&name.as_str()) {
            findings.key_error(
                Code::NotUserSetting,
                &["engine", "env", name],
                format!("engine.env: `{name}` is set by hfgen itself; use the profile key that controls it (engine.*, tasks.*, images.worker)"),
            );
        }
    }
}

/// `^HF_VAR_[A-Za-z0-9_]+$`.
fn is_hf_var_name(name: &str) -> bool {
    name.strip_prefix("HF_VAR_").is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// http(s)://host... with no whitespace or control character anywhere.
fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !host.starts_with(':') && !host.contains('@')
    }) && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_sha256(sum: &str) -> bool {
    sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_urls_and_sums() {
        assert!(is_hf_var_name("HF_VAR_LOG_LEVEL"));
        assert!(!is_hf_var_name("HF_VAR_"));
        assert!(!is_hf_var_name("HF_VAR_A-B"));
        assert!(!is_hf_var_name("PATH"));
        assert!(is_http_url("https://example.org/wf.tar.gz"));
        assert!(is_http_url("http://127.0.0.1:8000/wf.tar.gz"));
        assert!(!is_http_url("ftp://example.org/wf.tar.gz"));
        assert!(!is_http_url("https:///wf.tar.gz"));
        assert!(!is_http_url("https://user@example.org/x"));
        assert!(!is_http_url("https://example.org/a b"));
        assert!(is_sha256(&"a".repeat(64)));
        assert!(!is_sha256(&"g".repeat(64)));
        assert!(!is_sha256(&"a".repeat(63)));
    }
}
