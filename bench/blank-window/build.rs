//! Generates the Tauri context (config, capabilities) for the blank window.
fn main() {
    tauri_build::build();
}
