//! Build provenance: who built an image from which source, read from a SLSA provenance
//! predicate (v0.2 or v1).
//!
//! The producers seen on registries each fill the predicate their own way: GitHub's
//! `actions/attest-build-provenance` and the SLSA GitHub generator (the workflow, its
//! commit and run), and BuildKit (`docker buildx --provenance`: the frontend's arguments,
//! a git context, the VCS details it records). One reader takes what any of them says.
//!
//! Everything is registry input. Strings are stripped of control characters and capped;
//! the links shown to a user are built here from checked parts (a github.com or
//! gitlab.com repository, a 40-hex commit, a numeric run id, a plain workflow path) and
//! never copied from the document, so a provenance cannot make Portolan show a link to
//! anywhere else.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::printable;

/// SLSA provenance v0.2's predicate type.
pub const SLSA_V02: &str = "https://slsa.dev/provenance/v0.2";
/// SLSA provenance v1's predicate type.
pub const SLSA_V1: &str = "https://slsa.dev/provenance/v1";

/// The longest string kept (in characters).
const MAX_TEXT: usize = 512;
/// The most build parameters kept.
const MAX_PARAMETERS: usize = 64;
/// The longest parameter name and value kept (in characters).
const MAX_PARAMETER_KEY: usize = 128;
const MAX_PARAMETER_VALUE: usize = 256;
/// How deep nested parameters are flattened (`request.args.build-arg:X` is 3).
const MAX_PARAMETER_DEPTH: usize = 4;
/// The most materials (resolved dependencies) kept.
const MAX_MATERIALS: usize = 100;

/// What a provenance says about a build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Provenance {
    /// The predicate type it was read from ([`SLSA_V02`], [`SLSA_V1`]).
    pub predicate_type: String,
    /// The builder's id (`https://github.com/actions/runner/github-hosted`, a reusable
    /// workflow's `...@refs/tags/v1.9.0`, a buildx run URL).
    pub builder_id: Option<String>,
    /// The build type (`https://actions.github.io/buildtypes/workflow/v1`,
    /// `https://mobyproject.org/buildkit@v1`).
    pub build_type: Option<String>,
    /// The source repository, without `git+`, a ref, credentials or `.git`
    /// (`https://github.com/o/r`).
    pub source_repository: Option<String>,
    /// The source commit.
    pub source_commit: Option<String>,
    /// The source ref (`refs/heads/main`, a tag).
    pub source_ref: Option<String>,
    /// The workflow or build file (`.github/workflows/release.yml`, `Dockerfile`).
    pub workflow: Option<String>,
    /// What triggered the build (GitHub's event name: `push`, `release`,
    /// `workflow_dispatch`).
    pub trigger: Option<String>,
    /// The invocation's id as the document states it.
    pub invocation_id: Option<String>,
    /// The CI run's numeric id, when one could be read (GitHub Actions).
    pub run_id: Option<String>,
    /// The build's parameters, flattened (`request.args.build-arg:VERSION` → `1.2`),
    /// capped in number and length.
    pub build_parameters: BTreeMap<String, String>,
    /// When the build started (RFC 3339, as stated).
    pub started_on: Option<String>,
    /// When it finished.
    pub finished_on: Option<String>,
    /// What went into it (base images, the source), at most 100.
    pub materials: Vec<Material>,
    /// Links to the source, commit, workflow and run, built from checked parts.
    pub links: Links,
}

/// One input of a build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Material {
    /// Its URI (`pkg:docker/alpine@3.19?platform=linux%2Famd64`,
    /// `git+https://github.com/o/r@refs/heads/main`).
    pub uri: String,
    /// Its digest, `algorithm:value` (`sha256:…`, `gitCommit:…`), the first stated.
    pub digest: Option<String>,
}

/// Links for a provenance, each built from parts checked to be plain (see the module
/// doc), only for github.com and gitlab.com.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Links {
    /// The repository.
    pub repository: Option<String>,
    /// The commit.
    pub commit: Option<String>,
    /// The workflow file at that commit.
    pub workflow: Option<String>,
    /// The CI run (GitHub Actions only).
    pub run: Option<String>,
}

