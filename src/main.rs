fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(hfgen::cli::main())
}
