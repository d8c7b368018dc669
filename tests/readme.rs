//! The README checked against the tool: what it says about the commands, the built-in
//! profiles, the files and objects of a render and the profile files hfgen prints is compared
//! with what the built binary does, or generated from it between markers.
//!
//! `HFGEN_BLESS=1 cargo test --test readme` rewrites the generated parts (the command column
//! of the commands table, from clap's command tree; the table of objects and files per
//! built-in profile, from renders): review the diff before committing. Sentences about
//! refused input are held by `tests/readme/claims.txt`.

mod common;

use clap::CommandFactory;
use clap_complete::engine::ArgValueCandidates;
use common::{blessing, documents, hfgen_ok, repo_root};
use serde_json::Value;

/// The values of `hfgen explain --format json`, keyed by dotted key.
fn explained(args: &[&str]) -> Vec<(String, Value, Value)> {
    let mut full = vec!["explain", "--format", "json"];
    full.extend_from_slice(args);
    let json: Value = serde_json::from_str(&hfgen_ok(&full)).expect("explain prints JSON");
    json["values"]
        .as_array()
        .expect("a list of values")
        .iter()
        .map(|value| {
            (
                value["key"].as_str().unwrap().to_string(),
                value["value"].clone(),
                value["source"].clone(),
            )
        })
        .collect()
}

/// `explain` shows a defaulted `[resources.*]` table with the values the pods get, each marked
/// `default`, not as `{}` (the README: "each value followed by its source").
#[test]
fn explain_shows_the_effective_values_of_defaulted_tables() {
    let values = explained(&["--profile", "gke", "resources"]);
    let empty: Vec<_> = values
        .iter()
        .filter(|(_, value, _)| value.as_object().is_some_and(|table| table.is_empty()))
        .map(|(key, ..)| key.clone())
        .collect();
    assert!(empty.is_empty(), "shown as {{}}: {empty:?}");
    let value_of = |key: &str| {
        let (_, value, source) = values
            .iter()
            .find(|(name, ..)| name == key)
            .unwrap_or_else(|| panic!("{key} is not shown"));
        assert_eq!(source["kind"], "default", "{key}");
        value.as_str().unwrap().to_string()
    };
    // What reaches the cluster: the NFS server's container, which gke leaves at the defaults.
    let render = documents(&hfgen_ok(&["render", "--profile", "gke"]));
    let nfs = render
        .iter()
        .find(|doc| doc["kind"] == "Deployment" && doc["metadata"]["name"] == "nfs-server")
        .expect("the NFS server's Deployment");
    let resources = &nfs["spec"]["template"]["spec"]["containers"][0]["resources"];
    assert_eq!(
        resources["requests"]["cpu"].as_str(),
        Some(value_of("resources.nfs_server.cpu").as_str())
    );
    assert_eq!(
        resources["requests"]["memory"].as_str(),
        Some(value_of("resources.nfs_server.memory").as_str())
    );
    assert_eq!(
        resources["limits"]["memory"].as_str(),
        Some(value_of("resources.nfs_server.memory_limit").as_str())
    );
}

/// `hfgen profiles show NAME`, saved alone in a folder of the user's, is a profile that loads
/// there and names no schema file relative to hfgen's repository (taplo stops at a
/// `#:schema` path that does not exist); its lines are where `explain` says they are.
#[test]
fn a_shown_profile_works_where_the_user_saves_it() {
    for name in common::builtin_profiles() {
        let shown = hfgen_ok(&["profiles", "show", name]);
        let relative: Vec<&str> = shown
            .lines()
            .filter(|line| line.starts_with("#:schema") && !line.contains("://"))
            .collect();
        assert!(relative.is_empty(), "{name}: {relative:?}");
        let builtin = std::fs::read_to_string(repo_root().join(format!("profiles/{name}.toml")))
            .expect("the built-in profile's file");
        assert_eq!(shown.lines().count(), builtin.lines().count(), "{name}");
        for (number, (printed, source)) in shown.lines().zip(builtin.lines()).enumerate() {
            if !source.starts_with("#:schema") {
                assert_eq!(printed, source, "{name}, line {}", number + 1);
            }
        }
        let folder = tempfile::tempdir().expect("a temp dir");
        let saved = common::write_file(folder.path(), "mine.toml", &shown);
        let from_file = hfgen_ok(&["render", "--profile", &saved]);
        let from_builtin = hfgen_ok(&["render", "--profile", name]);
        assert_eq!(
            common::without_profile_annotation(from_file.as_bytes()),
            common::without_profile_annotation(from_builtin.as_bytes()),
            "{name}"
        );
    }
}

