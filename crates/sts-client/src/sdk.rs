//! aws-sdk-rust interop (feature `aws-credential-types`).

use alloc::string::ToString;
use alloc::sync::Arc;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, future};
use sts_transport::Transport;

use crate::config::ConfigError;
use crate::refresh::RefreshNeed;
use crate::std_provider::StdCredentialProvider;
use crate::time::Platform;

/// The name aws-sdk-rust logs as the credentials' provider.
pub const PROVIDER_NAME: &str = "sts-web-identity";

/// A [`StdCredentialProvider`] shared behind a mutex, implementing
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
/// Served from the cache, an answer is ready at once. When the
/// [`RefreshPolicy`](crate::RefreshPolicy) asks for a refresh, the blocking
/// fetch runs on a short-lived thread of its own and the returned future
/// waits for it, so the async runtime's workers never block on the network
/// (no runtime dependency: a plain `std::thread` and a waker).
///
/// The SDK is told the credentials expire at the start of the next refresh
/// try ([`RefreshSchedule::advisory_at`](crate::RefreshSchedule::advisory_at),
/// as wall-clock time), so it comes back in time for the advisory window.
pub struct SdkCredentialsProvider<T> {
    inner: Shared<StdCredentialProvider<T>>,
}

type Shared<P> = Arc<Mutex<P>>;

impl<T> Clone for SdkCredentialsProvider<T> {
    fn clone(&self) -> Self {
        SdkCredentialsProvider {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T: Transport> SdkCredentialsProvider<T> {
    /// A provider configured from the environment and the shared config
    /// file (see [`config`](crate::config)).
    ///
    /// # Errors
    ///
    /// See [`ConfigError`].
    pub fn from_env(transport: T) -> Result<Self, ConfigError> {
        Ok(Self::new(StdCredentialProvider::from_env(transport)?))
    }
}

impl<T> SdkCredentialsProvider<T> {
    /// Shares `provider`.
    pub fn new(provider: StdCredentialProvider<T>) -> Self {
        SdkCredentialsProvider {
            inner: Arc::new(Mutex::new(provider)),
        }
    }
}

fn lock<P>(m: &Mutex<P>) -> MutexGuard<'_, P> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Converts the provider's current credentials for the SDK.
fn current<T: Transport>(p: &StdCredentialProvider<T>, now: crate::Instant) -> Option<provider::Result> {
    let creds = p.cached()?;
    let until = p.schedule().advisory_at().unwrap_or(creds.valid_until());
    let expiry = SystemTime::now() + until.saturating_duration_since(now);
    Some(Ok(aws_credential_types::Credentials::new(
        creds.access_key_id(),
        creds.secret_access_key().expose(),
        Some(creds.session_token().expose().to_string()),
        Some(expiry),
        PROVIDER_NAME,
    )))
}

#[derive(Default)]
struct Slot {
    value: Option<provider::Result>,
    waker: Option<Waker>,
}

struct Pending(Arc<Mutex<Slot>>);

impl Future for Pending {
    type Output = provider::Result;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<provider::Result> {
        let mut slot = lock(&self.0);
        match slot.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl<T> ProvideCredentials for SdkCredentialsProvider<T>
where
    T: Transport + Send + 'static,
{
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        {
            let mut p = lock(&self.inner);
            if p.refresh_need() == RefreshNeed::None {
                let now = p.client().platform().now();
                if let Some(ready) = current(&p, now) {
                    return future::ProvideCredentials::ready(ready);
                }
            }
        }
        let inner = Arc::clone(&self.inner);
        let slot = Arc::new(Mutex::new(Slot::default()));
        let filled = Arc::clone(&slot);
        let spawned = std::thread::Builder::new()
            .name("sts-web-identity-refresh".to_string())
            .spawn(move || {
                let result = {
                    let mut p = lock(&inner);
                    match p.credentials() {
                        Ok(_) => {
                            let now = p.client().platform().now();
                            current(&p, now).unwrap_or_else(|| Err(CredentialsError::not_loaded_no_source()))
                        }
                        Err(e) => Err(CredentialsError::provider_error(e)),
                    }
                };
                let mut s = lock(&filled);
                s.value = Some(result);
                if let Some(w) = s.waker.take() {
                    w.wake();
                }
            });
        match spawned {
            Ok(_) => future::ProvideCredentials::new(Pending(slot)),
            Err(e) => future::ProvideCredentials::ready(Err(CredentialsError::provider_error(e))),
        }
    }
}

impl<T> fmt::Debug for SdkCredentialsProvider<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.try_lock() {
            Ok(p) => f.debug_tuple("SdkCredentialsProvider").field(&*p).finish(),
            Err(_) => f.write_str("SdkCredentialsProvider(<busy>)"),
        }
    }
}
