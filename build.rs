//! With a `split-*` feature (which turns on `split`) on wasm32, the linker keeps its relocations
//! (`--emit-relocs`): wasm-split-cli reads them to cut the module into chunks
//! (see `src/split.rs`). No other build is touched.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    if wasm && std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
}