/// Read a provenance predicate of `predicate_type`; `None` when it is not a SLSA
/// provenance type read here (v0.2, v1) or not a JSON object.
pub fn from_predicate(predicate_type: &str, predicate: &Value) -> Option<Provenance> {
    if !predicate.is_object() {
        return None;
    }
    let kind = predicate_type.trim_end_matches('/');
    let mut p = if kind == SLSA_V02 {
        v02(predicate)
    } else if kind == SLSA_V1 || kind == "https://slsa.dev/provenance/v1.0" {
        v1(predicate)
    } else {
        return None;
    };
    p.predicate_type = text(predicate_type).unwrap_or_default();
    p.links = links(&p);
    Some(p)
}

/// SLSA v0.2: `builder`, `buildType`, `invocation` (`configSource`, `parameters`,
/// `environment`), `metadata`, `materials`.
fn v02(doc: &Value) -> Provenance {
    let invocation = &doc["invocation"];
    let config = &invocation["configSource"];
    let env = &invocation["environment"];
    let metadata = &doc["metadata"];
    let buildkit = &metadata["https://mobyproject.org/buildkit@v1#metadata"]["vcs"];
    let mut p = Provenance {
        builder_id: str_at(doc, &["builder", "id"]),
        build_type: str_at(doc, &["buildType"]),
        workflow: str_at(config, &["entryPoint"]),
        trigger: str_at(env, &["github_event_name"]),
        invocation_id: str_at(metadata, &["buildInvocationId"])
            .or_else(|| str_at(metadata, &["buildInvocationID"])),
        started_on: str_at(metadata, &["buildStartedOn"]),
        finished_on: str_at(metadata, &["buildFinishedOn"]),
        build_parameters: parameters(&invocation["parameters"]),
        materials: materials(&doc["materials"]),
        ..Provenance::default()
    };
    let source = str_at(config, &["uri"])
        .or_else(|| str_at(buildkit, &["source"]))
        .as_deref()
        .and_then(GitSource::parse);
    if let Some(source) = source {
        p.source_repository = Some(source.repository);
        p.source_ref = source.reference;
    }
    p.source_commit = str_at(config, &["digest", "sha1"])
        .or_else(|| str_at(env, &["github_sha1"]))
        .or_else(|| str_at(buildkit, &["revision"]));
    p.source_ref = p.source_ref.or_else(|| str_at(env, &["github_ref"]));
    p.run_id = str_at(env, &["github_run_id"])
        .filter(|id| is_run_id(id))
        .or_else(|| p.builder_id.as_deref().and_then(github_run).map(|r| r.id));
    p
}

/// SLSA v1: `buildDefinition` (`buildType`, `externalParameters`, `internalParameters`,
/// `resolvedDependencies`) and `runDetails` (`builder`, `metadata`).
fn v1(doc: &Value) -> Provenance {
    let definition = &doc["buildDefinition"];
    let external = &definition["externalParameters"];
    let internal = &definition["internalParameters"];
    let run = &doc["runDetails"];
    let metadata = &run["metadata"];
    let workflow = &external["workflow"];
    let buildkit = &metadata["buildkit_metadata"]["vcs"];
    let dependencies = &definition["resolvedDependencies"];
    let mut p = Provenance {
        builder_id: str_at(run, &["builder", "id"]),
        build_type: str_at(definition, &["buildType"]),
        workflow: str_at(workflow, &["path"])
            .or_else(|| str_at(external, &["configSource", "path"])),
        trigger: str_at(internal, &["github", "event_name"]),
        invocation_id: str_at(metadata, &["invocationId"])
            .or_else(|| str_at(metadata, &["invocationID"])),
        started_on: str_at(metadata, &["startedOn"]),
        finished_on: str_at(metadata, &["finishedOn"]),
        build_parameters: parameters(external),
        materials: materials(dependencies),
        ..Provenance::default()
    };
    // The source: GitHub's workflow parameters, else BuildKit's git context, else the VCS
    // details BuildKit records.
    let source = str_at(workflow, &["repository"])
        .or_else(|| str_at(external, &["configSource", "uri"]))
        .or_else(|| str_at(buildkit, &["source"]))
        .as_deref()
        .and_then(GitSource::parse);
    if let Some(source) = &source {
        p.source_repository = Some(source.repository.clone());
        p.source_ref = str_at(workflow, &["ref"]).or(source.reference.clone());
    }
    // The commit: the resolved dependency that is the source repository, else BuildKit's.
    p.source_commit = dependencies
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|dep| {
            let dep_source = dep["uri"].as_str().and_then(GitSource::parse)?;
            let same = source
                .as_ref()
                .is_none_or(|s| s.repository.eq_ignore_ascii_case(&dep_source.repository));
            if !same {
                return None;
            }
            str_at(&dep["digest"], &["gitCommit"]).or_else(|| str_at(&dep["digest"], &["sha1"]))
        })
        .or_else(|| str_at(external, &["configSource", "digest", "sha1"]))
        .or_else(|| str_at(buildkit, &["revision"]));
    if p.source_repository.is_none() {
        // A GitHub attestation names its source only as a resolved dependency.
        if let Some(dep) = dependencies
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|dep| dep["uri"].as_str().and_then(GitSource::parse))
        {
            p.source_repository = Some(dep.repository);
            p.source_ref = p.source_ref.or(dep.reference);
        }
    }
    p.run_id = p
        .invocation_id
        .as_deref()
        .and_then(github_run)
        .or_else(|| p.builder_id.as_deref().and_then(github_run))
        .map(|r| r.id);
    p
}

