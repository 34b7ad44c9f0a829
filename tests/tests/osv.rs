//! The OSV client against OSV's published API description, served by Prism (every request
//! validated against it: one that breaks the contract gets a 422), and against a fake OSV
//! of our own with known vulnerabilities, since Prism's answers are placeholders
//! (`"id": "string"`, and a `next_page_token` on every page).

use portolan::supply_chain::osv::{OsvClient, Severity};
use portolan::supply_chain::sbom;
use portolan_tests::http_double::{HttpDouble, Reply, Request};
use portolan_tests::osv_fake::{command_injection, redos};
use portolan_tests::vendor_mocks::Prism;
use serde_json::{json, Value};

/// An SPDX document of three packages: lodash 4.17.20 (two advisories), left-pad 1.3.0
/// (none) and a package with no purl.
fn spdx() -> sbom::Sbom {
    let doc = json!({
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "creationInfo": {"creators": ["Tool: syft-1.0.0"]},
        "packages": [
            {"name": "lodash", "versionInfo": "4.17.20", "licenseDeclared": "MIT",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                               "referenceLocator": "pkg:npm/lodash@4.17.20"}]},
            {"name": "left-pad", "versionInfo": "1.3.0", "licenseDeclared": "WTFPL",
             "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                               "referenceLocator": "pkg:npm/left-pad@1.3.0"}]},
            {"name": "libfoo", "versionInfo": "2.0"}
        ]
    });
    sbom::parse(doc.to_string().as_bytes()).expect("the SBOM parses")
}

fn client(base: &str) -> OsvClient {
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("http client");
    OsvClient::with_http(base, http).expect("an OSV client")
}

fn queries(request: &Request) -> Vec<Value> {
    let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
    body["queries"].as_array().expect("queries").clone()
}

#[test]
fn the_client_sends_what_osvs_published_api_describes() {
    let prism = Prism::osv();
    // Prism answers one result whatever the number of queries (the client refuses a count
    // that does not match), so one package with a purl and one without.
    let packages: Vec<_> = spdx()
        .packages
        .into_iter()
        .filter(|p| p.name != "left-pad")
        .collect();
    let report = portolan_tests::block_on(client(&prism.url).vulnerabilities(&packages))
        .expect("Prism accepts every request and its answers parse");
    // Its one result holds one placeholder vulnerability and a page token that never
    // changes: the client asks for that page once, then stops and says so.
    assert_eq!(report.queried, 1);
    assert_eq!(report.not_queried, 1);
    assert!(report.incomplete, "the repeated page token is noticed");
    let log = prism.log();
    assert_eq!(
        log.matches("post /v1/querybatch").count(),
        2,
        "first page and the page token's: {log}"
    );
    assert_eq!(log.matches("get /v1/vulns/string").count(), 1, "{log}");
    assert_eq!(
        log.matches("The request passed the validation rules")
            .count(),
        3,
        "{log}"
    );
    assert!(!log.contains("did not pass"), "{log}");
    assert_eq!(report.vulns.len(), 1);
    let vuln = &report.vulns[0];
    assert_eq!(vuln.id, "string");
    assert_eq!(vuln.severity, Severity::Unknown);
    assert_eq!(
        vuln.url.as_deref(),
        Some("https://osv.dev/vulnerability/string")
    );

    // Prism does refuse what breaks the contract (the check above means something).
    let refused = reqwest::blocking::Client::new()
        .post(format!("{}/v1/querybatch", prism.url))
        .header("Content-Type", "application/json")
        .body(r#"{"queries": "pkg:npm/lodash@4.17.20"}"#)
        .send()
        .expect("Prism answers");
    assert_eq!(refused.status().as_u16(), 422);
}

#[test]
fn known_vulnerabilities_over_two_pages() {
    let osv = HttpDouble::builder()
        .handle("POST", "/v1/querybatch", |request| {
            let results: Vec<Value> = queries(request)
                .iter()
                .map(|q| {
                    let purl = q["package"]["purl"].as_str().unwrap_or_default();
                    match (purl, q["page_token"].as_str()) {
                        ("pkg:npm/lodash@4.17.20", None) => json!({
                            "vulns": [{"id": "GHSA-35jh-r3h4-6jhm", "modified": "2024-03-01T00:00:00Z"}],
                            "next_page_token": "page-2"
                        }),
                        ("pkg:npm/lodash@4.17.20", Some("page-2")) => json!({
                            "vulns": [{"id": "GHSA-29mw-wpgm-hmr9", "modified": "2024-03-01T00:00:00Z"}]
                        }),
                        _ => json!({}),
                    }
                })
                .collect();
            Reply::json(&json!({ "results": results }))
        })
        .reply(
            "GET",
            "/v1/vulns/GHSA-35jh-r3h4-6jhm",
            Reply::json(&command_injection()),
        )
        .reply("GET", "/v1/vulns/GHSA-29mw-wpgm-hmr9", Reply::json(&redos()))
        .start();

    let report = portolan_tests::block_on(client(&osv.url("")).vulnerabilities(&spdx().packages))
        .expect("a report");

    let batches = osv.requests_to("POST", "/v1/querybatch");
    assert_eq!(batches.len(), 2);
    assert_eq!(
        queries(&batches[0]),
        vec![
            json!({"package": {"purl": "pkg:npm/lodash@4.17.20"}}),
            json!({"package": {"purl": "pkg:npm/left-pad@1.3.0"}})
        ]
    );
    assert_eq!(
        queries(&batches[1]),
        vec![json!({"package": {"purl": "pkg:npm/lodash@4.17.20"}, "page_token": "page-2"})],
        "only the query with another page is asked again"
    );
    for id in ["GHSA-35jh-r3h4-6jhm", "GHSA-29mw-wpgm-hmr9"] {
        assert_eq!(osv.requests_to("GET", &format!("/v1/vulns/{id}")).len(), 1);
    }

    assert_eq!((report.queried, report.not_queried), (2, 1));
    assert!(!report.incomplete);
    assert_eq!(report.vulns.len(), 2);
    assert_eq!(report.counts[&Severity::High], 1);
    assert_eq!(report.counts[&Severity::Medium], 1);
    assert_eq!(report.counts[&Severity::Critical], 0);
    assert_eq!(report.counts[&Severity::Unknown], 0);

    let high = &report.vulns[0];
    assert_eq!(high.id, "GHSA-35jh-r3h4-6jhm");
    assert_eq!(high.severity, Severity::High);
    assert_eq!(high.package, "lodash");
    assert_eq!(high.version.as_deref(), Some("4.17.20"));
    assert_eq!(high.aliases, vec!["CVE-2021-23337"]);
    assert_eq!(high.summary.as_deref(), Some("Command Injection in lodash"));
    assert_eq!(high.fixed.as_deref(), Some("4.17.21"));
    assert_eq!(
        high.url.as_deref(),
        Some("https://osv.dev/vulnerability/GHSA-35jh-r3h4-6jhm")
    );
    let medium = &report.vulns[1];
    assert_eq!(medium.id, "GHSA-29mw-wpgm-hmr9");
    assert_eq!(medium.severity, Severity::Medium);
    assert_eq!(medium.fixed.as_deref(), Some("4.17.21"));
}
