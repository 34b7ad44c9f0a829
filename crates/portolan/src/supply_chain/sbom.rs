//! SBOMs: the package list an SPDX or CycloneDX document gives, whichever way it was
//! attached (a referrer, cosign's `.sbom` tag, or the predicate of an in-toto statement).
//!
//! Both formats are read from JSON in one pass into a narrow shape: only the fields shown
//! are kept (a document's `files`, `relationships`, `dependencies`... are skipped without
//! being built), and a field of an unexpected type reads as absent rather than failing the
//! document. Every string returned is stripped of control characters and capped in
//! length: an SBOM comes from a registry, and what it says ends up on a screen.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::printable;

/// The longest name, version or purl kept (in characters); longer text is cut.
const MAX_FIELD_CHARS: usize = 512;

/// The longest license expression kept (in characters).
const MAX_LICENSE_CHARS: usize = 1024;

/// The label [`license_summary`] counts packages without a license under.
pub const UNKNOWN_LICENSE: &str = "unknown";

/// One package an SBOM lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Package {
    /// Its name.
    pub name: String,
    /// Its version, when stated.
    pub version: Option<String>,
    /// Its package URL (`pkg:npm/left-pad@1.3.0`), when stated.
    pub purl: Option<String>,
    /// Its licenses (SPDX expressions or names), as stated.
    pub licenses: Vec<String>,
    /// Its ecosystem: the purl's type (`npm`, `deb`, `golang`...), when it has a purl.
    pub ecosystem: Option<String>,
}

/// The document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SbomFormat {
    /// SPDX (2.x JSON).
    Spdx,
    /// CycloneDX (1.x JSON).
    CycloneDx,
}

/// An SBOM's packages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sbom {
    /// Its format.
    pub format: SbomFormat,
    /// The format's version as the document states it (`SPDX-2.3`, `1.5`).
    pub spec_version: Option<String>,
    /// The tool that made it, when stated.
    pub tool: Option<String>,
    /// The packages, in the document's order.
    pub packages: Vec<Package>,
}

/// Why a document is not a readable SBOM.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    /// Not JSON, or JSON whose structure is not an SBOM's (a package list that is not a
    /// list, nesting deeper than the parser allows).
    #[error("the SBOM is not readable JSON: {detail}")]
    Json {
        /// The parser's words.
        detail: String,
    },
    /// JSON, but neither SPDX (`spdxVersion`) nor CycloneDX (`bomFormat: CycloneDX`).
    #[error("the document is neither SPDX 2.x JSON nor CycloneDX JSON")]
    UnknownFormat,
    /// An SPDX version this reader does not know (SPDX 3 is JSON-LD, another shape).
    #[error("SPDX version {version} is not supported (SPDX 2.x JSON is)")]
    UnsupportedSpdx {
        /// The version the document states.
        version: String,
    },
}

/// Read an SPDX 2.x or CycloneDX 1.x JSON document.
pub fn parse(bytes: &[u8]) -> Result<Sbom, SbomError> {
    let raw: RawDocument = serde_json::from_slice(bytes).map_err(|e| SbomError::Json {
        detail: e.to_string(),
    })?;
    raw.into_sbom()
}

/// Read the SBOM an in-toto statement carries as its predicate, when `predicate_type` is
/// SPDX's (`https://spdx.dev/Document`, `.../v2.3`) or CycloneDX's
/// (`https://cyclonedx.org/bom`, `.../v1.5`); `None` for any other predicate type.
///
/// cosign 1.x stored a document it could not read as JSON as a string in `Data`; such a
/// string is read as JSON too.
pub fn from_statement_predicate(
    predicate_type: &str,
    predicate: &serde_json::Value,
) -> Option<Result<Sbom, SbomError>> {
    let expected = sbom_predicate_format(predicate_type)?;
    let parsed = match predicate.get("Data").and_then(|d| d.as_str()) {
        Some(text) if predicate.get("spdxVersion").is_none() => parse(text.as_bytes()),
        _ => RawDocument::deserialize(predicate)
            .map_err(|e| SbomError::Json {
                detail: e.to_string(),
            })
            .and_then(RawDocument::into_sbom),
    };
    Some(parsed.and_then(|sbom| {
        if sbom.format == expected {
            Ok(sbom)
        } else {
            Err(SbomError::UnknownFormat)
        }
    }))
}