/// The string at `path` under `value`, cleaned; `None` when absent, not a string or empty.
fn str_at(value: &Value, path: &[&str]) -> Option<String> {
    let mut at = value;
    for key in path {
        at = at.get(key)?;
    }
    match at {
        Value::String(s) => text(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `s` cleaned, `None` when nothing is left.
fn text(s: &str) -> Option<String> {
    let s = printable(s.trim(), MAX_TEXT);
    (!s.is_empty()).then_some(s)
}

/// A parameters object flattened into `a.b.c` → text, at most [`MAX_PARAMETERS`] entries.
/// Lists of scalars join with `, `; a list of objects flattens by index.
fn parameters(value: &Value) -> BTreeMap<String, String> {
    fn walk(prefix: &str, value: &Value, depth: usize, out: &mut BTreeMap<String, String>) {
        if out.len() >= MAX_PARAMETERS {
            return;
        }
        let leaf = match value {
            Value::Null => return,
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
                if items.is_empty() {
                    return;
                }
                Some(
                    items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            }
            _ => None,
        };
        if let Some(leaf) = leaf {
            if !prefix.is_empty() {
                out.insert(
                    printable(prefix, MAX_PARAMETER_KEY),
                    printable(&leaf, MAX_PARAMETER_VALUE),
                );
            }
            return;
        }
        if depth >= MAX_PARAMETER_DEPTH {
            out.insert(printable(prefix, MAX_PARAMETER_KEY), "…".to_owned());
            return;
        }
        let join = |key: &str| {
            if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            }
        };
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    walk(&join(key), v, depth + 1, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(&join(&i.to_string()), v, depth + 1, out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk("", value, 0, &mut out);
    out
}

/// v0.2 `materials` or v1 `resolvedDependencies`.
fn materials(value: &Value) -> Vec<Material> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let uri = str_at(m, &["uri"])?;
            let digest = m["digest"].as_object().and_then(|d| {
                d.iter().find_map(|(alg, v)| {
                    Some(printable(&format!("{alg}:{}", v.as_str()?), MAX_TEXT))
                })
            });
            Some(Material { uri, digest })
        })
        .take(MAX_MATERIALS)
        .collect()
}

/// A git source as provenances name it: `git+https://github.com/o/r@refs/heads/main`,
/// `https://github.com/o/r.git#main`, `https://github.com/o/r`.
struct GitSource {
    /// `https://host/path`, no credentials, query, ref or `.git`.
    repository: String,
    reference: Option<String>,
}

impl GitSource {
    fn parse(uri: &str) -> Option<Self> {
        let uri = uri.trim();
        let plain = uri.strip_prefix("git+").unwrap_or(uri);
        let mut url = url::Url::parse(plain).ok()?;
        if !matches!(url.scheme(), "https" | "http" | "ssh" | "git") {
            return None;
        }
        url.host_str()?;
        let mut reference = url.fragment().and_then(|f| {
            // BuildKit's `#ref:subdir`.
            text(f.split(':').next().unwrap_or(f))
        });
        let mut path = url.path().to_owned();
        if let Some((repo, at)) = path.clone().split_once('@') {
            path = repo.to_owned();
            reference = text(at).or(reference);
        }
        let path = path.trim_end_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path).to_owned();
        url.set_path(&path);
        url.set_fragment(None);
        url.set_query(None);
        let _ = url.set_username("");
        let _ = url.set_password(None);
        Some(Self {
            repository: text(url.as_str())?,
            reference,
        })
    }
}

/// A forge a link can be built for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Forge {
    GitHub,
    GitLab,
}

