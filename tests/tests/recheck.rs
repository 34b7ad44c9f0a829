//! Writes re-checked before they run, against a real registry (distribution 2.8): a plan is
//! a preview, and what changed since it is skipped and said, never removed unseen; a
//! clean-up never breaks a multi-arch image it keeps; signatures go with their image; and
//! both front ends refuse to move an existing tag the same way (the CLI here, the app's
//! command through the same `portolan_ops::manage::tag`, and in the window in
//! `app_actions.rs`).

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portolan::{Client, Digest, Error, ErrorCode, Reference};
use portolan_ops::manage::{self, TagRequest};
use portolan_tests::block_on;
use portolan_tests::cli;
use portolan_tests::images::{build_image, build_index, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::seed;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn tags(home: &Path, repo: &str) -> Vec<String> {
    let out = cli::in_home(home).keyring().run(&["tags", repo]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut tags: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    tags.sort();
    tags
}

fn client() -> Arc<Client> {
    Arc::new(Client::anonymous())
}

/// `cleanup --keep-newest 1` previews deleting the old image; while its confirm waits on a
/// terminal, someone tags that image `prod`; the user answers `y`: `prod` stays, and the
/// summary says why the step was skipped.
#[test]
fn a_tag_added_while_the_confirm_waits_is_not_removed() {
    let registry = TestRegistry::start(Auth::None);
    let images = seed::dated_images(&registry, "recheck/cleanup", &[1, 1]);
    let (old_digest, _) = &images[0];
    let repo = registry.reference("recheck/cleanup");
    let home = tempfile::tempdir().expect("tmp");
    // A terminal for the CLI (its confirm asks only on one): `script` runs it on a pty.
    let command = format!(
        "{} cleanup {repo} --keep-newest 1",
        portolan_tests::cli_binary().display()
    );
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("DOCKER_CONFIG", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env_remove("PORTOLAN_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (bsdutils) runs the CLI on a terminal");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().expect("lock").extend_from_slice(&buf[..n]);
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !text(&seen.lock().expect("lock")).contains("[y/N]") {
        assert!(
            Instant::now() < deadline,
            "no confirm: {}",
            text(&seen.lock().expect("lock"))
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let preview = text(&seen.lock().expect("lock"));
    assert!(
        preview.contains("d0-0"),
        "the preview names the tag: {preview}"
    );
    assert!(!preview.contains("prod"), "{preview}");
    // Meanwhile: someone tags the old image `prod`.
    let old = Reference::parse(&format!("{repo}@{old_digest}")).expect("ref");
    block_on(client().tag(&old, "prod")).expect("tag prod");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"y\n").expect("answer");
    stdin.flush().expect("flush");
    let status = child.wait().expect("wait");
    reader.join().expect("reader");
    let said = text(&seen.lock().expect("lock"));
    assert!(
        !status.success(),
        "a skipped step is not a full success: {said}"
    );
    assert!(
        said.contains("skipped") && said.contains("prod was added"),
        "the summary says what changed: {said}"
    );
    assert_eq!(
        tags(home.path(), &repo),
        ["d0-0", "d1-0", "prod"],
        "nothing the preview did not show was removed"
    );
}

/// The app's Delete dialog and `portolan-cli delete` both delete through
/// `manage::delete`, with the tags they showed: a tag added since is refused, by name.
#[test]
fn a_delete_is_refused_when_its_image_gained_a_tag_since_the_preview() {
    let registry = TestRegistry::start(Auth::None);
    let images = seed::dated_images(&registry, "recheck/delete", &[2]);
    let (digest, previewed) = &images[0];
    let repository = registry.reference("recheck/delete");
    let client = client();
    let digest = Digest::parse(digest).expect("digest");
    let shown = block_on(manage::tags_on(&client, &repository, &digest)).expect("preview");
    assert_eq!(&shown, previewed);
    let image = Reference::parse(&format!("{repository}@{digest}")).expect("ref");
    block_on(client.tag(&image, "prod")).expect("tag prod");
    let err = block_on(manage::delete(&client, &repository, &digest, &shown))
        .expect_err("changed since the preview");
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert!(matches!(err, Error::ChangedSincePreview { .. }), "{err}");
    assert!(err.to_string().contains("prod was added"), "{err}");
    assert!(
        block_on(client.resolve_digest(&image)).is_ok(),
        "not deleted"
    );
    // Asked again, with the tags as they are now: deleted.
    let now = block_on(manage::tags_on(&client, &repository, &digest)).expect("again");
    block_on(manage::delete(&client, &repository, &digest, &now)).expect("deleted");
    let gone = block_on(client.resolve_digest(&image)).expect_err("gone");
    assert_eq!(gone.code(), ErrorCode::NotFound, "{gone}");
}

/// `latest` is an index whose amd64 image is also tagged `amd64`; `cleanup --keep-matching
/// latest` removes the tag `amd64` but keeps its image: `latest` still pulls for
/// linux/amd64.
#[test]
fn a_cleanup_keeps_the_platform_images_a_kept_index_lists() {
    let registry = TestRegistry::start(Auth::None);
    let pusher = Pusher::new(&registry);
    let repo_name = "recheck/multiarch";
    let amd64 = ImageSpec::new("multi-amd64", "amd64", &[200]);
    let arm64 = ImageSpec::new("multi-arm64", "arm64", &[200]);
    let (amd64_image, arm64_image) = (build_image(&amd64), build_image(&arm64));
    let index = build_index(&[(&amd64, &amd64_image), (&arm64, &arm64_image)], false);
    pusher.push_index(repo_name, "latest", &[&amd64_image, &arm64_image], &index);
    pusher.push_manifest(repo_name, "amd64", &amd64_image.manifest);
    let repo = registry.reference(repo_name);
    let home = tempfile::tempdir().expect("tmp");

    let out = cli::in_home(home.path()).keyring().run(&[
        "cleanup",
        &repo,
        "--keep-matching",
        "latest",
        "--dry-run",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("plan");
    let amd64_row = plan["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .find(|t| t["tag"] == "amd64")
        .expect("amd64 planned")
        .clone();
    assert_eq!(amd64_row["fate"], "untag", "{amd64_row}");
    assert!(
        amd64_row["why"]
            .as_str()
            .is_some_and(|w| w.contains("the kept index latest lists it")),
        "the preview says why: {amd64_row}"
    );
    assert_eq!(plan["images_deleted"], 0, "{plan}");

    let out = cli::in_home(home.path()).keyring().run(&[
        "cleanup",
        &repo,
        "--keep-matching",
        "latest",
        "--yes",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(tags(home.path(), &repo), ["latest"]);
    let out = cli::in_home(home.path()).keyring().run(&[
        "inspect",
        &format!("{repo}:latest"),
        "--platform",
        "linux/amd64",
    ]);
    assert!(
        out.status.success(),
        "latest still works for linux/amd64: {}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains(&amd64_image.manifest.digest),
        "{}",
        text(&out.stdout)
    );

    // Deleting that image by hand says what it breaks before it does.
    let out = cli::in_home(home.path()).keyring().run(&[
        "delete",
        &format!("{repo}@{}", amd64_image.manifest.digest),
        "--yes",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("multi-platform tag latest lists this image"),
        "{}",
        text(&out.stderr)
    );
}

/// A cosign-style signature tag (`sha256-<hex>.sig`) goes with the image it signs when a
/// clean-up deletes that image, after it; the signature of an image that stays, stays.
#[test]
fn signatures_go_with_the_image_they_sign_and_stay_with_one_that_stays() {
    let registry = TestRegistry::start(Auth::None);
    let repo_name = "recheck/signed";
    let images = seed::dated_images(&registry, repo_name, &[1, 1]);
    let pusher = Pusher::new(&registry);
    let sig_tag = |digest: &str| format!("{}.sig", digest.replace(':', "-"));
    for (i, (digest, _)) in images.iter().enumerate() {
        let signature = build_image(&ImageSpec::new(&format!("signature-{i}"), "amd64", &[10]));
        pusher.push_image(repo_name, &sig_tag(digest), &signature);
    }
    let repo = registry.reference(repo_name);
    let home = tempfile::tempdir().expect("tmp");
    let out = cli::in_home(home.path()).keyring().run(&[
        "cleanup",
        &repo,
        "--keep-newest",
        "1",
        "--dry-run",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let preview = text(&out.stdout);
    assert!(
        preview.contains(&sig_tag(&images[0].0)) && preview.contains("signature of"),
        "the preview lists the signature that goes: {preview}"
    );
    let out =
        cli::in_home(home.path())
            .keyring()
            .run(&["cleanup", &repo, "--keep-newest", "1", "--yes"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut want = vec!["d1-0".to_owned(), sig_tag(&images[1].0)];
    want.sort();
    assert_eq!(tags(home.path(), &repo), want);
}

/// `portolan-cli tag REPO:new old` onto an existing `old` refuses and names the digest
/// `old` points at, as the app's add-tag command (the same ops function) does; `--force`
/// moves it.
#[test]
fn both_front_ends_refuse_to_move_an_existing_tag() {
    let registry = TestRegistry::start(Auth::None);
    let images = seed::dated_images(&registry, "recheck/tag", &[1, 1]);
    let (old_digest, new_digest) = (&images[0].0, &images[1].0);
    let repo = registry.reference("recheck/tag");
    let home = tempfile::tempdir().expect("tmp");

    let out = cli::in_home(home.path())
        .keyring()
        .run(&["tag", &format!("{repo}:d1-0"), "d0-0"]);
    assert!(
        !out.status.success(),
        "moved silently: {}",
        text(&out.stdout)
    );
    let said = text(&out.stderr);
    assert!(
        said.contains(old_digest.as_str()),
        "names the digest: {said}"
    );
    assert!(said.contains("--force"), "says how to move it: {said}");
    let out = cli::in_home(home.path()).keyring().run(&[
        "--json",
        "tag",
        &format!("{repo}:d1-0"),
        "d0-0",
    ]);
    let error: serde_json::Value = serde_json::from_slice(&out.stderr).expect("json error");
    assert_eq!(error["error"]["code"], "conflict", "{error}");

    // The app's command: the same refusal, the same code.
    let request = TagRequest {
        repository: repo.clone(),
        source: "d1-0".into(),
        tag: "d0-0".into(),
        replace: None,
    };
    let err = block_on(manage::tag(&client(), &request)).expect_err("refused");
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert!(err.to_string().contains(old_digest.as_str()), "{err}");
    let d0 = Reference::parse(&format!("{repo}:d0-0")).expect("ref");
    assert_eq!(
        block_on(client().resolve_digest(&d0))
            .expect("d0-0")
            .to_string(),
        *old_digest,
        "still where it was"
    );

    let out = cli::in_home(home.path()).keyring().run(&[
        "tag",
        &format!("{repo}:d1-0"),
        "d0-0",
        "--force",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("moved from {old_digest}")),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        block_on(client().resolve_digest(&d0))
            .expect("d0-0")
            .to_string(),
        *new_digest
    );
}
