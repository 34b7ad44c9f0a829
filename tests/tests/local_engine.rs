//! Portolan and a real local engine: Podman's Docker-compatible API service (what a user's
//! `podman.socket` provides), started on a socket of its own over a private store.
//!
//! Pulled into the engine, an image is listed under the tag pulled, with the image ID and
//! the layer diff IDs the image had where it was built; pushed from the engine, it lands in
//! the registry as `skopeo inspect` sees it. A blob that does not verify, an engine that is
//! not there and a socket the user may not open each end in a clear error, with nothing
//! named in the engine.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use portolan::local_engine::discover::EngineSocket;
use portolan::local_engine::engine::LocalEngine;
use portolan::{Client, PullOptions, Reference};
use portolan::{Platform, PlatformChoice};
use portolan_tests::cli;
use portolan_tests::faulty_proxy::{Fault, FaultyProxy};
use portolan_tests::images::{build_image, build_index, ImageSpec, Pusher};
use portolan_tests::podman::{Podman, PodmanService};
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::{block_on, cli_binary, require_program, skopeo};

/// An image built by podman (two layers) and pushed to `registry` as `team/app:v1`;
/// returns the podman that built it and the image's ID.
fn built_and_pushed(registry: &TestRegistry) -> (Podman, String) {
    let podman = Podman::new();
    let id = podman.build_scratch(
        "localhost/app:1",
        &[("app", b"hello from podman\n"), ("data", &[7u8; 70_000])],
    );
    podman.run(&[
        "push",
        "-q",
        "--tls-verify=false",
        "localhost/app:1",
        &format!("docker://{}", registry.reference("team/app:v1")),
    ]);
    (podman, id)
}

fn engine_of(service: &PodmanService) -> LocalEngine {
    block_on(LocalEngine::connect(EngineSocket::at(
        &service.docker_host(),
        "the test",
    )))
    .expect("connect to podman's service")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "portolan-cli failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_pull_into_the_engine_is_listed_under_its_tag_with_the_same_layers() {
    let registry = TestRegistry::start(Auth::None);
    let (built, id) = built_and_pushed(&registry);
    let target = Podman::new();
    let service = target.service();
    let engine = engine_of(&service);
    let reference = Reference::parse(&registry.reference("team/app:v1")).expect("reference");
    let report = block_on(Client::anonymous().pull_into_engine(
        &reference,
        &engine,
        &PullOptions::default(),
    ))
    .expect("pull into the engine");

    let full = registry.reference("team/app:v1");
    assert_eq!(report.name.as_deref(), Some(full.as_str()));
    assert_eq!(report.image_id, format!("sha256:{id}"));
    assert!(report.engine.contains("Podman"), "{}", report.engine);
    // What the engine lists, through its API and through podman itself.
    let listed = block_on(engine.images()).expect("images");
    let image = listed
        .iter()
        .find(|i| i.repo_tags.contains(&full))
        .unwrap_or_else(|| panic!("{full} is not among {listed:?}"));
    assert_eq!(image.id.trim_start_matches("sha256:"), id);
    // The digest the registry serves, as `podman images --digests` shows it.
    let (repository, _) = full.rsplit_once(':').expect("a tag");
    assert_eq!(
        image.repo_digests,
        vec![format!("{repository}@{}", report.digest)]
    );
    assert!(target.names().contains(&full), "{:?}", target.names());
    assert_eq!(target.image_id(&full), id, "the same config arrived");
    assert_eq!(
        target.diff_ids(&full),
        built.diff_ids("localhost/app:1"),
        "the same layers, uncompressed"
    );
    // Saved back by the engine, the image still has those layers.
    let saved = target.scratch().join("saved.tar");
    target.run(&["save", "-q", "-o", &saved.display().to_string(), &full]);
    let fresh = Podman::new();
    fresh.run(&["load", "-q", "-i", &saved.display().to_string()]);
    assert_eq!(fresh.diff_ids(&full), built.diff_ids("localhost/app:1"));
}

