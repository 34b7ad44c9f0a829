//! The client this run uses: the global flags turned into the operations layer's
//! [`ClientSetup`] (which holds the plain-HTTP and Docker-config policies), plus the CLI's
//! record of where blobs were seen, so pushes and copies can mount instead of upload.

use std::path::PathBuf;
use std::sync::Arc;

use portolan_ops::setup::{self as ops_setup, ClientSetup, RegistryAccess};
use portolan_ops::{Client, Error, Result, SecretStore};

use crate::terminal;
use crate::Cli;

/// What the flags ask of the client; the operations layer builds it the way the app does.
fn setup(cli: &Cli) -> Result<ClientSetup> {
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
            Error::input(
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
        Some(ops_setup::os_keyring())
    };
    Ok(ClientSetup {
        registries,
        saved_logins,
        docker_login: true,
        transport: None,
    })
}

/// The client, with the setup's warnings shown on stderr.
pub fn client(cli: &Cli) -> Result<Client> {
    let built = setup(cli)?.build()?;
    for warning in &built.warnings {
        terminal::err!("warning: {warning}");
    }
    let client = match ops_setup::blob_homes_file() {
        Some(file) => ops_setup::with_blob_homes(built.client, &file),
        None => built.client,
    };
    Ok(client)
}

/// Keep what this run learned about where blobs live, so the next push or copy within a
/// registry can mount blobs instead of uploading them.
pub fn save_blob_cache(client: &Client) {
    if let Some(file) = ops_setup::blob_homes_file() {
        if let Err(e) = ops_setup::save_blob_homes(client, &file) {
            tracing::warn!("could not save the blob cache: {e}");
        }
    }
}
