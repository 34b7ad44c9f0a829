//! Portolan's desktop shell.
//!
//! Thin on purpose: it sets up the window, the settings store and the app state, and
//! exposes a few commands (`commands::*`), each a few lines over the operations layer
//! (`portolan_ops`; the app does not depend on the `portolan` engine directly). Registry
//! logic, HTTP and manifest parsing live in the engine under it; the webview reaches the
//! backend only through these commands (no shell, fs or http plugin, a strict CSP).

pub mod bindings;
pub mod commands;
pub mod error;
#[cfg(test)]
mod generated;
pub mod reads;
pub mod settings;
pub mod state;
pub mod test_hooks;
#[cfg(target_os = "linux")]
mod webkit;

use tauri::Manager;

/// Put the demo registry (started by `scripts/demo`) first in the list.
fn add_demo_registry(s: &mut settings::Settings) {
    let Ok(host) = std::env::var("PORTOLAN_DEMO_REGISTRY") else {
        return;
    };
    s.registries.retain(|r| r.host != host);
    s.registries.insert(
        0,
        settings::RegistryEntry {
            name: "Demo registry".to_owned(),
            host,
            insecure: true,
            ca_file: None,
        },
    );
}

/// Start the app.
pub fn run() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PORTOLAN_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("portolan=warn,portolan_app=info")
            }),
        )
        .with_writer(std::io::stderr)
        .try_init();
    #[cfg(target_os = "linux")]
    webkit::set_environment();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let handle = app.handle();
            let store = settings::SettingsStore::open(handle)?;
            let mut s = store.load()?;
            add_demo_registry(&mut s);
            // Saved without the run's overrides (`PORTOLAN_DOWNLOAD_DIR`): those live in
            // the app state, for this run only.
            store.save(&s)?;
            let downloads = handle.path().download_dir().map_err(|e| e.to_string());
            if let (Some((w, h)), Some(window)) = (s.window, app.get_webview_window("main")) {
                let _ = window.set_size(tauri::LogicalSize::new(w, h));
            }
            app.manage(state::AppState::new(store, downloads, &s));
            #[cfg(target_os = "linux")]
            if let Some(window) = app.get_webview_window("main") {
                webkit::configure(&window);
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                window
                    .app_handle()
                    .state::<state::AppState>()
                    .dropped(paths);
            }
            if let tauri::WindowEvent::CloseRequested { .. } = event {
                let state = window.app_handle().state::<state::AppState>();
                if let (Ok(size), Ok(scale), Ok(mut s)) = (
                    window.inner_size(),
                    window.scale_factor(),
                    state.settings.load(),
                ) {
                    let logical = size.to_logical::<u32>(scale);
                    s.window = Some((logical.width, logical.height));
                    let _ = state.settings.save(&s);
                }
            }
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!());
    let result = app.map(|app| {
        // Between GTK's start (in `build`) and the first webview (in `run`).
        #[cfg(target_os = "linux")]
        webkit::set_network_memory_pressure();
        app.run(|_, _| {});
    });
    if let Err(e) = result {
        eprintln!("error: Portolan could not start: {e}");
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            eprintln!("There is no display. Run it on a desktop, or under `xvfb-run -a` to try it headless.");
        }
        std::process::exit(1);
    }
}
