//! Checks of the harness's own stand-ins, apart from any scenario: the RabbitMQ broker it
//! starts, and how its kubelet builds a container's env.

use crate::harness::deployment::Deployment;
use crate::harness::kubelet::{Node, PodSpecError, PreparedPod, Secrets};
use crate::harness::processes::{any_alive, wait_until, ProcessGroup};
use crate::harness::rabbitmq::{Queue, RabbitMq};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

#[test]
fn rabbitmq_runs_on_loopback_and_leaves_nothing_behind() {
    let tmp = tempfile::Builder::new()
        .prefix("hfgen-e2e-rabbitmq-")
        .tempdir()
        .expect("a temporary folder");
    // Two at once, as two scenarios of the parallel test threads would start them.
    let brokers: Vec<(RabbitMq, Duration)> = std::thread::scope(|scope| {
        let handles: Vec<_> = ["a", "b"]
            .map(|name| {
                let dir = tmp.path().join(name);
                scope.spawn(move || {
                    let start = Instant::now();
                    let credentials = [
                        ("RABBITMQ_DEFAULT_USER", "hyperflow"),
                        ("RABBITMQ_DEFAULT_PASS", "e2e-Secret.pass_1"),
                    ]
                    .map(|(name, value)| (name.to_string(), value.to_string()));
                    let broker = RabbitMq::start(&dir, &credentials, &[]);
                    (broker, start.elapsed())
                })
            })
            .into();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a broker thread"))
            .collect()
    });
    for (broker, took) in &brokers {
        eprintln!(
            "e2e: RabbitMQ {} accepted AMQP after {:.1} s",
            broker.node_name,
            took.as_secs_f64()
        );
    }
    let [(first, _), (second, _)] = &brokers[..] else {
        unreachable!()
    };
    assert_ne!(first.port, second.port);
    assert_ne!(first.node_name, second.node_name);

    let mut pids = BTreeSet::new();
    for (broker, queue) in [(first, "first-queue"), (second, "second-queue")] {
        let processes = broker.process_ids();
        assert!(
            processes.len() >= 3,
            "epmd, the VM, erl_child_setup: {processes:?}"
        );
        for address in listening_addresses(&processes) {
            assert!(
                address.ip().is_loopback(),
                "{} listens on {address}\n{}",
                broker.node_name,
                broker.log_tail(10)
            );
        }
        pids.extend(processes);
        send_one_message(&tmp.path().join(queue), &broker.host(), queue);
    }
    // Each broker has its own queue only: rabbitmqctl reached the broker it was meant for.
    for (broker, queue) in [(first, "first-queue"), (second, "second-queue")] {
        assert_eq!(
            broker.queues(),
            [Queue {
                name: queue.to_string(),
                messages: 1,
                unacknowledged: 0,
                consumers: 0
            }],
            "{}",
            broker.log_tail(10)
        );
    }
    // The wrong password is refused: the broker has the given user, not a default guest.
    let wrong = first.host().replace("e2e-Secret.pass_1", "guest");
    let refused = amqp_client(&tmp.path().join("refused"), &wrong, "none");
    assert_ne!(refused, Some(0), "a wrong password was accepted");

    let node_names: Vec<String> = brokers.iter().map(|(b, _)| b.node_name.clone()).collect();
    let ports: Vec<u16> = brokers.iter().map(|(b, _)| b.port).collect();
    drop(brokers);
    let all_ended = wait_until(Duration::from_secs(10), || !any_alive(&pids));
    assert!(
        all_ended,
        "still running after the drop: {}",
        ps_lines(&pids)
    );
    for node_name in &node_names {
        let output = Command::new("pgrep")
            .args(["-a", "-f", node_name])
            .output()
            .expect("pgrep runs");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "",
            "a process of {node_name} remains"
        );
    }
    for port in ports {
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err(), "{port}");
    }
}

