//! A throw-away certificate authority and a server certificate for 127.0.0.1, so tests can
//! run the registry over HTTPS and check that Portolan trusts exactly the CAs it is given.

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
};
use openssl::x509::{X509Builder, X509NameBuilder, X509};

/// PEM files for a TLS registry.
pub struct TestTls {
    /// The CA certificate a client must trust.
    pub ca_pem: Vec<u8>,
    /// The server certificate (for 127.0.0.1).
    pub cert_pem: Vec<u8>,
    /// The server's private key.
    pub key_pem: Vec<u8>,
    /// A client certificate signed by the same CA (for registries that require one).
    pub client_cert_pem: Vec<u8>,
    /// Its private key.
    pub client_key_pem: Vec<u8>,
}

fn key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("curve");
    PKey::from_ec_key(EcKey::generate(&group).expect("key")).expect("pkey")
}

fn builder(cn: &str, serial: u32, key: &PKey<Private>) -> (X509Builder, openssl::x509::X509Name) {
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_text("CN", cn).expect("cn");
    let name = name.build();
    let mut b = X509Builder::new().expect("builder");
    b.set_version(2).expect("v3");
    b.set_serial_number(
        &BigNum::from_u32(serial)
            .and_then(|n| n.to_asn1_integer())
            .expect("serial"),
    )
    .expect("serial");
    b.set_subject_name(&name).expect("subject");
    b.set_pubkey(key).expect("pubkey");
    b.set_not_before(&Asn1Time::days_from_now(0).expect("t"))
        .expect("nb");
    b.set_not_after(&Asn1Time::days_from_now(30).expect("t"))
        .expect("na");
    (b, name)
}

/// Make a CA and a server certificate for 127.0.0.1 signed by it.
pub fn make() -> TestTls {
    let ca_key = key();
    let (mut ca, ca_name) = builder("portolan test CA", 1, &ca_key);
    ca.set_issuer_name(&ca_name).expect("issuer");
    ca.append_extension(BasicConstraints::new().critical().ca().build().expect("bc"))
        .expect("ext");
    ca.append_extension(
        KeyUsage::new()
            .critical()
            .key_cert_sign()
            .crl_sign()
            .build()
            .expect("ku"),
    )
    .expect("ext");
    ca.sign(&ca_key, MessageDigest::sha256()).expect("sign");
    let ca: X509 = ca.build();

    let server_key = key();
    let (mut leaf, _) = builder("127.0.0.1", 2, &server_key);
    leaf.set_issuer_name(ca.subject_name()).expect("issuer");
    leaf.append_extension(BasicConstraints::new().build().expect("bc"))
        .expect("ext");
    leaf.append_extension(
        KeyUsage::new()
            .critical()
            .digital_signature()
            .build()
            .expect("ku"),
    )
    .expect("ext");
    leaf.append_extension(ExtendedKeyUsage::new().server_auth().build().expect("eku"))
        .expect("ext");
    let san = SubjectAlternativeName::new()
        .ip("127.0.0.1")
        .dns("localhost")
        .build(&leaf.x509v3_context(Some(&ca), None))
        .expect("san");
    leaf.append_extension(san).expect("ext");
    leaf.sign(&ca_key, MessageDigest::sha256()).expect("sign");
    let leaf = leaf.build();

    let client_key = key();
    let (mut client, _) = builder("portolan test client", 3, &client_key);
    client.set_issuer_name(ca.subject_name()).expect("issuer");
    client
        .append_extension(BasicConstraints::new().build().expect("bc"))
        .expect("ext");
    client
        .append_extension(
            KeyUsage::new()
                .critical()
                .digital_signature()
                .build()
                .expect("ku"),
        )
        .expect("ext");
    client
        .append_extension(ExtendedKeyUsage::new().client_auth().build().expect("eku"))
        .expect("ext");
    client.sign(&ca_key, MessageDigest::sha256()).expect("sign");
    let client = client.build();
    TestTls {
        ca_pem: ca.to_pem().expect("pem"),
        cert_pem: leaf.to_pem().expect("pem"),
        key_pem: server_key.private_key_to_pem_pkcs8().expect("pem"),
        client_cert_pem: client.to_pem().expect("pem"),
        client_key_pem: client_key.private_key_to_pem_pkcs8().expect("pem"),
    }
}
