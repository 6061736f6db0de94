//! The `ccsim` binary: all logic is in the library; this maps it to an exit code.

fn main() {
    std::process::exit(ccsim::cli::main());
}
