//! aws-sdk-rust interop (feature `aws-credential-types`).

use alloc::string::ToString;
use alloc::sync::Arc;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::time::SystemTime;

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, future};
use sts_transport::Transport;

use crate::config::{ConfigError, Settings, load_from_env};
use crate::credentials::Credentials;
use crate::single_flight::{Erased, Step};
use crate::std_chain::StdChainProvider;
use crate::std_provider::StdCredentialProvider;
use crate::time::Platform;

/// The name aws-sdk-rust logs as the credentials' provider.
pub const PROVIDER_NAME: &str = "sts-web-identity";

/// A shared [`StdCredentialProvider`] or [`StdChainProvider`] implementing
/// [`ProvideCredentials`], so any aws-sdk-rust client can use it:
///
/// ```no_run
/// # fn doc<T: sts_transport::Transport + Send + 'static>(transport: T) -> Result<(), Box<dyn std::error::Error>> {
/// use sts_client::SdkCredentialsProvider;
/// let provider = SdkCredentialsProvider::from_env(transport)?;
/// // aws_config::defaults(BehaviorVersion::latest()).credentials_provider(provider) ...
/// # Ok(()) }
/// ```
///
/// It never blocks an async worker: `provide_credentials` takes only a
/// short lock, and a refresh (a blocking fetch) runs on a short-lived
/// thread of its own (no runtime dependency: a plain `std::thread` and
/// wakers). As in the [`StdCredentialProvider`], refreshes are **single
/// flight**:
///
/// - fresh credentials are ready at once;
/// - in the advisory window, every caller gets the cached credentials at
///   once while one refresh runs in the background;
/// - with no usable credentials (none yet, the mandatory window, expired),
///   callers await that one refresh and share its result.
///
/// The SDK is told the credentials expire at the start of the next refresh
/// try ([`RefreshSchedule::advisory_at`](crate::RefreshSchedule::advisory_at),
/// as wall-clock time), so it comes back in time for the advisory window.
#[derive(Clone)]
pub struct SdkCredentialsProvider {
    inner: Arc<dyn Erased>,
}

impl SdkCredentialsProvider {
    /// A provider configured from the environment and the shared config
    /// file (see [`config`](crate::config)): a [`StdChainProvider`] when the
    /// profile chains roles through `source_profile`, else a
    /// [`StdCredentialProvider`].
    ///
    /// # Errors
    ///
    /// See [`ConfigError`].
    pub fn from_env<T: Transport + Send + 'static>(transport: T) -> Result<Self, ConfigError> {
        let config = load_from_env(&Settings::default())?;
        Ok(if config.role_chain.is_empty() {
            Self::new(StdCredentialProvider::from_config(transport, config))
        } else {
            Self::from_chain(StdChainProvider::from_config(transport, config))
        })
    }

    /// Shares `provider`.
    pub fn new<T, P>(provider: StdCredentialProvider<T, P>) -> Self
    where
        T: Transport + Send + 'static,
        P: Platform + Send + 'static,
    {
        SdkCredentialsProvider {
            inner: Arc::new(provider),
        }
    }

    /// Shares a role chain: the SDK gets the last hop's credentials.
    pub fn from_chain<T, P>(provider: StdChainProvider<T, P>) -> Self
    where
        T: Transport + Send + 'static,
        P: Platform + Send + 'static,
    {
        SdkCredentialsProvider {
            inner: Arc::new(provider),
        }
    }

    /// The cached credentials, fresh or not, if any.
    pub fn cached(&self) -> Option<Arc<Credentials>> {
        self.inner.cached()
    }
}

/// Converts credentials for the SDK.
fn for_sdk(p: &dyn Erased, served: Result<Arc<Credentials>, crate::Error>) -> provider::Result {
    let creds = served.map_err(CredentialsError::provider_error)?;
    let now = p.now();
    let until = p.advisory_at().unwrap_or(creds.valid_until());
    let expiry = SystemTime::now() + until.saturating_duration_since(now);
    Ok(aws_credential_types::Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key().expose(),
        Some(creds.session_token().expose().to_string()),
        Some(expiry),
        PROVIDER_NAME,
    ))
}

/// Awaits the landing of a refresh.
struct Landed {
    inner: Arc<dyn Erased>,
    after: u64,
}

impl Future for Landed {
    type Output = provider::Result;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<provider::Result> {
        match self.inner.poll_landed(self.after, cx.waker()) {
            Some(served) => Poll::Ready(for_sdk(&*self.inner, served)),
            None => Poll::Pending,
        }
    }
}

impl ProvideCredentials for SdkCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let after = match self.inner.step() {
            Step::Ready(creds) => return future::ProvideCredentials::ready(for_sdk(&*self.inner, Ok(creds))),
            Step::Wait(after) => after,
            Step::Lead(lead) => {
                let after = lead.landed();
                let advisory = lead.is_advisory();
                let inner = Arc::clone(&self.inner);
                let spawned = std::thread::Builder::new()
                    .name("sts-web-identity-refresh".to_string())
                    .spawn(move || inner.fly(lead));
                if let Err(e) = spawned {
                    // The closure (and the lead in it) is gone; land the flight
                    // so that nobody waits for it.
                    self.inner.land_unstarted();
                    return future::ProvideCredentials::ready(Err(CredentialsError::provider_error(e)));
                }
                if advisory {
                    // Serve the cached credentials while the refresh runs.
                    if let Some(creds) = self.inner.cached() {
                        return future::ProvideCredentials::ready(for_sdk(&*self.inner, Ok(creds)));
                    }
                }
                after
            }
        };
        future::ProvideCredentials::new(Landed {
            inner: Arc::clone(&self.inner),
            after,
        })
    }
}

impl fmt::Debug for SdkCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.inner.cached();
        f.debug_struct("SdkCredentialsProvider")
            .field("cached", &cached)
            .finish_non_exhaustive()
    }
}
