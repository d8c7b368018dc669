fn main() -> std::process::ExitCode {
    // A panic is a bug in hfgen: say so, with a code, and exit 70, not Rust's 101 and
    // backtrace note, so a script tells it from bad input (2).
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|at| format!("{}:{}", at.file(), at.line()));
        let error = hfgen::error::panic_error(info.payload(), location);
        hfgen::cli::report(&error);
        std::process::exit(i32::from(error.exit_code()));
    }));
    std::process::ExitCode::from(hfgen::cli::main())
}
