//! The STS `AssumeRoleWithWebIdentity` client (work in progress).
#![no_std]
#![forbid(unsafe_code)]
pub mod endpoint;
