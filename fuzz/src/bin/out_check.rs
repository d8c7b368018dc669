//! Fuzz target: any bytes as a profile file -> `render --out` and `check`, the two commands
//! that write and read folders (issue 17).
//!
//! For every profile that loads: its files are written into a fresh folder, which `check`
//! then finds equal; written again over a folder hfgen wrote but where a user added a file,
//! the write is refused and the user's file is still there; and no staging folder is left
//! beside either. The last input byte also picks a hostile change to the written folder (a
//! symlink to a file outside, a FIFO, an extra file), which `check` must report as drift or
//! as an error, without panicking, blocking or reading outside the folder.

use hfgen::check::{compare, expected_files};
use hfgen::emit::out_dir::write_folder;
use std::fs;
use std::path::Path;

fn main() {
    let base = std::env::temp_dir().join(format!("hfgen-fuzz-out-{}", std::process::id()));
    let profile = base.join("profile.toml");
    let spec = profile.to_str().expect("temp paths are UTF-8").to_string();
    afl::fuzz!(|data: &[u8]| {
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(&base).expect("scratch folder");
        fs::write(&profile, data).expect("profile file");
        let Ok(loaded) = hfgen::profile::load(&spec, &[]) else {
            return;
        };
        let files = expected_files(&loaded).expect("a loaded profile renders");

        let fresh = base.join("fresh");
        write_folder(&fresh, &files).expect("a fresh folder is written");
        assert!(compare(&fresh, &files).expect("readable").is_empty());

        let user = base.join("user");
        write_folder(&user, &files).expect("a fresh folder is written");
        fs::write(user.join("notes.txt"), "mine").expect("user file");
        assert!(write_folder(&user, &files).is_err(), "a user's file was not protected");
        assert_eq!(fs::read(user.join("notes.txt")).expect("kept"), b"mine");

        hostile_change(&fresh, data.last().copied().unwrap_or(0));
        let _ = compare(&fresh, &files);

        for entry in fs::read_dir(&base).expect("scratch folder").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with(".hfgen-"), "left behind: {name}");
        }
    });
}

fn hostile_change(folder: &Path, choice: u8) {
    let outside = folder.parent().expect("in base").join("profile.toml");
    let target = folder.join("cm.yml");
    let _ = match choice % 4 {
        0 => fs::remove_file(&target)
            .and_then(|()| std::os::unix::fs::symlink(&outside, &target)),
        1 => fs::remove_file(&target).and_then(|()| {
            std::process::Command::new("mkfifo")
                .arg(&target)
                .status()
                .map(|_| ())
        }),
        2 => fs::write(folder.join("extra.yml"), "extra: 1\n"),
        _ => fs::write(&target, "changed\n"),
    };
}
