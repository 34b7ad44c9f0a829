//! Building the engine client from what the user configured, one way for every front end.
//!
//! The client keeps layer listings in one cache folder for both front ends
//! ([`listing_cache_dir`]). Two policies live here and nowhere else:
//! - **Plain HTTP**: a host the user marks insecure may be reached over plain HTTP when it
//!   does not speak TLS (the engine decides that per connection); loopback hosts always
//!   may. Marking a host that is not on this machine is allowed, as Docker allows it, and
//!   always comes with a warning the front end shows.
//! - **Docker's config**: the user's Docker login is a credential source; a config file
//!   that cannot be read is a warning (Portolan still works with its own sign-ins), never
//!   a failure.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portolan::auth::docker_config::DockerConfig;
use portolan::auth::secret_store::{KeyringStore, SecretStore};
use portolan::client::BlobHomes;
use portolan::layer_files::cache::ListingCache;
use portolan::reference::{api_host, normalize_registry};
use portolan::transport::is_loopback_host;
use portolan::{Client, CredentialChain, TransportOptions};

/// How one registry is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryAccess {
    /// Host (and port), as the user typed it.
    pub host: String,
    /// Plain HTTP allowed when the host does not speak TLS.
    pub insecure: bool,
    /// An extra CA certificate (PEM) trusted for this host only.
    pub ca_file: Option<PathBuf>,
}

/// Everything needed to build the engine client.
#[derive(Clone, Default)]
pub struct ClientSetup {
    /// Per-registry choices.
    pub registries: Vec<RegistryAccess>,
    /// Where Portolan's own sign-ins are kept (none: Docker's login and anonymous only).
    pub saved_logins: Option<Arc<dyn SecretStore>>,
    /// Consult the user's Docker login.
    pub docker_login: bool,
    /// Transport settings to start from (timeouts, cert folders); registries add to them.
    pub transport: Option<TransportOptions>,
}

/// A built client and what the user should be told about how it was built.
pub struct Built {
    /// The engine client.
    pub client: Client,
    /// The credential chain it uses (to answer "how am I signed in" the same way).
    pub credentials: CredentialChain,
    /// Warnings to show (plain HTTP for a remote host, an unreadable Docker config); the
    /// front end shows or logs them, this layer does not.
    pub warnings: Vec<String>,
}

impl Built {
    /// A client with no registry settings and no credentials (every registry read
    /// anonymously), for when even the defaults cannot be built; `warning` says why.
    pub fn anonymous(warning: String) -> Self {
        Self {
            client: Client::anonymous(),
            credentials: CredentialChain::new(),
            warnings: vec![warning],
        }
    }
}

impl ClientSetup {
    /// Build the client. Fails only on what the user must fix (a host that is not a host).
    pub fn build(&self) -> portolan::Result<Built> {
        let mut options = self.transport.clone().unwrap_or_default();
        let mut warnings = Vec::new();
        for access in &self.registries {
            // Keyed as the client names the host it connects to (`docker.io` is reached
            // at `registry-1.docker.io`).
            let host = api_host(&normalize_registry(&access.host)?).to_owned();
            if access.insecure {
                if !is_loopback_host(&host) {
                    warnings.push(insecure_warning(&host));
                }
                options.insecure_hosts.insert(host.clone());
            }
            if let Some(ca) = &access.ca_file {
                options.extra_ca_files.push((host.clone(), ca.clone()));
            }
        }
        let mut credentials = CredentialChain::new();
        if let Some(store) = &self.saved_logins {
            credentials = credentials.with_store(store.clone());
        }
        if self.docker_login {
            match DockerConfig::load_default() {
                Ok(docker) => credentials = credentials.with_docker_config(docker),
                Err(e) => warnings.push(format!(
                    "your Docker login is not used: {e}; Portolan's own sign-ins still work"
                )),
            }
        }
        let mut client = Client::new(options, credentials.clone());
        if let Some(dir) = listing_cache_dir() {
            client = client.with_listing_cache(ListingCache::new(dir));
        }
        Ok(Built {
            client,
            credentials,
            warnings,
        })
    }
}

