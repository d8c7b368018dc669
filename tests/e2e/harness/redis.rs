//! `redis-server` from the host on a free loopback port, with no persistence.

use super::processes::{free_port, wait_until, ProcessGroup};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

pub struct Redis {
    pub port: u16,
    _process: ProcessGroup,
}

impl Redis {
    pub fn start(dir: &Path) -> Redis {
        let port = free_port();
        let mut command = Command::new(crate::common::external_tool("redis-server"));
        command
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let process = ProcessGroup::spawn(command, "redis-server");
        let ready = wait_until(Duration::from_secs(10), || ping(port));
        assert!(
            ready,
            "redis-server did not answer PING on 127.0.0.1:{port} within 10 s"
        );
        Redis {
            port,
            _process: process,
        }
    }

    /// The address the engine gets in place of the in-cluster Redis Service.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut answer = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG\r\n"
}
