//! reqsign-aws-v4's `AssumeRoleWithWebIdentityCredentialProvider` with the
//! context of its quick start (tokio file reads, reqwest), configured from
//! the environment (`AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`,
//! `AWS_REGION`), on a current-thread tokio runtime. Fetches `STS_FETCHES`
//! times (default 1) and prints the `AccessKeyId`. See `../measure.sh`.
//!
//! The provider has no endpoint setting: it always sends to
//! `https://sts.amazonaws.com/` (or `https://sts.{region}.amazonaws.com/`).
//! [`Redirect`] is the workaround: an `HttpSend` in front of reqwest that
//! sends each request to `AWS_ENDPOINT_URL_STS` instead.

#[path = "../../common.rs"]
mod common;

use bytes::Bytes;
use reqsign_aws_v4::AssumeRoleWithWebIdentityCredentialProvider;
use reqsign_core::{Context, HttpSend, OsEnv, ProvideCredential};
use reqsign_file_read_tokio::TokioFileRead;
use reqsign_http_send_reqwest::ReqwestHttpSend;

#[global_allocator]
static GLOBAL: common::Counting = common::Counting;

/// reqwest, with every request's scheme and authority replaced by those of
/// `endpoint` (path and query kept).
#[derive(Debug)]
struct Redirect {
    endpoint: http::uri::Parts,
    inner: ReqwestHttpSend,
}

impl HttpSend for Redirect {
    async fn http_send(&self, req: http::Request<Bytes>) -> reqsign_core::Result<http::Response<Bytes>> {
        let (mut head, body) = req.into_parts();
        let mut uri = std::mem::take(&mut head.uri).into_parts();
        uri.scheme = self.endpoint.scheme.clone();
        uri.authority = self.endpoint.authority.clone();
        head.uri =
            http::Uri::from_parts(uri).map_err(|e| reqsign_core::Error::unexpected("bad endpoint").with_source(e))?;
        head.headers.remove(http::header::HOST);
        self.inner.http_send(http::Request::from_parts(head, body)).await
    }
}

fn main() {
    common::run(
        || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            let endpoint: http::Uri = std::env::var("AWS_ENDPOINT_URL_STS")
                .map_err(|_| "AWS_ENDPOINT_URL_STS is not set".to_owned())?
                .parse()
                .map_err(|e: http::uri::InvalidUri| e.to_string())?;
            let ctx = Context::new()
                .with_file_read(TokioFileRead)
                .with_http_send(Redirect {
                    endpoint: endpoint.into_parts(),
                    inner: ReqwestHttpSend::default(),
                })
                .with_env(OsEnv);
            // Reads AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_REGION at
            // each call; does not cache (reqsign's `Signer` does).
            let provider = AssumeRoleWithWebIdentityCredentialProvider::new();
            Ok::<_, String>((rt, ctx, provider))
        },
        |(rt, ctx, provider)| {
            let creds = rt
                .block_on(provider.provide_credential(ctx))
                .map_err(|e| format!("{e:?}"))?
                .ok_or_else(|| "no web identity configuration in the environment".to_owned())?;
            Ok(creds.access_key_id)
        },
    );
}
