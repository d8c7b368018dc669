//! Scripts run against stub commands: a temporary folder whose `bin` comes first on PATH,
//! each stub recording its arguments.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder with the script, stub commands that record their arguments, and the
/// log they write: one file per call, each argument followed by a NUL byte, so an argument
/// with a newline in it is still told apart from two arguments. The file is named by the
/// number of calls before it and the stub's pid, so two stubs that start together in a
/// pipeline both keep their record.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

/// One recorded call: the command's name, then its arguments.
pub type Call = Vec<String>;

impl Sandbox {
    /// `stubs`: command name and shell code run after the call is recorded.
    pub fn new(stubs: &[(&str, &str)]) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["bin", "log", "root"] {
            fs::create_dir(dir.path().join(sub)).unwrap();
        }
        for (name, behaviour) in stubs {
            let path = dir.path().join("bin").join(name);
            let body = format!(
                "#!/bin/sh\n\
                 n=$(ls \"$STUB_LOG\" | wc -l)\n\
                 printf '%s\\0' \"$(basename \"$0\")\" \"$@\" > \"$STUB_LOG/$(printf %04d \"$n\")-$$\"\n\
                 {behaviour}\n"
            );
            fs::write(&path, body).unwrap();
            Command::new("chmod").arg("+x").arg(&path).status().unwrap();
        }
        let sandbox = Sandbox { dir };
        sandbox.set_host(64, 262_144);
        sandbox
    }

    /// The machine the minikube and kind scripts check (`nproc`, `free -m`): `cores` CPUs and
    /// `memory_mib` MiB, whatever this machine has. These stubs record no call.
    pub fn set_host(&self, cores: u32, memory_mib: u32) {
        let stubs = [
            ("nproc", format!("echo {cores}")),
            (
                "free",
                format!("echo '               total        used        free'\necho 'Mem:     {memory_mib}        100        100'"),
            ),
        ];
        for (name, body) in stubs {
            let path = self.path("bin").join(name);
            fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            Command::new("chmod").arg("+x").arg(&path).status().unwrap();
        }
    }

    pub fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    /// Runs `script` with bash, the stubs first on PATH, in the sandbox.
    pub fn run(&self, script: &str, args: &[&str], env: &[(&str, &Path)]) -> Output {
        let file = self.path("setup.sh");
        fs::write(&file, script).unwrap();
        let path = format!(
            "{}:{}",
            self.path("bin").display(),
            std::env::var("PATH").unwrap()
        );
        let mut command = Command::new("bash");
        command
            .arg(&file)
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("STUB_LOG", self.path("log"));
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().unwrap()
    }

    pub fn calls(&self) -> Vec<Call> {
        let mut files: Vec<_> = fs::read_dir(self.path("log"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        files
            .iter()
            .map(|file| {
                fs::read_to_string(file)
                    .unwrap()
                    .split_terminator('\0')
                    .map(String::from)
                    .collect()
            })
            .collect()
    }
}

pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "script failed: {}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Answers "no such cluster / node pool", as for a new project, so the script creates them.
pub const GCLOUD_NOTHING_EXISTS: &str = "case \" $* \" in *' describe '*) exit 1 ;; esac";

/// The value of `--flag=value` in `call`.
pub fn flag<'a>(call: &'a Call, name: &str) -> Option<&'a str> {
    let prefix = format!("{name}=");
    call.iter().find_map(|arg| arg.strip_prefix(&prefix))
}

pub fn find_call<'a>(calls: &'a [Call], words: &[&str]) -> &'a Call {
    calls
        .iter()
        .find(|call| call.len() > words.len() && call[..words.len()] == *words)
        .unwrap_or_else(|| panic!("no call {words:?} in {calls:#?}"))
}