/// Declares `queue` on the broker at `host` (`user:password@address:port`) and sends it one
/// message, with the job executor's amqplib under Node from PATH.
fn send_one_message(dir: &Path, host: &str, queue: &str) {
    let code = amqp_client(dir, host, queue);
    assert_eq!(
        code,
        Some(0),
        "the amqplib client could not send to {queue}:\n{}",
        std::fs::read_to_string(dir.join("log")).unwrap_or_default()
    );
}

/// The exit code of a small amqplib client that sends one message to `queue` (`None`: it
/// did not end within 20 s).
fn amqp_client(dir: &Path, host: &str, queue: &str) -> Option<i32> {
    let amqplib = crate::harness::node::NodePackages::installed().amqplib();
    std::fs::create_dir_all(dir).expect("create the client folder");
    let script = dir.join("send.js");
    std::fs::write(
        &script,
        "const [amqplib, host, queue] = process.argv.slice(2);\n\
         require(amqplib).connect(`amqp://${host}`).then(async (connection) => {\n\
           const channel = await connection.createChannel();\n\
           await channel.assertQueue(queue);\n\
           channel.sendToQueue(queue, Buffer.from('{}'));\n\
           await channel.close();\n\
           await connection.close();\n\
         }).catch((err) => { console.error(err); process.exit(1); });\n",
    )
    .expect("write the client script");
    let log = std::fs::File::create(dir.join("log")).expect("create the client log");
    let mut command = Command::new("node");
    command
        .arg(&script)
        .arg(&amqplib)
        .args([host, queue])
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone the log handle"))
        .stderr(log);
    let mut client = ProcessGroup::spawn(command, "node (amqplib client)");
    wait_until(Duration::from_secs(20), || client.exit_code().is_some());
    client.exit_code().flatten()
}

/// The TCP addresses that processes of `pids` listen on, from their sockets in `/proc`.
fn listening_addresses(pids: &BTreeSet<u32>) -> Vec<SocketAddr> {
    let mut inodes = BTreeSet::new();
    for pid in pids {
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let target = std::fs::read_link(fd.path()).unwrap_or_default();
            if let Some(inode) = target
                .to_str()
                .and_then(|target| target.strip_prefix("socket:["))
                .and_then(|rest| rest.strip_suffix(']'))
            {
                inodes.insert(inode.to_string());
            }
        }
    }
    let mut addresses = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            let fields: Vec<&str> = line.split_whitespace().collect();
            const LISTEN: &str = "0A";
            if fields.len() > 9 && fields[3] == LISTEN && inodes.contains(fields[9]) {
                addresses.push(parse_proc_address(fields[1]));
            }
        }
    }
    assert!(
        !addresses.is_empty(),
        "no listening sockets found for {pids:?}"
    );
    addresses
}

/// `0100007F:1F90` (IPv4) or 32 hex digits and a port (IPv6): the kernel prints each 32-bit
/// word of the address as a number in the machine's byte order.
fn parse_proc_address(text: &str) -> SocketAddr {
    let (ip, port) = text.split_once(':').expect("address:port");
    let port = u16::from_str_radix(port, 16).expect("a hex port");
    let bytes: Vec<u8> = (0..ip.len() / 8)
        .map(|word| u32::from_str_radix(&ip[word * 8..word * 8 + 8], 16).expect("hex"))
        .flat_map(u32::to_ne_bytes)
        .collect();
    let ip = match <[u8; 4]>::try_from(&bytes[..]) {
        Ok(v4) => IpAddr::V4(Ipv4Addr::from(v4)),
        Err(_) => IpAddr::V6(Ipv6Addr::from(
            <[u8; 16]>::try_from(&bytes[..]).expect("16 bytes"),
        )),
    };
    SocketAddr::new(ip, port)
}

/// `ps` lines of `pids`, for a failure message.
fn ps_lines(pids: &BTreeSet<u32>) -> String {
    Command::new("ps")
        .arg("-o")
        .arg("pid,stat,args")
        .arg("-p")
        .arg(
            pids.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(","),
        )
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).to_string())
        .unwrap_or_default()
}