/// The format an in-toto predicate type names, if it names an SBOM.
fn sbom_predicate_format(predicate_type: &str) -> Option<SbomFormat> {
    let versioned = |base: &str| {
        predicate_type
            .strip_prefix(base)
            .is_some_and(|rest| rest.is_empty() || rest == "/" || rest.starts_with("/v"))
    };
    if versioned("https://spdx.dev/Document") {
        Some(SbomFormat::Spdx)
    } else if versioned("https://cyclonedx.org/bom") {
        Some(SbomFormat::CycloneDx)
    } else {
        None
    }
}

/// How many packages carry each license, the most common first (ties by name). A package
/// with several licenses counts once under each; one with none counts under
/// [`UNKNOWN_LICENSE`].
pub fn license_summary(sbom: &Sbom) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for package in &sbom.packages {
        if package.licenses.is_empty() {
            *counts.entry(UNKNOWN_LICENSE).or_default() += 1;
        }
        for license in &package.licenses {
            *counts.entry(license.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(name, n)| (name.to_owned(), n))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// [`printable`], `None` when nothing printable is left.
fn printable_opt(text: Option<&str>, max_chars: usize) -> Option<String> {
    let text = printable(text?.trim(), max_chars);
    (!text.trim().is_empty()).then_some(text)
}

/// The purl's type (`pkg:npm/...` → `npm`), lower-cased, when it is a well-formed one.
pub fn purl_type(purl: &str) -> Option<String> {
    let rest = purl.strip_prefix("pkg:")?.trim_start_matches('/');
    let (kind, _) = rest.split_once('/')?;
    let valid = !kind.is_empty()
        && kind.len() <= 32
        && kind.starts_with(|c: char| c.is_ascii_alphabetic())
        && kind
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'));
    valid.then(|| kind.to_ascii_lowercase())
}

/// A package from its parts, cleaned.
fn package(
    name: Option<&str>,
    version: Option<&str>,
    purl: Option<&str>,
    licenses: Vec<String>,
) -> Package {
    let purl = printable_opt(purl, MAX_FIELD_CHARS);
    let mut kept: Vec<String> = Vec::with_capacity(licenses.len());
    for license in licenses {
        let license = printable(license.trim(), MAX_LICENSE_CHARS);
        if !license.is_empty()
            && !license.eq_ignore_ascii_case("NOASSERTION")
            && !license.eq_ignore_ascii_case("NONE")
            && !kept.contains(&license)
        {
            kept.push(license);
        }
    }
    Package {
        name: printable_opt(name, MAX_FIELD_CHARS).unwrap_or_default(),
        version: printable_opt(version, MAX_FIELD_CHARS)
            .filter(|v| !v.eq_ignore_ascii_case("NOASSERTION")),
        ecosystem: purl.as_deref().and_then(purl_type),
        purl,
        licenses: kept,
    }
}

// The documents' shapes, as far as they are read. Every scalar is a [`Text`], so a number
// or an object where a string belongs reads as absent instead of failing the document.

/// The top level of either format, read in one pass.
#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "spdxVersion", default)]
    spdx_version: Text,
    #[serde(rename = "creationInfo", default)]
    creation_info: Option<SpdxCreationInfo>,
    #[serde(default)]
    packages: Option<Vec<SpdxPackage>>,
    #[serde(rename = "bomFormat", default)]
    bom_format: Text,
    #[serde(rename = "specVersion", default)]
    spec_version: Text,
    #[serde(default)]
    metadata: Option<CdxMetadata>,
    #[serde(default)]
    components: Option<Vec<CdxComponent>>,
}

impl RawDocument {
    fn into_sbom(self) -> Result<Sbom, SbomError> {
        if self
            .bom_format
            .0
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("CycloneDX"))
        {
            return Ok(self.into_cyclonedx());
        }
        match self.spdx_version.0.as_deref() {
            Some(v) if v.starts_with("SPDX-2.") => Ok(self.into_spdx()),
            Some(v) if v.starts_with("SPDX-") => Err(SbomError::UnsupportedSpdx {
                version: printable(v, 40),
            }),
            _ => Err(SbomError::UnknownFormat),
        }
    }

    fn into_spdx(self) -> Sbom {
        let tool = self.creation_info.and_then(|info| {
            info.creators.into_iter().find_map(|c| {
                let c = c.0?;
                let tool = c.trim().strip_prefix("Tool:")?;
                printable_opt(Some(tool), MAX_FIELD_CHARS)
            })
        });
        let packages = self
            .packages
            .unwrap_or_default()
            .into_iter()
            .map(|p| {
                let purl = p.external_refs.iter().find_map(|r| {
                    r.reference_type
                        .0
                        .as_deref()
                        .filter(|t| t.eq_ignore_ascii_case("purl"))
                        .and(r.reference_locator.0.as_deref())
                });
                let licenses = [p.license_concluded.0.clone(), p.license_declared.0.clone()]
                    .into_iter()
                    .flatten()
                    .collect();
                package(
                    p.name.0.as_deref(),
                    p.version_info.0.as_deref(),
                    purl,
                    licenses,
                )
            })
            .collect();
        Sbom {
            format: SbomFormat::Spdx,
            spec_version: printable_opt(self.spdx_version.0.as_deref(), 40),
            tool,
            packages,
        }
    }

    fn into_cyclonedx(self) -> Sbom {
        let tool = self
            .metadata
            .as_ref()
            .and_then(|m| m.tools.as_ref())
            .and_then(cyclonedx_tool);
        let mut packages = Vec::new();
        // Depth-first, in document order, without recursion (serde_json already bounds
        // the nesting at 128 levels, but the walk need not rely on it).
        let mut stack: Vec<std::vec::IntoIter<CdxComponent>> =
            vec![self.components.unwrap_or_default().into_iter()];
        while let Some(level) = stack.last_mut() {
            let Some(component) = level.next() else {
                stack.pop();
                continue;
            };
            let licenses = component
                .licenses
                .into_iter()
                .filter_map(|choice| {
                    choice
                        .expression
                        .0
                        .or_else(|| choice.license.and_then(|l| l.id.0.or(l.name.0)))
                })
                .collect();
            packages.push(package(
                component.name.0.as_deref(),
                component.version.0.as_deref(),
                component.purl.0.as_deref(),
                licenses,
            ));
            if let Some(children) = component.components.filter(|c| !c.is_empty()) {
                stack.push(children.into_iter());
            }
        }
        Sbom {
            format: SbomFormat::CycloneDx,
            spec_version: printable_opt(self.spec_version.0.as_deref(), 40),
            tool,
            packages,
        }
    }
}

