//! Memory stays bounded and nothing panics, whatever a hostile registry sends: endless
//! error bodies, endless tag lists, an index naming one child a hundred times, sizes that
//! overflow when added up. The registry here is an [`HttpDouble`], written to misbehave.
//!
//! The `portolan-cli` runs are measured from outside ([`measure_cli`]: the peak resident
//! memory of the process) against what once took gigabytes: a layer whose one entry has a
//! 256 MiB name, 62 pages of long distinct tags, an index of 200 distinct 4 MiB children,
//! a Docker Hub API claiming thousands of pages, an oversized layer-listing cache. Each
//! stays under [`LIMIT_MB`] and ends in a clear error or a correct answer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use portolan::{Client, Reference};
use portolan::{Error, ErrorCode};
use portolan_tests::block_on;
use portolan_tests::hostile::{self, Counter, HugeChildren, Routes};
use portolan_tests::http_double::{HttpDouble, Reply};
use portolan_tests::images::{sha256, OCI_MANIFEST};
use portolan_tests::peak_rss::{measure_cli, Measured};

fn reference(registry: &HttpDouble, rest: &str) -> Reference {
    Reference::parse(&format!("{}/{rest}", registry.host)).expect("reference")
}

fn api_root(path: &str) -> Option<Reply> {
    (path == "/v2/").then(|| Reply::json(&serde_json::json!({})))
}

const MIB: u64 = 1024 * 1024;

#[test]
fn an_endless_error_body_is_read_only_up_to_its_cap() {
    let registry = HttpDouble::builder()
        .reply("GET", "/v2/", Reply::json(&serde_json::json!({})))
        // A delete refused with a 600 MiB body.
        .reply(
            "DELETE",
            "/**",
            Reply::Endless {
                status: 405,
                content_type: "application/json".into(),
                total: 600 * MIB,
            },
        )
        // Any other failure with one, too.
        .reply(
            "*",
            "/**",
            Reply::Endless {
                status: 500,
                content_type: "text/html".into(),
                total: 600 * MIB,
            },
        )
        .start();
    let digest = format!("sha256:{}", "a".repeat(64));
    let err = block_on(Client::anonymous().delete(&reference(&registry, &format!("r@{digest}"))))
        .expect_err("refused");
    assert_eq!(err.code(), ErrorCode::Unsupported, "{err}");
    assert!(matches!(err, Error::DeleteUnsupported { .. }), "{err}");
    let err = block_on(Client::anonymous().inspect(&reference(&registry, "r:v1"), None))
        .expect_err("refused");
    assert_eq!(err.code(), ErrorCode::Registry, "{err}");
    // Four attempts of the failing GET and one DELETE, each stopped early: socket buffers
    // hold a few MiB, far from the 3 GB offered.
    let sent = registry.bytes_sent();
    eprintln!(
        "endless error bodies: {} KiB accepted of 3000 MiB offered",
        sent / 1024
    );
    assert!(sent < 100 * MIB, "{} MiB were read", sent / MIB);
}

#[test]
fn an_endless_tag_list_ends_in_a_clear_error() {
    let pages = Arc::new(AtomicUsize::new(0));
    let counter = pages.clone();
    let registry = HttpDouble::serve(move |request| {
        let path = request.target.as_str();
        if let Some(r) = api_root(path) {
            return r;
        }
        // Every page holds 20,000 new names and points at one more page.
        let page = counter.fetch_add(1, Ordering::SeqCst);
        let tags: Vec<String> = (0..20_000).map(|i| format!("p{page}-{i}")).collect();
        Reply::Body {
            status: 200,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                (
                    "Link".into(),
                    format!("</v2/r/tags/list?n=1000&last=p{page}>; rel=\"next\""),
                ),
            ],
            body: serde_json::json!({"name": "r", "tags": tags})
                .to_string()
                .into_bytes(),
        }
    });
    let err = block_on(Client::anonymous().tags(&reference(&registry, "r"))).expect_err("endless");
    assert_eq!(err.code(), ErrorCode::TooLarge, "{err}");
    assert!(matches!(err, Error::OverBudget { .. }), "{err}");
    assert!(err.to_string().contains("64 MiB of names"), "{err}");
    // Each name costs its bytes and the overhead of holding it.
    let per_page = 20_000 * (portolan::client::name_list::NAME_OVERHEAD + 1);
    let served = pages.load(Ordering::SeqCst) as u64;
    assert!(
        served <= 2 + portolan::client::MAX_LIST_BYTES / per_page,
        "stopped at the limit ({served} pages)"
    );

    // A catalog row's count stops at its cap, on the first page, keeping no name.
    pages.store(0, Ordering::SeqCst);
    let (count, complete) =
        block_on(Client::anonymous().count_tags(&reference(&registry, "r"), 10_000))
            .expect("counted");
    assert_eq!((count, complete), (10_000, false));
    assert_eq!(pages.load(Ordering::SeqCst), 1, "one page read");
}

