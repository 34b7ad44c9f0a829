//! The Debian package that `scripts/package-deb` builds, as a user gets it: its metadata
//! (`dpkg-deb -I`), its files (`dpkg-deb -x` into a temporary folder), the unpacked binary
//! checked for test hooks (none) and for WebKitGTK 2.42 imports (none), and started in a
//! real window (Xvfb) through tauri-driver, showing its first view.
//!
//! `PORTOLAN_DEB` names the package. `scripts/test` builds it and sets it when `CI=true` or
//! `PORTOLAN_PACKAGE_TEST=1` (a release build takes minutes); without it the test is
//! skipped on a developer's machine, and fails under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

use portolan_tests::binary::{assert_starts_on_older_webkit, contains};
use portolan_tests::webdriver::Driver;
use portolan_tests::{artifacts_dir, require_program};

/// The package to check, or `None` (skip) on a developer's machine without one.
fn deb() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PORTOLAN_DEB") {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "PORTOLAN_DEB={} is not a file", p.display());
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "PORTOLAN_DEB is not set under CI=true: scripts/test builds the package \
         (scripts/package-deb) and sets it"
    );
    eprintln!(
        "skipped: PORTOLAN_DEB is not set (PORTOLAN_PACKAGE_TEST=1 scripts/test builds the \
         .deb and runs this test)"
    );
    None
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(require_program(program))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The control fields of `dpkg-deb -I` (` Name: value` lines; continuation lines skipped).
fn control_field(info: &str, name: &str) -> String {
    info.lines()
        .filter_map(|l| l.strip_prefix(' '))
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("no {name} field in dpkg-deb -I:\n{info}"))
        .trim()
        .to_owned()
}

/// The app's config, as the bundler read it.
fn tauri_conf() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src-tauri/tauri.conf.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("read tauri.conf.json"))
        .expect("tauri.conf.json is JSON")
}

/// Is a package installed here (so the name in Depends is a real, installable one)?
fn installed(package: &str) -> bool {
    Command::new(require_program("dpkg-query"))
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

#[test]
fn the_deb_declares_its_runtime_and_its_unpacked_binary_opens_the_first_view() {
    let Some(deb) = deb() else { return };
    let conf = tauri_conf();

    // Metadata.
    let info = run("dpkg-deb", &["-I", deb.to_str().expect("utf-8 path")]);
    eprintln!("dpkg-deb -I {}:\n{info}", deb.display());
    assert_eq!(control_field(&info, "Package"), "portolan");
    assert_eq!(
        control_field(&info, "Version"),
        conf["version"].as_str().expect("version")
    );
    assert_eq!(
        control_field(&info, "Architecture"),
        run("dpkg", &["--print-architecture"]).trim()
    );
    assert_eq!(
        control_field(&info, "Description"),
        conf["bundle"]["shortDescription"]
            .as_str()
            .expect("shortDescription")
    );
    let depends: Vec<String> = control_field(&info, "Depends")
        .split(',')
        .map(|d| d.split_whitespace().next().unwrap_or_default().to_owned())
        .collect();
    for runtime in ["libwebkit2gtk-4.1-0", "libgtk-3-0"] {
        assert!(
            depends.iter().any(|d| d == runtime),
            "Depends lacks {runtime}: {depends:?}"
        );
    }
    for d in &depends {
        assert!(
            installed(d),
            "Depends names {d}, which is not an installed package here"
        );
    }

    // Files, unpacked as dpkg would install them.
    let root = tempfile::tempdir().expect("tmp");
    run(
        "dpkg-deb",
        &[
            "-x",
            deb.to_str().expect("utf-8 path"),
            root.path().to_str().expect("utf-8 path"),
        ],
    );
    let binary = root.path().join("usr/bin/portolan");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&binary)
            .unwrap_or_else(|e| panic!("{}: {e}", binary.display()))
            .permissions(),
    );
    assert!(mode & 0o111 != 0, "usr/bin/portolan is not executable");
    // A release build has no test hooks: no environment variable makes it answer its file
    // choosers from a file or log pages instead of opening them (their names are not even
    // in it).
    assert!(
        !contains(&binary, b"PORTOLAN_TEST_"),
        "usr/bin/portolan reads PORTOLAN_TEST_* variables: it was built with the test-hooks feature"
    );
    // It starts on a WebKitGTK older than 2.42 (Depends does not ask for 2.42).
    assert_starts_on_older_webkit(&binary);
    let desktop =
        std::fs::read_to_string(root.path().join("usr/share/applications/Portolan.desktop"))
            .expect("the package installs usr/share/applications/Portolan.desktop");
    for line in [
        "Name=Portolan",
        "Exec=portolan",
        "Icon=portolan",
        "Type=Application",
    ] {
        assert!(
            desktop.lines().any(|l| l == line),
            "desktop entry lacks {line}:\n{desktop}"
        );
    }
    assert!(
        desktop
            .lines()
            .any(|l| l.starts_with("Categories=Development")),
        "desktop entry is not in Development:\n{desktop}"
    );
    for size in ["32x32", "128x128"] {
        let icon = root
            .path()
            .join(format!("usr/share/icons/hicolor/{size}/apps/portolan.png"));
        assert!(icon.is_file(), "{} is missing", icon.display());
    }

    // The unpacked binary in a real window, with a home of its own: its first view is the
    // sidebar with the default registries, the first one open.
    let home = tempfile::tempdir().expect("tmp");
    let p = home.path();
    for d in ["data", "config", "cache", "downloads", "docker"] {
        std::fs::create_dir_all(p.join(d)).expect("mkdir");
    }
    let driver = Driver::start(&[
        ("XDG_CONFIG_HOME", &p.join("config")),
        ("XDG_CACHE_HOME", &p.join("cache")),
        ("XDG_DATA_HOME", &p.join("data")),
        ("PORTOLAN_DOWNLOAD_DIR", &p.join("downloads")),
        ("DOCKER_CONFIG", &p.join("docker")),
    ]);
    let s = driver.open(&binary);
    s.wait_text("nav.sidebar .title", 30, |t| t == "Portolan");
    s.wait("button.reg[data-host='ghcr.io']", 10);
    s.wait("button.reg[data-host='docker.io']", 10);
    s.wait("button.add", 10);
    s.wait_text("[data-testid=title]", 10, |t| t == "ghcr.io");
    s.screenshot(&artifacts_dir().join("package-first-view.png"));
}
