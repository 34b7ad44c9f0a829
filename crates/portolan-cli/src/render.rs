//! How results look on a terminal (aligned text) and to scripts (`--json`).
//!
//! Strings from registries (tags, labels, history lines) are untrusted: control characters
//! are replaced before they reach a terminal, so a hostile registry cannot move the cursor
//! or rewrite what the user sees.

use portolan::inspect::{ImageDetails, ImageReport};
use portolan::{Digest, PingInfo, Reference};

fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
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
            println!("{}", safe(item));
        }
    }
}

pub fn digest(json: bool, reference: &Reference, digest: &Digest) {
    if json {
        print_json(&serde_json::json!({"reference": reference.to_string(), "digest": digest}));
    } else {
        println!("{digest}");
    }
}

pub fn login(json: bool, registry: &str, info: &PingInfo) {
    if json {
        print_json(
            &serde_json::json!({"registry": registry, "saved_in": "os-keyring", "auth": info.auth}),
        );
    } else {
        println!("Login Succeeded: {registry} (saved in the OS keyring)");
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
        println!("Removed the saved login for {registry}");
    } else {
        println!("Not logged in to {registry} with Portolan");
    }
    if let Some(path) = docker_login {
        println!("Your Docker login for {registry} in {path} is still used; `docker logout {registry}` removes it");
    }
}

pub fn inspect(json: bool, report: &ImageReport) {
    if json {
        print_json(report);
        return;
    }
    println!("Reference   {}", report.reference);
    println!("Digest      {}", report.digest);
    println!("Media type  {}", report.media_type);
    println!("Kind        {:?}", report.kind);
    if !report.platforms.is_empty() {
        println!();
        println!("Platforms ({}):", report.platforms.len());
        for p in &report.platforms {
            let note = if p.attestation { "  (attestation)" } else { "" };
            println!(
                "  {:<22} {}  {:>10}{note}",
                safe(&p.platform),
                p.digest,
                human_size(p.size)
            );
        }
    }
    for (k, v) in &report.annotations {
        println!("Annotation  {} = {}", safe(k), safe(v));
    }
    if let Some(image) = &report.image {
        println!();
        image_details(image, !report.platforms.is_empty());
    }
}

fn image_details(image: &ImageDetails, from_index: bool) {
    if from_index {
        println!("Image       {}", image.digest);
    }
    if let Some(p) = &image.platform {
        println!("Platform    {}", safe(p));
    }
    if let Some(c) = &image.created {
        println!("Created     {}", safe(c));
    }
    if let Some(t) = &image.artifact_type {
        println!("Artifact    {}", safe(t));
    }
    println!(
        "Config      {} ({})",
        image.config_digest, image.config_media_type
    );
    println!();
    println!(
        "Layers ({}, {} compressed):",
        image.layers.len(),
        human_size(image.total_size)
    );
    println!("  {:>3}  {:<19}  {:>10}  CREATED BY", "#", "DIGEST", "SIZE");
    for layer in &image.layers {
        let line = layer
            .created_by
            .as_deref()
            .map(safe)
            .unwrap_or_else(|| "-".to_owned());
        println!(
            "  {:>3}  {:<19}  {:>10}  {line}",
            layer.index,
            layer.digest.short(),
            human_size(layer.size)
        );
    }
    let empty: Vec<_> = image.history.iter().filter(|h| h.empty_layer).collect();
    if !empty.is_empty() {
        println!();
        println!("Steps without a layer ({}):", empty.len());
        for h in empty {
            println!(
                "  {}",
                h.created_by.as_deref().map(safe).unwrap_or_default()
            );
        }
    }
    if let Some(c) = &image.config {
        println!();
        println!("Config:");
        let show = |name: &str, v: &[String]| {
            if !v.is_empty() {
                println!(
                    "  {name:<12}{}",
                    safe(&serde_json::to_string(v).unwrap_or_default())
                );
            }
        };
        if let Some(u) = &c.user {
            println!("  {:<12}{}", "User", safe(u));
        }
        if let Some(w) = &c.working_dir {
            println!("  {:<12}{}", "WorkingDir", safe(w));
        }
        show("Entrypoint", &c.entrypoint);
        show("Cmd", &c.cmd);
        show("Ports", &c.exposed_ports);
        for e in &c.env {
            println!("  {:<12}{}", "Env", safe(e));
        }
        for (k, v) in &c.labels {
            println!("  {:<12}{} = {}", "Label", safe(k), safe(v));
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