#[test]
fn an_index_naming_one_child_many_times_fetches_it_once_and_huge_sizes_do_not_panic() {
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": []},
    })
    .to_string()
    .into_bytes();
    let config_digest = sha256(&config);
    // Sizes whose sum overflows 64 bits.
    let layer = |n: u8| {
        serde_json::json!({
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": format!("sha256:{}", format!("{n:x}").repeat(64)),
            "size": u64::MAX / 2,
        })
    };
    let child = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
        "layers": [layer(1), layer(2), layer(3)],
    })
    .to_string()
    .into_bytes();
    let child_digest = sha256(&child);
    let entry = serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": child_digest, "size": child.len(),
        "platform": {"architecture": "amd64", "os": "linux"},
    });
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": vec![entry; 100],
    })
    .to_string()
    .into_bytes();
    let child_fetches = Arc::new(AtomicUsize::new(0));
    let counter = child_fetches.clone();
    let served_child = child_digest.clone();
    let registry = HttpDouble::serve(move |request| {
        let (method, path) = (request.method.as_str(), request.target.as_str());
        let child_digest = &served_child;
        if let Some(r) = api_root(path) {
            return r;
        }
        let manifest = |kind: &str, bytes: &[u8]| Reply::Body {
            status: 200,
            headers: vec![
                ("Content-Type".into(), kind.into()),
                ("Docker-Content-Digest".into(), sha256(bytes)),
            ],
            body: bytes.to_vec(),
        };
        if path == "/v2/r/manifests/v1" {
            return manifest("application/vnd.oci.image.index.v1+json", &index);
        }
        if path == format!("/v2/r/manifests/{child_digest}") {
            if method == "GET" {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            return manifest("application/vnd.oci.image.manifest.v1+json", &child);
        }
        if path == format!("/v2/r/blobs/{config_digest}") {
            return Reply::Body {
                status: 200,
                headers: vec![("Content-Type".into(), "application/octet-stream".into())],
                body: config.clone(),
            };
        }
        Reply::Body {
            status: 404,
            headers: Vec::new(),
            body: br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"no"}]}"#.to_vec(),
        }
    });
    let report = block_on(Client::anonymous().inspect(&reference(&registry, "r:v1"), None))
        .expect("inspect");
    let text = serde_json::to_string(&report).expect("json");
    assert!(text.contains(&child_digest), "{text}");
    assert_eq!(
        child_fetches.load(Ordering::SeqCst),
        1,
        "the child listed 100 times is fetched once"
    );
}

#[test]
fn an_index_child_that_is_not_a_digest_is_refused_not_fetched_as_a_tag() {
    // `foo:bar` has the shape of a digest to a lenient parser but is none Portolan can
    // verify; fetched as text it would be an unverified manifest by name.
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "foo:bar", "size": 10,
            "platform": {"architecture": "amd64", "os": "linux"},
        }],
    })
    .to_string()
    .into_bytes();
    let fetched_child = Arc::new(AtomicUsize::new(0));
    let counter = fetched_child.clone();
    let source = HttpDouble::serve(move |request| {
        let path = request.target.as_str();
        if let Some(r) = api_root(path) {
            return r;
        }
        if path == "/v2/r/manifests/v1" {
            return Reply::Body {
                status: 200,
                headers: vec![
                    (
                        "Content-Type".into(),
                        "application/vnd.oci.image.index.v1+json".into(),
                    ),
                    ("Docker-Content-Digest".into(), sha256(&index)),
                ],
                body: index.clone(),
            };
        }
        if path.contains("foo:bar") {
            counter.fetch_add(1, Ordering::SeqCst);
        }
        Reply::Body {
            status: 404,
            headers: Vec::new(),
            body: Vec::new(),
        }
    });
    let destination =
        portolan_tests::registry::TestRegistry::start(portolan_tests::registry::Auth::None);
    let err = block_on(Client::anonymous().copy(
        &reference(&source, "r:v1"),
        &Reference::parse(&destination.reference("r:v1")).expect("ref"),
        false,
        &portolan::PushOptions::default(),
    ))
    .expect_err("refused");
    assert!(
        matches!(err, portolan::Error::InvalidResponse { .. }),
        "{err}"
    );
    assert_eq!(
        fetched_child.load(Ordering::SeqCst),
        0,
        "never fetched by name"
    );
}

