//! The `steppe` binary: a thin shell over [`steppe_cli::run`].

// mimalloc instead of the system allocator: Parquet encoding allocates and frees
// row-group-sized buffers on several threads, which glibc's malloc serves with fresh pages each
// time (a third of a large import's time went to page faults; issue 5). Built without
// transparent huge pages (`no_thp` in Cargo.toml): with them, mimalloc advises its arenas as
// huge pages and every touch faults in 2 MiB, so a selective query of a 50-million-row store
// peaked at 720-1,060 MiB and 1.4-3.7 s instead of 125 MiB and 0.3 s (docs/performance.md).
// Behind the default `mimalloc` feature, so the Python extension (which links the library
// without it) never carries an allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(steppe_cli::run(std::env::args_os()));
}
