//! Workflow data (issue 7): presets, data from a URL, engine variables, bounded waits.
//! The staging scripts are taken from the rendered YAML and run in `sh` against a local file
//! server, with a temp dir in place of /work_dir.

mod common;

use hfgen::manifests::Bundle;
use hfgen::profile;
use hfgen::render::{self, templates::Component};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn render_all(profile: &str, sets: &[String]) -> Bundle {
    let loaded = profile::load(profile, sets).unwrap_or_else(|e| panic!("{profile}: {e}"));
    render::render(&loaded, &Component::ALL).unwrap()
}

fn container<'a>(bundle: &'a Bundle, kind: &str, name: &str) -> &'a Value {
    &bundle.find(kind, name).unwrap().value["spec"]["template"]["spec"]["containers"][0]
}

fn env_value<'a>(container: &'a Value, name: &str) -> Option<&'a str> {
    container["env"]
        .as_array()?
        .iter()
        .find(|env| env["name"] == name)?["value"]
        .as_str()
}

/// The `sh -c` script of a Job's container.
fn script(bundle: &Bundle, job: &str) -> String {
    container(bundle, "Job", job)["command"][2]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn each_preset_renders_validates_and_uses_the_images_of_the_facts() {
    let presets = std::fs::read_to_string(data_dir().join("presets.txt")).unwrap();
    let mut count = 0;
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for line in presets
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let [workflow, worker, data] = line.split_whitespace().collect::<Vec<_>>()[..] else {
            panic!("bad line {line}");
        };
        let bundle = render_all("gke", &[format!("workflow=\"{workflow}\"")]);
        let engine = container(&bundle, "Job", "hyperflow-engine");
        assert_eq!(
            env_value(engine, "HF_VAR_WORKER_CONTAINER"),
            Some(worker),
            "{workflow}"
        );
        assert_eq!(
            container(&bundle, "Job", "nfs-data")["image"],
            data,
            "{workflow}"
        );

        files.push(common::write_file(
            dir.path(),
            &format!("{workflow}.yaml"),
            &bundle.to_stream(),
        ));
        count += 1;
    }
    common::assert_kubernetes_validate_accepts(&files, "the presets' renders");
    assert_eq!(count, 4);
}

#[test]
fn explicit_images_win_over_the_preset() {
    let sets = [
        "workflow=soykb".to_string(),
        "images.worker=\"me/worker:2\"".to_string(),
        "data.image=\"me/data:3\"".to_string(),
    ];
    let bundle = render_all("gke", &sets);
    let engine = container(&bundle, "Job", "hyperflow-engine");
    assert_eq!(
        env_value(engine, "HF_VAR_WORKER_CONTAINER"),
        Some("me/worker:2")
    );
    assert_eq!(container(&bundle, "Job", "nfs-data")["image"], "me/data:3");
}

#[test]
fn only_1000genome_stages_its_vcfs() {
    let genome = script(
        &render_all("gke", &["workflow=\"1000genome\"".to_string()]),
        "nfs-data",
    );
    assert!(genome.contains("gunzip -kf"), "{genome}");
    let montage = script(&render_all("gke", &[]), "nfs-data");
    assert!(!montage.contains("gunzip"), "{montage}");
}

#[test]
fn a_url_source_renders_a_download_job_with_the_checksum_check() {
    let profile = data_dir().join("url-source.toml");
    let bundle = render_all(profile.to_str().unwrap(), &[]);
    let job = container(&bundle, "Job", "nfs-data");
    assert_eq!(job["image"], "alpine:3.20.3");
    assert_eq!(
        env_value(job, "DATA_URL"),
        Some("https://example.org/workflows/montage2.tar.gz")
    );
    let sum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    assert_eq!(env_value(job, "DATA_SHA256"), Some(sum), "lowercased");
    let text = script(&bundle, "nfs-data");
    assert!(text.contains("sha256sum \"$archive\""), "{text}");
    assert!(
        !text.contains("example.org"),
        "the URL reaches the script only by env"
    );
}

