//! `rabbitmq-server` from the host (Debian's 3.10) on free loopback ports, with everything of
//! its own in one folder: data, logs, config, Erlang cookie. Its epmd is started here in the
//! foreground, so the broker does not spawn a daemon that would outlive the test.

use super::processes::{descendants, free_port, tail, wait_until, ProcessGroup};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The broker's own scripts. Debian's `/usr/sbin/rabbitmq-server` is a wrapper that `su`s to the
/// `rabbitmq` user when run as root (in a new session, out of reach of the process group kill),
/// and cds to /var/lib/rabbitmq; these run as the current user, where they are started.
const RABBITMQ_BIN: &str = "/usr/lib/rabbitmq/bin";

/// The broker took 7-8 s to accept AMQP on the 2-core development machine, alone or two at once.
const START_LIMIT: Duration = Duration::from_secs(60);

/// How long a `rabbitmqctl` call may take (about 1.3 s measured).
const CTL_LIMIT: Duration = Duration::from_secs(30);

pub struct RabbitMq {
    /// The AMQP port on 127.0.0.1.
    pub port: u16,
    /// The management API's HTTP port on 127.0.0.1 (KEDA reads the queue lengths there).
    pub management_port: u16,
    /// The Erlang node name, unique per broker (`hfgen-e2e-<port>@localhost`).
    pub node_name: String,
    user: String,
    password: String,
    dir: PathBuf,
    epmd_port: u16,
    // Dropped in this order: the broker, then the epmd it registered with.
    broker: ProcessGroup,
    epmd: ProcessGroup,
}

/// One queue as `rabbitmqctl list_queues` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub name: String,
    /// Messages ready for delivery.
    pub messages: u64,
    /// Messages delivered to a consumer and not yet acknowledged.
    pub unacknowledged: u64,
    pub consumers: u64,
}

