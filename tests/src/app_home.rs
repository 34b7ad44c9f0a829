//! A private home for the desktop app under test: its settings, keyring data, downloads and
//! Docker config live in a temporary folder, never the user's.

use std::path::Path;

use crate::webdriver::Driver;

/// The app's home for one test.
pub struct AppHome(tempfile::TempDir);

impl Default for AppHome {
    fn default() -> Self {
        Self::new()
    }
}

impl AppHome {
    /// A new, empty home.
    pub fn new() -> Self {
        Self(tempfile::tempdir().expect("tmp"))
    }

    /// Its folder.
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// A WebDriver session's driver for the app living here.
    pub fn driver(&self) -> Driver {
        self.driver_with(&[])
    }

    /// The same, with more environment for the app (`PORTOLAN_DEMO_REGISTRY`, ...).
    pub fn driver_with(&self, extra: &[(&str, &Path)]) -> Driver {
        let p = self.0.path();
        for d in ["data", "config", "cache", "downloads", "docker"] {
            std::fs::create_dir_all(p.join(d)).expect("mkdir");
        }
        let (config, cache, downloads, docker, data) = (
            p.join("config"),
            p.join("cache"),
            p.join("downloads"),
            p.join("docker"),
            p.join("data"),
        );
        let mut env: Vec<(&str, &Path)> = vec![
            ("XDG_CONFIG_HOME", &config),
            ("XDG_CACHE_HOME", &cache),
            ("PORTOLAN_DOWNLOAD_DIR", &downloads),
            ("DOCKER_CONFIG", &docker),
            ("XDG_DATA_HOME", &data),
        ];
        env.extend_from_slice(extra);
        Driver::start(&env)
    }

    /// Every file the app wrote, as text (to check no secret is on disk).
    pub fn written_text(&self) -> String {
        let mut out = String::new();
        let mut stack = vec![self.0.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(t) = std::fs::read(&p) {
                    out.push_str(&String::from_utf8_lossy(&t));
                }
            }
        }
        out
    }
}