/// Runs `script` in `sh` (at most 60 s) with `env`, the work dir set to `work_dir`.
fn run_script(script: &str, work_dir: &Path, env: &[(&str, &str)]) -> Output {
    Command::new("timeout")
        .args(["60", "sh", "-c", script])
        .env("WORK_DIR", work_dir)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn sha256_of(path: &Path) -> String {
    let output = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(output.stdout).unwrap()[..64].to_string()
}

#[test]
fn the_download_script_unpacks_a_good_archive_and_refuses_a_corrupt_one() {
    // The archive: workflow.json and an input file, as a workflow's data would be.
    let served = tempfile::tempdir().unwrap();
    let content = tempfile::tempdir().unwrap();
    std::fs::write(content.path().join("workflow.json"), "{\"name\": \"wf\"}\n").unwrap();
    std::fs::write(content.path().join("input.fits"), "data").unwrap();
    let archive = served.path().join("wf.tar.gz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(content.path())
        .args(["workflow.json", "input.fits"])
        .status()
        .unwrap();
    assert!(status.success());
    let good_sum = sha256_of(&archive);
    let server = common::FileServer::start(served.path());
    let url = format!("http://127.0.0.1:{}/wf.tar.gz", server.port);

    let sets = [
        "data.source=\"url\"".to_string(),
        format!("data.url=\"{url}\""),
        format!("data.sha256=\"{good_sum}\""),
    ];
    let bundle = render_all("gke", &sets);
    let text = script(&bundle, "nfs-data");
    let job = container(&bundle, "Job", "nfs-data");
    assert_eq!(env_value(job, "DATA_SHA256"), Some(good_sum.as_str()));
    let data_id = env_value(job, "HFGEN_DATA_ID").unwrap();
    assert_eq!(data_id, format!("sha256 {good_sum}"));
    let run = |work: &Path, sum: &str, overwrite: &str| {
        let env = [
            ("DATA_URL", url.as_str()),
            ("DATA_SHA256", sum),
            ("OVERWRITE", overwrite),
            ("HFGEN_DATA_ID", data_id),
        ];
        run_script(&text, work, &env)
    };
    let marker = |work: &Path| std::fs::read_to_string(work.join(".hfgen-staged")).ok();

    // A wrong checksum: refused with a clear line, nothing unpacked.
    let work = tempfile::tempdir().unwrap();
    let output = run(work.path(), &"0".repeat(64), "false");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    assert!(stdout.contains("Checksum mismatch"), "{stdout}");
    assert!(stdout.contains("nothing unpacked"), "{stdout}");
    assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 0);

    // The right checksum: unpacked into the work dir.
    let output = run(work.path(), &good_sum, "false");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        std::fs::read_to_string(work.path().join("input.fits")).unwrap(),
        "data"
    );
    assert!(work.path().join("workflow.json").exists());
    // The ready marker, last, names the data; the staging folder is gone.
    assert_eq!(marker(work.path()), Some(format!("{data_id}\n")));
    assert!(!work.path().join(".hfgen-staging").exists());

    // Data the marker names is kept, unless data.overwrite.
    std::fs::write(work.path().join("workflow.json"), "mine").unwrap();
    let output = run(work.path(), &good_sum, "false");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        std::fs::read_to_string(work.path().join("workflow.json")).unwrap(),
        "mine"
    );
    let output = run(work.path(), &good_sum, "true");
    assert!(output.status.success(), "{output:?}");
    let replaced = std::fs::read_to_string(work.path().join("workflow.json")).unwrap();
    assert!(replaced.contains("\"wf\""), "{replaced}");

    // A workflow.json with no marker (a pod killed mid-unpack) is not taken for staged data,
    // nor is a marker that names other data (a changed data.url or data.sha256).
    for leftover in [None, Some("sha256 0000\n")] {
        let work = tempfile::tempdir().unwrap();
        std::fs::write(work.path().join("workflow.json"), "half").unwrap();
        if let Some(other) = leftover {
            std::fs::write(work.path().join(".hfgen-staged"), other).unwrap();
        }
        let output = run(work.path(), &good_sum, "false");
        assert!(output.status.success(), "{output:?}");
        assert_eq!(
            std::fs::read_to_string(work.path().join("input.fits")).unwrap(),
            "data"
        );
        assert_eq!(marker(work.path()), Some(format!("{data_id}\n")));
    }
    drop(server);
}

#[test]
fn postprocessing_jobs_give_up_after_the_bounded_wait() {
    let bundle = render_all("gke", &["postprocess.wait_seconds=0".to_string()]);
    for (job, marker) in [
        ("logs-parser", "postprocStart"),
        ("viz-exec-trace", "parsingFinished"),
    ] {
        let work = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let output = run_script(&script(&bundle, job), work.path(), &[("WAIT_SECONDS", "0")]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{job}: {stdout}");
        assert!(
            stdout.contains(&format!(
                "Gave up after 0 s: {}/{marker} never appeared",
                work.path().display()
            )),
            "{job}: {stdout}"
        );
        assert!(started.elapsed() < Duration::from_secs(5), "{job}");
        let wait = env_value(container(&bundle, "Job", job), "WAIT_SECONDS");
        assert_eq!(wait, Some("0"), "{job}");
    }
    // With the marker present the parser goes straight on to its work.
    let work = tempfile::tempdir().unwrap();
    std::fs::File::create(work.path().join("postprocStart"))
        .unwrap()
        .write_all(b"1")
        .unwrap();
    let output = run_script(
        &script(&bundle, "logs-parser"),
        work.path(),
        &[("WAIT_SECONDS", "0")],
    );
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("Gave up"),
        "{output:?}"
    );
    assert!(work.path().join("parsed").is_dir(), "{output:?}");
}