/// The first tool `metadata.tools` names, as "name version": a list of tools in
/// CycloneDX 1.4, an object of `components` (and `services`) from 1.5.
fn cyclonedx_tool(tools: &serde_json::Value) -> Option<String> {
    let list = match tools {
        serde_json::Value::Array(list) => list,
        serde_json::Value::Object(map) => map.get("components")?.as_array()?,
        _ => return None,
    };
    list.iter().find_map(|tool| {
        let name = tool.get("name")?.as_str()?;
        let text = match tool.get("version").and_then(|v| v.as_str()) {
            Some(version) if !version.is_empty() => format!("{name} {version}"),
            _ => name.to_owned(),
        };
        printable_opt(Some(&text), MAX_FIELD_CHARS)
    })
}

#[derive(Deserialize)]
struct SpdxCreationInfo {
    #[serde(default)]
    creators: Vec<Text>,
}

#[derive(Deserialize)]
struct SpdxPackage {
    #[serde(default)]
    name: Text,
    #[serde(rename = "versionInfo", default)]
    version_info: Text,
    #[serde(rename = "licenseConcluded", default)]
    license_concluded: Text,
    #[serde(rename = "licenseDeclared", default)]
    license_declared: Text,
    #[serde(rename = "externalRefs", default)]
    external_refs: Vec<SpdxExternalRef>,
}

#[derive(Deserialize)]
struct SpdxExternalRef {
    #[serde(rename = "referenceType", default)]
    reference_type: Text,
    #[serde(rename = "referenceLocator", default)]
    reference_locator: Text,
}

