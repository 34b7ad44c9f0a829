//! `portolan-demo-registry`: a local registry filled with sample images, for trying
//! Portolan without an account anywhere. Started by `scripts/demo`, or alone: it prints its
//! address (`127.0.0.1:PORT`) on the first line, and on the second the folder holding the
//! keys and trust files that check `demo/signed`'s signatures (`cosign.pub`,
//! `sigstore/trusted_root.json`, `notation/trust-store.pem`). Ctrl-C (SIGINT) or SIGTERM stops it and
//! removes its storage, as a normal exit does.

use std::io::Write;

use portolan_tests::images::{build_image, build_index, ImageSpec, Pusher};
use portolan_tests::registry::{Auth, TestRegistry};

fn main() {
    let registry = TestRegistry::start(Auth::None);
    let pusher = Pusher::new(&registry);
    let mut web = ImageSpec::new("web", "amd64", &[300_000, 120_000, 40_000]);
    web.files = vec![
        (
            "etc/os-release".into(),
            b"PRETTY_NAME=\"Portolan demo\"\nID=demo\nVERSION_ID=1.0\n".to_vec(),
            0o644,
        ),
        (
            "usr/bin/hello".into(),
            b"#!/bin/sh\necho hello from the demo image\n".to_vec(),
            0o755,
        ),
    ];
    let web = build_image(&web);
    pusher.push_image("demo/web", "1.0", &web);
    pusher.push_image("demo/web", "latest", &web);
    let mut web2 = ImageSpec::new("web", "amd64", &[300_000, 120_000, 40_000]);
    web2.files = vec![(
        "etc/os-release".into(),
        b"PRETTY_NAME=\"Portolan demo\"\nID=demo\nVERSION_ID=2.0\n".to_vec(),
        0o644,
    )];
    web2.created = "2026-02-01T09:00:00Z".into();
    pusher.push_image("demo/web", "2.0", &build_image(&web2));
    let amd = ImageSpec::new("tool-amd64", "amd64", &[200_000, 10_000]);
    let mut arm = ImageSpec::new("tool-arm64", "arm64", &[180_000, 12_000]);
    arm.variant = Some("v8".into());
    let (amd_img, arm_img) = (build_image(&amd), build_image(&arm));
    let index = build_index(&[(&amd, &amd_img), (&arm, &arm_img)], false);
    pusher.push_index("demo/tool", "2.1", &[&amd_img, &arm_img], &index);
    let mut docker = ImageSpec::new("legacy", "amd64", &[64_000]);
    docker.docker_format = true;
    pusher.push_image("demo/legacy", "v1", &build_image(&docker));
    let small = build_image(&ImageSpec::new("many", "amd64", &[4_096]));
    pusher.push_image("demo/many-tags", "v0", &small);
    for i in 1..1200 {
        pusher.push_manifest("demo/many-tags", &format!("v{i}"), &small.manifest);
    }
    // Every way an image is vouched for, and fails to be: signed (cosign key, keyless
    // bundle with provenance under the demo's own trusted root, an SBOM), unsigned,
    // tampered, signed by someone else, a BuildKit index with attestations, Notation.
    let signed = portolan_tests::supply_chain_seed::demo(&registry, "demo/signed");
    // The address, then the folder of the demo's keys and trust files (scripts/demo hands
    // them to the app), in one write: a reader that stops after the first line must not
    // make a later write fail.
    // A reader that has what it needs may have gone: never fail on stdout.
    let lines = format!("{}\n{}\n", registry.host, signed.files.dir.display());
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(lines.as_bytes());
    let _ = stdout.flush();
    drop(stdout);
    let storage = registry.storage();
    eprintln!(
        "demo registry on http://{} (storage {}); Ctrl-C stops it",
        registry.host,
        storage.display()
    );
    // Stay up until asked to stop; then the registry process is stopped and its storage
    // removed (the registry's Drop), which a signal's default action would skip.
    wait_for_stop();
    drop(registry);
    // Whoever started it may have stopped reading stderr: a closed pipe is no failure.
    let _ = writeln!(
        std::io::stderr(),
        "demo registry stopped; its storage is removed"
    );
}

/// Block until SIGINT or SIGTERM arrives.
fn wait_for_stop() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime to wait for signals");
    runtime.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    });
}