#[test]
fn an_s3_source_fetches_with_credentials_only_from_the_secret_and_checks_the_archive() {
    let profile = data_dir().join("s3-source.toml");
    let bundle = render_all(profile.to_str().unwrap(), &[]);
    let pod = &bundle.find("Job", "nfs-data").unwrap().value["spec"]["template"]["spec"];
    let fetch = &pod["initContainers"][0];
    for key in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
        let var = fetch["env"]
            .as_array()
            .unwrap()
            .iter()
            .find(|var| var["name"] == key)
            .unwrap();
        assert_eq!(
            var["valueFrom"]["secretKeyRef"],
            serde_json::json!({"name": "workflow-data-credentials", "key": key})
        );
    }
    // Profile values reach aws as env the kubelet expands, never as words of the command.
    let command = serde_json::to_string(&fetch["command"]).unwrap();
    assert!(command.contains("$(S3_URI)") && command.contains("$(S3_ENDPOINT)"));
    assert!(!command.contains("minio.example.org") && !command.contains("hyperflow-data"));
    assert_eq!(
        env_value(fetch, "S3_URI"),
        Some("s3://hyperflow-data/workflows/montage2.tar.gz")
    );
    // The container that unpacks never sees a credential.
    assert!(!serde_json::to_string(&pod["containers"])
        .unwrap()
        .contains("AWS_"));

    // What the fetch container left in /tmp is checked like a download.
    let content = tempfile::tempdir().unwrap();
    std::fs::write(content.path().join("workflow.json"), "{}\n").unwrap();
    let fetched = tempfile::tempdir().unwrap();
    let archive = fetched.path().join("workflow-data.tar.gz");
    let pack = || {
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(content.path())
            .arg("workflow.json")
            .status()
            .unwrap();
        assert!(status.success());
    };
    pack();
    let good_sum = sha256_of(&archive);
    let text =
        script(&bundle, "nfs-data").replace("/tmp/workflow-data.tar.gz", archive.to_str().unwrap());
    let work = tempfile::tempdir().unwrap();
    let run = |sum: &str| {
        let env = [
            ("DATA_URL", "s3://hyperflow-data/workflows/montage2.tar.gz"),
            ("DATA_SHA256", sum),
            ("OVERWRITE", "false"),
            ("HFGEN_DATA_ID", "sha256 of the archive"),
        ];
        run_script(&text, work.path(), &env)
    };
    let output = run(&"0".repeat(64));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success() && stdout.contains("Checksum mismatch"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_dir(work.path()).unwrap().count(), 0);
    pack();
    let output = run(&good_sum);
    assert!(output.status.success(), "{output:?}");
    assert!(work.path().join("workflow.json").exists());
}

/// Issue 30, defect 9: engine 1.9's admission controller is on by default upstream and lists
/// and watches pods, which the engine's Role does not allow: without
/// `[engine.admission_controller]` the render switches it off for engines that have it (and
/// for tags that name no version), and leaves older engines' env as it was.
#[test]
fn the_admission_controller_is_off_unless_the_profile_asks_for_it() {
    let engine_env = |sets: &[&str]| {
        let sets: Vec<String> = sets.iter().map(|set| set.to_string()).collect();
        let bundle = render_all("gke", &sets);
        env_value(
            container(&bundle, "Job", "hyperflow-engine"),
            "HF_VAR_ADMISSION_CONTROLLER",
        )
        .map(str::to_string)
    };
    for engine in [
        "hyperflowwms/hyperflow:v1.9.1",
        "hyperflowwms/hyperflow:latest",
    ] {
        let set = format!("images.engine=\"{engine}\"");
        assert_eq!(engine_env(&[&set]).as_deref(), Some("0"), "{engine}");
    }
    assert_eq!(
        engine_env(&[]),
        None,
        "engine 1.7 has no admission controller"
    );
    let asked = engine_env(&[
        "images.engine=\"hyperflowwms/hyperflow:v1.9.1\"",
        "engine.admission_controller.pending_max=50",
    ]);
    assert_eq!(asked.as_deref(), Some("1"));
}

/// Issue 30, defect 10: an in-cluster MinIO over http is accepted, as an http `data.url` is:
/// the sha256 an S3 source must have protects the bytes.
#[test]
fn an_s3_source_may_use_an_http_endpoint() {
    let profile = data_dir().join("s3-source.toml");
    let endpoint = "http://minio.minio.svc.cluster.local:9000";
    let bundle = render_all(
        profile.to_str().unwrap(),
        &[format!("data.s3.endpoint=\"{endpoint}\"")],
    );
    let pod = &bundle.find("Job", "nfs-data").unwrap().value["spec"]["template"]["spec"];
    assert_eq!(
        env_value(&pod["initContainers"][0], "S3_ENDPOINT"),
        Some(endpoint)
    );
}