/// A repository on github.com or gitlab.com whose path is plain (`owner/repo`, or for
/// GitLab `group/subgroup/repo`), each segment `^[A-Za-z0-9_.-]+$`.
struct Repo {
    forge: Forge,
    path: String,
}

impl Repo {
    fn parse(repository: &str) -> Option<Self> {
        let url = url::Url::parse(repository).ok()?;
        if url.scheme() != "https" || url.port().is_some() {
            return None;
        }
        let forge = match url.host_str()?.to_ascii_lowercase().as_str() {
            "github.com" | "www.github.com" => Forge::GitHub,
            "gitlab.com" | "www.gitlab.com" => Forge::GitLab,
            _ => return None,
        };
        let segments: Vec<&str> = url.path().trim_matches('/').split('/').collect();
        let count_ok = match forge {
            Forge::GitHub => segments.len() == 2,
            Forge::GitLab => (2..=8).contains(&segments.len()),
        };
        (count_ok && segments.iter().all(|s| is_plain_segment(s))).then(|| Self {
            forge,
            path: segments.join("/"),
        })
    }

    fn base(&self) -> String {
        match self.forge {
            Forge::GitHub => format!("https://github.com/{}", self.path),
            Forge::GitLab => format!("https://gitlab.com/{}", self.path),
        }
    }
}

/// `^[A-Za-z0-9_.-]+$`, and not `.` or `..`.
fn is_plain_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// A full commit id: 40 hex (SHA-1) or 64 (SHA-256 repositories).
fn is_commit(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// A CI run id: digits only, at most 20.
fn is_run_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 20 && s.chars().all(|c| c.is_ascii_digit())
}

/// A GitHub Actions run named by URL
/// (`https://github.com/o/r/actions/runs/123[/attempts/1]`).
struct GitHubRun {
    repo: Repo,
    id: String,
}

fn github_run(text: &str) -> Option<GitHubRun> {
    let url = url::Url::parse(text).ok()?;
    let segments: Vec<&str> = url.path().trim_matches('/').split('/').collect();
    let (repo, rest) = segments.split_at_checked(2)?;
    let id = match rest {
        ["actions", "runs", id] | ["actions", "runs", id, "attempts", _] => *id,
        _ => return None,
    };
    let repo = Repo::parse(&format!("https://{}/{}", url.host_str()?, repo.join("/")))?;
    (repo.forge == Forge::GitHub && is_run_id(id)).then(|| GitHubRun {
        repo,
        id: id.to_owned(),
    })
}

/// A workflow path a link may point to: relative, plain segments, a CI definition
/// (`.github/workflows/*.yml` on GitHub, `.gitlab-ci.yml` on GitLab).
fn workflow_path(forge: Forge, path: &str) -> Option<String> {
    let path = path.trim_start_matches("./");
    // GitHub's `o/r/.github/workflows/x.yml@refs/heads/main` form.
    let path = path.split('@').next().unwrap_or(path);
    let plain = path.split('/').all(is_plain_segment);
    let ci = match forge {
        Forge::GitHub => {
            path.starts_with(".github/workflows/")
                && (path.ends_with(".yml") || path.ends_with(".yaml"))
        }
        Forge::GitLab => path == ".gitlab-ci.yml",
    };
    (plain && ci).then(|| path.to_owned())
}