impl RabbitMq {
    /// Starts a broker as the rendered container runs it, and waits until it speaks AMQP and
    /// its management API listens: its only user comes from the container's env,
    /// `RABBITMQ_DEFAULT_USER` and `RABBITMQ_DEFAULT_PASS`, which RabbitMQ reads itself (with
    /// nothing about users in rabbitmq.conf). `dir` holds all its files; it must be empty or
    /// new.
    /// `conf_d` holds the files the rendered pod mounts into `/etc/rabbitmq/conf.d/` (name,
    /// text); the broker reads them after its rabbitmq.conf, as the image's broker does.
    pub fn start(dir: &Path, env: &[(String, String)], conf_d: &[(String, String)]) -> RabbitMq {
        let value = |name: &str| {
            env.iter()
                .find(|(var, _)| var == name)
                .map(|(_, value)| value.clone())
                .unwrap_or_else(|| panic!("the rabbitmq container sets no {name}"))
        };
        let credentials: Vec<(String, String)> = env
            .iter()
            .filter(|(var, _)| var.starts_with("RABBITMQ_DEFAULT_"))
            .cloned()
            .collect();
        let (user, password) = (
            value("RABBITMQ_DEFAULT_USER"),
            value("RABBITMQ_DEFAULT_PASS"),
        );
        // They go into rabbitmq.conf unquoted and into the AMQP URL unescaped (RABBIT_HOSTNAME).
        for credential in [&user, &password] {
            assert!(
                !credential.is_empty()
                    && credential
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)),
                "RabbitMq::start: {credential:?} must be URL-safe letters, digits or -._~"
            );
        }
        let [port, epmd_port, dist_port, management_port] = distinct_free_ports();
        let node_name = format!("hfgen-e2e-{port}@localhost");
        std::fs::create_dir_all(dir).expect("create the RabbitMQ folder");
        std::fs::write(
            dir.join("rabbitmq.conf"),
            format!(
                "listeners.tcp.default = 127.0.0.1:{port}\n\
                 management.tcp.ip = 127.0.0.1\n\
                 management.tcp.port = {management_port}\n\
                 # The default user may connect from anywhere; only loopback listens.\n\
                 loopback_users = none\n"
            ),
        )
        .expect("write rabbitmq.conf");
        std::fs::create_dir_all(dir.join("conf.d")).expect("create conf.d");
        for (name, text) in conf_d {
            std::fs::write(dir.join("conf.d").join(name), text).expect("write a conf.d file");
        }
        // The rendered image is the management one: KEDA reads queue lengths there.
        std::fs::write(dir.join("enabled_plugins"), "[rabbitmq_management].\n")
            .expect("write enabled_plugins");
        // Stands in for /etc/rabbitmq/rabbitmq-env.conf, which the scripts would read otherwise.
        std::fs::write(dir.join("rabbitmq-env.conf"), "").expect("write rabbitmq-env.conf");

        let rabbitmq = |file: &str| {
            let path = Path::new(RABBITMQ_BIN).join(file);
            assert!(
                path.is_file(),
                "{} is missing: install Debian's rabbitmq-server (bash .ci/run does)",
                path.display()
            );
            path
        };
        let mut epmd = Command::new(crate::common::external_tool("epmd"));
        // Without -daemon it stays in the foreground, in its process group.
        epmd.args(["-port", &epmd_port.to_string(), "-address", "127.0.0.1"])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(log_file(&dir.join("epmd.log")))
            .stderr(log_file(&dir.join("epmd.log")));
        let epmd = ProcessGroup::spawn(epmd, "epmd");
        let epmd_up = wait_until(Duration::from_secs(10), || {
            TcpStream::connect(("127.0.0.1", epmd_port)).is_ok()
        });
        assert!(
            epmd_up,
            "epmd did not listen on 127.0.0.1:{epmd_port} within 10 s"
        );

        let mut broker = Command::new(rabbitmq("rabbitmq-server"));
        erlang_env(&mut broker, dir, epmd_port);
        broker.envs(credentials);
        broker
            .env("RABBITMQ_NODENAME", &node_name)
            .env("RABBITMQ_CONFIG_FILE", dir.join("rabbitmq.conf"))
            // Neither /etc/rabbitmq/conf.d nor /etc/rabbitmq/advanced.config.
            .env("RABBITMQ_CONFIG_FILES", dir.join("conf.d"))
            .env("RABBITMQ_ADVANCED_CONFIG_FILE", dir.join("advanced.config"))
            .env("RABBITMQ_ENABLED_PLUGINS_FILE", dir.join("enabled_plugins"))
            .env("RABBITMQ_MNESIA_BASE", dir.join("mnesia"))
            .env("RABBITMQ_LOG_BASE", dir.join("log"))
            .env("RABBITMQ_DIST_PORT", dist_port.to_string())
            // The script then execs the VM instead of waiting on it in the background, so the
            // VM is the process group's leader and is reaped by the drop; -noinput restores
            // what the script would have passed.
            .env("RABBITMQ_ALLOW_INPUT", "true")
            .env(
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
                // Distribution on loopback only, and no epmd of its own: ours already listens.
                "-noinput -start_epmd false -kernel inet_dist_use_interface {127,0,0,1}",
            )
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(log_file(&dir.join("broker.out")))
            .stderr(log_file(&dir.join("broker.out")));
        let mut broker = ProcessGroup::spawn(broker, "rabbitmq-server");
        let mut exited = false;
        let ready = wait_until(START_LIMIT, || {
            exited = broker.exit_code().is_some();
            exited
                || (amqp_handshake(port)
                    && TcpStream::connect(("127.0.0.1", management_port)).is_ok())
        });
        let rabbitmq = RabbitMq {
            port,
            management_port,
            node_name,
            user,
            password,
            dir: dir.to_path_buf(),
            epmd_port,
            broker,
            epmd,
        };
        assert!(
            ready && !exited,
            "rabbitmq-server {} did not complete an AMQP handshake on 127.0.0.1:{port} within {} s ({})\n{}",
            rabbitmq.node_name,
            START_LIMIT.as_secs(),
            if exited { "it exited" } else { "still running" },
            rabbitmq.log_tail(30)
        );
        rabbitmq
    }

    /// What `RABBIT_HOSTNAME` carries: the engine and the job listener connect to
    /// `amqp://${RABBIT_HOSTNAME}`.
    pub fn host(&self) -> String {
        format!("{}:{}@127.0.0.1:{}", self.user, self.password, self.port)
    }

    /// The queues of the default vhost, from `rabbitmqctl list_queues`.
    pub fn queues(&self) -> Vec<Queue> {
        let args = [
            "list_queues",
            "name",
            "messages_ready",
            "messages_unacknowledged",
            "consumers",
        ];
        let (rows, problem) = self.ctl_json(&args);
        let rows: Vec<BTreeMap<String, serde_json::Value>> = serde_json::from_value(rows.clone())
            .unwrap_or_else(|err| panic!("{}", problem(&format!("{err} in {rows}"))));
        let count = |row: &BTreeMap<String, serde_json::Value>, column: &str| {
            row.get(column)
                .and_then(serde_json::Value::as_u64)
                .unwrap_or_else(|| panic!("{}", problem(&format!("no {column} in {row:?}"))))
        };
        rows.iter()
            .map(|row| Queue {
                name: row
                    .get("name")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_else(|| panic!("{}", problem(&format!("no name in {row:?}"))))
                    .to_string(),
                messages: count(row, "messages_ready"),
                unacknowledged: count(row, "messages_unacknowledged"),
                consumers: count(row, "consumers"),
            })
            .collect()
    }

    /// The memory at which the broker blocks publishers (its watermark), in bytes, as
    /// `rabbitmqctl status` reports it.
    pub fn memory_limit(&self) -> u64 {
        let (status, problem) = self.ctl_json(&["status"]);
        status["vm_memory_high_watermark_limit"]
            .as_u64()
            .unwrap_or_else(|| {
                panic!(
                    "{}",
                    problem(&format!("no vm_memory_high_watermark_limit in {status}"))
                )
            })
    }

    /// `rabbitmqctl -n NODE ARGS... --formatter json`: its output, and a failure message
    /// maker with rabbitmqctl's stderr and the broker's log.
    fn ctl_json(&self, args: &[&str]) -> (serde_json::Value, impl Fn(&str) -> String + '_) {
        let output = self.dir.join(format!("rabbitmqctl-{}.json", args[0]));
        let err = self.dir.join("rabbitmqctl.err");
        let mut ctl = Command::new(Path::new(RABBITMQ_BIN).join("rabbitmqctl"));
        erlang_env(&mut ctl, &self.dir, self.epmd_port);
        ctl.args(["-n", &self.node_name])
            .args(args)
            .args(["--formatter", "json"])
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(File::create(&output).expect("create the rabbitmqctl output file"))
            .stderr(log_file(&err));
        let mut ctl = ProcessGroup::spawn(ctl, "rabbitmqctl");
        let ended = wait_until(CTL_LIMIT, || ctl.exit_code().is_some());
        let command = args[0].to_string();
        let problem = move |what: &str| {
            format!(
                "rabbitmqctl {command} on {}: {what}\n{}\n{}",
                self.node_name,
                std::fs::read_to_string(&err).unwrap_or_default(),
                self.log_tail(15)
            )
        };
        assert!(
            ended,
            "{}",
            problem(&format!("no answer within {} s", CTL_LIMIT.as_secs()))
        );
        assert_eq!(ctl.exit_code(), Some(Some(0)), "{}", problem("failed"));
        let text = std::fs::read_to_string(&output).expect("read the rabbitmqctl output");
        let value = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{}", problem(&format!("{err} in {text:?}"))));
        (value, problem)
    }

    /// The ids of every process of this broker now: epmd, the Erlang VM and all their
    /// descendants (erl_child_setup and its port programs start sessions of their own, so
    /// the process group does not name them).
    pub fn process_ids(&self) -> BTreeSet<u32> {
        descendants(&[self.broker.id(), self.epmd.id()])
    }

    /// The end of the broker's log and of what it printed, for a failure message.
    pub fn log_tail(&self, lines: usize) -> String {
        let file_tail = |path: PathBuf| {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            format!("--- {}:\n{}", path.display(), tail(&text, lines))
        };
        format!(
            "{}\n{}",
            file_tail(self.dir.join("broker.out")),
            file_tail(self.dir.join("log").join(format!("{}.log", self.node_name)))
        )
    }
}

