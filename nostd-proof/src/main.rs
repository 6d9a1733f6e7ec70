//! Links the `no_std` crates into a bare-metal binary with no allocator: the
//! codec on its own, and a full credential fetch through `sts-client` and the
//! embedded-tcp engine of `sts-transport` over an in-memory stream. With
//! feature `chain`, also a role chain: web identity, then an `AssumeRole`
//! hop signed with SigV4 (`sts-sigv4`), in borrowed storage.
#![no_std]
#![no_main]

use core::convert::Infallible;
use core::hint::black_box;

use sts_client::endpoint::{EndpointParams, resolve};
use sts_codec::{AssumeRoleWithWebIdentityInput, decode_response, encode};
use sts_transport::{Connect, HttpClient, Scheme};

/// A recorded STS answer (smithy-rs `web_identity_token_env`), as the
/// "network" returns it.
static ANSWER: &[u8] = concat!(
    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nDate: Mon, 16 Aug 2021 19:52:53 GMT\r\n",
    "x-amzn-RequestId: f874b1d6-2f3b-4834-907a-6a7c4b3b2d35\r\nContent-Length: 1007\r\n\r\n",
    include_str!("../../conformance/data/recorded/smithy-rs-web_identity_token_env.1.response-200.xml")
)
.as_bytes();

/// Entry point: links both paths in.
// SAFETY: `_start` is the only symbol this binary exports and nothing else
// defines it; the linker needs the unmangled name for the entry point.
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    codec_proof();
    client_proof();
    #[cfg(feature = "chain")]
    chain_proof();
    loop {
        core::hint::spin_loop();
    }
}

fn codec_proof() {
    let input = AssumeRoleWithWebIdentityInput::new(
        black_box("arn:aws:iam::123456789012:role/device"),
        black_box("device-1"),
        black_box("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
    );
    let mut req = [0u8; 512];
    let n = encode(&input, &mut req).unwrap_or(0);
    black_box(&req[..n]);
    let mut body = [0u8; 256];
    let m = n.min(body.len());
    body[..m].copy_from_slice(&req[..m]);
    black_box(decode_response(black_box(200), black_box(&mut body[..])).is_ok());
}

/// A stream that answers with [`ANSWER`] and swallows what is written.
struct Canned(&'static [u8]);

impl embedded_io::ErrorType for Canned {
    type Error = Infallible;
}

impl embedded_io::Read for Canned {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        let n = buf.len().min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

impl embedded_io::Write for Canned {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        Ok(black_box(buf).len())
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// The device's TCP stack and TLS stand-in.
struct Network;

impl Connect for Network {
    type Error = Infallible;
    type Connection<'c> = Canned;
    fn connect(&mut self, _: Scheme, _: &str, _: u16) -> Result<Canned, sts_transport::Error> {
        Ok(Canned(black_box(ANSWER)))
    }
}

/// A monotonic clock starting at zero, as on a device without an RTC.
struct Ticks;

impl sts_client::Clock for Ticks {
    fn now(&self) -> sts_client::Instant {
        sts_client::Instant::from_millis(black_box(0))
    }
}

/// Links the client, the retry loop, the refreshing provider and the engine.
fn client_proof() {
    let Ok(endpoint) = resolve(&EndpointParams {
        region: Some(black_box("eu-west-1")),
        ..Default::default()
    }) else {
        return;
    };
    let platform = (Ticks, sts_client::NoDelay, sts_client::SplitMix64::new(1));
    let client = sts_client::Client::new(HttpClient::new(Network), endpoint, platform);
    let (mut req, mut resp) = ([0u8; 1024], [0u8; 2048]);
    let mut storage: sts_client::Credentials<[u8; 1024]> = sts_client::Credentials::empty();
    let mut provider = sts_client::CredentialProvider::new(
        client,
        AssumeRoleWithWebIdentityInput::for_role(black_box("arn:aws:iam::123456789012:role/device")),
        black_box("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
        sts_client::Buffers::new(&mut req, &mut resp),
        &mut storage,
    );
    black_box(provider.credentials().is_ok());
}

/// A recorded-shape `AssumeRole` answer (the AWS API reference's example).
#[cfg(feature = "chain")]
static ASSUME_ROLE_ANSWER: &[u8] = concat!(
    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nDate: Mon, 16 Aug 2021 19:53:00 GMT\r\nContent-Length: 525\r\n\r\n",
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>",
    "<AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/reader/hop</Arn>",
    "<AssumedRoleId>AROA3XFRBF535PLBIFPI4:hop</AssumedRoleId></AssumedRoleUser><Credentials>",
    "<AccessKeyId>ASIAJEXAMPLEXEG2JICEA</AccessKeyId><SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI</SecretAccessKey>",
    "<SessionToken>AQoXdzELDDY//////////wEaoAK1</SessionToken><Expiration>2021-08-16T20:23:00Z</Expiration>",
    "</Credentials></AssumeRoleResult></AssumeRoleResponse>"
)
.as_bytes();

/// The network of the chain: web identity answers first, then `AssumeRole`.
#[cfg(feature = "chain")]
struct ChainNetwork(u8);

#[cfg(feature = "chain")]
impl Connect for ChainNetwork {
    type Error = Infallible;
    type Connection<'c> = Canned;
    fn connect(&mut self, _: Scheme, _: &str, _: u16) -> Result<Canned, sts_transport::Error> {
        self.0 = self.0.wrapping_add(1);
        Ok(Canned(black_box(if self.0 == 1 { ANSWER } else { ASSUME_ROLE_ANSWER })))
    }
}

/// Links the signer, the signed `AssumeRole` exchange and the chaining
/// provider: web identity, then one hop, each in borrowed storage.
#[cfg(feature = "chain")]
fn chain_proof() {
    let Ok(endpoint) = resolve(&EndpointParams {
        region: Some(black_box("eu-west-1")),
        ..Default::default()
    }) else {
        return;
    };
    let platform = (Ticks, sts_client::NoDelay, sts_client::SplitMix64::new(2));
    let client = sts_client::Client::new(HttpClient::new(ChainNetwork(0)), endpoint, platform);
    let (mut req, mut resp) = ([0u8; 2048], [0u8; 2048]);
    let mut base_storage: sts_client::Credentials<[u8; 1024]> = sts_client::Credentials::empty();
    let mut hop_storage: sts_client::Credentials<[u8; 1024]> = sts_client::Credentials::empty();
    let base = sts_client::CredentialProvider::new(
        client,
        AssumeRoleWithWebIdentityInput::for_role(black_box("arn:aws:iam::123456789012:role/device")),
        black_box("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
        sts_client::Buffers::new(&mut req, &mut resp),
        &mut base_storage,
    );
    let mut hops = [sts_client::Hop::new(
        sts_codec::AssumeRoleInput::for_role(black_box("arn:aws:iam::222222222222:role/reader")),
        &mut hop_storage,
    )];
    let mut chain = sts_client::ChainProvider::new(base, &mut hops, black_box("eu-west-1"));
    black_box(chain.credentials().is_ok());
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
