//! `portolan`: the desktop app. Everything happens in `portolan_app::run`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    portolan_app::run()
}
