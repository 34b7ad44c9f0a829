//! A timestamping authority of the tests' own, answered by the `openssl ts` command.
//!
//! Sigstore bundles from GitHub's instance carry no transparency-log entry: their signing
//! time comes from an RFC 3161 timestamp over the signature. The token is made by
//! `openssl ts -query` and `openssl ts -reply` (an independent implementation, not code we
//! wrote) against a TSA certificate with the critical `timeStamping` EKU, signed with
//! SHA-256 and an ESS `signingCertificateV2` attribute, as Sigstore's TSA does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::pki::{self, Cert, Role, Spec};
use crate::require_program;

/// A TSA: a root and a leaf, their files, and an `openssl ts` configuration.
pub struct Tsa {
    /// The TSA's root CA.
    pub root: Cert,
    /// The certificate that signs timestamps.
    pub leaf: Cert,
    /// PEM of the leaf certificate.
    pub leaf_path: PathBuf,
    /// PEM of the root certificate (the trust anchor for `openssl ts -verify -CAfile`).
    pub root_path: PathBuf,
    dir: PathBuf,
    key_path: PathBuf,
    config_path: PathBuf,
    count: AtomicUsize,
}

impl Tsa {
    /// A new TSA whose files live in `dir` (created).
    pub fn new(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).expect("mkdir tsa");
        let root = pki::ca(
            &[("O", "portolan-test"), ("CN", "portolan-test TSA root")],
            None,
            None,
        );
        let now = pki::now();
        let leaf = pki::issue(
            &Spec {
                subject: &[("O", "portolan-test"), ("CN", "portolan-test TSA")],
                role: Role::TimeStamping,
                not_before: now - 86_400,
                not_after: now + 5 * 365 * 86_400,
                san_uri: None,
                extensions: &[],
            },
            Some(&root),
        );
        let leaf_path = dir.join("tsa.pem");
        let root_path = dir.join("tsa-root.pem");
        let key_path = dir.join("tsa.key");
        let config_path = dir.join("tsa.cnf");
        std::fs::write(&leaf_path, leaf.pem()).expect("write tsa.pem");
        std::fs::write(&root_path, root.pem()).expect("write tsa-root.pem");
        std::fs::write(&key_path, leaf.key_pem()).expect("write tsa.key");
        let config = format!(
            "[ tsa ]\ndefault_tsa = tsa_config\n\n[ tsa_config ]\nserial = {}\ncrypto_device = builtin\nsigner_digest = sha256\ndefault_policy = 1.3.6.1.4.1.57264.2\ndigests = sha256, sha384, sha512\naccuracy = secs:1\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
            dir.join("serial").display()
        );
        std::fs::write(&config_path, config).expect("write tsa.cnf");
        Self {
            root,
            leaf,
            leaf_path,
            root_path,
            dir: dir.to_owned(),
            key_path,
            config_path,
            count: AtomicUsize::new(0),
        }
    }

    /// The DER `TimeStampResp` (status granted, with the `TimeStampToken` and the TSA's
    /// certificate inside) over `data`: its message imprint is SHA-256 of `data`. This is
    /// what a Sigstore bundle's `rfc3161Timestamps[].signedTimestamp` holds.
    pub fn timestamp(&self, data: &[u8]) -> Vec<u8> {
        let n = self.count.fetch_add(1, Ordering::SeqCst);
        let data_path = self.dir.join(format!("data-{n}.bin"));
        let query_path = self.dir.join(format!("query-{n}.tsq"));
        let reply_path = self.dir.join(format!("reply-{n}.tsr"));
        std::fs::write(&data_path, data).expect("write timestamped data");
        run_openssl(&[
            "ts".as_ref(),
            "-query".as_ref(),
            "-data".as_ref(),
            data_path.as_os_str(),
            "-sha256".as_ref(),
            "-cert".as_ref(),
            "-out".as_ref(),
            query_path.as_os_str(),
        ]);
        run_openssl(&[
            "ts".as_ref(),
            "-reply".as_ref(),
            "-config".as_ref(),
            self.config_path.as_os_str(),
            "-queryfile".as_ref(),
            query_path.as_os_str(),
            "-inkey".as_ref(),
            self.key_path.as_os_str(),
            "-signer".as_ref(),
            self.leaf_path.as_os_str(),
            "-chain".as_ref(),
            self.root_path.as_os_str(),
            "-out".as_ref(),
            reply_path.as_os_str(),
        ]);
        let reply = std::fs::read(&reply_path).expect("read TSA reply");
        // `openssl ts -reply` writes a rejection with exit status 0: the status of a granted
        // response is the DER `SEQUENCE { INTEGER 0 }` right after the outer header.
        assert!(
            reply
                .windows(5)
                .take(8)
                .any(|w| w == [0x30, 0x03, 0x02, 0x01, 0x00]),
            "openssl ts -reply did not grant the timestamp"
        );
        reply
    }
}

/// `openssl ARGS`, which must succeed.
pub fn run_openssl(args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(require_program("openssl"))
        .args(args)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
