//! `portolan-cli`: the command-line front end over the Portolan engine.
//!
//! It parses arguments, asks the engine, and prints: people get aligned text, scripts get
//! `--json`. It holds no registry logic of its own; anything it knows about registries it
//! learned from `portolan`. Errors go to stderr with a non-zero exit code. Every byte of
//! text it prints goes through [`terminal`], which keeps registry text from driving the
//! terminal; the lints below keep it the only way out.

#![warn(clippy::print_stdout, clippy::print_stderr)]

mod terminal;

mod progress;
mod render;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use portolan::auth::docker_config::DockerConfig;
use portolan::auth::secret_store::{KeyringStore, SecretStore};
use portolan::client::BlobHomes;
use portolan::reference::normalize_registry;
use portolan::{
    Cancel, Client, Credential, Platform, PlatformChoice, PullOptions, PushOptions, PushSource,
    Reference,
};
use portolan_ops::setup::{ClientSetup, RegistryAccess};

/// Browse and inspect container registries (ghcr.io, Docker Hub, any OCI registry).
#[derive(Parser)]
#[command(name = "portolan-cli", version, about)]
struct Cli {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Allow plain HTTP for this registry host (loopback hosts are always allowed).
    #[arg(long = "insecure", value_name = "HOST", global = true)]
    insecure: Vec<String>,
    /// Trust an extra CA certificate for a host: HOST=FILE.
    #[arg(long = "ca-file", value_name = "HOST=FILE", global = true)]
    ca_files: Vec<String>,
    /// Ignore Portolan's saved logins (the OS keyring); Docker's login is still read.
    #[arg(long, global = true)]
    no_keyring: bool,
    /// More log output on stderr (-v: info, -vv: debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign in to a registry and save the secret in the OS keyring.
    Login {
        /// Registry host, e.g. ghcr.io, docker.io, localhost:5000.
        registry: String,
        /// Username (asked for when not given).
        #[arg(short, long)]
        username: Option<String>,
        /// Read the password or token from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Forget the login saved for a registry.
    Logout {
        /// Registry host.
        registry: String,
    },
    /// List the repositories of a registry (from its catalog).
    Repos {
        /// Registry host.
        registry: String,
    },
    /// List every tag of a repository.
    Tags {
        /// Repository, e.g. ghcr.io/owner/image or ubuntu.
        repository: String,
    },
    /// Show a manifest or index: platforms, layers with sizes and history, config.
    Inspect {
        /// Image reference, e.g. ghcr.io/owner/image:tag or localhost:5000/a@sha256:...
        reference: String,
        /// For an index, the platform to show (default: this machine's).
        #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
        platform: Option<String>,
        /// Print the manifest exactly as the registry sent it, byte for byte (so
        /// `| sha256sum` gives its digest); on a terminal, control characters are escaped.
        #[arg(long)]
        raw: bool,
    },
    /// List the artifacts that refer to an image (signatures, SBOMs, attestations): the
    /// registry's referrers API, else the `sha256-<hex>` fallback tag.
    Referrers {
        /// Image reference (tag or digest).
        reference: String,
    },
    /// Print the digest a reference resolves to.
    Digest {
        /// Image reference.
        reference: String,
    },
    /// Download an image to an OCI layout folder or a `docker load` archive, verified.
    #[command(group(clap::ArgGroup::new("target").required(true).args(["oci", "archive"])))]
    Pull {
        /// Image reference (tag or digest).
        reference: String,
        /// Write an OCI image layout into this folder (created if needed).
        #[arg(long, value_name = "DIR")]
        oci: Option<PathBuf>,
        /// Write a `docker load` archive to this file.
        #[arg(long, value_name = "FILE")]
        archive: Option<PathBuf>,
        /// For an index, the platform to pull (default: this machine's).
        #[arg(
            long,
            value_name = "OS/ARCH[/VARIANT]",
            conflicts_with = "all_platforms"
        )]
        platform: Option<String>,
        /// For an index, pull every platform (OCI layout only).
        #[arg(long)]
        all_platforms: bool,
        /// Blobs downloaded at once.
        #[arg(long, default_value_t = 4)]
        jobs: usize,
    },
    /// Upload an OCI layout folder or a `docker save` / `podman save` archive.
    Push {
        /// DIR or FILE.tar, optionally followed by `:NAME` to choose one of several images
        /// (a layout's ref.name such as `1.0` or `localhost/app:1`, or an archive's REPO:TAG).
        source: String,
        /// Where to push (tag or digest).
        reference: String,
        /// The image to push when the source holds several (same as SOURCE:NAME).
        #[arg(long, value_name = "NAME")]
        image: Option<String>,
        /// Blobs uploaded at once.
        #[arg(long, default_value_t = 4)]
        jobs: usize,
        /// Blobs larger than this many MiB are sent in chunks of that size.
        #[arg(long, default_value_t = 64)]
        chunk_mib: u64,
    },
    /// Give an image another tag (no blob moves).
    Tag {
        /// The image (tag or digest).
        reference: String,
        /// The new tag, in the same repository.
        new_tag: String,
    },
    /// Remove one tag; the image and its other tags stay.
    Untag {
        /// REPO:TAG.
        reference: String,
    },
    /// Delete an image by digest, with every tag on it.
    Delete {
        /// REPO@sha256:...
        reference: String,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Copy an image (every platform of an index) to another repository or registry.
    Copy {
        /// Source reference.
        source: String,
        /// Destination reference.
        destination: String,
        /// Also copy signatures, SBOMs and other artifacts that refer to it.
        #[arg(long)]
        referrers: bool,
        /// Blobs copied at once.
        #[arg(long, default_value_t = 4)]
        jobs: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            terminal::err!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let hint = cli_hint(&cli, &e);
            if cli.json {
                let mut error = serde_json::json!({"code": e.code(), "message": e.to_string()});
                if let Some(hint) = &hint {
                    error["hint"] = serde_json::Value::from(hint.as_str());
                }
                let body = serde_json::json!({ "error": error });
                terminal::err_json(&body.to_string());
            } else {
                terminal::err!("error: {e}");
                if let Some(hint) = hint {
                    terminal::err!("hint: {hint}");
                }
            }
            ExitCode::FAILURE
        }
    }
}