#[derive(Deserialize)]
struct CdxMetadata {
    #[serde(default)]
    tools: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct CdxComponent {
    #[serde(default)]
    name: Text,
    #[serde(default)]
    version: Text,
    #[serde(default)]
    purl: Text,
    #[serde(default)]
    licenses: Vec<CdxLicenseChoice>,
    #[serde(default)]
    components: Option<Vec<CdxComponent>>,
}

#[derive(Deserialize)]
struct CdxLicenseChoice {
    #[serde(default)]
    license: Option<CdxLicense>,
    #[serde(default)]
    expression: Text,
}

#[derive(Deserialize)]
struct CdxLicense {
    #[serde(default)]
    id: Text,
    #[serde(default)]
    name: Text,
}

/// A scalar read leniently: a string as is, a number or boolean as its text, anything
/// else (null, an object, a list) as absent, skipped without being built.
#[derive(Default)]
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(Some(v)))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }

            fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }

        deserializer.deserialize_any(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spdx_doc() -> serde_json::Value {
        json!({
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "CC0-1.0",
            "SPDXID": "SPDXRef-DOCUMENT",
            "name": "alpine:3.19",
            "documentNamespace": "https://anchore.com/syft/image/alpine-3.19-1",
            "creationInfo": {
                "licenseListVersion": "3.22",
                "creators": ["Organization: Anchore, Inc", "Tool: syft-0.105.0"],
                "created": "2024-02-20T10:00:00Z"
            },
            "packages": [
                {
                    "name": "busybox",
                    "SPDXID": "SPDXRef-Package-apk-busybox",
                    "versionInfo": "1.36.1-r15",
                    "downloadLocation": "https://busybox.net/",
                    "licenseConcluded": "NOASSERTION",
                    "licenseDeclared": "GPL-2.0-only",
                    "externalRefs": [
                        {"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                         "referenceLocator": "cpe:2.3:a:busybox:busybox:1.36.1-r15:*:*:*:*:*:*:*"},
                        {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                         "referenceLocator": "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1"}
                    ]
                },
                {
                    "name": "left\u{1b}[31mpad\u{202e}",
                    "SPDXID": "SPDXRef-Package-npm-left-pad",
                    "versionInfo": "1.3.0",
                    "licenseConcluded": "MIT",
                    "licenseDeclared": "MIT",
                    "externalRefs": [
                        {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                         "referenceLocator": "pkg:npm/left-pad@1.3.0"}
                    ]
                },
                {
                    "name": "alpine:3.19",
                    "SPDXID": "SPDXRef-DocumentRoot-Image-alpine",
                    "versionInfo": 7,
                    "licenseConcluded": "NONE",
                    "licenseDeclared": {"odd": true}
                }
            ],
            "files": [{"fileName": "/bin/busybox", "SPDXID": "SPDXRef-File-1"}],
            "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                               "relatedSpdxElement": "SPDXRef-DocumentRoot-Image-alpine"}]
        })
    }

    fn cyclonedx_doc(tools: serde_json::Value) -> serde_json::Value {
        json!({
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
            "version": 1,
            "metadata": {
                "timestamp": "2024-02-20T10:00:00Z",
                "tools": tools,
                "component": {"type": "container", "name": "alpine:3.19"}
            },
            "components": [
                {
                    "type": "library", "name": "express", "version": "4.18.2",
                    "purl": "pkg:npm/express@4.18.2",
                    "licenses": [{"license": {"id": "MIT"}}],
                    "components": [
                        {"type": "library", "name": "body-parser", "version": "1.20.1",
                         "purl": "pkg:npm/body-parser@1.20.1",
                         "licenses": [{"license": {"name": "Custom\tLicense"}}]}
                    ]
                },
                {
                    "type": "library", "name": "openssl", "version": "3.1.4-r5",
                    "purl": "pkg:apk/alpine/openssl@3.1.4-r5",
                    "licenses": [{"expression": "Apache-2.0 OR MIT"}]
                },
                {"type": "file", "name": "/etc/passwd"}
            ],
            "dependencies": [{"ref": "x", "dependsOn": []}]
        })
    }

    #[test]
    fn spdx_packages_purls_and_licenses() {
        let sbom = parse(spdx_doc().to_string().as_bytes()).expect("parses");
        assert_eq!(sbom.format, SbomFormat::Spdx);
        assert_eq!(sbom.spec_version.as_deref(), Some("SPDX-2.3"));
        assert_eq!(sbom.tool.as_deref(), Some("syft-0.105.0"));
        assert_eq!(sbom.packages.len(), 3);
        let busybox = &sbom.packages[0];
        assert_eq!(busybox.name, "busybox");
        assert_eq!(busybox.version.as_deref(), Some("1.36.1-r15"));
        assert_eq!(
            busybox.purl.as_deref(),
            Some("pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1")
        );
        assert_eq!(busybox.ecosystem.as_deref(), Some("apk"));
        assert_eq!(busybox.licenses, vec!["GPL-2.0-only"]);
        let pad = &sbom.packages[1];
        assert_eq!(pad.name, "left[31mpad", "control characters are stripped");
        assert_eq!(pad.licenses, vec!["MIT"], "the same license once");
        let root = &sbom.packages[2];
        assert_eq!(root.version.as_deref(), Some("7"));
        assert!(root.licenses.is_empty());
        assert_eq!(root.purl, None);
    }

    #[test]
    fn cyclonedx_nested_components_and_both_tool_shapes() {
        let v15 = json!({"components": [{"type": "application", "author": "anchore",
                                          "name": "syft", "version": "0.105.0"}]});
        let sbom = parse(cyclonedx_doc(v15).to_string().as_bytes()).expect("parses");
        assert_eq!(sbom.format, SbomFormat::CycloneDx);
        assert_eq!(sbom.spec_version.as_deref(), Some("1.5"));
        assert_eq!(sbom.tool.as_deref(), Some("syft 0.105.0"));
        let names: Vec<&str> = sbom.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["express", "body-parser", "openssl", "/etc/passwd"]);
        assert_eq!(sbom.packages[1].licenses, vec!["CustomLicense"]);
        assert_eq!(sbom.packages[2].licenses, vec!["Apache-2.0 OR MIT"]);
        assert_eq!(sbom.packages[2].ecosystem.as_deref(), Some("apk"));

        let v14 = json!([{"vendor": "aquasecurity", "name": "trivy", "version": "0.49.1"}]);
        let sbom = parse(cyclonedx_doc(v14).to_string().as_bytes()).expect("parses");
        assert_eq!(sbom.tool.as_deref(), Some("trivy 0.49.1"));
    }

    #[test]
    fn license_summary_counts_packages() {
        let sbom = parse(spdx_doc().to_string().as_bytes()).expect("parses");
        assert_eq!(
            license_summary(&sbom),
            vec![
                ("GPL-2.0-only".to_owned(), 1),
                ("MIT".to_owned(), 1),
                ("unknown".to_owned(), 1)
            ]
        );
        let mut more = sbom.clone();
        more.packages.push(more.packages[1].clone());
        assert_eq!(license_summary(&more)[0], ("MIT".to_owned(), 2));
    }

    #[test]
    fn predicates_by_type() {
        let spdx = spdx_doc();
        for kind in [
            "https://spdx.dev/Document",
            "https://spdx.dev/Document/v2.3",
        ] {
            let sbom = from_statement_predicate(kind, &spdx)
                .expect("an SBOM type")
                .expect("parses");
            assert_eq!(sbom.packages.len(), 3);
        }
        let cdx = cyclonedx_doc(json!([]));
        for kind in [
            "https://cyclonedx.org/bom",
            "https://cyclonedx.org/bom/v1.5",
        ] {
            let sbom = from_statement_predicate(kind, &cdx)
                .expect("an SBOM type")
                .expect("parses");
            assert_eq!(sbom.packages.len(), 4);
            assert_eq!(sbom.tool, None);
        }
        let wrapped = json!({"Data": spdx.to_string(), "Timestamp": "2023-01-01T00:00:00Z"});
        let sbom = from_statement_predicate("https://spdx.dev/Document", &wrapped)
            .expect("an SBOM type")
            .expect("cosign 1.x's wrapped document parses");
        assert_eq!(sbom.packages.len(), 3);
        assert!(from_statement_predicate("https://slsa.dev/provenance/v1", &spdx).is_none());
        assert!(from_statement_predicate("https://spdx.dev/Documentary", &spdx).is_none());
        assert!(matches!(
            from_statement_predicate("https://cyclonedx.org/bom", &spdx),
            Some(Err(SbomError::UnknownFormat))
        ));
    }

    #[test]
    fn refusals_are_errors() {
        assert!(matches!(parse(b"not json"), Err(SbomError::Json { .. })));
        assert!(matches!(parse(b"{}"), Err(SbomError::UnknownFormat)));
        assert!(matches!(
            parse(br#"{"spdxVersion":"SPDX-3.0"}"#),
            Err(SbomError::UnsupportedSpdx { .. })
        ));
        assert!(matches!(
            parse(br#"{"spdxVersion":"SPDX-2.3","packages":{"a":1}}"#),
            Err(SbomError::Json { .. })
        ));
        let deep = format!(
            "{{\"bomFormat\":\"CycloneDX\",\"components\":{}{}}}",
            "[{\"name\":\"a\",\"components\":".repeat(200),
            "[]}]".repeat(200)
        );
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(SbomError::Json { .. })
        ));
    }

    #[test]
    fn printable_strips_and_cuts() {
        assert_eq!(printable("a\u{0}b\u{7f}c\u{9b}d\u{2066}e", 100), "abcde");
        assert_eq!(printable("abcdef", 3), "abc…");
        assert_eq!(purl_type("pkg:NPM/x@1"), Some("npm".to_owned()));
        assert_eq!(purl_type("pkg:/x"), None);
        assert_eq!(purl_type("http://x/y"), None);
    }

    /// A 5,000-package document of each format parses whole; the time is printed (run with
    /// `--release --nocapture` for the number that matters).
    #[test]
    fn five_thousand_packages() {
        let spdx_packages: Vec<serde_json::Value> = (0..5000)
            .map(|i| {
                json!({
                    "name": format!("package-{i}"),
                    "SPDXID": format!("SPDXRef-Package-{i}"),
                    "versionInfo": format!("1.{i}.0"),
                    "downloadLocation": "NOASSERTION",
                    "licenseConcluded": "NOASSERTION",
                    "licenseDeclared": if i % 3 == 0 { "MIT" } else { "Apache-2.0" },
                    "copyrightText": "NOASSERTION",
                    "externalRefs": [
                        {"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                         "referenceLocator": format!("cpe:2.3:a:package-{i}:package-{i}:1.{i}.0:*:*:*:*:*:*:*")},
                        {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                         "referenceLocator": format!("pkg:npm/package-{i}@1.{i}.0")}
                    ]
                })
            })
            .collect();
        let spdx = json!({"spdxVersion": "SPDX-2.3", "creationInfo": {"creators": ["Tool: t"]},
                          "packages": spdx_packages})
        .to_string();
        let cdx_components: Vec<serde_json::Value> = (0..5000)
            .map(|i| {
                json!({
                    "bom-ref": format!("pkg:npm/package-{i}@1.{i}.0?package-id={i}"),
                    "type": "library",
                    "name": format!("package-{i}"),
                    "version": format!("1.{i}.0"),
                    "licenses": [{"license": {"id": "MIT"}}],
                    "cpe": format!("cpe:2.3:a:package-{i}:package-{i}:1.{i}.0:*:*:*:*:*:*:*"),
                    "purl": format!("pkg:npm/package-{i}@1.{i}.0"),
                    "properties": [{"name": "syft:package:foundBy", "value": "javascript-package-cataloger"}]
                })
            })
            .collect();
        let cdx = json!({"bomFormat": "CycloneDX", "specVersion": "1.5",
                         "components": cdx_components})
        .to_string();
        for (name, doc) in [("SPDX", spdx), ("CycloneDX", cdx)] {
            let started = std::time::Instant::now();
            let sbom = parse(doc.as_bytes()).expect("parses");
            let elapsed = started.elapsed();
            println!(
                "{name}: {} packages, {} KiB, parsed in {elapsed:?}",
                sbom.packages.len(),
                doc.len() / 1024
            );
            assert_eq!(sbom.packages.len(), 5000);
            assert_eq!(sbom.packages[4999].ecosystem.as_deref(), Some("npm"));
        }
    }
}
