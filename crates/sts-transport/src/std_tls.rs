//! [`CaBundle`]: trust roots from a PEM file (`AWS_CA_BUNDLE`, the profile
//! key `ca_bundle`), and the reading of rustls errors into
//! [`Error::Certificate`].

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::{self, PemObject};
use rustls::{CertificateError, RootCertStore};

use crate::{CertificateProblem, Error};

/// The trust roots of a CA bundle: the certificates of a PEM file, which
/// replace the default roots (webpki-roots) as botocore's `AWS_CA_BUNDLE`
/// replaces its bundled ones.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sts_transport::{CaBundle, StdTransport};
///
/// let bundle = CaBundle::read("/etc/corp/ca.pem".as_ref())?;
/// let transport = StdTransport::builder().ca_bundle(&bundle).build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CaBundle {
    certs: Vec<CertificateDer<'static>>,
}

impl fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaBundle")
            .field("certificates", &self.certs.len())
            .finish()
    }
}

impl CaBundle {
    /// The most bytes of a bundle file read (Mozilla's whole bundle is about
    /// 230 KB).
    pub const MAX_BYTES: u64 = 4 * 1024 * 1024;

    /// The `CERTIFICATE` sections of PEM text (other sections, such as keys,
    /// and text between sections are skipped).
    ///
    /// # Errors
    ///
    /// [`CaBundleProblem::InvalidPem`] for a section that is not valid PEM,
    /// [`CaBundleProblem::NoCertificates`] when there is no certificate.
    pub fn from_pem(pem: &[u8]) -> Result<Self, CaBundleError> {
        let mut certs = Vec::new();
        for item in <(pem::SectionKind, Vec<u8>)>::pem_slice_iter(pem) {
            match item {
                Ok((pem::SectionKind::Certificate, der)) => certs.push(CertificateDer::from(der)),
                Ok(_) => {}
                Err(_) => return Err(CaBundleError::new(None, CaBundleProblem::InvalidPem)),
            }
        }
        if certs.is_empty() {
            return Err(CaBundleError::new(None, CaBundleProblem::NoCertificates));
        }
        Ok(CaBundle { certs })
    }

    /// Reads and parses a PEM file, refused past [`Self::MAX_BYTES`] (never
    /// read further).
    ///
    /// # Errors
    ///
    /// A [`CaBundleError`] naming the path and the problem: the OS reason
    /// when it cannot be read, too large, not PEM, or no certificate in it.
    pub fn read(path: &Path) -> Result<Self, CaBundleError> {
        let at = |problem| CaBundleError::new(Some(path.to_path_buf()), problem);
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(Self::MAX_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| at(CaBundleProblem::Unreadable(io_reason(&e))))?;
        if bytes.len() as u64 > Self::MAX_BYTES {
            return Err(at(CaBundleProblem::TooLarge { limit: Self::MAX_BYTES }));
        }
        Self::from_pem(&bytes).map_err(|e| at(e.problem))
    }

    /// How many certificates the bundle holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether it holds none (never, for a bundle that was read or parsed).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// The certificates, DER-encoded.
    pub fn certificates(&self) -> impl Iterator<Item = &[u8]> {
        self.certs.iter().map(|c| c.as_ref())
    }

    /// A rustls root store of these certificates (for
    /// [`TcpConnector::tls_config`](crate::TcpConnector::tls_config) or a
    /// client configuration of your own). Certificates rustls cannot use as
    /// trust anchors are skipped.
    #[must_use]
    pub fn root_store(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        roots.add_parsable_certificates(self.certs.iter().cloned());
        roots
    }
}

/// An I/O error's text: the OS reason and code (`No such file or directory
/// (os error 2)`).
pub(crate) fn io_reason(e: &io::Error) -> String {
    e.to_string()
}

/// Why a CA bundle could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaBundleError {
    path: Option<PathBuf>,
    problem: CaBundleProblem,
}

impl CaBundleError {
    fn new(path: Option<PathBuf>, problem: CaBundleProblem) -> Self {
        CaBundleError { path, problem }
    }

    /// The file, when the bundle was read from one.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// What is wrong with it.
    #[must_use]
    pub fn problem(&self) -> &CaBundleProblem {
        &self.problem
    }
}

/// What is wrong with a CA bundle.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaBundleProblem {
    /// The file could not be opened or read: the OS reason.
    Unreadable(String),
    /// The file is larger than the limit ([`CaBundle::MAX_BYTES`]).
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// A PEM section is malformed.
    InvalidPem,
    /// There is no `CERTIFICATE` section.
    NoCertificates,
}