/// What to do about `e` in this CLI's own terms (its flags and subcommands), which the
/// engine's messages leave out because the desktop app shares them.
fn cli_hint(cli: &Cli, e: &portolan::Error) -> Option<String> {
    use portolan::Error;
    let hint = match (e, &cli.command) {
        (
            Error::Unreachable {
                tls: true,
                registry,
                ..
            },
            _,
        ) => {
            format!("to trust a private CA, pass --ca-file {registry}=CA.crt")
        }
        (
            Error::Input { .. },
            Command::Pull {
                archive: Some(_),
                all_platforms: true,
                ..
            },
        ) => "use --oci DIR with --all-platforms".to_owned(),
        (
            Error::WrongKind { .. },
            Command::Pull {
                archive: Some(_), ..
            },
        ) => "pull it with --oci DIR instead of --archive".to_owned(),
        (Error::PlatformNotFound { .. } | Error::PlatformMismatch { .. }, Command::Pull { .. }) => {
            "choose another with --platform OS/ARCH, or pass --all-platforms with --oci DIR"
                .to_owned()
        }
        (
            Error::PlatformNotFound { .. } | Error::PlatformMismatch { .. },
            Command::Inspect { .. },
        ) => "choose another with --platform OS/ARCH".to_owned(),
        (Error::Input { .. }, Command::Untag { reference })
            if Reference::parse(reference).is_ok_and(|r| r.tag().is_none()) =>
        {
            "to delete an image by digest: portolan-cli delete REPO@sha256:...".to_owned()
        }
        (Error::Input { .. }, Command::Delete { reference, .. })
            if Reference::parse(reference).is_ok_and(|r| r.digest().is_none()) =>
        {
            "to remove one tag: portolan-cli untag REPO:TAG".to_owned()
        }
        (Error::Unauthorized { registry, .. }, command)
            if !matches!(command, Command::Login { .. }) =>
        {
            format!("sign in with: portolan-cli login {registry}")
        }
        _ => return None,
    };
    Some(hint)
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PORTOLAN_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("portolan={default},portolan_cli={default}"))
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| terminal::LogWriter)
        .with_ansi(false)
        .with_target(false)
        .init();
}

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

