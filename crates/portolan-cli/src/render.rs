//! How results look on a terminal (aligned text) and to scripts (`--json`).
//!
//! Strings from registries (tags, labels, history lines) are untrusted: control characters
//! are replaced before they reach a terminal, so a hostile registry cannot move the cursor
//! or rewrite what the user sees.

use portolan::inspect::{ImageDetails, ImageReport};
use portolan::{Digest, PingInfo, Reference};

/// `println!` that ends the program quietly when stdout is closed (`| head`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => out!("{text}"),
        Err(e) => eprintln!("error: cannot encode JSON: {e}"),
    }
}

/// Replace control characters so registry text cannot drive the terminal.
pub fn safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Sizes as people read them: `1.5 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub fn lines(json: bool, items: &[String]) {
    if json {
        print_json(&items);
    } else {
        for item in items {
            out!("{}", safe(item));
        }
    }
}

pub fn digest(json: bool, reference: &Reference, digest: &Digest) {
    if json {
        print_json(&serde_json::json!({"reference": reference.to_string(), "digest": digest}));
    } else {
        out!("{digest}");
    }
}

pub fn login(json: bool, registry: &str, info: &PingInfo) {
    if json {
        print_json(
            &serde_json::json!({"registry": registry, "saved_in": "os-keyring", "auth": info.auth}),
        );
    } else {
        out!("Login Succeeded: {registry} (saved in the OS keyring)");
    }
}

pub fn logout(json: bool, registry: &str, removed: bool, docker_login: Option<String>) {
    if json {
        print_json(
            &serde_json::json!({"registry": registry, "removed": removed, "docker_login_remains": docker_login}),
        );
        return;
    }
    if removed {
        out!("Removed the saved login for {registry}");
    } else {
        out!("Not logged in to {registry} with Portolan");
    }
    if let Some(path) = docker_login {
        out!("Your Docker login for {registry} in {path} is still used; `docker logout {registry}` removes it");
    }
}

pub fn transfer<T: serde::Serialize>(
    json: bool,
    verb: &str,
    reference: &Reference,
    digest: &Digest,
    report: &T,
) {
    if json {
        print_json(report);
    } else {
        let v = serde_json::to_value(report).unwrap_or_default();
        let moved = v["transferred_bytes"].as_u64().unwrap_or(0);
        let skipped = v["skipped"].as_u64().unwrap_or(0);
        let mounted = v["mounted"].as_u64().unwrap_or(0);
        let mut extra = format!("{} moved", human_size(moved));
        if skipped > 0 {
            extra.push_str(&format!(", {skipped} blobs already there"));
        }
        if mounted > 0 {
            extra.push_str(&format!(", {mounted} blobs mounted"));
        }
        out!("{verb} {} ({digest}; {extra})", reference.familiar());
    }
}

pub fn done(json: bool, text: &str, value: &serde_json::Value) {
    if json {
        print_json(value);
    } else {
        out!("{text}");
    }
}

pub fn inspect(json: bool, report: &ImageReport) {
    if json {
        print_json(report);
        return;
    }
    out!("Reference   {}", report.reference);
    out!("Digest      {}", report.digest);
    out!("Media type  {}", report.media_type);
    out!("Kind        {:?}", report.kind);
    if !report.platforms.is_empty() {
        out!();
        out!("Platforms ({}):", report.platforms.len());
        for p in &report.platforms {
            let note = if p.attestation { "  (attestation)" } else { "" };
            out!(
                "  {:<22} {}  {:>10}{note}",
                safe(&p.platform),
                p.digest,
                human_size(p.size)
            );
        }
    }
    for (k, v) in &report.annotations {
        out!("Annotation  {} = {}", safe(k), safe(v));
    }
    if let Some(image) = &report.image {
        out!();
        image_details(image, !report.platforms.is_empty());
    }
}

fn image_details(image: &ImageDetails, from_index: bool) {
    if from_index {
        out!("Image       {}", image.digest);
    }
    if let Some(p) = &image.platform {
        out!("Platform    {}", safe(p));
    }
    if let Some(c) = &image.created {
        out!("Created     {}", safe(c));
    }
    if let Some(t) = &image.artifact_type {
        out!("Artifact    {}", safe(t));
    }
    out!(
        "Config      {} ({})",
        image.config_digest,
        image.config_media_type
    );
    out!();
    out!(
        "Layers ({}, {} compressed):",
        image.layers.len(),
        human_size(image.total_size)
    );
    out!("  {:>3}  {:<19}  {:>10}  CREATED BY", "#", "DIGEST", "SIZE");
    for layer in &image.layers {
        let line = layer
            .created_by
            .as_deref()
            .map(safe)
            .unwrap_or_else(|| "-".to_owned());
        out!(
            "  {:>3}  {:<19}  {:>10}  {line}",
            layer.index,
            layer.digest.short(),
            human_size(layer.size)
        );
    }
    let empty: Vec<_> = image.history.iter().filter(|h| h.empty_layer).collect();
    if !empty.is_empty() {
        out!();
        out!("Steps without a layer ({}):", empty.len());
        for h in empty {
            out!(
                "  {}",
                h.created_by.as_deref().map(safe).unwrap_or_default()
            );
        }
    }
    if let Some(c) = &image.config {
        out!();
        out!("Config:");
        let show = |name: &str, v: &[String]| {
            if !v.is_empty() {
                out!(
                    "  {name:<12}{}",
                    safe(&serde_json::to_string(v).unwrap_or_default())
                );
            }
        };
        if let Some(u) = &c.user {
            out!("  {:<12}{}", "User", safe(u));
        }
        if let Some(w) = &c.working_dir {
            out!("  {:<12}{}", "WorkingDir", safe(w));
        }
        show("Entrypoint", &c.entrypoint);
        show("Cmd", &c.cmd);
        show("Ports", &c.exposed_ports);
        for e in &c.env {
            out!("  {:<12}{}", "Env", safe(e));
        }
        for (k, v) in &c.labels {
            out!("  {:<12}{} = {}", "Label", safe(k), safe(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_safety() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(safe("a\u{1b}[2Jb\n"), "a\u{fffd}[2Jb\u{fffd}");
    }
}
