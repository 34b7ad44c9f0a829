//! The app and a real local engine (Podman's Docker-compatible API service, found through
//! `DOCKER_HOST`) in a real window (Xvfb, WebDriver): Pull defaults to the engine, and the
//! image shows up in it under the tag pulled; "Local images" lists it, says which engine
//! that is, and pushes it to another repository, as skopeo sees; an engine turned off is
//! said so, where the user pulls.

use std::path::{Path, PathBuf};

use portolan_tests::app_home::AppHome;
use portolan_tests::podman::Podman;
use portolan_tests::registry::{Auth, TestRegistry};
use portolan_tests::webdriver::Session;
use portolan_tests::{app_binary, artifacts_dir, skopeo};
use serde_json::json;

fn set_value(s: &Session, css: &str, value: &str, event: &str) {
    s.script(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event(arguments[2], {bubbles: true}));",
        json!([css, value, event]),
    );
}

/// The message of the newest transfer, once it says `want`.
fn finished(s: &Session, want: &str) -> String {
    s.wait_text(
        "[data-testid=transfer]:last-child [data-testid=pull-state]",
        90,
        |t| t.contains(want),
    )
}

#[test]
fn pull_into_the_engine_then_push_it_from_local_images() {
    let registry = TestRegistry::start(Auth::None);
    let built = Podman::new();
    let id = built.build_scratch(
        "localhost/app:1",
        &[("app", b"hello from podman\n"), ("data", &[7u8; 50_000])],
    );
    built.run(&[
        "push",
        "-q",
        "--tls-verify=false",
        "localhost/app:1",
        &format!("docker://{}", registry.reference("team/app:v1")),
    ]);
    let engine = Podman::new();
    let service = engine.service();
    let home = AppHome::new();
    let driver = home.driver_with(&[
        ("PORTOLAN_DEMO_REGISTRY", &PathBuf::from(&registry.host)),
        ("DOCKER_HOST", Path::new(&service.docker_host())),
    ]);
    let s = driver.open(&app_binary());

    // The sidebar says which engine there is.
    s.wait_text("[data-testid=local-images]", 20, |t| {
        t.contains("Podman Engine")
    });

    // Pull: into the engine by default.
    s.click(&s.wait("[data-repo='team/app']", 30));
    s.click(&s.wait("[data-tag='v1']", 20));
    s.wait("[data-testid=digest]", 20);
    // The image's Pull menu offers loading into the engine first.
    s.click(&s.wait("[data-testid=pull-open]", 5));
    s.wait_text("[role=menu] [role=menuitem]:first-child", 10, |t| {
        t.contains("Pull into Podman")
    });
    s.wait_text("[data-testid=pull-into-engine]", 10, |t| {
        t.contains("Pull into Podman")
    });
    s.click(&s.wait("[data-testid=pull-to]", 5));
    s.wait_text("[data-testid=pull-engine]", 10, |t| {
        t.contains("Podman Engine")
    });
    let checked = s.script(
        "return document.querySelector('input[name=format][value=engine]').checked",
        json!([]),
    );
    assert_eq!(checked, json!(true), "the engine is the default target");
    assert!(
        s.find_all("[data-testid=choose-folder]").is_empty(),
        "no folder to choose for the engine"
    );
    s.screenshot(&artifacts_dir().join("pull-into-engine.png"));
    s.click(&s.wait("[data-testid=pull-submit]", 5));
    let full = registry.reference("team/app:v1");
    let message = finished(&s, "loaded into");
    assert!(message.contains(&full), "{message}");
    assert!(engine.names().contains(&full), "{:?}", engine.names());
    assert_eq!(engine.image_id(&full), id);
    assert_eq!(engine.diff_ids(&full), built.diff_ids("localhost/app:1"));

    // Local images: which engine, the image under its name, and Push.
    s.click(&s.wait("[data-testid=local-images]", 5));
    s.wait_text("[data-testid=engine-status]", 20, |t| {
        t.contains("Podman Engine") && t.contains(&service.docker_host())
    });
    let row = s.wait(&format!("[data-local-image='{full}']"), 20);
    assert!(s.text(&row).contains(&id[..12]), "the image ID is shown");
    s.screenshot_themes("local-images");
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "local images: {problems:?}");
    s.hover(&row);
    s.click(&s.wait(
        &format!("[data-local-image='{full}'] [data-testid=push-local]"),
        5,
    ));
    s.wait_text("[data-testid=push-source]", 10, |t| {
        t.contains(&full) && t.contains("local engine")
    });
    let suggested = s.script(
        "return document.querySelector('input[name=push-repository]').value",
        json!([]),
    );
    assert_eq!(
        suggested,
        json!(format!("{}/team/app", registry.host)),
        "the registry in use, the same path"
    );
    set_value(
        &s,
        "input[name=push-repository]",
        &format!("{}/team/from-engine", registry.host),
        "input",
    );
    s.wait_text("[data-testid=push-check]", 20, |t| t.contains("is free"));
    s.click(&s.wait("[data-testid=push-submit]", 5));
    finished(&s, "Pushed");
    let manifest = skopeo::raw_manifest(&registry.reference("team/from-engine:v1"));
    assert_eq!(
        manifest["config"]["digest"],
        format!("sha256:{id}").as_str()
    );

    // Name it again from its row, then remove that name: the image keeps its first name.
    s.click(&s.wait("[data-testid=local-images]", 5));
    let row = s.wait(&format!("[data-local-image='{full}']"), 20);
    s.hover(&row);
    s.click(&s.wait(
        &format!("[data-local-image='{full}'] [data-testid=tag-local]"),
        5,
    ));
    set_value(&s, "input[name=local-tag]", "localhost/renamed:2", "input");
    s.click(&s.wait("[data-testid=local-tag-submit]", 5));
    s.wait("[data-local-image='localhost/renamed:2']", 20);
    assert!(engine.names().contains(&"localhost/renamed:2".to_owned()));
    s.hover(&s.wait("[data-local-image='localhost/renamed:2']", 5));
    s.click(&s.wait(
        "[data-local-image='localhost/renamed:2'] [data-testid=remove-local]",
        5,
    ));
    s.wait_text("[data-testid=local-remove-says]", 5, |t| {
        t.contains("keeps its other name")
    });
    s.click(&s.wait("[data-testid=local-remove-submit]", 5));
    s.wait_text("[data-testid=local-notice]", 20, |t| {
        t.starts_with("Removed")
    });
    assert!(!engine.names().contains(&"localhost/renamed:2".to_owned()));
    assert!(engine.names().contains(&full), "{:?}", engine.names());

    // Inspect: what the engine says of the image, its steps with their sizes.
    s.hover(&s.wait(&format!("[data-local-image='{full}']"), 5));
    s.click(&s.wait(
        &format!("[data-local-image='{full}'] [data-testid=inspect-local]"),
        5,
    ));
    let details = s.wait_text("[data-testid=local-details]", 20, |t| t.contains(&id[..12]));
    assert!(details.contains("linux/amd64"), "{details}");
    let steps = s.find_all("[data-testid=local-history] tbody tr");
    assert!(!steps.is_empty(), "the steps that made it: {details}");
    let problems = s.accessibility_problems();
    assert!(problems.is_empty(), "local image details: {problems:?}");
    s.screenshot_themes("local-image-details");
    // Pushed from the engine, it was pulled as a digest of the registry: that opens the
    // image view there.
    let pulled_as = s.wait("[data-testid=local-open]", 5);
    let digest = s
        .text(&pulled_as)
        .rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .expect("a digest reference");
    s.click(&pulled_as);
    s.wait_text("[data-testid=digest]", 20, |t| t == digest);
    s.key("\u{E00C}");

    // Turned off: said in the sidebar, and where the user pulls.
    set_value(&s, "[data-testid=engine-status] select", "off", "change");
    s.click(&s.wait("[data-testid=engine-apply]", 5));
    s.wait("[data-testid=engine-status][data-state=off]", 10);
    s.wait_text("[data-testid=local-images]", 10, |t| {
        t.contains("turned off")
    });
    s.click(&s.wait(&format!("[data-host='{}']", registry.host), 5));
    s.click(&s.wait("[data-repo='team/app']", 30));
    s.click(&s.wait("[data-tag='v1']", 20));
    s.wait("[data-testid=digest]", 20);
    s.click(&s.wait("[data-testid=pull-open]", 5));
    s.wait("[data-testid=pull-to]", 5);
    assert!(
        s.find_all("[data-testid=pull-into-engine]").is_empty(),
        "no engine item in the Pull menu when it is off"
    );
    s.click(&s.wait("[data-testid=pull-to]", 5));
    s.wait_text("[data-testid=engine-why]", 10, |t| t.contains("turned off"));
    let disabled = s.script(
        "return document.querySelector('input[name=format][value=engine]').disabled",
        json!([]),
    );
    assert_eq!(disabled, json!(true));
}
