//! WebKitGTK's rendering and memory settings (Linux only).
//!
//! Portolan shows one page that never navigates: a list app, not a browser. WebKit's
//! defaults are a browser's, and on these machines they cost Portolan about 45 MB more than
//! it needs (`bench/app.sh` measures each setting; docs/performance.md has the
//! numbers). Each setting here can be switched back by an environment variable, so that the
//! bench can measure what it saves and a user can undo it.

mod features;

use webkit2gtk::{
    CacheModel, MemoryPressureSettings, WebContextExt, WebViewExt, WebsiteDataManager,
};

/// Settings WebKit reads from the environment, set before GTK starts and before any
/// thread does (the web process inherits them). A variable the user set is left alone.
///
/// - Painting: on the CPU when [`paint_on_cpu`] says so.
/// - JavaScript: the UI's scripts are small and the heavy work is in Rust, so
///   JavaScriptCore's JIT compilers cost more memory (about 16 MB here with 10,000 tags
///   listed: 10 for the optimising tiers, 6 for the baseline JIT) than they save time; its
///   interpreter runs the UI (filtering 10,000 tags stays within a frame). It also leaves
///   no writable-and-executable memory in the process that shows registry text.
///   `PORTOLAN_WEBKIT_JIT=1` turns the JIT back on.
pub fn set_environment() {
    if paint_on_cpu() {
        set_unless_set("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1");
    }
    if std::env::var("PORTOLAN_WEBKIT_JIT").as_deref() != Ok("1") {
        set_unless_set("JSC_useJIT", "false");
    }
}

fn set_unless_set(name: &str, value: &str) {
    if std::env::var_os(name).is_none() {
        std::env::set_var(name, value);
    }
}

/// Where WebKit paints: `PORTOLAN_WEBKIT_PAINTING=cpu` or `gpu`; by default on the CPU when
/// the machine has no GPU that Mesa can use (no `/dev/dri/renderD*` node, or
/// `LIBGL_ALWAYS_SOFTWARE` set), where "GPU" painting runs on Mesa's software renderer
/// anyway and holds about 30 MB of GL buffers and glyph atlases more than painting on the
/// CPU. With a GPU, WebKit's default (painting on it) stays.
fn paint_on_cpu() -> bool {
    match std::env::var("PORTOLAN_WEBKIT_PAINTING").as_deref() {
        Ok("cpu") => true,
        Ok("gpu") => false,
        _ => !has_gpu(),
    }
}

/// Whether Mesa could use a GPU here: a render node exists, and software GL is not forced.
fn has_gpu() -> bool {
    if std::env::var_os("LIBGL_ALWAYS_SOFTWARE").is_some_and(|v| v != "0" && !v.is_empty()) {
        return false;
    }
    std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// Settings of the window's web view: the cache model and the scrolling of inner areas.
pub fn configure(window: &tauri::WebviewWindow) {
    let model = cache_model();
    let async_overflow =
        std::env::var("PORTOLAN_WEBKIT_ASYNC_OVERFLOW_SCROLLING").as_deref() == Ok("1");
    let _ = window.with_webview(move |webview| {
        let view = webview.inner();
        if let (Some(model), Some(context)) = (model, view.context()) {
            context.set_cache_model(model);
        }
        if let Some(settings) = view.settings() {
            match features::set(&settings, "AsyncOverflowScrolling", async_overflow) {
                features::Outcome::Set => {}
                features::Outcome::NoSuchFeature => {
                    tracing::debug!("this WebKit has no AsyncOverflowScrolling feature");
                }
                features::Outcome::Unsupported(missing) => tracing::warn!(
                    "this WebKitGTK is older than 2.42 (it has no {missing}): inner areas keep WebKit's own scrolling"
                ),
            }
        }
    });
}

/// The cache model: "document viewer" (no back/forward cache, a small memory cache) fits
/// one page that never navigates. `PORTOLAN_WEBKIT_CACHE_MODEL=default` keeps WebKit's own
/// (a web browser's); `web-browser`, `document-browser` and `document-viewer` pick one.
fn cache_model() -> Option<CacheModel> {
    match std::env::var("PORTOLAN_WEBKIT_CACHE_MODEL").as_deref() {
        Ok("default") => None,
        Ok("web-browser") => Some(CacheModel::WebBrowser),
        Ok("document-browser") => Some(CacheModel::DocumentBrowser),
        _ => Some(CacheModel::DocumentViewer),
    }
}

/// Memory-pressure settings for WebKit's network process (the only process whose
/// settings a Tauri app can reach: the web process's are fixed when wry creates its
/// web context). Off unless `PORTOLAN_WEBKIT_MEMORY_PRESSURE=MB` (a memory limit in MB)
/// is set; must run before the first webview exists.
pub fn set_network_memory_pressure() {
    let Some(limit) = std::env::var("PORTOLAN_WEBKIT_MEMORY_PRESSURE")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|&mb| mb > 0)
    else {
        return;
    };
    let mut settings = MemoryPressureSettings::new();
    settings.set_memory_limit(limit);
    settings.set_conservative_threshold(0.33);
    settings.set_strict_threshold(0.5);
    settings.set_poll_interval(5.0);
    WebsiteDataManager::set_memory_pressure_settings(&mut settings);
}
