//! The hosting services' own REST APIs beside the registry protocol: our clients for
//! GitHub Packages and Docker Hub's Hub API. ghcr.io and Docker Hub have no catalog,
//! no delete through the registry API, and keep visibility outside it; their own APIs list
//! a user's packages (with visibility, dates and version counts) and their versions, and
//! GitHub's deletes and restores versions. One module per service, over a shared
//! [`rest`] layer (credentials only to the API's origin, capped bodies, rate limits) and
//! [`paging`].

pub mod dockerhub;
pub mod github;
pub mod paging;
pub mod rest;
