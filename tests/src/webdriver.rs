//! A small WebDriver client for driving the real app through tauri-driver (which starts
//! WebKitWebDriver, which starts the app). Keep-alive HTTP on loopback; every wait has a
//! deadline and polls.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::{free_port, require_program};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// tauri-driver, running.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Start tauri-driver on free ports, with `env` for the app it will start.
    pub fn start(env: &[(&str, &Path)]) -> Self {
        let program = std::env::var_os("TAURI_DRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| require_program("tauri-driver"));
        require_program("WebKitWebDriver");
        assert!(
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
            "no display: run the app tests under Xvfb (scripts/test does)"
        );
        let (port, native) = (free_port(), free_port());
        let mut cmd = Command::new(program);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start tauri-driver");
        let driver = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return driver;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("tauri-driver did not listen on {port}");
    }

    /// Open the app (a new WebDriver session).
    pub fn open(&self, application: &Path) -> Session {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client");
        let base = format!("http://127.0.0.1:{}", self.port);
        let body = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": application, "args": []}}}});
        let started = Instant::now();
        let resp: Value = http
            .post(format!("{base}/session"))
            .json(&body)
            .send()
            .expect("new session")
            .json()
            .expect("json");
        let id = resp["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {resp}"))
            .to_owned();
        Session {
            http,
            url: format!("{base}/session/{id}"),
            opened_in: started.elapsed(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver session on the app's window.
pub struct Session {
    http: reqwest::blocking::Client,
    url: String,
    /// How long the session (and so the app) took to start.
    pub opened_in: Duration,
}

/// An element in the page.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Element {
    /// The WebDriver id (to pass the element to a script).
    pub fn id(&self) -> &str {
        &self.0
    }
}

impl Session {
    fn post(&self, path: &str, body: Value) -> Value {
        let resp: Value = self
            .http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .expect("webdriver request")
            .json()
            .expect("webdriver json");
        resp["value"].clone()
    }

    fn get(&self, path: &str) -> Value {
        let resp: Value = self
            .http
            .get(format!("{}{path}", self.url))
            .send()
            .expect("webdriver request")
            .json()
            .expect("json");
        resp["value"].clone()
    }

    /// Run a script in the page and return its result.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
    }

    /// Elements matching a CSS selector (now, no waiting).
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self.post("/elements", json!({"using": "css selector", "value": css}));
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(|s| Element(s.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Wait up to `secs` for an element matching `css`.
    pub fn wait(&self, css: &str, secs: u64) -> Element {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(e) = self.find_all(css).into_iter().next() {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "no element {css} after {secs} s; page text: {}",
                self.page_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until `check(text of css)` holds.
    pub fn wait_text(&self, css: &str, secs: u64, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut seen = String::new();
        loop {
            if let Some(t) = self.text_of(css) {
                seen = t;
                if check(&seen) {
                    return seen;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{css} never had the expected text (last seen: {seen:?}); page text: {}",
                self.page_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The text of the first element matching `css` (its `textContent`, trimmed), if any.
    pub fn text_of(&self, css: &str) -> Option<String> {
        self.script("const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", json!([css]))
            .as_str()
            .map(str::to_owned)
    }

    /// The whole page's text (for failure messages).
    pub fn page_text(&self) -> String {
        self.script(
            "return (document.querySelector('main') || document.body).innerText",
            json!([]),
        )
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(2000)
        .collect()
    }

    /// Click.
    pub fn click(&self, e: &Element) {
        self.post(&format!("/element/{}/click", e.0), json!({}));
    }

    /// Type into an input.
    pub fn type_into(&self, e: &Element, text: &str) {
        self.post(&format!("/element/{}/value", e.0), json!({"text": text}));
    }

    /// Press a key on the focused element (`"\u{E00C}"` is Escape).
    pub fn key(&self, key: &str) {
        let active = self.get("/element/active");
        let id = active[ELEMENT].as_str().unwrap_or_default().to_owned();
        self.post(&format!("/element/{id}/value"), json!({"text": key}));
    }

    /// An element's text.
    pub fn text(&self, e: &Element) -> String {
        self.get(&format!("/element/{}/text", e.0))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Save a screenshot (after two animation frames, so it shows the current DOM).
    pub fn screenshot(&self, path: &Path) {
        self.post(
            "/execute/async",
            json!({"script": "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));", "args": []}),
        );
        let data = self.get("/screenshot");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("png");
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(path, bytes).expect("write screenshot");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.http.delete(&self.url).send();
    }
}
