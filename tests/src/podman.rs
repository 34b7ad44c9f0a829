//! podman (4.3, Debian bookworm) in a store of its own: a temporary root, run root, `HOME`
//! and `XDG_*` folders, the `vfs` driver, cgroupfs and file events (no systemd in a test
//! container), and a signature policy that accepts anything (the test registry is not
//! signed). Nothing touches the user's images or configuration, and everything goes when
//! the [`Podman`] is dropped.
//!
//! Images are built `FROM scratch` with `COPY` only, so no network and no container runtime
//! are needed. A missing `podman` is a loud failure, never a skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::require_program;

/// An isolated podman.
pub struct Podman {
    program: PathBuf,
    dir: tempfile::TempDir,
}

impl Default for Podman {
    fn default() -> Self {
        Self::new()
    }
}

impl Podman {
    /// A podman with an empty store; panics (loudly) when podman is missing.
    pub fn new() -> Self {
        let program = require_program("podman");
        let dir = tempfile::tempdir().expect("tempdir");
        for sub in ["home/.config/containers", "xdg-run", "tmp"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        // $HOME/.config/containers/policy.json is read before /etc/containers/policy.json.
        std::fs::write(
            dir.path().join("home/.config/containers/policy.json"),
            r#"{"default":[{"type":"insecureAcceptAnything"}]}"#,
        )
        .expect("policy.json");
        Self { program, dir }
    }

    /// A scratch folder that lives as long as this podman.
    pub fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// `podman` with the isolating options and environment, ready for arguments.
    pub fn command(&self) -> Command {
        let d = self.dir.path();
        let mut cmd = Command::new(&self.program);
        cmd.env("HOME", d.join("home"))
            .env("XDG_CONFIG_HOME", d.join("home/.config"))
            .env("XDG_DATA_HOME", d.join("home/.local/share"))
            .env("XDG_CACHE_HOME", d.join("home/.cache"))
            .env("XDG_RUNTIME_DIR", d.join("xdg-run"))
            .env("TMPDIR", d.join("tmp"))
            .arg("--root")
            .arg(d.join("root"))
            .arg("--runroot")
            .arg(d.join("run"))
            .args([
                "--storage-driver",
                "vfs",
                "--cgroup-manager=cgroupfs",
                "--events-backend=file",
            ]);
        cmd
    }

    /// Run podman with `args`; panics with its stderr unless it succeeds; returns stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.command().args(args).output().expect("run podman");
        assert!(
            out.status.success(),
            "podman {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Build `name` (e.g. `localhost/app:1`) `FROM scratch` with these files copied in;
    /// returns the image ID (its config digest's hex).
    pub fn build_scratch(&self, name: &str, files: &[(&str, &[u8])]) -> String {
        let context = self
            .dir
            .path()
            .join(format!("ctx-{}", name.replace(['/', ':'], "_")));
        std::fs::create_dir_all(&context).expect("context");
        let mut containerfile = String::from("FROM scratch\n");
        for (file, bytes) in files {
            std::fs::write(context.join(file), bytes).expect("file");
            containerfile.push_str(&format!("COPY {file} /{file}\n"));
        }
        containerfile.push_str("CMD [\"/app\"]\n");
        std::fs::write(context.join("Containerfile"), containerfile).expect("Containerfile");
        let context = context.display().to_string();
        self.run(&["build", "--isolation=chroot", "-q", "-t", name, &context]);
        self.image_id(name)
    }

    /// The image ID (config digest hex) of a local image.
    pub fn image_id(&self, name: &str) -> String {
        self.run(&["image", "inspect", "--format", "{{.Id}}", name])
            .trim()
            .to_owned()
    }

    /// The diff IDs of an image's layers, as podman reports them.
    pub fn diff_ids(&self, name: &str) -> Vec<String> {
        let out = self.run(&[
            "image",
            "inspect",
            "--format",
            "{{json .RootFS.Layers}}",
            name,
        ]);
        serde_json::from_str(out.trim()).expect("RootFS.Layers")
    }

    /// `podman pull oci:DIR:TAG`; returns the image ID. podman names the image after the
    /// folder's path, which must then be a valid lowercase reference: it is run from the
    /// folder's parent with the folder's (lowercase) name.
    pub fn pull_oci(&self, dir: &Path, tag: &str) -> String {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("folder name");
        assert_eq!(
            name,
            name.to_lowercase(),
            "podman needs a lowercase folder name"
        );
        let out = self
            .command()
            .current_dir(dir.parent().expect("parent"))
            .args(["pull", "-q", &format!("oci:{name}:{tag}")])
            .output()
            .expect("run podman");
        assert!(
            out.status.success(),
            "podman pull oci:{name}:{tag} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// `repository:tag` of every local image.
    pub fn names(&self) -> Vec<String> {
        self.run(&["images", "--format", "{{.Repository}}:{{.Tag}}"])
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

/// Podman's Docker-compatible API service over this podman's store, listening on a socket
/// in its scratch folder (what a user's `podman.socket` provides); stopped when dropped.
pub struct PodmanService {
    child: std::process::Child,
    /// The socket (`…/podman.sock`).
    pub socket: PathBuf,
}

impl Podman {
    /// Start the API service and wait (up to 20 s) until it answers.
    pub fn service(&self) -> PodmanService {
        let socket = self.dir.path().join("podman.sock");
        let log = std::fs::File::create(self.dir.path().join("service.log")).expect("log");
        let child = self
            .command()
            .args(["system", "service", "--time=0"])
            .arg(format!("unix://{}", socket.display()))
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start podman system service");
        let service = PodmanService { child, socket };
        let started = std::time::Instant::now();
        loop {
            if let Ok(mut stream) = std::os::unix::net::UnixStream::connect(&service.socket) {
                use std::io::{Read, Write};
                let _ = stream.write_all(b"GET /_ping HTTP/1.0\r\n\r\n");
                let mut answer = String::new();
                let _ = stream.read_to_string(&mut answer);
                if answer.contains("OK") {
                    return service;
                }
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "podman system service did not answer: {}",
                std::fs::read_to_string(self.dir.path().join("service.log")).unwrap_or_default()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

impl PodmanService {
    /// `unix:///…/podman.sock`, as `DOCKER_HOST` takes it.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

impl Drop for PodmanService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