/// A pod of one container `sh` with `env` and an emptyDir at /work, prepared by the kubelet
/// stand-in with `secrets` and the swap of the in-cluster RabbitMQ address.
fn prepare_pod_with_env(
    env: Value,
    command: Value,
    secrets: &Secrets,
) -> (Result<PreparedPod, PodSpecError>, TempDir) {
    let tmp = tempfile::Builder::new()
        .prefix("hfgen-e2e-kubelet-")
        .tempdir()
        .expect("a temporary folder");
    let deployment = Deployment {
        objects: vec![json!({
            "kind": "Job",
            "metadata": {"name": "hyperflow-engine", "namespace": "hyperflow"}
        })],
    };
    let pod = json!({
        "metadata": {"labels": {"app": "worker-pool"}},
        "spec": {
            "containers": [{
                "name": "main",
                "command": command,
                "env": env,
                "volumeMounts": [{"name": "work", "mountPath": "/work"}]
            }],
            "volumes": [{"name": "work", "emptyDir": {}}]
        }
    });
    let node = Node {
        deployment: &deployment,
        shared_volume: &tmp.path().join("volume"),
        pods_dir: &tmp.path().join("pods"),
        secrets,
    };
    let swaps = [(
        "rabbitmq.hyperflow.svc.cluster.local:5672".to_string(),
        "127.0.0.1:45672".to_string(),
    )];
    let prepared = node.prepare_pod("pool-1", &pod, Path::new("/nowhere"), &swaps);
    (prepared, tmp)
}

fn rabbitmq_secret() -> Secrets {
    Secrets::from([(
        "hyperflow-rabbitmq".to_string(),
        BTreeMap::from([
            ("username".to_string(), "hyperflow".to_string()),
            ("password".to_string(), "s3cret".to_string()),
        ]),
    )])
}

fn secret_ref(var: &str, secret: &str, key: &str) -> Value {
    json!({"name": var, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}})
}

