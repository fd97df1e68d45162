//! The `steppe` binary: a thin shell over [`steppe_cli::run`].

// mimalloc instead of the system allocator: Parquet encoding allocates and frees
// row-group-sized buffers on several threads, which glibc's malloc serves with fresh pages each
// time (a third of a large import's time went to page faults; issue 5).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(steppe_cli::run(std::env::args_os()));
}