/// README.md's path and text.
fn readme_file() -> (std::path::PathBuf, String) {
    let path = repo_root().join("README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    (path, text)
}

/// Where the text between the marker lines `start` and `end` of `readme` begins and ends.
fn marked(readme: &str, start: &str, end: &str) -> (usize, usize) {
    let from = readme
        .find(start)
        .unwrap_or_else(|| panic!("README lacks the marker {start}"))
        + start.len();
    let to = readme[from..]
        .find(end)
        .unwrap_or_else(|| panic!("README lacks the marker {end}"))
        + from;
    (from, to)
}

const COMMANDS_START: &str =
    "<!-- commands:start (command column generated from the CLI: HFGEN_BLESS=1 cargo test --test readme) -->\n";
const COMMANDS_END: &str = "<!-- commands:end -->\n";

/// Every command a user runs (`hfgen profiles` and `hfgen profiles show` both), with its
/// synopsis as the README's table writes it, from clap's command tree.
fn synopses() -> Vec<(Vec<String>, String)> {
    let mut cli = hfgen::cli::Cli::command();
    cli.build();
    let mut out = Vec::new();
    for command in cli.get_subcommands() {
        walk(command, &mut vec![command.get_name().to_string()], &mut out);
    }
    out
}

fn walk(command: &clap::Command, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    if command.get_name() == "help" || command.is_hide_set() {
        return;
    }
    if !command.is_subcommand_required_set() {
        out.push((path.clone(), synopsis(command, path)));
    }
    for sub in command.get_subcommands() {
        path.push(sub.get_name().to_string());
        walk(sub, path, out);
        path.pop();
    }
}

/// `hfgen PATH`, then the options in their order, then the positional arguments, as clap's
/// usage line orders them.
fn synopsis(command: &clap::Command, path: &[String]) -> String {
    let shown: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|arg| !arg.is_hide_set() && !matches!(arg.get_id().as_str(), "help" | "version"))
        .collect();
    let options = shown.iter().filter(|arg| !arg.is_positional());
    let positionals = shown.iter().filter(|arg| arg.is_positional());
    let mut words = vec![format!("hfgen {}", path.join(" "))];
    words.extend(options.chain(positionals).map(|arg| usage(arg)));
    words.join(" ")
}

fn usage(arg: &clap::Arg) -> String {
    let value = values(arg);
    let mut text = match (arg.get_long(), value) {
        (Some(long), Some(value)) => format!("--{long} {value}"),
        (Some(long), None) => format!("--{long}"),
        (None, value) => value.expect("a positional argument takes a value"),
    };
    if !arg.is_required_set() {
        text = format!("[{text}]");
    }
    let repeated = matches!(arg.get_action(), clap::ArgAction::Append)
        || arg.get_num_args().is_some_and(|n| n.max_values() > 1);
    if repeated {
        text.push_str("...");
    }
    text
}

