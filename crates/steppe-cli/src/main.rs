//! The `steppe` binary: a thin shell over [`steppe_cli::run`].

fn main() {
    std::process::exit(steppe_cli::run(std::env::args_os()));
}