/// What any command may take, whatever a registry or API sends (resident memory, MB).
const LIMIT_MB: u64 = 300;

/// The run stayed under [`LIMIT_MB`], ended by itself and did not panic.
fn assert_bounded(run: &Measured, what: &str) {
    eprintln!(
        "{what}: peak {} MB in {:.1} s, exit {:?}\n{}",
        run.peak_mb(),
        run.elapsed.as_secs_f64(),
        run.status.and_then(|s| s.code()),
        run.stderr_text().trim()
    );
    assert!(
        run.status.is_some(),
        "{what}: stopped at {} MB, past the ceiling",
        run.peak_mb()
    );
    assert!(
        run.peak_mb() < LIMIT_MB,
        "{what}: peak {} MB, over {LIMIT_MB} MB",
        run.peak_mb()
    );
    assert!(
        !run.stderr_text().contains("panicked"),
        "{what}: {}",
        run.stderr_text()
    );
}

/// The typed error a `--json` run ended with: its code and message.
fn typed_error(run: &Measured, what: &str) -> (String, String) {
    assert!(!run.succeeded(), "{what}: {}", run.stdout_text());
    let failed: serde_json::Value = serde_json::from_str(run.stderr_text().trim())
        .unwrap_or_else(|e| panic!("{what}: not a JSON error ({e}): {}", run.stderr_text()));
    let text = |k: &str| failed["error"][k].as_str().unwrap_or_default().to_owned();
    (text("code"), text("message"))
}

/// A fake registry serving `routes`, and not-found for anything else.
fn serve(routes: &Routes) -> HttpDouble {
    let routes = routes.clone();
    HttpDouble::serve(move |request| {
        let (method, path) = (request.method.as_str(), request.target.as_str());
        routes
            .answer(method, path)
            .unwrap_or_else(hostile::not_found)
    })
}

/// The biggest file under `dir` (bytes), and the sum of them all.
fn file_sizes(dir: &std::path::Path) -> (u64, u64) {
    let (mut biggest, mut total) = (0, 0);
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                let (b, t) = file_sizes(&path);
                biggest = biggest.max(b);
                total += t;
            } else if let Ok(meta) = entry.metadata() {
                biggest = biggest.max(meta.len());
                total += meta.len();
            }
        }
    }
    (biggest, total)
}

#[test]
fn files_of_a_layer_with_a_256_mib_long_name_fail_clearly_in_little_memory() {
    // 255 KB of gzip; its one entry's GNU long name inflates to 256 MiB. The manifest lists
    // it eight times.
    let layer = hostile::long_name_layer(256);
    let config = hostile::config(8);
    let manifest = hostile::image_manifest(&config, &[&layer; 8]);
    // A harmless layer listed eight times: read once.
    let small = hostile::small_layer(3);
    let repeated = hostile::image_manifest(&config, &[&small; 8]);
    let routes = Routes::new(
        "r",
        &[(&manifest, &["v1"]), (&repeated, &["v2"])],
        &[&config, &layer, &small],
    );
    let registry = serve(&routes);
    let home = tempfile::tempdir().expect("home");

    let run = measure_cli(
        home.path(),
        &["--json", "files", &format!("{}/r:v1", registry.host)],
        &[],
    );
    assert_bounded(&run, "files of a layer with a 256 MiB name");
    let (code, said) = typed_error(&run, "files of a layer with a 256 MiB name");
    assert_eq!(code, "too_large", "{said}");
    assert!(
        said.contains("a file name of 256 MiB") && said.contains("(4 KiB a name)"),
        "the error names the limit: {said}"
    );
    let (biggest, _) = file_sizes(&home.path().join("cache"));
    assert!(
        biggest < 1_000_000,
        "a {biggest}-byte file was left in the cache"
    );

    // With no cache to help, the layer listed eight times is still read once.
    let run = measure_cli(
        home.path(),
        &["files", &format!("{}/r:v2", registry.host)],
        &[("XDG_CACHE_HOME", "/dev/null/no-cache")],
    );
    assert_bounded(&run, "files of a layer listed eight times");
    assert!(run.succeeded(), "{}", run.stderr_text());
    assert!(
        run.stdout_text().contains("etc/file-2"),
        "{}",
        run.stdout_text()
    );
    assert_eq!(
        routes.gets_of(&format!("/v2/r/blobs/{}", small.digest)),
        1,
        "each layer digest is read once"
    );
}