/// Reach a registry as it would be added (plain HTTP allowed or not, an extra CA), before
/// it is saved: what a "Test connection" button says (`reached https://host/ (bearer
/// tokens; signed in through your Docker login)`), or why it failed.
pub async fn test_connection(access: RegistryAccess) -> portolan::Result<String> {
    let host = normalize_registry(&access.host)?;
    let built = ClientSetup {
        registries: vec![access],
        docker_login: true,
        ..ClientSetup::default()
    }
    .build()?;
    let ping = match built.client.ping(&host).await {
        Ok(ping) => ping,
        // It answered, and wants a sign-in: reachable, which is what is asked here.
        Err(portolan::Error::Unauthorized { .. }) => {
            return Ok(format!(
                "Reached {host} — it asks for a sign-in: add it, then sign in"
            ))
        }
        Err(e) => return Err(e),
    };
    let auth = match ping.auth {
        "none" => "no sign-in asked for",
        "basic" => "it asks for a username and password",
        _ => "it asks for a sign-in (tokens)",
    };
    Ok(format!(
        "Reached {} — {auth}{}",
        ping.base_url,
        if ping.signed_in {
            "; your Docker login has a sign-in for it"
        } else {
            ""
        }
    ))
}

/// Where layer listings are kept, for the CLI and the app alike (`$XDG_CACHE_HOME/portolan/
/// layers`, else `~/.cache/portolan/layers`): a listing is named by its layer's digest, so
/// one front end's is as good as the other's.
pub fn listing_cache_dir() -> Option<PathBuf> {
    Some(cache_dir()?.join("layers"))
}

/// Where refreshed Sigstore trusted roots are kept (`…/portolan/trust` in the cache
/// folder), one folder per instance.
pub fn trust_cache_dir() -> Option<PathBuf> {
    Some(cache_dir()?.join("trust"))
}

/// Where an image saved by the local engine waits while it is pushed (`…/portolan/spool`
/// in the cache folder, else the system's temporary folder); each file goes when its push
/// ends.
pub fn spool_dir() -> PathBuf {
    cache_dir()
        .map(|d| d.join("spool"))
        .unwrap_or_else(std::env::temp_dir)
}

/// Where Portolan's own sign-ins are kept: the OS keyring (Secret Service, Keychain,
/// Credential Manager).
pub fn os_keyring() -> Arc<dyn SecretStore> {
    Arc::new(KeyringStore::default())
}

/// Where the record of which repository each blob was seen in is kept between runs
/// (`blob-homes.json` in the cache folder), so a push or copy within a registry can mount
/// blobs instead of uploading them.
pub fn blob_homes_file() -> Option<PathBuf> {
    Some(cache_dir()?.join("blob-homes.json"))
}

/// `client`, using (and filling) the record of where blobs live kept in `file` (an
/// unreadable or missing file starts an empty record).
pub fn with_blob_homes(client: Client, file: &Path) -> Client {
    client.with_blob_homes(Arc::new(BlobHomes::load(file)))
}

/// Keep what `client` learned about where blobs live in `file`.
pub fn save_blob_homes(client: &Client, file: &Path) -> portolan::Result<()> {
    client.blob_homes().save(file)
}

fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("portolan"))
}

/// What a user is told when a host that is not on this machine may use plain HTTP.
pub fn insecure_warning(host: &str) -> String {
    format!(
        "{host} is marked insecure: if it does not speak TLS, it is reached over plain HTTP, where anyone on the network can read and change what is sent, credentials included"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(host: &str, insecure: bool) -> RegistryAccess {
        RegistryAccess {
            host: host.to_owned(),
            insecure,
            ca_file: None,
        }
    }

    #[test]
    fn plain_http_for_a_remote_host_is_allowed_with_a_warning() {
        let setup = ClientSetup {
            registries: vec![
                access("localhost:5000", true),
                access("registry.corp:5000", true),
                access("ghcr.io", false),
            ],
            ..ClientSetup::default()
        };
        let built = setup.build().expect("built");
        assert_eq!(built.warnings.len(), 1, "{:?}", built.warnings);
        assert!(built.warnings[0].contains("registry.corp:5000"));
    }

    #[test]
    fn a_broken_docker_config_is_a_warning_not_a_failure() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("config.json"), "{ not json").expect("write");
        // DOCKER_CONFIG is read by the engine's default lookup; this test owns it.
        std::env::set_var("DOCKER_CONFIG", dir.path());
        let built = ClientSetup {
            docker_login: true,
            ..ClientSetup::default()
        }
        .build()
        .expect("still built");
        std::env::remove_var("DOCKER_CONFIG");
        assert!(
            built.warnings.iter().any(|w| w.contains("Docker login")),
            "{:?}",
            built.warnings
        );
    }

    #[test]
    fn a_host_that_is_not_a_host_is_refused() {
        let setup = ClientSetup {
            registries: vec![access("not a host!", false)],
            ..ClientSetup::default()
        };
        assert!(setup.build().is_err());
    }
}
