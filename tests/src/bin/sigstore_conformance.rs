//! The Sigstore conformance suite's client (its CLI protocol, `verify-bundle`), over the
//! same verification code the app and the CLI use (`portolan::supply_chain::verify`).
//!
//! ```text
//! sigstore-conformance verify-bundle [--staging] --bundle FILE
//!     (--key KEY.pub | --certificate-identity ID --certificate-oidc-issuer URL)
//!     [--trusted-root FILE] FILE_OR_DIGEST
//! ```
//! Exit status 0: verified. Anything else: rejected, with the reason on stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use portolan::supply_chain::policy::{IdentityRule, TrustPolicy, TrustedKey};
use portolan::supply_chain::trust::TrustRoots;
use portolan::supply_chain::verify::{self, Signed};
use portolan::supply_chain::Verdict;

#[derive(Default)]
struct Args {
    staging: bool,
    bundle: Option<PathBuf>,
    key: Option<PathBuf>,
    identity: Option<String>,
    issuer: Option<String>,
    trusted_root: Option<PathBuf>,
    artifact: Option<String>,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    match argv.next().as_deref() {
        Some("verify-bundle") => {}
        Some("sign-bundle") => return Err("sign-bundle needs Fulcio and Rekor: not offered".into()),
        other => return Err(format!("unknown command {other:?}")),
    }
    let mut args = Args::default();
    while let Some(arg) = argv.next() {
        let mut value = |name: &str| argv.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--staging" => args.staging = true,
            "--bundle" => args.bundle = Some(value("--bundle")?.into()),
            "--key" => args.key = Some(value("--key")?.into()),
            "--certificate-identity" => args.identity = Some(value("--certificate-identity")?),
            "--certificate-oidc-issuer" => args.issuer = Some(value("--certificate-oidc-issuer")?),
            "--trusted-root" => args.trusted_root = Some(value("--trusted-root")?.into()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if args.artifact.is_none() => args.artifact = Some(arg),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    Ok(args)
}

fn run(args: Args) -> Result<Verdict, String> {
    let bundle_path = args.bundle.ok_or("--bundle is required")?;
    let artifact = args
        .artifact
        .ok_or("the artifact (a file or sha256:<hex>) is required")?;
    let roots = match (&args.trusted_root, args.staging) {
        (Some(path), _) => TrustRoots::from_file(path),
        (None, true) => TrustRoots::staging(),
        (None, false) => TrustRoots::shipped(),
    }
    .map_err(|e| e.to_string())?;
    let mut policy = TrustPolicy::default();
    match (&args.key, args.identity, args.issuer) {
        (Some(key), _, _) => policy
            .keys
            .push(TrustedKey::load(key).map_err(|e| e.to_string())?),
        (None, Some(identity), Some(issuer)) => {
            policy.identity = Some(IdentityRule::Exact(identity));
            policy.issuer = Some(issuer);
        }
        _ => {
            return Err(
                "give --key, or --certificate-identity and --certificate-oidc-issuer".into(),
            )
        }
    }
    let bundle =
        std::fs::read(&bundle_path).map_err(|e| format!("{}: {e}", bundle_path.display()))?;
    let hex = artifact
        .strip_prefix("sha256:")
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .filter(|_| !std::path::Path::new(&artifact).exists());
    let outcome = match hex {
        Some(hex) => verify::bundle(&bundle, Signed::Digest(hex), &roots, &policy),
        None => {
            let bytes = std::fs::read(&artifact).map_err(|e| format!("{artifact}: {e}"))?;
            verify::bundle(&bundle, Signed::Bytes(&bytes), &roots, &policy)
        }
    };
    Ok(outcome.verdict)
}

fn main() -> ExitCode {
    let verdict = parse(std::env::args().skip(1)).and_then(run);
    match verdict {
        Ok(Verdict::Verified { checks, .. }) => {
            println!("verified: {}", checks.join(", "));
            ExitCode::SUCCESS
        }
        Ok(Verdict::WrongSigner { signer, expected }) => {
            eprintln!(
                "signed by {} ({}), not {expected}",
                signer.identity.unwrap_or_default(),
                signer.issuer.unwrap_or_default()
            );
            ExitCode::FAILURE
        }
        Ok(Verdict::Failed { reason }) => {
            eprintln!("failed: {reason}");
            ExitCode::FAILURE
        }
        Ok(Verdict::NotCheckable { reason }) => {
            eprintln!("not checkable: {reason}");
            ExitCode::FAILURE
        }
        Ok(Verdict::Unsigned) => {
            eprintln!("unsigned");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