/// The links a provenance's parts allow.
fn links(p: &Provenance) -> Links {
    let mut links = Links::default();
    let repo = p.source_repository.as_deref().and_then(Repo::parse);
    let commit = p.source_commit.as_deref().filter(|c| is_commit(c));
    if let Some(repo) = &repo {
        let base = repo.base();
        let sep = if repo.forge == Forge::GitLab {
            "/-"
        } else {
            ""
        };
        links.repository = Some(base.clone());
        if let Some(commit) = commit {
            let commit = commit.to_ascii_lowercase();
            links.commit = Some(format!("{base}{sep}/commit/{commit}"));
            links.workflow = p
                .workflow
                .as_deref()
                .and_then(|w| workflow_path(repo.forge, w))
                .map(|w| format!("{base}{sep}/blob/{commit}/{w}"));
        }
    }
    // The run: where the document names it by URL, that URL's repository; else (v0.2's
    // `github_run_id`) the source's.
    let named = [p.invocation_id.as_deref(), p.builder_id.as_deref()]
        .into_iter()
        .flatten()
        .find_map(github_run);
    links.run = match named {
        Some(run) => Some(format!("{}/actions/runs/{}", run.repo.base(), run.id)),
        None => match (&repo, p.run_id.as_deref()) {
            (Some(repo), Some(id)) if repo.forge == Forge::GitHub && is_run_id(id) => {
                Some(format!("{}/actions/runs/{id}", repo.base()))
            }
            _ => None,
        },
    };
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SHA: &str = "7bd0e7f1f5b5e9d1c2f3a4b5c6d7e8f9a0b1c2d3";

    /// What `actions/attest-build-provenance` (v1/v2) writes for a workflow run.
    fn github_v1() -> Value {
        json!({
            "buildDefinition": {
                "buildType": "https://actions.github.io/buildtypes/workflow/v1",
                "externalParameters": {
                    "workflow": {
                        "ref": "refs/heads/main",
                        "repository": "https://github.com/octo-org/octo-repo",
                        "path": ".github/workflows/release.yml"
                    }
                },
                "internalParameters": {
                    "github": {
                        "event_name": "push",
                        "repository_id": "706279790",
                        "repository_owner_id": "1234567",
                        "runner_environment": "github-hosted"
                    }
                },
                "resolvedDependencies": [{
                    "uri": "git+https://github.com/octo-org/octo-repo@refs/heads/main",
                    "digest": {"gitCommit": SHA}
                }]
            },
            "runDetails": {
                "builder": {"id": "https://github.com/actions/runner/github-hosted"},
                "metadata": {
                    "invocationId": "https://github.com/octo-org/octo-repo/actions/runs/8412345678/attempts/1"
                }
            }
        })
    }

    #[test]
    fn github_attestation_v1() {
        let p = from_predicate(SLSA_V1, &github_v1()).expect("read");
        assert_eq!(p.predicate_type, SLSA_V1);
        assert_eq!(
            p.builder_id.as_deref(),
            Some("https://github.com/actions/runner/github-hosted")
        );
        assert_eq!(
            p.build_type.as_deref(),
            Some("https://actions.github.io/buildtypes/workflow/v1")
        );
        assert_eq!(
            p.source_repository.as_deref(),
            Some("https://github.com/octo-org/octo-repo")
        );
        assert_eq!(p.source_ref.as_deref(), Some("refs/heads/main"));
        assert_eq!(p.source_commit.as_deref(), Some(SHA));
        assert_eq!(p.workflow.as_deref(), Some(".github/workflows/release.yml"));
        assert_eq!(p.trigger.as_deref(), Some("push"));
        assert_eq!(p.run_id.as_deref(), Some("8412345678"));
        assert_eq!(
            p.build_parameters.get("workflow.path").map(String::as_str),
            Some(".github/workflows/release.yml")
        );
        assert_eq!(p.materials.len(), 1);
        assert_eq!(
            p.materials[0].digest.as_deref(),
            Some(format!("gitCommit:{SHA}").as_str())
        );
        assert_eq!(
            p.links,
            Links {
                repository: Some("https://github.com/octo-org/octo-repo".into()),
                commit: Some(format!(
                    "https://github.com/octo-org/octo-repo/commit/{SHA}"
                )),
                workflow: Some(format!(
                    "https://github.com/octo-org/octo-repo/blob/{SHA}/.github/workflows/release.yml"
                )),
                run: Some("https://github.com/octo-org/octo-repo/actions/runs/8412345678".into()),
            }
        );
    }

    /// What the SLSA GitHub generator (generic, v1.9) writes, with v0.2.
    #[test]
    fn slsa_github_generator_v02() {
        let doc = json!({
            "builder": {"id": "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v1.9.0"},
            "buildType": "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
            "invocation": {
                "configSource": {
                    "uri": "git+https://github.com/octo-org/octo-repo@refs/tags/v1.2.0",
                    "digest": {"sha1": SHA},
                    "entryPoint": ".github/workflows/release.yml"
                },
                "parameters": {},
                "environment": {
                    "github_actor": "octocat",
                    "github_event_name": "release",
                    "github_event_payload": {"release": {"body": "x".repeat(100_000)}},
                    "github_ref": "refs/tags/v1.2.0",
                    "github_run_attempt": "1",
                    "github_run_id": "4128571590",
                    "github_run_number": "38",
                    "github_sha1": SHA
                }
            },
            "metadata": {
                "buildInvocationID": "4128571590-1",
                "completeness": {"parameters": true, "environment": false, "materials": false},
                "reproducible": false
            },
            "materials": [{"uri": "git+https://github.com/octo-org/octo-repo@refs/tags/v1.2.0",
                           "digest": {"sha1": SHA}}]
        });
        let p = from_predicate(SLSA_V02, &doc).expect("read");
        assert_eq!(
            p.source_repository.as_deref(),
            Some("https://github.com/octo-org/octo-repo")
        );
        assert_eq!(p.source_ref.as_deref(), Some("refs/tags/v1.2.0"));
        assert_eq!(p.source_commit.as_deref(), Some(SHA));
        assert_eq!(p.trigger.as_deref(), Some("release"));
        assert_eq!(p.invocation_id.as_deref(), Some("4128571590-1"));
        assert_eq!(p.run_id.as_deref(), Some("4128571590"));
        assert!(p.build_parameters.is_empty());
        assert_eq!(
            p.links.run.as_deref(),
            Some("https://github.com/octo-org/octo-repo/actions/runs/4128571590")
        );
        assert_eq!(
            p.links.workflow.as_deref(),
            Some(&*format!(
                "https://github.com/octo-org/octo-repo/blob/{SHA}/.github/workflows/release.yml"
            ))
        );
    }

    /// What BuildKit (`docker buildx build --provenance=mode=max`) writes with v0.2, built
    /// by docker/build-push-action from a git context.
    #[test]
    fn buildkit_v02() {
        let doc = json!({
            "builder": {"id": "https://github.com/octo-org/octo-repo/actions/runs/7654321"},
            "buildType": "https://mobyproject.org/buildkit@v1",
            "materials": [
                {"uri": "pkg:docker/docker/dockerfile@1", "digest": {"sha256": "ac85f380a63b13dfcefa89046420e1781752bab202122f8f50032edf31be0021"}},
                {"uri": "pkg:docker/alpine@3.19?platform=linux%2Famd64", "digest": {"sha256": "c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b"}},
                {"uri": "https://github.com/octo-org/octo-repo.git#refs/heads/main", "digest": {"sha1": SHA}}
            ],
            "invocation": {
                "configSource": {
                    "uri": "https://github.com/octo-org/octo-repo.git#refs/heads/main",
                    "digest": {"sha1": SHA},
                    "entryPoint": "Dockerfile"
                },
                "parameters": {
                    "frontend": "gateway.v0",
                    "args": {
                        "build-arg:VERSION": "1.2.0",
                        "cmdline": "docker/dockerfile:1",
                        "label:org.opencontainers.image.source": "https://github.com/octo-org/octo-repo",
                        "source": "docker/dockerfile:1"
                    },
                    "secrets": [{"id": "GIT_AUTH_TOKEN", "optional": true}],
                    "locals": [{"name": "context"}, {"name": "dockerfile"}]
                },
                "environment": {"platform": "linux/amd64"}
            },
            "metadata": {
                "buildInvocationID": "yd2lf4vdvxxq5bjw3hgsjbkq4",
                "buildStartedOn": "2024-02-20T10:00:00.123456789Z",
                "buildFinishedOn": "2024-02-20T10:02:00.5Z",
                "reproducible": false,
                "completeness": {"parameters": true, "environment": true, "materials": false},
                "https://mobyproject.org/buildkit@v1#metadata": {
                    "vcs": {"revision": SHA, "source": "https://github.com/octo-org/octo-repo"}
                }
            }
        });
        let p = from_predicate(SLSA_V02, &doc).expect("read");
        assert_eq!(
            p.source_repository.as_deref(),
            Some("https://github.com/octo-org/octo-repo")
        );
        assert_eq!(p.source_ref.as_deref(), Some("refs/heads/main"));
        assert_eq!(p.source_commit.as_deref(), Some(SHA));
        assert_eq!(p.workflow.as_deref(), Some("Dockerfile"));
        assert_eq!(p.run_id.as_deref(), Some("7654321"));
        assert_eq!(
            p.started_on.as_deref(),
            Some("2024-02-20T10:00:00.123456789Z")
        );
        assert_eq!(
            p.build_parameters
                .get("args.build-arg:VERSION")
                .map(String::as_str),
            Some("1.2.0")
        );
        assert_eq!(
            p.build_parameters.get("secrets.0.id").map(String::as_str),
            Some("GIT_AUTH_TOKEN")
        );
        assert_eq!(p.materials.len(), 3);
        assert_eq!(p.links.workflow, None, "a Dockerfile is not linked");
        assert_eq!(
            p.links.commit.as_deref(),
            Some(&*format!(
                "https://github.com/octo-org/octo-repo/commit/{SHA}"
            ))
        );
        assert_eq!(
            p.links.run.as_deref(),
            Some("https://github.com/octo-org/octo-repo/actions/runs/7654321")
        );
    }

    /// BuildKit's SLSA v1 (`--provenance=mode=max,version=v1`) from a local context.
    #[test]
    fn buildkit_v1() {
        let doc = json!({
            "buildDefinition": {
                "buildType": "https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md",
                "externalParameters": {
                    "configSource": {"path": "Dockerfile"},
                    "request": {
                        "frontend": "dockerfile.v0",
                        "args": {"build-arg:BUILDKIT_CONTEXT_KEEP_GIT_DIR": "1", "target": "release"},
                        "locals": [{"name": "context"}, {"name": "dockerfile"}]
                    }
                },
                "internalParameters": {"builderPlatform": "linux/amd64"},
                "resolvedDependencies": [
                    {"uri": "pkg:docker/golang@1.22-alpine?platform=linux%2Famd64",
                     "digest": {"sha256": "0466223b8544fb7d4ff04748acc4d75a608234bf4e79563bff208d2060c0dd79"}}
                ]
            },
            "runDetails": {
                "builder": {"id": ""},
                "metadata": {
                    "invocationID": "s0ewuwe2tbmhyqyjbo1jz8x5b",
                    "startedOn": "2024-03-01T09:00:00Z",
                    "finishedOn": "2024-03-01T09:01:30Z",
                    "buildkit_metadata": {
                        "vcs": {"source": "https://gitlab.com/group/sub/project.git", "revision": SHA}
                    }
                }
            }
        });
        let p = from_predicate(SLSA_V1, &doc).expect("read");
        assert_eq!(p.builder_id, None);
        assert_eq!(p.workflow.as_deref(), Some("Dockerfile"));
        assert_eq!(
            p.source_repository.as_deref(),
            Some("https://gitlab.com/group/sub/project")
        );
        assert_eq!(p.source_commit.as_deref(), Some(SHA));
        assert_eq!(
            p.invocation_id.as_deref(),
            Some("s0ewuwe2tbmhyqyjbo1jz8x5b")
        );
        assert_eq!(p.run_id, None);
        assert_eq!(
            p.build_parameters
                .get("request.args.target")
                .map(String::as_str),
            Some("release")
        );
        assert_eq!(
            p.build_parameters
                .get("request.locals.0.name")
                .map(String::as_str),
            Some("context")
        );
        assert_eq!(
            p.links,
            Links {
                repository: Some("https://gitlab.com/group/sub/project".into()),
                commit: Some(format!(
                    "https://gitlab.com/group/sub/project/-/commit/{SHA}"
                )),
                workflow: None,
                run: None,
            }
        );
    }

    #[test]
    fn links_only_from_plain_parts() {
        let mut doc = github_v1();
        // Credentials, an odd host, a path that climbs, a run id that is not a number.
        doc["buildDefinition"]["externalParameters"]["workflow"]["repository"] =
            json!("https://user:ghp_secret@github.com/octo-org/octo-repo.git");
        let p = from_predicate(SLSA_V1, &doc).expect("read");
        assert_eq!(
            p.source_repository.as_deref(),
            Some("https://github.com/octo-org/octo-repo"),
            "credentials and .git dropped"
        );

        doc["buildDefinition"]["externalParameters"]["workflow"]["path"] =
            json!(".github/workflows/../../evil.yml");
        doc["runDetails"]["metadata"]["invocationId"] =
            json!("https://github.com/octo-org/octo-repo/actions/runs/12ab");
        let p = from_predicate(SLSA_V1, &doc).expect("read");
        assert_eq!(p.links.workflow, None);
        assert_eq!(p.links.run, None);
        assert!(p.links.commit.is_some());

        doc["buildDefinition"]["externalParameters"]["workflow"]["repository"] =
            json!("https://github.evil.example/octo-org/octo-repo");
        doc["buildDefinition"]["resolvedDependencies"][0]["uri"] =
            json!("git+https://github.evil.example/octo-org/octo-repo@refs/heads/main");
        doc["runDetails"]["metadata"]["invocationId"] =
            json!("https://github.evil.example/octo-org/octo-repo/actions/runs/1");
        let p = from_predicate(SLSA_V1, &doc).expect("read");
        assert_eq!(p.links, Links::default());

        doc["buildDefinition"]["externalParameters"]["workflow"]["repository"] =
            json!("https://github.com/octo-org/octo repo\u{1b}");
        let p = from_predicate(SLSA_V1, &doc).expect("read");
        assert_eq!(p.links.repository, None);

        let mut short = github_v1();
        short["buildDefinition"]["resolvedDependencies"][0]["digest"]["gitCommit"] =
            json!("7bd0e7f");
        let p = from_predicate(SLSA_V1, &short).expect("read");
        assert_eq!(p.links.commit, None, "an abbreviated commit is not linked");
    }

    #[test]
    fn parameters_are_capped_and_cleaned() {
        let mut args = serde_json::Map::new();
        for i in 0..500 {
            args.insert(format!("build-arg:K{i:03}"), json!("v\u{7}".repeat(1000)));
        }
        let doc = json!({
            "buildDefinition": {"externalParameters": {"request": {"args": args}},
                                "buildType": "t\u{1b}[2J"},
            "runDetails": {}
        });
        let p = from_predicate(SLSA_V1, &doc).expect("read");
        assert_eq!(p.build_parameters.len(), MAX_PARAMETERS);
        let value = p.build_parameters.values().next().expect("one");
        assert!(value.chars().count() <= MAX_PARAMETER_VALUE + 1);
        assert!(!value.contains('\u{7}'));
        assert_eq!(p.build_type.as_deref(), Some("t[2J"));
    }

    #[test]
    fn other_predicates_are_not_provenance() {
        assert!(from_predicate("https://spdx.dev/Document", &json!({})).is_none());
        assert!(from_predicate(SLSA_V1, &json!("text")).is_none());
        let empty = from_predicate(SLSA_V02, &json!({})).expect("an empty one reads");
        assert_eq!(empty.links, Links::default());
    }
}
