//! `portolan-cli` as a user runs it: against real registries, with the OS keyring (the
//! real Secret Service; the test script runs everything inside `dbus-run-session` with an
//! unlocked gnome-keyring), the user's Docker login, and a Docker credential helper.

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use portolan_tests::cli;
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::seed;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn users() -> Vec<(String, String)> {
    vec![("bob".into(), "b0b-secret-pass".into())]
}

#[test]
fn inspect_shows_layers_with_sizes_and_history_and_tags_lists_all() {
    let registry = TestRegistry::start(Auth::None);
    let seeded = seed::standard(&registry);
    let tags = seed::many_tags(&registry, "big/tags", 1050);
    let cfg = tempfile::tempdir().expect("tmp");
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["inspect", &registry.reference("team/app:v1")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(&seeded.app.manifest.digest), "{text}");
    // Each layer row: short digest, human size, and the history line that made it.
    for (layer, line) in seeded.app.layers.iter().zip(&seeded.app.layer_history) {
        let short = &layer.digest[..19];
        let row = text
            .lines()
            .find(|l| l.contains(short))
            .unwrap_or_else(|| panic!("no row for {short} in\n{text}"));
        assert!(row.contains(line.as_str()), "row {row:?} lacks {line:?}");
        let kib = format!("{:.1} KiB", layer.bytes.len() as f64 / 1024.0);
        let shown = if layer.bytes.len() < 1024 {
            format!("{} B", layer.bytes.len())
        } else {
            kib
        };
        assert!(row.contains(&shown), "row {row:?} lacks size {shown}");
    }
    assert!(
        text.contains("ENV STEP=0"),
        "empty steps are listed: {text}"
    );
    // --json carries the same facts for scripts.
    let out = cli::in_home(cfg.path()).keyring().run(&[
        "--json",
        "inspect",
        &registry.reference("team/multi:1.0"),
        "--platform",
        "linux/arm64",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["image"]["digest"],
        seeded.multi_arm64.manifest.digest.as_str()
    );
    assert_eq!(v["platforms"].as_array().map(Vec::len), Some(2));
    // In text, each platform's image size (its layers, compressed), labelled, in columns
    // that line up.
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["inspect", &registry.reference("team/multi:1.0")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let header = text
        .lines()
        .find(|l| l.contains("PLATFORM") && l.contains("IMAGE SIZE"))
        .unwrap_or_else(|| panic!("a labelled header: {text}"));
    for image in [&seeded.multi_amd64, &seeded.multi_arm64] {
        let layers: usize = image.layers.iter().map(|l| l.bytes.len()).sum();
        let row = text
            .lines()
            .find(|l| l.contains(&image.manifest.digest))
            .unwrap_or_else(|| panic!("no row for {}: {text}", image.manifest.digest));
        let size = format!("{:.1} KiB", layers as f64 / 1024.0);
        assert!(row.trim_end().ends_with(&size), "{row:?} lacks {size}");
        assert_eq!(
            row.find("sha256:"),
            header.find("DIGEST"),
            "digests under their header:\n{text}"
        );
        assert_eq!(
            row.trim_end().len(),
            header.trim_end().len(),
            "sizes right-aligned under theirs:\n{text}"
        );
    }
    // tags lists all 1050, one per line.
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["tags", &registry.reference("big/tags")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(listed.len(), tags.len());
    assert!(listed == tags);
    // digest prints the digest; --raw prints the exact manifest bytes.
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["digest", &registry.reference("team/app:v2")]);
    assert_eq!(stdout(&out).trim(), seeded.app.manifest.digest);
    let out = cli::in_home(cfg.path()).keyring().run(&[
        "inspect",
        "--raw",
        &registry.reference("team/app:v1"),
    ]);
    assert_eq!(out.stdout, seeded.app.manifest.bytes, "byte for byte");
    // repos lists the catalog.
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["repos", &registry.host]);
    let repos = stdout(&out);
    for name in ["team/app", "team/multi", "team/legacy", "big/tags"] {
        assert!(
            repos.lines().any(|l| l == name),
            "{name} missing from {repos}"
        );
    }
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_exit() {
    let registry = TestRegistry::start(Auth::None);
    seed::standard(&registry);
    let cfg = tempfile::tempdir().expect("tmp");
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["inspect", "docker.io/Library/ubuntu"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("must be lowercase") && err.contains('^'),
        "{err}"
    );
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["inspect", &registry.reference("team/app:missing")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("team/app:missing"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
    let out = cli::in_home(cfg.path()).keyring().run(&[
        "--json",
        "digest",
        &registry.reference("nope/nope:1"),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(v["error"]["code"], "not_found");
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["tags", &registry.reference("nope/nope")]);
    assert!(
        stderr(&out).contains("the tag list of") && stderr(&out).contains("was not found"),
        "{}",
        stderr(&out)
    );

    // A command line that cannot be parsed: exit 2, and under --json the same JSON form
    // with its own code.
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["--json", "tags", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert_eq!(v["error"]["code"], "usage", "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--no-such-flag")),
        "{v}"
    );
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["tags", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--no-such-flag"), "{}", stderr(&out));

    // An archive into a folder that does not exist is refused, as `cp` does, and the
    // folder is not made up.
    let missing = cfg.path().join("no/such/dir");
    let out = cli::in_home(cfg.path()).keyring().run(&[
        "pull",
        &registry.reference("team/app:v1"),
        "--archive",
        &missing.join("x.tar").to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    assert!(!cfg.path().join("no").exists(), "no folder was created");
}

#[test]
fn the_cli_adds_hints_in_its_own_flags_to_the_engines_neutral_messages() {
    let registry = TestRegistry::start(Auth::None);
    seed::standard(&registry);
    let cfg = tempfile::tempdir().expect("tmp");
    let tar = cfg.path().join("all.tar");
    let tar = tar.to_str().expect("utf-8 path");
    let multi = registry.reference("team/multi:1.0");
    let out = cli::in_home(cfg.path()).keyring().run(&[
        "pull",
        &multi,
        "--archive",
        tar,
        "--all-platforms",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let (error, hint) = err.split_once("\nhint: ").expect("a hint line");
    assert!(
        error.starts_with("error: ") && error.contains("OCI layout") && !error.contains("--"),
        "the engine's words name no flag: {err}"
    );
    assert!(hint.contains("--oci"), "{err}");
    // Scripts get the same code and hint in one JSON document.
    let out = cli::in_home(cfg.path()).keyring().run(&[
        "--json",
        "pull",
        &multi,
        "--archive",
        tar,
        "--all-platforms",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(v["error"]["code"], "input");
    assert!(
        v["error"]["hint"]
            .as_str()
            .is_some_and(|h| h.contains("--oci")),
        "{v}"
    );
    // A platform the index does not have.
    let out = cli::in_home(cfg.path()).keyring().run(&[
        "--json",
        "inspect",
        &multi,
        "--platform",
        "plan9/mips",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(v["error"]["code"], "not_found");
    assert!(
        v["error"]["hint"]
            .as_str()
            .is_some_and(|h| h.contains("--platform")),
        "{v}"
    );
    // Text that is not a platform.
    let out = cli::in_home(cfg.path()).keyring().run(&[
        "--json",
        "inspect",
        &multi,
        "--platform",
        "linux",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(v["error"]["code"], "input");
    // A URL where a reference goes: told to drop the scheme, not that a port is wrong.
    let url = format!("http://{}", registry.reference("team/app:v1"));
    let out = cli::in_home(cfg.path()).keyring().run(&["inspect", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("drop the http://"),
        "{}",
        stderr(&out)
    );
    // A folder holding two images: the way to choose names the flag too.
    let two = cfg.path().join("two");
    let two = two.to_str().expect("utf-8 path");
    for (reference, extra) in [
        (registry.reference("team/app:v1"), None),
        (multi.clone(), Some("linux/amd64")),
    ] {
        let mut args = vec!["pull", reference.as_str(), "--oci", two];
        if let Some(p) = extra {
            args.extend(["--platform", p]);
        }
        let out = cli::in_home(cfg.path()).keyring().run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = cli::in_home(cfg.path()).keyring().run(&[
        "push",
        two,
        &registry.reference("team/pushed:1"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("2 images") && err.contains("hint: ") && err.contains("--image"),
        "{err}"
    );
}

#[test]
fn docker_login_from_config_json_and_from_a_credential_helper() {
    let registry = TestRegistry::start(Auth::Htpasswd(users()));
    seed::standard(&registry);
    let cfg = tempfile::tempdir().expect("tmp");
    let repo = registry.reference("team/app");
    // No login: a clear refusal.
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["--no-keyring", "tags", &repo]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("sign in"), "{}", stderr(&out));
    // `auths` in config.json, as `docker login` writes it.
    let auth = base64::engine::general_purpose::STANDARD.encode("bob:b0b-secret-pass");
    std::fs::write(
        cfg.path().join("config.json"),
        format!(r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#, registry.host),
    )
    .expect("write");
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["--no-keyring", "tags", &repo]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "v1\nv2\n");
    // A credential helper (credsStore), speaking the docker-credential protocol.
    let bin = tempfile::tempdir().expect("tmp");
    let helper = bin.path().join("docker-credential-portolantest");
    std::fs::write(
        &helper,
        format!("#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread server\n[ \"$server\" = \"{}\" ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\necho '{{\"ServerURL\":\"'$server'\",\"Username\":\"bob\",\"Secret\":\"b0b-secret-pass\"}}'\n", registry.host),
    )
    .expect("helper");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    std::fs::write(
        cfg.path().join("config.json"),
        r#"{"credsStore":"portolantest","auths":{}}"#,
    )
    .expect("write");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = cli::in_home(cfg.path())
        .env("PATH", &path)
        .run(&["tags", &repo]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "v1\nv2\n");
}

/// Whether the Secret Service holds an item for `registry` under Portolan's service name.
fn keyring_has(registry: &str) -> bool {
    let out = Command::new(portolan_tests::require_program("secret-tool"))
        .args([
            "search", "--all", "service", "portolan", "username", registry,
        ])
        .output()
        .expect("secret-tool");
    String::from_utf8_lossy(&out.stdout).contains(registry)
        || String::from_utf8_lossy(&out.stderr).contains(registry)
}

#[test]
fn login_saves_the_secret_in_the_os_keyring_and_logout_removes_it() {
    let registry = TestRegistry::start(Auth::Token(users()));
    seed::standard(&registry);
    let cfg = tempfile::tempdir().expect("tmp");
    let repo = registry.reference("team/app");
    // A wrong token is refused and nothing is saved.
    let out = cli::in_home(cfg.path())
        .keyring()
        .stdin("wrong-token\n")
        .run(&["login", &registry.host, "-u", "bob", "--password-stdin"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("refused"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("wrong-token"));
    assert!(
        !keyring_has(&registry.host),
        "a refused login must not be saved"
    );
    // The right one is checked against the registry, then saved in the keyring.
    let out = cli::in_home(cfg.path())
        .keyring()
        .stdin("b0b-secret-pass\n")
        .run(&["login", &registry.host, "-u", "bob", "--password-stdin"]);
    assert!(
        out.status.success(),
        "login failed (is a Secret Service running? scripts/test starts one): {}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("Login Succeeded"));
    assert!(
        keyring_has(&registry.host),
        "the secret is in the OS keyring"
    );
    // ...and not on disk in the Docker config folder.
    assert!(!cfg.path().join("config.json").exists());
    // Later commands use it.
    let out = cli::in_home(cfg.path()).keyring().run(&["tags", &repo]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "v1\nv2\n");
    // Logout removes it; access is refused again.
    let out = cli::in_home(cfg.path())
        .keyring()
        .run(&["logout", &registry.host]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!keyring_has(&registry.host));
    let out = cli::in_home(cfg.path()).keyring().run(&["tags", &repo]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("sign in"), "{}", stderr(&out));
}

#[test]
fn cleanup_prints_its_plan_asks_and_removes_exactly_that() {
    let registry = TestRegistry::start(Auth::None);
    let images = seed::dated_images(&registry, "cli/cleanup", &[3, 2, 2]);
    let home = tempfile::tempdir().expect("tmp");
    let repo = registry.reference("cli/cleanup");
    let list = |home: &Path| -> Vec<String> {
        let out = cli::in_home(home).keyring().run(&["tags", &repo]);
        let mut tags: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
        tags.sort();
        tags
    };

    // The plan, as JSON, changes nothing: the newest image's two tags stay.
    let out = cli::in_home(home.path()).keyring().run(&[
        "cleanup",
        &repo,
        "--keep-newest",
        "2",
        "--dry-run",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("plan");
    assert_eq!(plan["removed"], 5);
    assert_eq!(plan["images_deleted"], 2);
    assert_eq!(list(home.path()).len(), 7);

    // Without a terminal and without --yes it refuses.
    let out = cli::in_home(home.path())
        .keyring()
        .run(&["cleanup", &repo, "--keep-newest", "2"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));

    // With --yes: exactly the plan.
    let out =
        cli::in_home(home.path())
            .keyring()
            .run(&["cleanup", &repo, "--keep-newest", "2", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Done: 2 of 2 steps (5 tags removed, 2 images deleted)."),
        "{}",
        stdout(&out)
    );
    assert_eq!(list(home.path()), images[2].1);
}

/// Two images built in the same second: `--keep-newest 1` keeps the one built later (by
/// its milliseconds), and the plan lists what stays with the rule that keeps it.
#[test]
fn cleanup_keeps_the_newest_to_the_millisecond_and_says_why_each_tag_stays() {
    use portolan_tests::images::{build_image, ImageSpec, Pusher};
    let registry = TestRegistry::start(Auth::None);
    let pusher = Pusher::new(&registry);
    for (tag, created) in [
        // Named so that by name alone the older would come first.
        ("zz-newer", "2026-01-01T17:08:06.518Z"),
        ("aa-older", "2026-01-01T17:08:06.153Z"),
    ] {
        let mut spec = ImageSpec::new(tag, "amd64", &[100]);
        spec.created = created.to_owned();
        pusher.push_image("cli/same-second", tag, &build_image(&spec));
    }
    let repo = registry.reference("cli/same-second");
    let home = tempfile::tempdir().expect("tmp");
    let out = cli::in_home(home.path()).keyring().run(&[
        "cleanup",
        &repo,
        "--keep-newest",
        "1",
        "--dry-run",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = stdout(&out);
    let line = |tag: &str| {
        plan.lines()
            .find(|l| l.starts_with(&format!("{tag} ")))
            .unwrap_or_else(|| panic!("no line for {tag}: {plan}"))
            .to_owned()
    };
    assert!(line("aa-older").contains("image deleted"), "{plan}");
    assert!(
        line("zz-newer").contains("stays") && line("zz-newer").contains("among the newest 1"),
        "{plan}"
    );
    assert!(
        line("zz-newer").contains("17:08:06.518"),
        "the full time: {plan}"
    );
}
