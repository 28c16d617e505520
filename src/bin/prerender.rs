//! `wslab-prerender [DIR]`: writes every route's page, rendered by Yew's
//! server-side renderer, into a built site (DIR, or Trunk's staging folder
//! `$TRUNK_STAGING_DIR` when run as Trunk's post-build hook). See
//! `wslab::prerender`. As the hook, it first cuts the builds with chunks
//! (`wslab::split`): Trunk runs its hooks side by side, so the one hook
//! does both, in order, and in release then minifies the scripts and the
//! stylesheet (`wslab::minify`) before it writes the pages, each with the
//! stylesheet inside (`prerender::inline_stylesheet`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wslab-prerender: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn run() -> Result<(), String> {
    use std::path::PathBuf;
    use wslab::prerender;

    // As the hook, Trunk's profile: a release build's scripts are minified.
    let (dir, profile) = match std::env::args_os().nth(1) {
        Some(dir) => (PathBuf::from(dir), None),
        None => {
            let dir = std::env::var_os("TRUNK_STAGING_DIR")
                .map(PathBuf::from)
                .ok_or("give the built site's folder (or run as Trunk's post_build hook)")?;
            let source = std::env::var_os("TRUNK_SOURCE_DIR")
                .map(PathBuf::from)
                .ok_or("Trunk's hook sets TRUNK_SOURCE_DIR")?;
            let profile = wslab::split::Profile::from_trunk(
                &std::env::var("TRUNK_PROFILE").map_err(|_| "Trunk's hook sets TRUNK_PROFILE")?,
            )?;
            wslab::split::run(&dir, &source.join("Cargo.toml"), profile)?;
            (dir, Some(profile))
        }
    };
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let template = read("index.html")?;
    // Where the pages connect by default: `cargo xtask serve --echo-port` sets it.
    let echo_base = std::env::var("WSLAB_ECHO_URL")
        .unwrap_or_else(|_| wslab::services::browser::DEFAULT_ECHO_BASE.to_owned());
    // Scripts and stylesheet as shipped first: each page carries the stylesheet.
    write("boot.js", &prerender::without_comments(&read("boot.js")?))?;
    if profile == Some(wslab::split::Profile::Release) {
        wslab::minify::run(&dir)?;
    }
    let css = read("style.css")?;
    let pages = prerender::pages();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    for page in &pages {
        let body = runtime.block_on(prerender::render(&page.path));
        let html = prerender::fill(&template, page, &page.route.document_title(), &body)?;
        let html = prerender::set_echo_base(&html, &echo_base)?;
        let html = prerender::inline_stylesheet(&html, &css)?;
        write(&page.file, &html)?;
    }
    // Every page holds it now: nothing asks for the file.
    let stylesheet = dir.join("style.css");
    std::fs::remove_file(&stylesheet)
        .map_err(|e| format!("cannot remove {}: {e}", stylesheet.display()))?;
    // Last: the service worker's cache is named after every other file.
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?
    {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != "sw.js" && entry.path().is_file() {
            let bytes = std::fs::read(entry.path())
                .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
            files.push((name, bytes));
        }
    }
    let service_worker = prerender::fill_service_worker(&read("sw.js")?, &pages)?;
    let service_worker =
        prerender::name_service_worker_cache(&service_worker, &prerender::site_digest(&files))?;
    write("sw.js", &prerender::without_comments(&service_worker))?;
    println!(
        "wslab-prerender: {} pages into {}",
        pages.len(),
        dir.display()
    );
    Ok(())
}

#[cfg(target_arch = "wasm32")]
fn main() {}
