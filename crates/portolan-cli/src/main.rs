//! `portolan-cli`: the command-line front end over the Portolan registry engine.
//!
//! It parses arguments, asks the operations layer, and prints: people get aligned text,
//! scripts get `--json`. It holds no registry logic of its own: it depends on
//! `portolan_ops` only (the operations the desktop app runs too, and the engine's value
//! types re-exported), never on the engine directly. Each subcommand is a short adapter
//! in [`commands`] (parse → operation → [`render`]); [`setup`] turns the global flags into the client, [`hints`] adds
//! the CLI's own advice to errors, [`progress`] draws transfers. Errors go to stderr with
//! a non-zero exit code. Every byte of text it prints goes through [`terminal`], which
//! keeps registry text from driving the terminal; the lints below keep it the only way out.

#![warn(clippy::print_stdout, clippy::print_stderr)]

mod terminal;

mod commands;
mod exit_codes;
mod hints;
mod progress;
mod render;
mod setup;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::auth::{self, LoginArgs, LogoutArgs};
use commands::browse::{self, DigestArgs, InspectArgs, ReferrersArgs, ReposArgs, TagsArgs};
use commands::cleanup::{self, CleanupArgs};
use commands::engine::{self, ImagesArgs};
use commands::files::{self, CatArgs, DiffArgs, FilesArgs};
use commands::manage::{self, DeleteArgs, TagArgs, UntagArgs};
use commands::packages::{self as vendor, PackagesArgs, VersionIdArgs, VersionsArgs};
use commands::supply_chain::{self as supply, ProvenanceArgs, SbomArgs, VerifyArgs, VulnsArgs};
use commands::transfer::{self, CopyArgs, PullArgs, PushArgs};
use commands::Context;

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
    Login(LoginArgs),
    /// Forget the login saved for a registry.
    Logout(LogoutArgs),
    /// List the repositories of a registry (from its catalog).
    Repos(ReposArgs),
    /// List every tag of a repository.
    Tags(TagsArgs),
    /// Show a manifest or index: platforms, layers with sizes and history, config.
    Inspect(InspectArgs),
    /// List the artifacts that refer to an image (signatures, SBOMs, attestations): the
    /// registry's referrers API, else the `sha256-<hex>` fallback tag.
    Referrers(ReferrersArgs),
    /// Check an image's signatures and attestations (Sigstore bundles, cosign, Notation)
    /// against the expected signer; exit status 1 unless one verifies and none fails.
    Verify(VerifyArgs),
    /// List the packages of an image's SBOMs (SPDX or CycloneDX, attached as referrers,
    /// cosign .sbom tags or BuildKit attestations), with their licenses.
    Sbom(SbomArgs),
    /// Show an image's build provenance (SLSA): source repository and commit, workflow,
    /// builder, trigger and build parameters.
    Provenance(ProvenanceArgs),
    /// Look up the known vulnerabilities of an image's SBOM packages in OSV (sends their
    /// names and versions there); --fail-on LEVEL exits 1 when one is found.
    Vulns(VulnsArgs),
    /// Print the digest a reference resolves to.
    Digest(DigestArgs),
    /// List the files inside an image's layers, read from the registry (nothing is pulled
    /// to disk; each layer is verified against its digest as it streams).
    Files(FilesArgs),
    /// Print one file of an image (text up to 1 MiB, else size and a hex preview), or save
    /// it whole with --output; read from the registry, its layer verified.
    Cat(CatArgs),
    /// Compare two images: layers shared, and files added, removed and changed.
    Diff(DiffArgs),
    /// Download an image, verified, to an OCI layout folder, a `docker load` archive, or
    /// straight into the local engine (Docker, Podman).
    Pull(PullArgs),
    /// Upload an image from the local engine, an OCI layout folder, or a `docker save` /
    /// `podman save` archive.
    Push(PushArgs),
    /// List the local engine's images (Docker, or Podman's API service) and say which
    /// engine that is.
    Images(ImagesArgs),
    /// Give an image another tag (no blob moves).
    Tag(TagArgs),
    /// Remove one tag; the image and its other tags stay (ghcr.io: through its package
    /// versions; a version's only tag goes with the version, after a confirmation).
    Untag(UntagArgs),
    /// Delete an image by digest, with every tag on it.
    Delete(DeleteArgs),
    /// Copy an image (every platform of an index) to another repository or registry.
    Copy(CopyArgs),
    /// Remove old tags of a repository by rules (keep the newest N, tags matching a
    /// pattern, tags built since a date), from a plan printed first; on ghcr.io, delete a
    /// package's versions by rules, never breaking a multi-arch image it keeps.
    Cleanup(CleanupArgs),
    /// List container packages where the registry cannot (ghcr.io through GitHub
    /// Packages, docker.io through the Hub API): visibility, versions, last update.
    Packages(PackagesArgs),
    /// List a package's versions, newest first (ghcr.io: by digest with tags; docker.io:
    /// tags with their platforms).
    Versions(VersionsArgs),
    /// Delete a version of a ghcr.io package (restorable for 30 days).
    VersionDelete(VersionIdArgs),
    /// Restore a deleted version of a ghcr.io package.
    VersionRestore(VersionIdArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return exit_codes::usage_error(e),
    };
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
            render::error(cli.json, &e, hints::hint(&cli.command, &e).as_deref());
            ExitCode::FAILURE
        }
    }
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

/// Build the client from the global flags, then hand the subcommand to its adapter.
async fn run(cli: &Cli) -> portolan_ops::Result<()> {
    let ctx = Context {
        client: std::sync::Arc::new(setup::client(cli)?),
        json: cli.json,
    };
    match &cli.command {
        Command::Login(args) => auth::login(&ctx, args).await,
        Command::Logout(args) => auth::logout(&ctx, args).await,
        Command::Repos(args) => browse::repos(&ctx, args).await,
        Command::Tags(args) => browse::tags(&ctx, args).await,
        Command::Inspect(args) => browse::inspect(&ctx, args).await,
        Command::Referrers(args) => browse::referrers(&ctx, args).await,
        Command::Verify(args) => supply::verify(&ctx, args).await,
        Command::Sbom(args) => supply::sbom(&ctx, args).await,
        Command::Provenance(args) => supply::provenance(&ctx, args).await,
        Command::Vulns(args) => supply::vulns(&ctx, args).await,
        Command::Digest(args) => browse::digest(&ctx, args).await,
        Command::Files(args) => files::files(&ctx, args).await,
        Command::Cat(args) => files::cat(&ctx, args).await,
        Command::Diff(args) => files::diff(&ctx, args).await,
        Command::Pull(args) => transfer::pull(&ctx, args).await,
        Command::Push(args) => transfer::push(&ctx, args).await,
        Command::Images(args) => engine::images(&ctx, args).await,
        Command::Tag(args) => manage::tag(&ctx, args).await,
        Command::Untag(args) => manage::untag(&ctx, args).await,
        Command::Delete(args) => manage::delete(&ctx, args).await,
        Command::Copy(args) => transfer::copy(&ctx, args).await,
        Command::Cleanup(args) => cleanup::cleanup(&ctx, args).await,
        Command::Packages(args) => vendor::packages(&ctx, args).await,
        Command::Versions(args) => vendor::versions(&ctx, args).await,
        Command::VersionDelete(args) => vendor::delete(&ctx, args).await,
        Command::VersionRestore(args) => vendor::restore(&ctx, args).await,
    }
}
