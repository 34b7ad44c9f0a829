//! What to do about an error in this CLI's own terms (its flags and subcommands), which
//! the engine's messages leave out because the desktop app shares them.

use portolan_ops::{Error, Reference};

use crate::commands::manage::{DeleteArgs, UntagArgs};
use crate::commands::transfer::PullArgs;
use crate::Command;

/// The `hint:` line for `e` from `command`, if there is one.
pub fn hint(command: &Command, e: &Error) -> Option<String> {
    let hint = match (e, command) {
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
            Command::Pull(PullArgs {
                archive: Some(_),
                all_platforms: true,
                ..
            }),
        ) => "use --oci DIR with --all-platforms".to_owned(),
        (
            Error::WrongKind { .. },
            Command::Pull(PullArgs {
                archive: Some(_), ..
            }),
        ) => "pull it with --oci DIR instead of --archive".to_owned(),
        (Error::PlatformNotFound { .. } | Error::PlatformMismatch { .. }, Command::Pull(_)) => {
            "choose another with --platform OS/ARCH, or pass --all-platforms with --oci DIR"
                .to_owned()
        }
        (Error::PlatformNotFound { .. } | Error::PlatformMismatch { .. }, Command::Inspect(_)) => {
            "choose another with --platform OS/ARCH".to_owned()
        }
        (Error::Input { .. }, Command::Untag(UntagArgs { reference, .. }))
            if Reference::parse(reference).is_ok_and(|r| r.tag().is_none()) =>
        {
            "to delete an image by digest: portolan-cli delete REPO@sha256:...".to_owned()
        }
        (Error::Input { .. }, Command::Delete(DeleteArgs { reference, .. }))
            if Reference::parse(reference).is_ok_and(|r| r.digest().is_none()) =>
        {
            "to remove one tag: portolan-cli untag REPO:TAG".to_owned()
        }
        (Error::BadSource { detail, .. }, Command::Push(_)) if detail.contains("choose one") => {
            "or name it with --image NAME (a layout's ref.name, an archive's REPO:TAG)".to_owned()
        }
        (Error::TagExists { .. }, Command::Tag(_)) => {
            "to move it there anyway, add --force".to_owned()
        }
        (Error::ChangedSincePreview { .. }, Command::Delete(_)) => {
            "run the delete again to see its tags as they are now".to_owned()
        }
        (e, Command::Cat(_)) if portolan_ops::layer_files::is_refused_existing(e) => {
            "nothing was written: pass --force to replace it, or save elsewhere with -o".to_owned()
        }
        (Error::Unauthorized { registry, .. }, command)
            if !matches!(command, Command::Login(_)) =>
        {
            format!("sign in with: portolan-cli login {registry}")
        }
        _ => return None,
    };
    Some(hint)
}