#[test]
fn kubelet_expands_env_references_in_order_from_secrets_and_fields() {
    let env = json!([
        secret_ref("RABBITMQ_USERNAME", "hyperflow-rabbitmq", "username"),
        secret_ref("RABBITMQ_PASSWORD", "hyperflow-rabbitmq", "password"),
        {"name": "RABBIT_HOSTNAME",
         "value": "$(RABBITMQ_USERNAME):$(RABBITMQ_PASSWORD)@rabbitmq.hyperflow.svc.cluster.local:5672"},
        {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        // LATER is defined after it: the reference stays as written.
        {"name": "EARLY", "value": "$(POD)/$(LATER)"},
        {"name": "LATER", "value": "later"},
        {"name": "AFTER", "value": "$(LATER)-$(EARLY)"},
        {"name": "UNDEFINED", "value": "$(NOT_SET) $(not a name"},
        // $$ escapes, so $$(POD) is the text $(POD); a lone $ stays.
        {"name": "ESCAPED", "value": "$$(POD) costs $$5, $HOME and ${POD} stay, so does $"},
        {"name": "DATA", "value": "$(POD)"},
        // Redefined: later references see the new value.
        {"name": "DATA", "value": "/work/$(DATA)"},
        {"name": "TWICE", "value": "$(ESCAPED)"},
    ]);
    let (prepared, tmp) = prepare_pod_with_env(env, json!(["sh"]), &rabbitmq_secret());
    let pod = prepared.unwrap_or_else(|problem| panic!("{}", problem.0));
    let work = tmp.path().join("pods/pool-1/work");
    let work = work.display();
    assert_eq!(pod.env("RABBITMQ_USERNAME"), Some("hyperflow"));
    assert_eq!(pod.env("RABBITMQ_PASSWORD"), Some("s3cret"));
    // Expanded first, then the in-cluster address swapped for the local broker.
    assert_eq!(
        pod.env("RABBIT_HOSTNAME"),
        Some("hyperflow:s3cret@127.0.0.1:45672")
    );
    assert_eq!(pod.env("EARLY"), Some("pool-1/$(LATER)"));
    assert_eq!(pod.env("AFTER"), Some("later-pool-1/$(LATER)"));
    assert_eq!(pod.env("UNDEFINED"), Some("$(NOT_SET) $(not a name"));
    let escaped = "$(POD) costs $5, $HOME and ${POD} stay, so does $";
    assert_eq!(pod.env("ESCAPED"), Some(escaped));
    // An expanded value is not expanded again where it is referenced.
    assert_eq!(pod.env("TWICE"), Some(escaped));
    // Mount paths are mapped in the expanded value (the last DATA is what the process gets).
    let data: Vec<&str> = pod
        .env_vars()
        .filter(|(name, _)| *name == "DATA")
        .map(|(_, value)| value)
        .collect();
    assert_eq!(data, ["pool-1".to_string(), format!("{work}/pool-1")]);
}

#[test]
fn kubelet_expands_command_and_args_from_the_whole_env() {
    let env = json!([
        {"name": "OUT", "value": "/work/out"},
        secret_ref("RABBITMQ_PASSWORD", "hyperflow-rabbitmq", "password"),
        {"name": "URL", "value": "amqp://rabbitmq.hyperflow.svc.cluster.local:5672"},
    ]);
    let command = json!([
        "sh",
        "-c",
        "echo $(RABBITMQ_PASSWORD) $$(OUT) $(node -v) $((1 + 2)) > $(OUT)/x; echo $(URL)"
    ]);
    let (prepared, tmp) = prepare_pod_with_env(env, command, &rabbitmq_secret());
    let pod = prepared.unwrap_or_else(|problem| panic!("{}", problem.0));
    let work = tmp.path().join("pods/pool-1/work");
    assert_eq!(
        pod.argv(),
        [
            "sh".to_string(),
            "-c".to_string(),
            format!(
                "echo s3cret $(OUT) $(node -v) $((1 + 2)) > {}/out/x; echo amqp://127.0.0.1:45672",
                work.display()
            )
        ]
    );
}

#[test]
fn kubelet_refuses_a_missing_secret_or_key_unless_optional() {
    let secrets = rabbitmq_secret();
    for (secret, key, names) in [
        ("hyperflow-rabbitmq", "token", "has no key \"token\""),
        (
            "other-secret",
            "password",
            "Secret \"other-secret\" not found",
        ),
    ] {
        let env = json!([secret_ref("RABBITMQ_PASSWORD", secret, key)]);
        let (prepared, _tmp) = prepare_pod_with_env(env, json!(["sh"]), &secrets);
        let Err(PodSpecError(problem)) = prepared else {
            panic!("{secret}/{key}: the container started without its Secret");
        };
        assert!(problem.contains(names), "{problem}");
        assert!(problem.contains("RABBITMQ_PASSWORD"), "{problem}");
    }
    // Optional: the variable is not defined, so a reference to it stays as written.
    let mut optional = secret_ref("TOKEN", "hyperflow-rabbitmq", "token");
    optional["valueFrom"]["secretKeyRef"]["optional"] = json!(true);
    let mut optional_secret = secret_ref("OTHER", "other-secret", "token");
    optional_secret["valueFrom"]["secretKeyRef"]["optional"] = json!(true);
    let env = json!([
        optional,
        optional_secret,
        {"name": "HEADER", "value": "Bearer $(TOKEN)"}
    ]);
    let (prepared, _tmp) = prepare_pod_with_env(env, json!(["sh"]), &secrets);
    let pod = prepared.unwrap_or_else(|problem| panic!("{}", problem.0));
    assert_eq!(pod.env("TOKEN"), None);
    assert_eq!(pod.env("OTHER"), None);
    assert_eq!(pod.env("HEADER"), Some("Bearer $(TOKEN)"));
}