/// What the broker and `rabbitmqctl` share to find each other: the Erlang cookie in `$HOME`,
/// the epmd port, and no system-wide RabbitMQ environment file.
fn erlang_env(command: &mut Command, dir: &Path, epmd_port: u16) {
    command
        .env("HOME", dir)
        .env("ERL_EPMD_PORT", epmd_port.to_string())
        .env("ERL_EPMD_ADDRESS", "127.0.0.1")
        .env("RABBITMQ_CONF_ENV_FILE", dir.join("rabbitmq-env.conf"))
        // rabbitmqctl is a distributed Erlang node too: on loopback only.
        .env(
            "RABBITMQ_CTL_ERL_ARGS",
            "-kernel inet_dist_use_interface {127,0,0,1}",
        );
}

/// Four free loopback ports, all different (the OS may hand out a released port again).
fn distinct_free_ports() -> [u16; 4] {
    loop {
        let ports = [free_port(), free_port(), free_port(), free_port()];
        let distinct: BTreeSet<u16> = ports.iter().copied().collect();
        if distinct.len() == ports.len() {
            return ports;
        }
    }
}

fn log_file(path: &Path) -> File {
    File::options()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|err| panic!("open {}: {err}", path.display()))
}

/// Whether the port answers an AMQP 0-9-1 protocol header with a method frame
/// (Connection.Start): the broker accepts clients, not just TCP connections.
fn amqp_handshake(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut frame_type = [0u8; 1];
    stream.write_all(b"AMQP\x00\x00\x09\x01").is_ok()
        && stream.read_exact(&mut frame_type).is_ok()
        && frame_type[0] == 1
}