/// What an argument takes: an option's choices (clap's possible values, or the fixed names
/// its completion offers, such as the components) or else its value name.
fn values(arg: &clap::Arg) -> Option<String> {
    if !arg.get_action().takes_values() {
        return None;
    }
    let mut choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| value.get_name().to_string())
        .collect();
    if choices.is_empty() {
        if let Some(candidates) = arg.get::<ArgValueCandidates>() {
            choices = candidates
                .candidates()
                .iter()
                .map(|candidate| candidate.get_value().to_string_lossy().into_owned())
                .collect();
        }
    }
    if arg.get_long().is_some() && !choices.is_empty() {
        return Some(choices.join("|"));
    }
    let names = arg
        .get_value_names()
        .expect("every argument names its value");
    Some(
        names
            .iter()
            .map(|name| name.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The commands table of the README: each row's command path and its first cell.
struct CommandRow {
    path: Vec<String>,
    line: String,
    cell: String,
}

/// The README's commands table rows, each matched to the longest command path it starts with.
fn command_rows(table: &str, paths: &[Vec<String>]) -> Vec<Result<CommandRow, String>> {
    table
        .lines()
        .filter(|line| line.starts_with("| `hfgen "))
        .map(|line| {
            let cell = line[2..]
                .split(" | ")
                .next()
                .expect("a first cell")
                .to_string();
            let words: Vec<&str> = cell.trim_matches('`').split(' ').skip(1).collect();
            paths
                .iter()
                .filter(|path| {
                    words.starts_with(&path.iter().map(String::as_str).collect::<Vec<_>>())
                })
                .max_by_key(|path| path.len())
                .map(|path| CommandRow {
                    path: path.clone(),
                    line: line.to_string(),
                    cell: cell.clone(),
                })
                .ok_or_else(|| format!("a row for no command of hfgen: {line}"))
        })
        .collect()
}

/// A synopsis as a markdown table cell.
fn cell_of(synopsis: &str) -> String {
    format!("`{}`", synopsis.replace('|', "\\|"))
}

/// The README's commands table has one row per command, and its command column is the
/// synopsis clap's command tree gives: every subcommand, option, flag and choice.
#[test]
fn readme_commands_table_matches_the_cli() {
    let (path, readme) = readme_file();
    let (start, end) = marked(&readme, COMMANDS_START, COMMANDS_END);
    let commands = synopses();
    let paths: Vec<Vec<String>> = commands.iter().map(|(path, _)| path.clone()).collect();
    let mut failures = Vec::new();
    let mut table = readme[start..end].to_string();
    let mut seen = Vec::new();
    for row in command_rows(&readme[start..end], &paths) {
        let row = match row {
            Ok(row) => row,
            Err(message) => {
                failures.push(message);
                continue;
            }
        };
        if seen.contains(&row.path) {
            failures.push(format!("two rows for `hfgen {}`", row.path.join(" ")));
        }
        seen.push(row.path.clone());
        let (_, synopsis) = commands.iter().find(|(path, _)| *path == row.path).unwrap();
        let expected = cell_of(synopsis);
        if row.cell != expected {
            failures.push(format!("README: {}\nCLI:    {expected}", row.cell));
            table = table.replace(&row.line, &row.line.replacen(&row.cell, &expected, 1));
        }
    }
    for (path, synopsis) in &commands {
        if !seen.contains(path) {
            failures.push(format!(
                "no row for `hfgen {}`; add `| {} | ... | ... |`",
                path.join(" "),
                cell_of(synopsis)
            ));
        }
    }
    if failures.is_empty() {
        return;
    }
    let only_cells = failures
        .iter()
        .all(|failure| failure.starts_with("README: "));
    assert!(
        blessing() && only_cells,
        "the README's commands table differs from the CLI (HFGEN_BLESS=1 cargo test --test readme rewrites the command column; rows are added and removed by hand):\n{}",
        failures.join("\n")
    );
    std::fs::write(
        &path,
        format!("{}{table}{}", &readme[..start], &readme[end..]),
    )
    .unwrap();
}

/// The built-in profiles as `hfgen profiles` lists them.
fn builtin_names() -> Vec<String> {
    let mut names: Vec<String> = hfgen_ok(&["profiles"])
        .lines()
        .map(|line| line.split_whitespace().next().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// The words written in backticks in `text`.
fn quoted(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

/// The first column of each README table whose header starts `| profile |`.
fn readme_profile_tables(readme: &str) -> Vec<Vec<String>> {
    let mut tables = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with("| profile |") {
            continue;
        }
        let rows = lines
            .by_ref()
            .skip(1)
            .take_while(|row| row.starts_with('|'));
        let mut names: Vec<String> = rows
            .map(|row| quoted(row.split(" | ").next().unwrap())[0].clone())
            .collect();
        names.sort();
        tables.push(names);
    }
    tables
}

/// The README's tables of built-in profiles (what each is for, what its setup script does)
/// have a row for each built-in profile and no other.
#[test]
fn readme_lists_every_builtin_profile() {
    let builtins = builtin_names();
    let readme = readme_file().1;
    let tables = readme_profile_tables(&readme);
    assert_eq!(tables.len(), 2, "the built-in profiles and the setup table");
    for names in tables {
        assert_eq!(names, builtins);
    }
}

/// `extends`'s description in the profile schema (what an editor shows) names every
/// built-in profile, and nothing else as one.
#[test]
fn the_schema_names_every_builtin_profile_for_extends() {
    let schema: Value = serde_json::from_str(&hfgen_ok(&["schema"])).unwrap();
    let description = schema["properties"]["extends"]["description"]
        .as_str()
        .expect("extends has a description");
    let mut named: Vec<String> = quoted(description)
        .into_iter()
        .filter(|word| !word.contains(char::is_whitespace))
        .collect();
    named.sort();
    assert_eq!(named, builtin_names(), "{description}");
}

/// The profiles whose renders the README describes: the built-in ones, the variants in
/// `tests/data/` (storage types, data sources, worker pools...) and `rbac.mode = "cluster-admin"`.
fn described_profiles() -> Vec<Vec<String>> {
    let mut profiles: Vec<Vec<String>> = builtin_names()
        .into_iter()
        .map(|name| vec!["--profile".to_string(), name])
        .collect();
    let mut variants: Vec<_> = std::fs::read_dir(repo_root().join("tests/data"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    variants.sort();
    for path in variants {
        profiles.push(vec!["--profile".into(), path.display().to_string()]);
    }
    profiles.push(
        ["--profile", "gke", "--set", "rbac.mode=cluster-admin"]
            .map(String::from)
            .to_vec(),
    );
    profiles
}

/// Each file `hfgen render --out` writes for `profile` (every component), with its objects'
/// kinds in order.
fn rendered_files(profile: &[String]) -> Vec<(String, Vec<String>)> {
    let folder = tempfile::tempdir().expect("a temp dir");
    let out = folder.path().join("out");
    let mut args: Vec<&str> = vec!["render"];
    args.extend(profile.iter().map(String::as_str));
    args.extend(["--out", out.to_str().unwrap()]);
    for component in ["core", "postprocess", "results"] {
        args.extend(["--component", component]);
    }
    hfgen_ok(&args);
    let mut files: Vec<(String, Vec<String>)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().unwrap() != "kustomization.yaml")
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let kinds = documents(&text)
                .iter()
                .map(|doc| doc["kind"].as_str().unwrap().to_string())
                .collect();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                kinds,
            )
        })
        .collect();
    files.sort();
    files
}

/// Whether `text` names `kind` as a word, in the singular or the plural
/// (`NetworkPolicies`), so that `Role` is not found in `RoleBinding`.
fn names_kind(text: &str, kind: &str) -> bool {
    let plural = match kind.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{kind}s"),
    };
    let words: Vec<&str> = text.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    words.contains(&kind) || words.contains(&plural.as_str())
}

/// The rows of the README table whose header is `header`: each row's cells.
fn readme_table(readme: &str, header: &str) -> Vec<Vec<String>> {
    let mut lines = readme.lines().skip_while(|line| *line != header);
    assert!(lines.next().is_some(), "README has the table `{header}`");
    lines
        .skip(1)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect()
}

/// "What a render contains" has a row for every file a render can write, and no other, and
/// each row names the kinds of the objects in its files.
#[test]
fn readme_render_table_names_every_file_and_its_kinds() {
    let readme = readme_file().1;
    let rows = readme_table(&readme, "| file | objects |");
    let mut written: Vec<(String, Vec<String>)> = Vec::new();
    for profile in described_profiles() {
        for (file, kinds) in rendered_files(&profile) {
            match written.iter_mut().find(|(name, _)| *name == file) {
                Some((_, known)) => known.extend(kinds),
                None => written.push((file, kinds)),
            }
        }
    }
    for (_, kinds) in &mut written {
        kinds.sort();
        kinds.dedup();
    }
    let mut failures = Vec::new();
    let listed: Vec<String> = rows.iter().flat_map(|row| quoted(&row[0])).collect();
    for name in &listed {
        if !written.iter().any(|(file, _)| file == name) {
            failures.push(format!(
                "`{name}` is in the README, but no render writes it"
            ));
        }
    }
    for (file, kinds) in &written {
        let Some(row) = rows.iter().find(|row| quoted(&row[0]).contains(file)) else {
            failures.push(format!(
                "`{file}` is written, but the README has no row for it"
            ));
            continue;
        };
        for kind in kinds {
            if !names_kind(&row[1], kind) {
                failures.push(format!(
                    "`{file}` holds a {kind}, which its row does not name"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The summary line `hfgen check` prints for `gke`, as the README quotes it, with the number
/// of files the golden folder holds.
#[test]
fn readme_quotes_the_check_summary_as_hfgen_prints_it() {
    let output = common::hfgen(&["check", "--profile", "gke"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let printed = common::stderr(&output);
    let summary = printed.lines().next().expect("a summary line");
    let readme = readme_file().1;
    let quoted_summaries: Vec<String> = quoted(&readme)
        .into_iter()
        .filter(|text| text.starts_with("gke: golden/gke is"))
        .collect();
    assert_eq!(quoted_summaries, [summary]);
}

/// `text` with every run of whitespace as one space: a sentence of the README as it reads.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The objects of `hfgen render ARGS` of `kind`.
fn count(args: &[&str], kind: &str) -> usize {
    let mut full = vec!["render"];
    full.extend_from_slice(args);
    documents(&hfgen_ok(&full))
        .iter()
        .filter(|doc| doc["kind"] == kind)
        .count()
}

const NUMBERS: [&str; 6] = ["no", "one", "two", "three", "four", "five"];
const ORDINALS: [&str; 6] = ["", "first", "second", "third", "fourth", "fifth"];

/// The Security section counts the NetworkPolicies of a render, and of one with worker pools.
#[test]
fn readme_counts_the_network_policies_of_a_render() {
    let readme = one_line(&readme_file().1);
    let plain = count(&["--profile", "gke"], "NetworkPolicy");
    let pools_profile = common::data_profile("worker-pools");
    let pools = count(&["--profile", &pools_profile], "NetworkPolicy");
    assert_eq!(pools, plain + 1, "worker pools add one NetworkPolicy");
    for sentence in [
        format!("`network-policy.yml` (after the namespace, so no pod starts unprotected) holds {} NetworkPolicies", NUMBERS[plain]),
        format!("With worker pools a {} lets RabbitMQ accept", ORDINALS[pools]),
    ] {
        assert!(readme.contains(&sentence), "README lacks: {sentence}");
    }
}

const COUNTS_START: &str =
    "<!-- render-counts:start (generated from renders: HFGEN_BLESS=1 cargo test --test readme) -->\n";
const COUNTS_END: &str = "<!-- render-counts:end -->\n";

/// The table of how many objects of each kind, and files, the render of each built-in profile
/// and of the worker-pools example has (`hfgen render --profile NAME`: the core and the
/// post-processing Jobs).
fn counts_table() -> String {
    let mut columns: Vec<(String, String)> = builtin_names()
        .into_iter()
        .map(|name| (format!("`{name}`"), name))
        .collect();
    columns.push((
        "`tests/data/worker-pools.toml`".into(),
        common::data_profile("worker-pools"),
    ));
    let mut kinds: Vec<String> = Vec::new();
    let mut renders = Vec::new();
    for (_, profile) in &columns {
        let objects: Vec<String> = documents(&hfgen_ok(&["render", "--profile", profile]))
            .iter()
            .map(|doc| doc["kind"].as_str().unwrap().to_string())
            .collect();
        for kind in &objects {
            if !kinds.contains(kind) {
                kinds.push(kind.clone());
            }
        }
        let folder = tempfile::tempdir().expect("a temp dir");
        let out = folder.path().join("out");
        hfgen_ok(&[
            "render",
            "--profile",
            profile,
            "--out",
            out.to_str().unwrap(),
        ]);
        let files = std::fs::read_dir(&out).unwrap().count();
        renders.push((objects, files));
    }
    let row = |label: &str, cells: Vec<usize>| {
        let cells: Vec<String> = cells.iter().map(usize::to_string).collect();
        format!("| {label} | {} |\n", cells.join(" | "))
    };
    let labels: Vec<&str> = columns.iter().map(|(label, _)| label.as_str()).collect();
    let mut table = format!(
        "| in a render of | {} |\n|---|{}\n",
        labels.join(" | "),
        "---|".repeat(labels.len())
    );
    for kind in &kinds {
        let cells = renders
            .iter()
            .map(|(objects, _)| objects.iter().filter(|k| *k == kind).count())
            .collect();
        table.push_str(&row(kind, cells));
    }
    table.push_str(&row(
        "objects",
        renders.iter().map(|(objects, _)| objects.len()).collect(),
    ));
    table.push_str(&row(
        "files with `--out` (`kustomization.yaml` included)",
        renders.iter().map(|(_, files)| *files).collect(),
    ));
    table
}

/// The README's counts of objects and files per built-in profile are those of a render.
#[test]
fn readme_counts_of_objects_and_files_are_a_render_s() {
    let (path, readme) = readme_file();
    let (start, end) = marked(&readme, COUNTS_START, COUNTS_END);
    let generated = counts_table();
    if readme[start..end] == generated {
        return;
    }
    assert!(
        blessing(),
        "README's render counts are stale; run HFGEN_BLESS=1 cargo test --test readme\n--- expected\n{generated}\n--- README\n{}",
        &readme[start..end]
    );
    std::fs::write(
        &path,
        format!("{}{generated}{}", &readme[..start], &readme[end..]),
    )
    .unwrap();
}

/// A sentence of the README that says what hfgen does with some input, and a command that
/// shows it (`tests/readme/claims.txt`): the sentence must be in the README (whitespace
/// aside) and the command must exit with the code it implies (2: refused, 0: accepted). A
/// reworded sentence or a changed behaviour fails here, so that neither drifts from the other.
struct Claim {
    sentence: String,
    exit: i32,
    args: Vec<String>,
}

fn claims() -> Vec<Claim> {
    let text = std::fs::read_to_string(repo_root().join("tests/readme/claims.txt")).unwrap();
    let lines: Vec<&str> = text.lines().filter(|line| !line.starts_with('#')).collect();
    lines
        .split(|line| line.is_empty())
        .filter(|block| !block.is_empty())
        .map(|block| {
            let sentence = block[0].strip_prefix("says: ").expect("`says:` first");
            let exit = block[1].strip_prefix("exit: ").expect("`exit:` second");
            Claim {
                sentence: sentence.to_string(),
                exit: exit.parse().expect("an exit code"),
                args: block[2..].iter().map(|arg| arg.to_string()).collect(),
            }
        })
        .collect()
}

/// Runs hfgen in an empty folder of its own (`--out .` must not reach the repository), with
/// `tests/...` paths made absolute.
fn in_empty_folder(args: &[String]) -> std::process::Output {
    let folder = tempfile::tempdir().expect("a temp dir");
    let args: Vec<String> = args
        .iter()
        .map(|arg| match arg.starts_with("tests/") {
            true => repo_root().join(arg).display().to_string(),
            false => arg.to_string(),
        })
        .collect();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hfgen"))
        .args(&args)
        .current_dir(folder.path())
        .output()
        .expect("hfgen runs");
    let left: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert!(left.is_empty(), "hfgen {args:?} wrote into its folder");
    output
}

/// What the README says hfgen refuses (or accepts) is what it does.
#[test]
fn readme_claims_about_refused_input_hold() {
    let readme = one_line(&readme_file().1);
    let mut failures = Vec::new();
    let claims = claims();
    assert!(claims.len() >= 10, "{} claims", claims.len());
    for claim in claims {
        if !readme.contains(&claim.sentence) {
            failures.push(format!("README no longer says: {}", claim.sentence));
        }
        let output = in_empty_folder(&claim.args);
        if output.status.code() != Some(claim.exit) {
            failures.push(format!(
                "hfgen {:?} exits {:?}, not {} as \"{}\" says\n{}",
                claim.args,
                output.status.code(),
                claim.exit,
                claim.sentence,
                common::stderr(&output)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `hfgen explain --capacity --format json ARGS`: the plan, which it prints also when the
/// pods do not fit (exit 2).
fn capacity(args: &[&str]) -> Value {
    let mut full = vec!["explain", "--capacity", "--format", "json"];
    full.extend_from_slice(args);
    let output = common::hfgen(&full);
    assert!(matches!(output.status.code(), Some(0 | 2)), "{full:?}");
    serde_json::from_str(&stdout_of(&output)).expect("the capacity plan as JSON")
}

fn node_pool<'a>(plan: &'a Value, key: &str) -> &'a Value {
    plan["pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|pool| pool["key"] == key)
        .unwrap_or_else(|| panic!("no pool {key}"))
}

/// The CPU the pods of a node pool request, the cluster's per-node DaemonSets aside.
fn pods_cpu(pool: &Value) -> u64 {
    pool["pods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pod| pod["each"]["cpu_m"].as_u64().unwrap() * pod["count"].as_u64().unwrap())
        .sum()
}

/// The numbers of "Will it fit?" and of the setup table are what hfgen computes.
#[test]
fn readme_capacity_numbers_are_hfgen_s() {
    let readme_text = readme_file().1;
    let readme = one_line(&readme_text);
    let gke = capacity(&["--profile", "gke"]);
    let pools_profile = common::data_profile("worker-pools");
    let pools = capacity(&["--profile", &pools_profile]);
    let small_args = [
        "--profile",
        "gke",
        "--set",
        "cluster.master_pool.machine_type=n1-standard-2",
    ];
    let small = node_pool(&capacity(&small_args), "cluster.master_pool").clone();
    let n1_cpu = small["node"]["cpu_m"].as_u64().unwrap();
    let n1_left = n1_cpu - small["system_per_node"]["cpu_m"].as_u64().unwrap();
    let setup = hfgen_ok(&["setup", "--profile", "minikube-ip"]);
    let assigned = |name: &str| {
        setup
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("the minikube-ip script sets {name}"))
            .to_string()
    };
    let sentences = [
        format!(
            "its pods request {}m CPU ({}m with worker pools) with GKE's own, more than the {n1_left}m an n1-standard-2 leaves after its DaemonSets",
            pods_cpu(node_pool(&gke, "cluster.master_pool")),
            pods_cpu(node_pool(&pools, "cluster.master_pool")),
        ),
        format!(
            "an n1-standard-2 offers {n1_cpu}m CPU and {} MiB",
            small["node"]["memory_mib"]
        ),
        format!(
            "needs {} n1-standard-2 worker nodes at its most",
            node_pool(&pools, "cluster.worker_pool")["max_nodes"]
        ),
        format!(
            "{} CPUs and {} MiB for the built-in profile",
            assigned("host_cpus"),
            assigned("host_memory_mib")
        ),
    ];
    for sentence in sentences {
        assert!(readme.contains(&sentence), "README lacks: {sentence}");
    }
    // The example output, but its elisions, is what the command prints.
    let command = "$ hfgen explain --profile gke --capacity --set cluster.master_pool.machine_type=n1-standard-2\n";
    let example = &readme_text[readme_text.find(command).expect("the example") + command.len()..];
    let example = &example[..example.find("```").unwrap()];
    let mut args = vec!["explain", "--capacity"];
    args.extend_from_slice(&small_args);
    let printed = common::hfgen(&args);
    let printed = stdout_of(&printed);
    for line in example.lines().filter(|line| line.trim() != "...") {
        assert!(
            printed.lines().any(|out| out == line),
            "not printed: {line}\n{printed}"
        );
    }
}

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

/// The README counts the kinds of the vendored schemas and the cases taken from Kubernetes'
/// validation tests; those counts are the files'.
#[test]
fn readme_counts_of_kinds_and_kubernetes_cases_are_the_files() {
    let readme = one_line(&readme_file().1);
    let mut kinds: Vec<usize> = std::fs::read_dir(repo_root().join("schema/kubernetes/every-kind"))
        .unwrap()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let schema: Value = serde_json::from_str(&text).unwrap();
            schema["x-kinds"].as_object().expect("x-kinds").len()
        })
        .collect();
    kinds.sort();
    let corpus = repo_root().join("tests/validate/kubernetes-corpus");
    let cases: usize = std::fs::read_dir(corpus)
        .unwrap()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            text.lines()
                .filter(|line| line.starts_with("# expect:"))
                .count()
        })
        .sum();
    for sentence in [
        format!("{} to {} kinds", kinds[0], kinds[kinds.len() - 1]),
        format!("holds {cases} cases from Kubernetes' own `validation_test.go` files"),
        format!("hfgen agrees on all {cases}"),
    ] {
        assert!(readme.contains(&sentence), "README lacks: {sentence}");
    }
}

/// Each Deployment and Job of `hfgen render ARGS` (every component): its name and pod spec.
fn workloads(profile: &[String]) -> Vec<(String, Value)> {
    let mut args: Vec<&str> = vec!["render"];
    args.extend(profile.iter().map(String::as_str));
    for component in ["core", "postprocess", "results"] {
        args.extend(["--component", component]);
    }
    documents(&hfgen_ok(&args))
        .into_iter()
        .filter(|doc| doc["kind"] == "Deployment" || doc["kind"] == "Job")
        .map(|doc| {
            let name = doc["metadata"]["name"].as_str().unwrap().to_string();
            (name, doc["spec"]["template"]["spec"].clone())
        })
        .collect()
}

/// Whether `name` is one of the backticked names of `cell` (`hyperflow-pool-*` a prefix).
fn names_pod(cell: &str, name: &str) -> bool {
    quoted(cell)
        .iter()
        .any(|pattern| match pattern.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => pattern == name,
        })
}

/// The user every container of `pod` runs as: its own `runAsUser`, else the pod's.
fn users(pod: &Value) -> Vec<Option<u64>> {
    let pod_user = pod["securityContext"]["runAsUser"].as_u64();
    pod["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|container| {
            container["securityContext"]["runAsUser"]
                .as_u64()
                .or(pod_user)
        })
        .collect()
}

/// The Security section's table of who runs as which user has a row for every pod a render
/// makes, and says what the pod spec does; only the engine mounts an API token; every pod but
/// the privileged NFS server has the `RuntimeDefault` seccomp profile.
#[test]
fn readme_security_table_matches_the_pods() {
    let readme = readme_file().1;
    let rows = readme_table(&readme, "| pod | user | why |");
    let mut failures = Vec::new();
    for profile in described_profiles() {
        for (name, pod) in workloads(&profile) {
            let Some(row) = rows.iter().find(|row| names_pod(&row[0], &name)) else {
                failures.push(format!("{name}: no row in the table of users"));
                continue;
            };
            let containers = pod["containers"].as_array().unwrap();
            let privileged = containers
                .iter()
                .any(|c| c["securityContext"]["privileged"] == true);
            let user = row[1].split(',').next().unwrap();
            let holds = match user {
                "privileged" => privileged,
                "root" => users(&pod).iter().all(|user| *user == Some(0)),
                number => {
                    let number: u64 = number.parse().expect("a user id");
                    users(&pod).iter().all(|user| *user == Some(number))
                }
            };
            if !holds {
                failures.push(format!("{name}: not `{}` as the table says", row[1]));
            }
            let token = pod["automountServiceAccountToken"] != false;
            if token != (name == "hyperflow-engine") {
                failures.push(format!("{name}: automountServiceAccountToken {token}"));
            }
            let seccomp = pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault";
            if seccomp == privileged {
                failures.push(format!(
                    "{name}: seccomp RuntimeDefault {seccomp}, privileged {privileged}"
                ));
            }
        }
    }
    // The sentences those checks hold.
    let text = one_line(&readme);
    for sentence in [
        "Only the engine pod mounts a service account token",
        "Every pod hfgen renders runs with the `RuntimeDefault` seccomp profile, but the NFS server (privileged",
    ] {
        if !text.contains(sentence) {
            failures.push(format!("README lacks: {sentence}"));
        }
    }
    failures.sort();
    failures.dedup();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Folders of this repository the README points into.
const REPOSITORY_FOLDERS: [&str; 13] = [
    "tests/",
    "src/",
    "scripts/",
    "docs/",
    "schema/",
    "data/",
    "bench/",
    "fuzz/",
    ".ci/",
    "golden/",
    "templates/",
    "profiles/",
    ".github/",
];

/// The README without its default-images table, whose paths are of other repositories.
fn readme_of_this_repository() -> String {
    let readme = readme_file().1;
    let start = readme
        .find("<!-- default-images:start -->")
        .expect("the images table");
    let end = readme.find("<!-- default-images:end -->").expect("its end");
    format!("{}{}", &readme[..start], &readme[end..])
}

/// Every file, folder, hostile-case class and test the README names exists: a file moved or a
/// test renamed leaves no pointer to nothing behind.
#[test]
fn readme_names_only_files_and_tests_that_exist() {
    let readme = readme_of_this_repository();
    let links = readme
        .split("](")
        .skip(1)
        .map(|rest| rest.split(')').next().unwrap().to_string());
    let mut missing = Vec::new();
    let mut test_names = Vec::new();
    let (mut paths, mut classes) = (0, 0);
    for name in quoted(&readme).into_iter().chain(links) {
        let path = name.split('#').next().unwrap();
        let concrete = !path.contains(['<', '*', '$', ' ', '{']) && !path.contains("...");
        if concrete
            && REPOSITORY_FOLDERS
                .iter()
                .any(|folder| path.starts_with(folder))
        {
            paths += 1;
            if !repo_root().join(path).exists() {
                missing.push(name.clone());
            }
        } else if is_case_class(&name) {
            classes += 1;
            if !repo_root().join("tests/hostile").join(&name).is_dir() {
                missing.push(format!("tests/hostile/{name}"));
            }
        } else if name.split('_').count() >= 4
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            test_names.push(name);
        }
    }
    // What the README names today: a check that finds none has stopped reading it.
    assert!(
        paths >= 40 && classes >= 10 && test_names.len() >= 5,
        "{paths} paths, {classes} case classes, {test_names:?}"
    );
    let sources = rust_sources();
    for name in test_names {
        if !sources
            .iter()
            .any(|text| text.contains(&format!("fn {name}(")))
        {
            missing.push(format!("fn {name}"));
        }
    }
    assert!(
        missing.is_empty(),
        "the README names what does not exist: {missing:?}"
    );
}

/// `02-unwritable-stderr`: a class of hostile cases.
fn is_case_class(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() > 3
        && bytes[..2].iter().all(u8::is_ascii_digit)
        && bytes[2] == b'-'
        && name[3..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The text of every `.rs` file under `src/`, `tests/` and `bench/`.
fn rust_sources() -> Vec<String> {
    let mut folders: Vec<std::path::PathBuf> = ["src", "tests", "bench"]
        .iter()
        .map(|dir| repo_root().join(dir))
        .collect();
    let mut texts = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                texts.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    texts
}

/// The keys of a worker pool and their defaults, as the Worker pools section lists them, are
/// those of the profile schema.
#[test]
fn readme_lists_every_pool_key_with_its_default() {
    let readme = one_line(&readme_file().1);
    let start = readme
        .find("A pool's keys: ")
        .expect("the list of a pool's keys");
    let end = start + readme[start..].find("All are checked").expect("its end");
    let listed = &readme[start..end];
    let schema: Value = serde_json::from_str(&hfgen_ok(&["schema"])).unwrap();
    // `execution` and a pool are definitions the schema refers to, whatever their names.
    let resolve = |node: &Value| -> Value {
        match node["$ref"].as_str() {
            Some(reference) => schema
                .pointer(&reference[1..])
                .expect("a definition")
                .clone(),
            None => node.clone(),
        }
    };
    let execution = resolve(&schema["properties"]["execution"]);
    let pool = resolve(&execution["properties"]["pools"]["items"]);
    let keys = pool["properties"].as_object().expect("a pool's keys");
    assert!(keys.len() >= 10, "{keys:?}");
    for (key, property) in keys {
        let named = format!("`{key}`");
        assert!(listed.contains(&named), "{key} is not listed: {listed}");
        if let Some(default) = property.get("default") {
            let with_default = format!("`{key}` ({default}");
            assert!(
                listed.contains(&with_default),
                "README lacks {with_default}: {listed}"
            );
        }
    }
}

/// The version of KEDA the README names is the one `hfgen setup` installs.
#[test]
fn readme_names_the_keda_that_setup_installs() {
    let pools_profile = common::data_profile("worker-pools");
    let script = hfgen_ok(&[
        "setup",
        "--profile",
        &pools_profile,
        "--set",
        "cluster.project=proj-x",
    ]);
    let manifest = script
        .lines()
        .find_map(|line| line.strip_prefix("keda_manifest="))
        .expect("the script names KEDA's manifest")
        .trim_matches('\'');
    let version = manifest
        .rsplit("/keda-")
        .next()
        .and_then(|file| file.strip_suffix(".yaml"))
        .expect("keda-VERSION.yaml");
    let readme = one_line(&readme_file().1);
    // Each "KEDA ... vX.Y.Z" within a few words, and each release manifest URL.
    let mut named = Vec::new();
    for after in readme.split("KEDA").skip(1) {
        let near: String = after.chars().take(30).collect();
        if let Some(at) = near.find(" v") {
            let word = near[at + 2..]
                .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .next();
            named.extend(word.map(|word| word.trim_end_matches('.').to_string()));
        }
    }
    for after in readme.split("kedacore/keda/releases/download/").skip(1) {
        named.push(after.split(' ').next().unwrap().to_string());
    }
    assert!(named.len() >= 4, "{named:?}");
    for mention in named {
        assert!(
            mention == version || mention == format!("v{version}/keda-{version}.yaml"),
            "README names KEDA {mention}; setup installs {version}"
        );
    }
}

/// `golden/<profile>/setup.sh` is what `hfgen setup --profile <profile>` prints, as the Golden
/// files table says; for `gke`, whose placeholder project `hfgen setup` refuses, it is the
/// script of a real project id with the placeholder written in its place.
#[test]
fn golden_setup_scripts_are_what_setup_prints() {
    let readme = one_line(&readme_file().1);
    assert!(readme.contains("for `gke`, which `hfgen setup` refuses until `cluster.project` is set, the script with the placeholder `my-gcp-project`"));
    for name in builtin_names() {
        let golden = std::fs::read_to_string(repo_root().join(format!("golden/{name}/setup.sh")))
            .expect("a golden setup script");
        let printed = if name == "gke" {
            assert_eq!(
                common::hfgen(&["setup", "--profile", "gke"]).status.code(),
                Some(2)
            );
            hfgen_ok(&[
                "setup",
                "--profile",
                "gke",
                "--set",
                "cluster.project=readme-test-1",
            ])
            .replace("readme-test-1", "my-gcp-project")
        } else {
            hfgen_ok(&["setup", "--profile", &name])
        };
        assert!(
            printed == golden,
            "golden/{name}/setup.sh is not what setup prints"
        );
    }
}
