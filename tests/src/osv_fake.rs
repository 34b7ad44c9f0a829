//! A small OSV API with known vulnerabilities of the supply-chain fixture's packages
//! (`tests/fixtures/sbom-project`: lodash 4.17.20 and minimist 1.2.5 have published
//! advisories), for the CLI and the window. Prism on OSV's published description checks
//! the requests' shapes (`tests/tests/osv.rs`); this answers with content worth showing.
//! Records are real advisories, trimmed.

use serde_json::{json, Value};

use crate::http_double::{HttpDouble, Reply};

/// GitHub's advisory record for lodash's command injection, as OSV serves it (trimmed).
pub fn command_injection() -> Value {
    json!({
        "schema_version": "1.6.0",
        "id": "GHSA-35jh-r3h4-6jhm",
        "modified": "2024-03-01T00:00:00Z",
        "published": "2021-05-06T16:05:51Z",
        "aliases": ["CVE-2021-23337"],
        "summary": "Command Injection in lodash",
        "details": "`lodash` versions prior to 4.17.21 are vulnerable to Command Injection via the template function.",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{
            "package": {"ecosystem": "npm", "name": "lodash", "purl": "pkg:npm/lodash"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}],
            "database_specific": {"source": "https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/2021/05/GHSA-35jh-r3h4-6jhm/GHSA-35jh-r3h4-6jhm.json"}
        }],
        "database_specific": {"cwe_ids": ["CWE-77", "CWE-94"], "github_reviewed": true, "severity": "HIGH"}
    })
}

/// And its ReDoS advisory.
pub fn redos() -> Value {
    json!({
        "id": "GHSA-29mw-wpgm-hmr9",
        "modified": "2024-03-01T00:00:00Z",
        "aliases": ["CVE-2020-28500"],
        "summary": "Regular Expression Denial of Service (ReDoS) in lodash",
        "affected": [{
            "package": {"ecosystem": "npm", "name": "lodash", "purl": "pkg:npm/lodash"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "4.0.0"}, {"fixed": "4.17.21"}]}]
        }],
        "database_specific": {"severity": "MODERATE"}
    })
}

/// minimist's prototype pollution (critical).
pub fn prototype_pollution() -> Value {
    json!({
        "id": "GHSA-xvch-5gv4-984h",
        "modified": "2024-03-01T00:00:00Z",
        "aliases": ["CVE-2021-44906"],
        "summary": "Prototype Pollution in minimist",
        "affected": [{
            "package": {"ecosystem": "npm", "name": "minimist", "purl": "pkg:npm/minimist"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.6"}]}]
        }],
        "database_specific": {"severity": "CRITICAL"}
    })
}

/// Start the fake: `POST /v1/querybatch` answers lodash 4.17.20 and minimist 1.2.5 by id
/// (as the real API does), `GET /v1/vulns/{id}` the records.
pub fn start() -> HttpDouble {
    HttpDouble::builder()
        .handle("POST", "/v1/querybatch", |request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            let results: Vec<Value> = body["queries"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|q| {
                    let id = |id: &str| json!({"id": id, "modified": "2024-03-01T00:00:00Z"});
                    match q["package"]["purl"].as_str().unwrap_or_default() {
                        "pkg:npm/lodash@4.17.20" => {
                            json!({"vulns": [id("GHSA-35jh-r3h4-6jhm"), id("GHSA-29mw-wpgm-hmr9")]})
                        }
                        "pkg:npm/minimist@1.2.5" => json!({"vulns": [id("GHSA-xvch-5gv4-984h")]}),
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
        .reply(
            "GET",
            "/v1/vulns/GHSA-29mw-wpgm-hmr9",
            Reply::json(&redos()),
        )
        .reply(
            "GET",
            "/v1/vulns/GHSA-xvch-5gv4-984h",
            Reply::json(&prototype_pollution()),
        )
        .start()
}