#[test]
fn from_an_index_the_engine_gets_its_own_platform_unless_told_otherwise() {
    let registry = TestRegistry::start(Auth::None);
    let (amd, arm) = (
        ImageSpec::new("engine-amd", "amd64", &[30_000]),
        ImageSpec::new("engine-arm", "arm64", &[20_000]),
    );
    let (a, b) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &a), (&arm, &b)], false);
    Pusher::new(&registry).push_index("multi/app", "v1", &[&a, &b], &index);
    let target = Podman::new();
    let service = target.service();
    let engine = engine_of(&service);
    let platform = block_on(engine.platform()).expect("platform").to_string();
    // The engine's own platform, and the other one.
    let (mine, other, other_platform) = match platform.as_str() {
        "linux/amd64" => (&a, &b, "linux/arm64"),
        "linux/arm64" => (&b, &a, "linux/amd64"),
        p => panic!("the test's index has amd64 and arm64, the engine runs {p}"),
    };
    let client = Client::anonymous();
    let reference = Reference::parse(&registry.reference("multi/app:v1")).expect("reference");
    let report = block_on(client.pull_into_engine(&reference, &engine, &PullOptions::default()))
        .expect("pull the index");
    assert_eq!(
        report.digest.to_string(),
        mine.manifest.digest,
        "the engine's platform"
    );
    assert_eq!(report.image_id, mine.config.digest);
    let full = registry.reference("multi/app:v1");
    assert_eq!(
        format!("sha256:{}", target.image_id(&full)),
        mine.config.digest
    );

    // Another platform, asked for: loaded too (an engine may hold it without running it).
    let other_ref = Reference::parse(&registry.reference("multi/app:v1")).expect("reference");
    let options = PullOptions {
        platform: PlatformChoice::One(Platform::parse(other_platform).expect("platform")),
        ..PullOptions::default()
    };
    let report =
        block_on(client.pull_into_engine(&other_ref, &engine, &options)).expect("other platform");
    assert_eq!(report.image_id, other.config.digest);
    // Every platform at once is not something an engine loads: said before anything moves.
    let options = PullOptions {
        platform: PlatformChoice::All,
        ..PullOptions::default()
    };
    let e = block_on(client.pull_into_engine(&reference, &engine, &options))
        .expect_err("all platforms");
    assert!(e.to_string().contains("one platform"), "{e}");
}