fn client(cli: &Cli) -> portolan::Result<Client> {
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

fn save_blob_cache(client: &Client) {
    if let Some(path) = blob_cache_path() {
        if let Err(e) = client.blob_homes().save(&path) {
            tracing::warn!("could not save the blob cache: {e}");
        }
    }
}

async fn run(cli: &Cli) -> portolan::Result<()> {
    let client = client(cli)?;
    let json = cli.json;
    match &cli.command {
        Command::Login {
            registry,
            username,
            password_stdin,
        } => {
            let registry = normalize_registry(registry)?;
            let username = match username {
                Some(u) => u.clone(),
                None => prompt_line("Username: ")?,
            };
            let secret = read_secret(*password_stdin)?;
            let info = client
                .verify_login(
                    &registry,
                    Credential::password(username.clone(), secret.clone()),
                )
                .await?;
            let credential = Credential::password(username, secret);
            let reg = registry.clone();
            tokio::task::spawn_blocking(move || KeyringStore::default().set(&reg, &credential))
                .await
                .map_err(|e| portolan::Error::internal(format!("keyring call stopped: {e}")))??;
            render::login(json, &registry, &info);
        }
        Command::Logout { registry } => {
            let registry = normalize_registry(registry)?;
            let reg = registry.clone();
            let removed = tokio::task::spawn_blocking(move || KeyringStore::default().delete(&reg))
                .await
                .map_err(|e| portolan::Error::internal(format!("keyring call stopped: {e}")))??;
            let docker = DockerConfig::load_default()?;
            let docker_login = docker.credential_for(&registry).ok().flatten().is_some();
            render::logout(
                json,
                &registry,
                removed,
                docker_login.then(|| docker.path().display().to_string()),
            );
        }
        Command::Repos { registry } => {
            let registry = normalize_registry(registry)?;
            let repos = client.repositories(&registry).await?;
            render::lines(json, &repos);
        }
        Command::Tags { repository } => {
            let reference = Reference::parse(repository)?;
            let tags = client.tags(&reference).await?;
            render::lines(json, &tags);
        }
        Command::Inspect {
            reference,
            platform,
            raw,
        } => {
            let reference = Reference::parse(reference)?;
            if *raw {
                let fetched = client.manifest(&reference).await?;
                terminal::out_manifest(&fetched.bytes);
                return Ok(());
            }
            let platform = platform.as_deref().map(Platform::parse).transpose()?;
            let report = client.inspect(&reference, platform.as_ref()).await?;
            render::inspect(json, &report);
        }
        Command::Referrers { reference } => {
            let reference = Reference::parse(reference)?;
            let report = client.list_referrers(&reference).await?;
            render::referrers(json, &report);
        }
        Command::Digest { reference } => {
            let reference = Reference::parse(reference)?;
            let digest = client.resolve_digest(&reference).await?;
            render::digest(json, &reference, &digest);
        }
        Command::Pull {
            reference,
            oci,
            archive,
            platform,
            all_platforms,
            jobs,
        } => {
            let reference = Reference::parse(reference)?;
            let platform = if *all_platforms {
                PlatformChoice::All
            } else {
                match platform {
                    Some(p) => PlatformChoice::One(Platform::parse(p)?),
                    None => PlatformChoice::Host,
                }
            };
            let options = PullOptions {
                platform,
                jobs: *jobs,
                progress: progress::bar("pull"),
                cancel: cancel_on_ctrl_c(),
            };
            let report = match (oci, archive) {
                (Some(dir), _) => client.pull_to_layout(&reference, dir, &options).await?,
                (None, Some(file)) => client.pull_to_archive(&reference, file, &options).await?,
                (None, None) => unreachable!("clap requires one"),
            };
            save_blob_cache(&client);
            render::transfer(json, "Pulled", &reference, &report.digest, &report);
        }
        Command::Push {
            source,
            reference,
            image,
            jobs,
            chunk_mib,
        } => {
            let reference = Reference::parse(reference)?;
            let options = PushOptions {
                jobs: *jobs,
                chunk_size: chunk_mib.max(&1) * 1024 * 1024,
                progress: progress::bar("push"),
                cancel: cancel_on_ctrl_c(),
            };
            let report = client
                .push(
                    &PushSource::parse(source).with_image(image.clone()),
                    &reference,
                    &options,
                )
                .await?;
            save_blob_cache(&client);
            render::transfer(json, "Pushed", &reference, &report.digest, &report);
        }
        Command::Tag { reference, new_tag } => {
            let reference = Reference::parse(reference)?;
            let digest = client.tag(&reference, new_tag).await?;
            let tagged = Reference::from_parts(
                reference.registry(),
                reference.repository(),
                Some(new_tag),
                None,
            )?;
            render::done(
                json,
                &format!("Tagged {} as {}", digest, tagged.familiar()),
                &serde_json::json!({"digest": digest, "tag": tagged.to_string()}),
            );
        }
        Command::Untag { reference } => {
            let reference = Reference::parse(reference)?;
            let method = client.untag(&reference).await?;
            render::done(
                json,
                &format!("Removed tag {}", reference.familiar()),
                &serde_json::json!({"untagged": reference.to_string(), "method": method}),
            );
        }
        Command::Delete { reference, yes } => {
            let reference = Reference::parse(reference)?;
            if !yes {
                confirm(&format!("Delete {reference} and every tag on it? [y/N] "))?;
            }
            let digest = client.delete(&reference).await?;
            render::done(
                json,
                &format!("Deleted {digest}"),
                &serde_json::json!({"deleted": digest}),
            );
        }
        Command::Copy {
            source,
            destination,
            referrers,
            jobs,
        } => {
            let from = Reference::parse(source)?;
            let to = Reference::parse(destination)?;
            let options = PushOptions {
                jobs: *jobs,
                progress: progress::bar("copy"),
                cancel: cancel_on_ctrl_c(),
                ..PushOptions::default()
            };
            let report = client.copy(&from, &to, *referrers, &options).await?;
            save_blob_cache(&client);
            render::copied(json, &to, &report);
        }
    }
    Ok(())
}

/// A cancel token that fires on Ctrl-C, so partial work is left resumable, not corrupt.
fn cancel_on_ctrl_c() -> Cancel {
    let cancel = Cancel::new();
    let fire = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            terminal::err!();
            terminal::err!("cancelling...");
            fire.cancel();
        }
    });
    cancel
}

