//! A blank Tauri 2 window: same Tauri and WebKitGTK as Portolan, same window size and
//! security flags, an empty page. `bench/app.sh` measures Portolan's memory as a ratio to
//! this window's, both measured in the same run on the same machine.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("error: the blank window could not start: {e}");
        std::process::exit(1);
    }
}