#[test]
fn the_cli_lists_the_engine_pulls_into_it_and_pushes_from_it() {
    let registry = TestRegistry::start(Auth::None);
    let (_built, id) = built_and_pushed(&registry);
    let target = Podman::new();
    let service = target.service();
    let home = tempfile::tempdir().expect("home");
    let host = service.docker_host();

    let pulled = ok(&cli::in_home(home.path()).env("DOCKER_HOST", &host).run(&[
        "pull",
        &registry.reference("team/app:v1"),
        "--engine",
    ]));
    let full = registry.reference("team/app:v1");
    assert!(
        pulled.contains(&format!("as {full}")) && pulled.contains("Podman"),
        "{pulled}"
    );

    let listed = ok(&cli::in_home(home.path())
        .env("DOCKER_HOST", &host)
        .run(&["images"]));
    assert!(
        listed.starts_with("Podman Engine") && listed.contains("(found by DOCKER_HOST)"),
        "which engine comes first: {listed}"
    );
    assert!(
        listed.contains(&full) && listed.contains(&id[..12]),
        "{listed}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&cli::in_home(home.path())
        .env("DOCKER_HOST", &host)
        .run(&["images", "team", "--json"])))
    .expect("json");
    assert_eq!(json["engine"]["socket"]["host"], host.as_str());
    assert_eq!(json["images"][0]["repo_tags"][0], full.as_str());
    let none: serde_json::Value = serde_json::from_str(&ok(&cli::in_home(home.path())
        .env("DOCKER_HOST", &host)
        .run(&["images", "NO-SUCH-IMAGE", "--json"])))
    .expect("json");
    assert_eq!(none["images"], serde_json::json!([]), "the filter filters");

    // Push what the engine holds to another repository, by name; skopeo sees it.
    let pushed_to = registry.reference("team/copy:v2");
    ok(&cli::in_home(home.path()).env("DOCKER_HOST", &host).run(&[
        "push",
        &format!("engine:{full}"),
        &pushed_to,
    ]));
    let manifest = skopeo::raw_manifest(&pushed_to);
    assert_eq!(
        manifest["config"]["digest"],
        format!("sha256:{id}").as_str(),
        "the engine's image (its config) arrived"
    );
    assert_eq!(manifest["layers"].as_array().map(Vec::len), Some(2));
    // The spooled archive is gone.
    let spool = home.path().join("cache/portolan/spool");
    assert!(spool.is_dir(), "the archive was spooled in the cache");
    let left: Vec<_> = std::fs::read_dir(&spool)
        .expect("spool folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_blob_that_does_not_verify_leaves_nothing_named_in_the_engine() {
    let registry = TestRegistry::start(Auth::None);
    let (built, _) = built_and_pushed(&registry);
    let layers = built.diff_ids("localhost/app:1");
    assert_eq!(layers.len(), 2);
    // The registry's copy of the layers (compressed by podman's push): the proxy replaces
    // the bigger one's body with other bytes of the same length.
    let manifest: serde_json::Value = registry
        .http_client()
        .get(format!("{}/v2/team/app/manifests/v1", registry.base_url()))
        .header(
            "Accept",
            "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
        )
        .send()
        .and_then(|r| r.json())
        .expect("manifest");
    let layer = manifest["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .max_by_key(|l| l["size"].as_u64())
        .expect("a layer");
    let (digest, size) = (
        layer["digest"].as_str().expect("digest").to_owned(),
        layer["size"].as_u64().expect("size"),
    );
    let proxy = FaultyProxy::start(&registry.host);
    proxy.inject(
        &format!("/blobs/{digest}"),
        Fault::ReplaceBody(vec![0u8; usize::try_from(size).expect("size")]),
        10,
    );
    let target = Podman::new();
    let service = target.service();
    let engine = engine_of(&service);
    let reference = Reference::parse(&format!("{}/team/app:v1", proxy.host)).expect("reference");
    let e = block_on(Client::anonymous().pull_into_engine(
        &reference,
        &engine,
        &PullOptions::default(),
    ))
    .expect_err("a corrupt blob must fail the pull");
    assert!(
        matches!(e, portolan::Error::DigestMismatch { .. }),
        "the blob's check is the reason: {e}"
    );
    let names = target.names();
    assert!(
        !names.iter().any(|n| n.contains("team/app")),
        "nothing is named after the pull: {names:?}"
    );
}

#[test]
fn a_cancelled_pull_stops_at_once_and_names_nothing() {
    let registry = TestRegistry::start(Auth::None);
    let (built, _) = built_and_pushed(&registry);
    drop(built);
    // The registry stalls halfway through every blob.
    let proxy = FaultyProxy::start(&registry.host);
    proxy.inject("/blobs/sha256:", Fault::Stall, 100);
    let target = Podman::new();
    let service = target.service();
    let engine = engine_of(&service);
    let reference = Reference::parse(&format!("{}/team/app:v1", proxy.host)).expect("reference");
    let cancel = portolan::Cancel::new();
    let fire = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(1));
        fire.cancel();
    });
    let options = PullOptions {
        cancel,
        ..PullOptions::default()
    };
    let started = std::time::Instant::now();
    let e = block_on(Client::anonymous().pull_into_engine(&reference, &engine, &options))
        .expect_err("cancelled");
    assert!(matches!(e, portolan::Error::Cancelled), "{e}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "stopped at once, not when the registry gave up: {:?}",
        started.elapsed()
    );
    let names = target.names();
    assert!(
        !names.iter().any(|n| n.contains("team/app")),
        "nothing is named after a cancel: {names:?}"
    );
}

