//! Known vulnerabilities of an SBOM's packages, from OSV (`POST /v1/querybatch` by purl,
//! then `GET /v1/vulns/{id}` for each one found).
//!
//! (Being written.)