impl fmt::Display for CaBundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "CA bundle {}: {}", p.display(), self.problem),
            None => write!(f, "CA bundle: {}", self.problem),
        }
    }
}

impl fmt::Display for CaBundleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaBundleProblem::Unreadable(reason) => write!(f, "could not be read: {reason}"),
            CaBundleProblem::TooLarge { limit } => write!(f, "larger than {limit} bytes"),
            CaBundleProblem::InvalidPem => f.write_str("not valid PEM"),
            CaBundleProblem::NoCertificates => f.write_str("holds no PEM certificate (-----BEGIN CERTIFICATE-----)"),
        }
    }
}

impl core::error::Error for CaBundleError {}

/// The error for a rustls failure: the certificate's problem when the
/// server's certificate was refused, else [`Error::Tls`].
pub(crate) fn rustls_error(e: &rustls::Error) -> Error {
    use CertificateError as C;
    let rustls::Error::InvalidCertificate(c) = e else {
        return Error::Tls;
    };
    Error::Certificate(match c {
        C::UnknownIssuer => CertificateProblem::UnknownIssuer,
        C::Expired | C::ExpiredContext { .. } => CertificateProblem::Expired,
        C::NotValidYet | C::NotValidYetContext { .. } => CertificateProblem::NotValidYet,
        C::NotValidForName | C::NotValidForNameContext { .. } => CertificateProblem::NameMismatch,
        C::Revoked => CertificateProblem::Revoked,
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => CertificateProblem::InvalidPurpose,
        C::BadSignature => CertificateProblem::BadSignature,
        C::BadEncoding => CertificateProblem::BadEncoding,
        _ => CertificateProblem::Other,
    })
}

/// The first rustls error in `e` or its sources (an `io::Error` wrapping
/// one counts), as an [`Error`].
pub(crate) fn find_rustls(e: &(dyn core::error::Error + 'static)) -> Option<Error> {
    let mut next = Some(e);
    while let Some(e) = next {
        if let Some(r) = e.downcast_ref::<rustls::Error>() {
            return Some(rustls_error(r));
        }
        if let Some(inner) = e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            if let Some(found) = find_rustls(inner) {
                return Some(found);
            }
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustls_certificate_errors_are_named() {
        let cases = [
            (CertificateError::UnknownIssuer, CertificateProblem::UnknownIssuer),
            (CertificateError::Expired, CertificateProblem::Expired),
            (CertificateError::NotValidForName, CertificateProblem::NameMismatch),
            (CertificateError::Revoked, CertificateProblem::Revoked),
            (CertificateError::BadEncoding, CertificateProblem::BadEncoding),
        ];
        for (rustls, ours) in cases {
            let e = rustls::Error::InvalidCertificate(rustls);
            assert_eq!(rustls_error(&e), Error::Certificate(ours));
            // Also when wrapped in an io::Error, as rustls streams do.
            let io = io::Error::new(io::ErrorKind::InvalidData, e);
            assert_eq!(find_rustls(&io), Some(Error::Certificate(ours)));
        }
        assert_eq!(rustls_error(&rustls::Error::DecryptError), Error::Tls);
    }

    #[test]
    fn pem_without_certificates_is_refused() {
        assert_eq!(
            CaBundle::from_pem(b"just text\n").unwrap_err().problem(),
            &CaBundleProblem::NoCertificates
        );
        let key_only = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            CaBundle::from_pem(key_only).unwrap_err().problem(),
            &CaBundleProblem::NoCertificates
        );
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert_eq!(
            CaBundle::from_pem(broken).unwrap_err().problem(),
            &CaBundleProblem::InvalidPem
        );
    }

    #[test]
    fn bundle_files_carry_the_os_reason_and_a_limit() {
        let missing = Path::new("/nonexistent/sts-transport/ca.pem");
        let e = CaBundle::read(missing).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("/nonexistent/sts-transport/ca.pem"), "{text}");
        assert!(text.contains("(os error 2)"), "{text}");
        #[cfg(unix)]
        assert_eq!(
            CaBundle::read(Path::new("/dev/zero")).unwrap_err().problem(),
            &CaBundleProblem::TooLarge {
                limit: CaBundle::MAX_BYTES
            }
        );
    }
}