#[test]
fn no_engine_or_a_socket_the_user_may_not_open_is_a_clear_error() {
    let home = tempfile::tempdir().expect("home");
    // Nothing listens where DOCKER_HOST points.
    let missing = home.path().join("nothing.sock");
    let out = cli::in_home(home.path())
        .env("DOCKER_HOST", format!("unix://{}", missing.display()))
        .run(&["images"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&missing.display().to_string()) && err.contains("DOCKER_HOST"),
        "says where it looked and why: {err}"
    );
    assert!(err.contains("start"), "says what to do: {err}");

    // A socket that exists but belongs to another user (as /var/run/docker.sock belongs
    // to root and the docker group): the CLI runs as `nobody`, from a copy it may read.
    let open = tempfile::tempdir().expect("dir");
    std::fs::set_permissions(open.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let socket = open.path().join("docker.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let binary = open.path().join("portolan-cli");
    std::fs::copy(cli_binary(), &binary).expect("copy the CLI");
    let out = Command::new(require_program("setpriv"))
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&binary)
        .args(["images", "--no-keyring"])
        .env("DOCKER_HOST", format!("unix://{}", socket.display()))
        .env("DOCKER_CONFIG", open.path())
        .env("HOME", open.path())
        .env_remove("XDG_CACHE_HOME")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run portolan-cli as nobody");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("permission denied") && err.contains("docker group"),
        "says it may not, and how to be allowed: {err}"
    );

    // Pull into an engine that is not there: refused before anything moves.
    let out = cli::in_home(home.path())
        .env("DOCKER_HOST", format!("unix://{}", missing.display()))
        .run(&["pull", "127.0.0.1:1/team/app:v1", "--engine"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&missing.display().to_string()), "{err}");
}

#[test]
fn names_are_added_and_removed_and_an_image_in_use_is_kept() {
    use portolan_ops::local_engine::{remove_image, tag_image, EngineChoice};
    let podman = Podman::new();
    let id = podman.build_scratch("localhost/app:1", &[("app", b"named twice\n")]);
    let service = podman.service();
    let engine = engine_of(&service);
    let choice = EngineChoice::Socket {
        host: service.docker_host(),
    };
    let named = block_on(tag_image(&choice, &id, "localhost/app:2")).expect("tag");
    assert_eq!(named, "localhost/app:2");
    assert!(podman.names().iter().any(|n| n == "localhost/app:2"));
    assert!(block_on(tag_image(&choice, &id, "not a name")).is_err());

    // A name the image shares goes alone; the image stays under its other name.
    block_on(remove_image(&choice, "localhost/app:2")).expect("untag");
    let names = podman.names();
    assert!(!names.iter().any(|n| n == "localhost/app:2"), "{names:?}");
    assert!(names.iter().any(|n| n == "localhost/app:1"), "{names:?}");

    // A container uses it: listed as in use, and removing it is refused, naming why.
    podman.run(&["create", "--name", "user", "localhost/app:1", "/app"]);
    let listed = block_on(engine.images()).expect("images");
    let image = listed
        .iter()
        .find(|i| i.repo_tags.iter().any(|t| t == "localhost/app:1"))
        .expect("listed");
    assert!(image.in_use, "{image:?}");
    let refused = block_on(remove_image(&choice, "localhost/app:1")).expect_err("in use");
    assert!(
        refused.to_string().contains("container"),
        "says a container uses it: {refused}"
    );
    assert!(podman.names().iter().any(|n| n == "localhost/app:1"));

    // Once the container is gone, its last name removes the image.
    podman.run(&["rm", "user"]);
    let done = block_on(remove_image(&choice, "localhost/app:1")).expect("remove");
    assert!(done.iter().any(|d| d.starts_with("deleted:")), "{done:?}");
    let listed = block_on(engine.images()).expect("images");
    assert!(
        !listed
            .iter()
            .any(|i| i.id.contains(id.trim_start_matches("sha256:"))),
        "{listed:?}"
    );
}
