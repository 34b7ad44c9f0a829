//! The Engine API over TLS: a `bollard` client whose requests go through hyper with a
//! rustls configuration built here from an [`EngineTls`] (the system's roots plus
//! `ca.pem`, a client certificate when there is one, and no certificate check only when
//! a context says `SkipTLSVerify` or `DOCKER_TLS` is set without `DOCKER_TLS_VERIFY`).
//!
//! bollard's own `ssl` feature would need a `ca.pem` and cannot skip the check as a
//! context asks, so the connection is made here with the rustls and hyper-rustls that
//! reqwest already brings (ring as the crypto provider, as for registries).

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::error::{Error, Result};
use crate::local_engine::tls::{authority, EngineTls};

/// A bollard client for the engine at `host` (`tcp://`, `https://`) over TLS `tls`.
pub fn connect(
    host: &str,
    tls: &EngineTls,
    timeout: u64,
    version: &bollard::ClientVersion,
) -> Result<bollard::Docker> {
    let config = client_config(tls)?;
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_only()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(connector);
    let transport = move |request: bollard::BollardRequest| {
        let client = client.clone();
        async move {
            client
                .request(request)
                .await
                .map_err(bollard::errors::Error::from)
        }
    };
    bollard::Docker::connect_with_custom_transport(
        transport,
        Some(format!("https://{}", authority(host))),
        timeout,
        version,
    )
    .map_err(|e| Error::Configuration {
        what: format!("cannot set up TLS to the engine at {host}"),
        detail: e.to_string(),
    })
}

/// The rustls configuration `tls` asks for.
fn client_config(tls: &EngineTls) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| bad("the TLS versions", e))?;
    let builder = if tls.verify {
        builder.with_root_certificates(roots(tls.ca.as_deref())?)
    } else {
        tracing::warn!("the engine's TLS certificate is not checked (SkipTLSVerify or DOCKER_TLS)");
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
    };
    match &tls.identity {
        Some((cert, key)) => {
            let certs = CertificateDer::pem_file_iter(cert)
                .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
                .map_err(|e| bad(&format!("the client certificate {}", cert.display()), e))?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| bad(&format!("the client key {}", key.display()), e))?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| bad("the client certificate and key", e))
        }
        None => Ok(builder.with_no_client_auth()),
    }
}

/// The system's roots, and the certificates in `ca` when given.
fn roots(ca: Option<&Path>) -> Result<rustls::RootCertStore> {
    let mut roots = rustls::RootCertStore::empty();
    // A system root that does not parse is skipped, as reqwest does.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(ca) = ca {
        let certs = CertificateDer::pem_file_iter(ca)
            .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
            .map_err(|e| bad(&format!("the CA file {}", ca.display()), e))?;
        if certs.is_empty() {
            return Err(bad(
                &format!("the CA file {}", ca.display()),
                "it holds no PEM certificate",
            ));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| bad(&format!("the CA file {}", ca.display()), e))?;
        }
    }
    Ok(roots)
}

fn bad(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Configuration {
        what: format!("cannot use {what} for the engine's TLS"),
        detail: e.to_string(),
    }
}

/// Accepts any server certificate (what `SkipTLSVerify` asks for); the handshake's
/// signatures are still checked, so the connection is at least encrypted to whoever holds
/// the certificate's key.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