#[test]
fn pages_of_long_distinct_tags_stop_at_a_byte_budget() {
    // 62 pages of 32,000 distinct 500-byte tags: 1 GB of names.
    let pages = Counter::default();
    let served = pages.clone();
    let registry = HttpDouble::serve(move |request| {
        let path = request.target.as_str();
        if let Some(r) = api_root(path) {
            return r;
        }
        if !path.starts_with("/v2/r/tags/list") {
            return hostile::not_found();
        }
        let page = served.bump();
        let mut headers = vec![("Content-Type".into(), "application/json".into())];
        if page + 1 < 62 {
            headers.push((
                "Link".into(),
                format!("</v2/r/tags/list?n=1000&last=p{page}>; rel=\"next\""),
            ));
        }
        Reply::Body {
            status: 200,
            headers,
            body: serde_json::json!({"name": "r", "tags": hostile::long_tags(page, 32_000, 500)})
                .to_string()
                .into_bytes(),
        }
    });
    let home = tempfile::tempdir().expect("home");
    let run = measure_cli(
        home.path(),
        &["--json", "tags", &format!("{}/r", registry.host)],
        &[],
    );
    assert_bounded(&run, "tags of 62 pages of long names");
    let (code, said) = typed_error(&run, "tags of 62 pages of long names");
    assert_eq!(code, "too_large", "{said}");
    assert!(
        said.contains("(64 MiB of names)"),
        "the error names the limit: {said}"
    );
    assert!(pages.get() < 10, "stopped early ({} pages)", pages.get());
}

#[test]
fn a_cleanup_preview_of_an_index_of_200_huge_children_stays_small() {
    let children = Arc::new(HugeChildren::new(200));
    let routes = Routes::new(
        "r",
        &[(&children.index, &["v1", "v2"])],
        &[&children.config],
    );
    let fetched = Counter::default();
    let (served, counter) = (children.clone(), fetched.clone());
    let answer = routes.clone();
    let registry = HttpDouble::serve(move |request| {
        let (method, path) = (request.method.as_str(), request.target.as_str());
        if path.starts_with("/v2/r/tags/list") {
            return Reply::json(&serde_json::json!({"name": "r", "tags": ["v1", "v2"]}));
        }
        let digest = path.strip_prefix("/v2/r/manifests/").unwrap_or_default();
        if let Some(child) = served.child(digest) {
            if method == "GET" {
                counter.bump();
            }
            return Reply::Body {
                status: 200,
                headers: vec![
                    ("Content-Type".into(), OCI_MANIFEST.into()),
                    ("Docker-Content-Digest".into(), digest.to_owned()),
                ],
                body: child,
            };
        }
        answer
            .answer(method, path)
            .unwrap_or_else(hostile::not_found)
    });
    let home = tempfile::tempdir().expect("home");
    let run = measure_cli(
        home.path(),
        &[
            "cleanup",
            &format!("{}/r", registry.host),
            "--keep-newest",
            "1",
            "--dry-run",
        ],
        &[],
    );
    assert_bounded(&run, "cleanup preview of an index of 200 4 MiB children");
    assert!(run.succeeded(), "{}", run.stderr_text());
    assert!(run.stdout_text().contains("v1"), "{}", run.stdout_text());
    assert!(
        fetched.get() <= 16,
        "children read per row are capped ({} read)",
        fetched.get()
    );
}