fn confirm(question: &str) -> portolan::Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(portolan::Error::input(
            "refusing to delete without confirmation",
            "no terminal to ask on; pass --yes",
        ));
    }
    terminal::prompt(question);
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    if matches!(line.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(portolan::Error::Cancelled)
    }
}

fn prompt_line(prompt: &str) -> portolan::Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(portolan::Error::input(
            "no terminal to ask for a username",
            "pass -u USER",
        ));
    }
    terminal::prompt(prompt);
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| portolan::Error::Io {
            action: "cannot read the username from",
            path: "the terminal".to_owned(),
            source: e,
        })?;
    Ok(line.trim().to_owned())
}

fn read_secret(from_stdin: bool) -> portolan::Result<String> {
    let secret = if from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| portolan::Error::Io {
                action: "cannot read the password from",
                path: "standard input".to_owned(),
                source: e,
            })?;
        text.trim_end_matches(['\n', '\r']).to_owned()
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password or token: ").map_err(|e| portolan::Error::Io {
            action: "cannot read the password from",
            path: "the terminal".to_owned(),
            source: e,
        })?
    } else {
        return Err(portolan::Error::input(
            "no terminal to ask for a password",
            "pipe it in with --password-stdin",
        ));
    };
    if secret.is_empty() {
        return Err(portolan::Error::input(
            "the password or token is empty",
            "give the password or an access token",
        ));
    }
    Ok(secret)
}
