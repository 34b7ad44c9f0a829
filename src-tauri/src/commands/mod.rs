//! The commands the UI may call. Each is a few lines over the engine or the settings;
//! anything that knows about registries lives in `portolan`, not here.

pub mod browse;
pub mod registries;
pub mod settings;
pub mod transfer;
