//! Driving the real app through tauri-driver (which starts WebKitWebDriver, which starts
//! the app), with the `fantoccini` WebDriver client behind a blocking API for the plain
//! `#[test]` functions. Every call and every wait has a deadline; waits poll.
//!
//! Written here, because no client does it: starting tauri-driver (a local process with
//! the app's environment), the `tauri:options` capability, the polling waits with the
//! page's text in their failure messages, and the two animation frames before a screenshot.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::error::NewSessionError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use crate::{free_port, require_program};

/// The longest any one WebDriver call may take (fantoccini itself has no request timeout).
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// How often waits poll.
const POLL: Duration = Duration::from_millis(50);

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
        // Ready when both listen: tauri-driver on `port`, and the WebKitWebDriver it starts
        // on `native`. tauri-driver listens first and, until WebKitWebDriver does, drops the
        // connection of any request it cannot forward (a new session then fails with "did
        // not respond").
        let deadline = Instant::now() + Duration::from_secs(20);
        let listens = |p: u16| std::net::TcpStream::connect(("127.0.0.1", p)).is_ok();
        while Instant::now() < deadline {
            if listens(port) && listens(native) {
                return driver;
            }
            std::thread::sleep(POLL);
        }
        panic!("tauri-driver (port {port}) or WebKitWebDriver (port {native}) did not listen");
    }

    /// Open the app (a new WebDriver session).
    pub fn open(&self, application: &Path) -> Session {
        // A runtime of the session's own, kept for its whole life: fantoccini runs the session
        // and its keep-alive connection as tasks on it (one worker, so they keep running
        // between calls). Keep-alive matters: clients that close the connection after every
        // request failed about one run in four through tauri-driver.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            json!({"application": application, "args": []}),
        );
        let url = format!("http://127.0.0.1:{}", self.port);
        let started = Instant::now();
        let mut attempts = 0;
        let client = loop {
            attempts += 1;
            let result = runtime.block_on(async {
                tokio::time::timeout(
                    CALL_TIMEOUT,
                    ClientBuilder::new(HttpConnector::new())
                        .capabilities(capabilities.clone())
                        .connect(&url),
                )
                .await
            });
            match result {
                Ok(Ok(client)) => break client,
                // tauri-driver closed the connection with no answer: it could not forward
                // the request to WebKitWebDriver, so no app was started. Try again.
                Ok(Err(NewSessionError::FailedC(e))) if attempts < 3 => {
                    eprintln!("new session: no answer ({e:?}); trying again");
                    std::thread::sleep(Duration::from_millis(500));
                }
                Ok(Err(e)) => panic!("new session: {e} ({e:?})"),
                Err(_) => panic!("no session after {CALL_TIMEOUT:?}"),
            }
        };
        Session {
            client,
            runtime,
            opened_in: started.elapsed(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, not `Child::kill` (SIGKILL): tauri-driver stops the WebKitWebDriver it
        // started only on a signal it can handle, and otherwise leaves it running. (A
        // `kill` command, as the crate forbids the `unsafe` of calling libc.)
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(POLL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver session on the app's window. Dropping it ends the session, which closes the
/// app.
pub struct Session {
    client: Client,
    runtime: tokio::runtime::Runtime,
    /// How long the session (and so the app) took to start.
    pub opened_in: Duration,
}

/// An element in the page. It serializes as a WebDriver element reference, so it can be
/// passed to [`Session::script`] (`json!([element])` is `arguments[0]` in the page).
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct Element(fantoccini::elements::Element);

impl Session {
    /// Run one WebDriver call to completion, within [`CALL_TIMEOUT`].
    fn call<T>(
        &self,
        what: &str,
        call: impl Future<Output = Result<T, fantoccini::error::CmdError>>,
    ) -> Result<T, String> {
        match self
            .runtime
            .block_on(async { tokio::time::timeout(CALL_TIMEOUT, call).await })
        {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(format!("{what}: {e}")),
            Err(_) => Err(format!("{what}: no answer after {CALL_TIMEOUT:?}")),
        }
    }

    /// Run a script in the page and return its result.
    pub fn script(&self, script: &str, args: Value) -> Value {
        let args = match args {
            Value::Array(a) => a,
            Value::Null => Vec::new(),
            other => vec![other],
        };
        self.call("execute script", self.client.execute(script, args))
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// Run an asynchronous script (its last argument is the callback that ends it) and
    /// return what it passed to the callback.
    pub fn script_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.call(
            "execute async script",
            self.client.execute_async(script, args),
        )
        .unwrap_or_else(|err| panic!("{err}"))
    }

    /// Screenshots of the window as it is, in the light and the dark theme
    /// (`NAME-light.png`, `NAME-dark.png` in the test artifacts), then back to light.
    pub fn screenshot_themes(&self, name: &str) {
        for theme in ["light", "dark"] {
            self.script(
                "document.documentElement.dataset.theme = arguments[0];",
                Value::Array(vec![Value::String(theme.to_owned())]),
            );
            self.screenshot(&crate::artifacts_dir().join(format!("{name}-{theme}.png")));
        }
        self.script(
            "document.documentElement.dataset.theme = 'light';",
            Value::Null,
        );
    }

    /// Run axe-core (the accessibility engine, from the UI's dev dependencies) on the page
    /// as it is now; returns its serious and critical violations, one line each
    /// (`rule: impact, N nodes (first node's selector): help`).
    pub fn accessibility_problems(&self) -> Vec<String> {
        let axe = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ui/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&axe).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (scripts/test installs the UI's dev dependencies)",
                axe.display()
            )
        });
        self.script(
            &format!("{source}\n;return typeof window.axe;"),
            Value::Null,
        );
        let found = self.script_async(
            "const done = arguments[arguments.length - 1];
             window.axe.run(document, { resultTypes: ['violations'] })
               .then((r) => done(r.violations
                 .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                 .map((v) => `${v.id}: ${v.impact}, ${v.nodes.length} nodes (${v.nodes[0]?.target?.join(' ')}): ${v.help}`)))
               .catch((e) => done([`axe failed: ${e}`]));",
            Vec::new(),
        );
        lines(&found)
    }

    /// What sticks out, spills or is cut in the window as it is now (see
    /// `layout_check.js`): one line per problem, none when the layout holds.
    pub fn layout_problems(&self) -> Vec<String> {
        let found = self.script(
            &format!("return (\n{}\n);", include_str!("layout_check.js")),
            Value::Null,
        );
        lines(&found)
    }

    /// Wait two animation frames: a screenshot or a measure taken right after a DOM change
    /// can see the old frame.
    fn next_frames(&self) {
        self.call(
            "execute async script",
            self.client.execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                Vec::new(),
            ),
        )
        .unwrap_or_else(|err| panic!("{err}"));
    }

    /// Resize the window to `width` × `height` (CSS pixels of the window's outer size) and
    /// wait for the page to lay itself out again.
    pub fn resize(&self, width: u32, height: u32) {
        self.call(
            "set window size",
            self.client.set_window_size(width, height),
        )
        .unwrap_or_else(|err| panic!("{err}"));
        self.next_frames();
    }

    /// Elements matching a CSS selector (now, no waiting).
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        self.try_find_all(css)
            .unwrap_or_else(|err| panic!("{err}"))
            .into_iter()
            .map(Element)
            .collect()
    }

    fn try_find_all(&self, css: &str) -> Result<Vec<fantoccini::elements::Element>, String> {
        self.call(
            &format!("find {css}"),
            self.client.find_all(Locator::Css(css)),
        )
    }

    /// Wait up to `secs` for an element matching `css`.
    pub fn wait(&self, css: &str, secs: u64) -> Element {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            // An error (the page being replaced, say) is "not yet", like no element.
            let last = match self.try_find_all(css) {
                Ok(found) => match found.into_iter().next() {
                    Some(e) => return Element(e),
                    None => String::new(),
                },
                Err(e) => format!(" (last error: {e})"),
            };
            if Instant::now() >= deadline {
                // What the window showed, for whoever reads the failure.
                let shot = crate::artifacts_dir().join("failed-wait.png");
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.screenshot(&shot)
                }));
                let body = self
                    .call(
                        "execute script",
                        self.client
                            .execute("return document.body.innerText", Vec::new()),
                    )
                    .ok()
                    .and_then(|v| v.as_str().map(|t| t.chars().take(3000).collect::<String>()))
                    .unwrap_or_default();
                panic!(
                    "no element {css} after {secs} s{last}; window text: {body} (screenshot: {})",
                    shot.display()
                );
            }
            std::thread::sleep(POLL);
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
            std::thread::sleep(POLL);
        }
    }

    /// The text of the first element matching `css` (its `textContent`, trimmed), if any
    /// (`None` too when the script fails, so that waits keep polling).
    pub fn text_of(&self, css: &str) -> Option<String> {
        self.call(
            "execute script",
            self.client.execute(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;",
                vec![json!(css)],
            ),
        )
        .ok()?
        .as_str()
        .map(str::to_owned)
    }

    /// The whole page's text (for failure messages).
    pub fn page_text(&self) -> String {
        self.call(
            "execute script",
            self.client.execute(
                "return (document.querySelector('main') || document.body).innerText",
                Vec::new(),
            ),
        )
        .unwrap_or_else(|e| Value::String(format!("(unavailable: {e})")))
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(2000)
        .collect()
    }

    /// Click.
    pub fn click(&self, e: &Element) {
        self.call("click", e.0.click())
            .unwrap_or_else(|err| panic!("{err}"));
    }

    /// Move the pointer over an element (what shows a row's action buttons).
    pub fn hover(&self, e: &Element) {
        use fantoccini::actions::{InputSource, MouseActions, PointerAction};
        let actions = MouseActions::new("pointer".to_owned()).then(PointerAction::MoveToElement {
            element: e.0.clone(),
            duration: None,
            x: 0.0,
            y: 0.0,
        });
        self.call("hover", self.client.perform_actions(actions))
            .unwrap_or_else(|err| panic!("{err}"));
    }

    /// Type into an input.
    pub fn type_into(&self, e: &Element, text: &str) {
        self.call("send keys", e.0.send_keys(text))
            .unwrap_or_else(|err| panic!("{err}"));
    }

    /// Press a key on the focused element (`"\u{E00C}"`, `fantoccini::key::Key::Escape`, is
    /// Escape).
    pub fn key(&self, key: &str) {
        let active = self
            .call("active element", self.client.active_element())
            .unwrap_or_else(|err| panic!("{err}"));
        self.call("send keys", active.send_keys(key))
            .unwrap_or_else(|err| panic!("{err}"));
    }

    /// An element's text.
    pub fn text(&self, e: &Element) -> String {
        self.call("element text", e.0.text())
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// Save a screenshot (after two animation frames: one taken right after a DOM change
    /// can show the old frame).
    pub fn screenshot(&self, path: &Path) {
        self.next_frames();
        let png = self
            .call("screenshot", self.client.screenshot())
            .unwrap_or_else(|err| panic!("{err}"));
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(path, png).expect("write screenshot");
    }
}

/// A script's array of strings, as lines (none when it returned something else).
fn lines(found: &Value) -> Vec<String> {
    found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl Drop for Session {
    fn drop(&mut self) {
        // Ends the session (DELETE /session), which closes the app.
        let _ = self.call("close session", self.client.clone().close());
    }
}
