//! The client this run uses: the global flags turned into the operations layer's
//! [`ClientSetup`] (which holds the plain-HTTP and Docker-config policies), plus the CLI's
//! record of where blobs were seen, so pushes and copies can mount instead of upload.

use std::path::PathBuf;
use std::sync::Arc;

use portolan::auth::secret_store::{KeyringStore, SecretStore};
use portolan::client::BlobHomes;
use portolan::Client;
use portolan_ops::setup::{ClientSetup, RegistryAccess};

use crate::terminal;
use crate::Cli;

/// What the flags ask of the client; the operations layer builds it the way the app does.
fn setup(cli: &Cli) -> portolan::Result<ClientSetup> {
    let mut registries: Vec<RegistryAccess> = cli
        .insecure
        .iter()
        .map(|host| RegistryAccess {
            host: host.clone(),
            insecure: true,
            ca_file: None,
        })
        .collect();
    for spec in &cli.ca_files {
        let (host, file) = spec.split_once('=').ok_or_else(|| {
            portolan::Error::input(
                format!("--ca-file wants HOST=FILE, got \"{spec}\""),
                "e.g. --ca-file registry.example=ca.crt",
            )
        })?;
        registries.push(RegistryAccess {
            host: host.to_owned(),
            insecure: false,
            ca_file: Some(PathBuf::from(file)),
        });
    }
    let saved_logins: Option<Arc<dyn SecretStore>> = if cli.no_keyring {
        None
    } else {
        Some(Arc::new(KeyringStore::default()))
    };
    Ok(ClientSetup {
        registries,
        saved_logins,
        docker_login: true,
        transport: None,
    })
}

/// The client, with the setup's warnings shown on stderr.
pub fn client(cli: &Cli) -> portolan::Result<Client> {
    let built = setup(cli)?.build()?;
    for warning in &built.warnings {
        terminal::err!("warning: {warning}");
    }
    let mut client = built.client;
    if let Some(path) = blob_cache_path() {
        client = client.with_blob_homes(Arc::new(BlobHomes::load(&path)));
    }
    Ok(client)
}

/// Where the CLI keeps its record of which repository each blob was seen in, so the next
/// push or copy within a registry can mount blobs instead of uploading them.
fn blob_cache_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("portolan").join("blob-homes.json"))
}

/// Keep what this run learned about where blobs live.
pub fn save_blob_cache(client: &Client) {
    if let Some(path) = blob_cache_path() {
        if let Err(e) = client.blob_homes().save(&path) {
            tracing::warn!("could not save the blob cache: {e}");
        }
    }
}
