//! The plan's modes reach every template. Each mode is an enum matched exhaustively below, so
//! a new variant does not compile here until it is named; every named variant must be rendered
//! by some profile (the built-ins, `tests/data/*.toml`, and a few `--set`s), and a template
//! chain that branches on a mode must end in `unhandled(...)`, so a variant a template has no
//! branch for fails the render instead of leaving objects out.

mod common;

use hfgen::layout::Component;
use hfgen::plan::{DataSourcePlan, ExecutionPlan, NfsExports, Plan, StoragePlan};
use hfgen::profile::model::RbacMode;
use std::collections::BTreeSet;

/// The mode values a plan holds, by the tag the templates branch on.
fn modes(plan: &Plan) -> Vec<String> {
    let storage = match &plan.storage {
        StoragePlan::NfsServer(nfs) => match nfs.exports {
            NfsExports::EmptyDir => vec!["storage.kind=nfs-server", "storage.exports.on=empty-dir"],
            NfsExports::Claim { .. } => vec!["storage.kind=nfs-server", "storage.exports.on=claim"],
        },
        StoragePlan::StorageClass { .. } => vec!["storage.kind=storage-class"],
        StoragePlan::ExistingClaim { .. } => vec!["storage.kind=existing-claim"],
    };
    let data = match plan.data.from {
        DataSourcePlan::Image => "data.source=image",
        DataSourcePlan::Url { .. } => "data.source=url",
        DataSourcePlan::S3 { .. } => "data.source=s3",
    };
    let execution = match plan.execution {
        ExecutionPlan::Jobs => "execution.mode=jobs",
        ExecutionPlan::Pools { .. } => "execution.mode=pools",
    };
    let rbac = match plan.rbac_mode {
        RbacMode::Namespaced => "rbac_mode=namespaced",
        RbacMode::ClusterAdmin => "rbac_mode=cluster-admin",
    };
    let mut all = storage;
    all.extend([data, execution, rbac]);
    all.into_iter().map(String::from).collect()
}

/// Every value of every mode, as [`modes`] names them.
const EVERY_MODE: &[&str] = &[
    "storage.kind=nfs-server",
    "storage.kind=storage-class",
    "storage.kind=existing-claim",
    "storage.exports.on=empty-dir",
    "storage.exports.on=claim",
    "data.source=image",
    "data.source=url",
    "data.source=s3",
    "execution.mode=jobs",
    "execution.mode=pools",
    "rbac_mode=namespaced",
    "rbac_mode=cluster-admin",
];

/// The built-in profiles and every profile under `tests/data`, found by glob.
fn profiles() -> Vec<String> {
    let mut profiles: Vec<String> = common::builtin_profiles()
        .into_iter()
        .map(String::from)
        .collect();
    profiles.extend(common::variant_profiles());
    profiles
}

/// Modes no profile in the repository chooses, set on a built-in one.
const SETS: &[&[&str]] = &[&["nfs.export=claim"], &["rbac.mode=cluster-admin"]];

#[test]
fn every_mode_renders_through_every_template() {
    let mut seen = BTreeSet::new();
    let sets = profiles()
        .into_iter()
        .map(|profile| (profile, Vec::new()))
        .chain(SETS.iter().map(|set| {
            let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
            ("minikube-ip".to_string(), set)
        }));
    for (profile, set) in sets {
        let loaded = hfgen::profile::load(&profile, &set)
            .unwrap_or_else(|e| panic!("{profile} {set:?}: {e}"));
        let plan = Plan::new(&loaded.profile);
        // Every template the plan enables renders and holds at least one object.
        let bundle = hfgen::render::render_plan(&plan, &loaded.short_name(), &Component::ALL)
            .unwrap_or_else(|e| panic!("{profile} {set:?}: {e}"));
        for spec in hfgen::render::templates::TEMPLATES {
            if (spec.enabled)(&plan) {
                assert!(
                    bundle.files.iter().any(|file| file.file == spec.file),
                    "{profile} {set:?}: {} is enabled by the plan but rendered no object",
                    spec.file
                );
            }
        }
        seen.extend(modes(&plan));
    }
    let missing: Vec<_> = EVERY_MODE
        .iter()
        .filter(|mode| !seen.contains(**mode))
        .collect();
    assert!(
        missing.is_empty(),
        "no profile renders {missing:?}: add one to tests/data or SETS"
    );
    assert_eq!(seen.len(), EVERY_MODE.len(), "{seen:?}");
}

/// The tags of the plan's modes, as templates test them.
const MODE_TAGS: &[&str] = &[
    "storage.kind",
    "storage.exports.on",
    "data.source",
    "execution.mode",
    "rbac_mode",
];

/// A template's `{% if %}` chain on a mode tag ends in `{% else %}{{ unhandled(...) }}`.
#[test]
fn every_template_chain_on_a_mode_ends_in_unhandled() {
    let dir = common::repo_root().join("templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "j2") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let problems = chains_without_unhandled(&text);
        assert!(
            problems.is_empty(),
            "{}: chains on a mode without unhandled() at lines {problems:?}",
            path.display()
        );
        checked += text.matches("unhandled(").count();
    }
    assert!(checked >= 10, "only {checked} chains end in unhandled()");
}

/// Lines of the `{% if %}`s on a mode tag whose chain has no `unhandled(` at its own level.
fn chains_without_unhandled(text: &str) -> Vec<usize> {
    // (line of the if, whether it tests a mode tag, whether unhandled was seen)
    let mut open: Vec<(usize, bool, bool)> = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let tag = line
            .trim_start()
            .trim_start_matches("{%-")
            .trim_start_matches("{%");
        let tag = tag.trim_start();
        if line.trim_start().starts_with("{%") && tag.starts_with("if ") {
            let on_mode = MODE_TAGS
                .iter()
                .any(|mode| tag[3..].trim_start().starts_with(&format!("{mode} ")));
            open.push((index + 1, on_mode, false));
        } else if line.trim_start().starts_with("{%") && tag.starts_with("endif") {
            let (at, on_mode, handled) = open.pop().expect("balanced ifs");
            if on_mode && !handled {
                problems.push(at);
            }
        } else if line.contains("unhandled(") {
            if let Some(last) = open.last_mut() {
                last.2 = true;
            }
        }
    }
    problems
}

#[test]
fn the_chain_check_finds_a_chain_without_unhandled() {
    let text =
        "{% if storage.kind == \"a\" %}\nA\n{% elif storage.kind == \"b\" %}\nB\n{% endif %}\n";
    assert_eq!(chains_without_unhandled(text), vec![1]);
    let text = "{% if storage.kind == \"a\" %}\n{% if x %}\n{% endif %}\n{% else %}\n{{ unhandled(\"storage.kind\", storage.kind) }}\n{% endif %}\n";
    assert_eq!(chains_without_unhandled(text), Vec::<usize>::new());
}

#[test]
fn a_mode_without_its_branch_fails_the_render() {
    let mut env = hfgen::templating::configured();
    env.add_template(
        "t.yml.j2",
        "{% if kind == \"a\" %}a: 1\n{% else %}\n{{ unhandled(\"kind\", kind) }}\n{% endif %}\n",
    )
    .unwrap();
    let template = env.get_template("t.yml.j2").unwrap();
    assert!(template.render(minijinja::context! { kind => "a" }).is_ok());
    let error = template
        .render(minijinja::context! { kind => "b" })
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("no branch for kind = \"b\""),
        "{error:#}"
    );
}
