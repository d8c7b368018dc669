// Parsing YAML into values is most of hfgen's work, and it allocates for every node.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(hfgen::cli::main())
}