#[test]
fn a_docker_hub_api_claiming_thousands_of_pages_is_stopped_early() {
    // Each page: 100 tags of about 8 KB (their platform images).
    for (claimed_pages, what, limit) in [
        (2_100, "a Hub claiming 2,100 pages", "(2000 pages)"),
        (
            1_500,
            "a Hub with 1,500 pages of large tags",
            "(64 MiB of answers)",
        ),
    ] {
        let pages = Counter::default();
        let base = Arc::new(std::sync::OnceLock::<String>::new());
        let (served, url) = (pages.clone(), base.clone());
        let registry = HttpDouble::serve(move |request| {
            let path = request.target.as_str();
            let Some(query) = path.strip_prefix("/v2/namespaces/ns/repositories/app/tags?") else {
                return hostile::not_found();
            };
            let page: usize = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            served.bump();
            let base = format!(
                "http://{}/v2/namespaces/ns/repositories/app/tags",
                url.get().map(String::as_str).unwrap_or_default()
            );
            hostile::hub_tags_page(&base, page, claimed_pages * 100, 8_000)
        });
        base.set(registry.host.clone()).expect("set once");
        let home = tempfile::tempdir().expect("home");
        let run = measure_cli(
            home.path(),
            &[
                "--json",
                "versions",
                "127.0.0.1:1/ns/app",
                "--hub-api",
                &format!("http://{}", registry.host),
            ],
            &[],
        );
        assert_bounded(&run, what);
        let (code, said) = typed_error(&run, what);
        assert_eq!(code, "too_large", "{said}");
        assert!(
            said.contains(limit),
            "{what}: the error names the limit: {said}"
        );
        assert!(
            pages.get() < 200,
            "{what}: stopped early ({} pages read)",
            pages.get()
        );
    }
}

#[test]
fn the_layer_listing_cache_keeps_to_its_budgets() {
    let layer = hostile::small_layer(3);
    let config = hostile::config(1);
    let manifest = hostile::image_manifest(&config, &[&layer]);
    let registry = serve(&Routes::new(
        "r",
        &[(&manifest, &["v1"])],
        &[&config, &layer],
    ));
    let home = tempfile::tempdir().expect("home");
    let dir = home.path().join("cache/portolan/layers/v2/sha256");
    std::fs::create_dir_all(&dir).expect("cache dir");
    // A 400 MB file where this layer's listing goes (what an unbounded listing once left),
    // and ten 30 MB listings of other layers, oldest first. Sparse: no disk is used.
    let hex = layer.digest.trim_start_matches("sha256:");
    let sized = |name: &str, len: u64, age_days: u64| {
        let file = std::fs::File::create(dir.join(name)).expect("create");
        file.set_len(len).expect("size");
        file.set_modified(
            std::time::SystemTime::now() - std::time::Duration::from_secs(age_days * 86_400),
        )
        .expect("date");
    };
    sized(&format!("{hex}.json"), 400_000_000, 0);
    for i in 0..10u64 {
        sized(&format!("{i:064x}.json"), 30_000_000, 20 - i);
    }
    let run = measure_cli(
        home.path(),
        &["files", &format!("{}/r:v1", registry.host)],
        &[],
    );
    assert_bounded(&run, "files with an oversized cache");
    assert!(run.succeeded(), "{}", run.stderr_text());
    assert!(
        run.stdout_text().contains("etc/file-2"),
        "{}",
        run.stdout_text()
    );
    let (biggest, total) = file_sizes(&dir);
    assert!(
        biggest <= 32 << 20,
        "no entry over 32 MiB is kept ({biggest})"
    );
    assert!(total <= 256 << 20, "the cache keeps to 256 MiB ({total})");
    let kept = std::fs::read(dir.join(format!("{hex}.json"))).expect("the new listing is kept");
    assert!(kept.len() < 10_000, "{} bytes", kept.len());
    assert!(
        !dir.join(format!("{:064x}.json", 0)).exists(),
        "the oldest listing went first"
    );
    assert!(
        dir.join(format!("{:064x}.json", 9)).exists(),
        "the newest old listing stayed"
    );
}
