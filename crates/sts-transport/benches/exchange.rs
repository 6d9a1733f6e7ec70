//! A full exchange on the embedded engine over an in-memory stream: the
//! request is written (and thrown away), a canned STS answer is read and
//! decoded into the caller's buffer. Also prints the buffer a device needs
//! for a typical answer and for the largest the STS model allows.
//!
//! `cargo bench -p sts-transport --bench exchange`

use core::convert::Infallible;
use core::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use sts_transport::{Connect, Error, HttpClient, Request, Scheme, Transport};

/// Reads a canned answer `step` bytes per read; discards writes.
struct Memory<'c> {
    answer: &'c [u8],
    step: usize,
}

impl embedded_io::ErrorType for Memory<'_> {
    type Error = Infallible;
}

impl embedded_io::Read for Memory<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        let n = buf.len().min(self.answer.len()).min(self.step);
        buf[..n].copy_from_slice(&self.answer[..n]);
        self.answer = &self.answer[n..];
        Ok(n)
    }
}

impl embedded_io::Write for Memory<'_> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        black_box(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// Lends its canned answer to each connection.
struct Canned {
    answer: Vec<u8>,
    step: usize,
}

impl Connect for Canned {
    type Error = Infallible;
    type Connection<'c> = Memory<'c>;

    fn connect(&mut self, _: Scheme, _: &str, _: u16) -> Result<Memory<'_>, Error> {
        Ok(Memory {
            answer: &self.answer,
            step: self.step,
        })
    }
}

/// The STS success body, pretty-printed as STS sends it, with the given
/// field values.
struct Fields {
    audience: String,
    assumed_role_id: String,
    arn: String,
    provider: String,
    access_key_id: String,
    secret: String,
    token: String,
    subject: String,
    source_identity: Option<String>,
    packed_policy_size: Option<String>,
}

fn body(f: &Fields) -> String {
    let mut s = String::from(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleWithWebIdentityResult>\n",
    );
    s += &format!("    <Audience>{}</Audience>\n", f.audience);
    s += &format!(
        "    <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n",
        f.assumed_role_id, f.arn
    );
    s += &format!("    <Provider>{}</Provider>\n", f.provider);
    s += &format!(
        "    <Credentials>\n      <AccessKeyId>{}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      <Expiration>2021-08-16T20:52:53.123Z</Expiration>\n    </Credentials>\n",
        f.access_key_id, f.secret, f.token
    );
    s += &format!(
        "    <SubjectFromWebIdentityToken>{}</SubjectFromWebIdentityToken>\n",
        f.subject
    );
    if let Some(si) = &f.source_identity {
        s += &format!("    <SourceIdentity>{si}</SourceIdentity>\n");
    }
    if let Some(p) = &f.packed_policy_size {
        s += &format!("    <PackedPolicySize>{p}</PackedPolicySize>\n");
    }
    s += "  </AssumeRoleWithWebIdentityResult>\n  <ResponseMetadata>\n    <RequestId>f874b1d6-2f3b-4834-907a-6a7c4b3b2d35</RequestId>\n  </ResponseMetadata>\n</AssumeRoleWithWebIdentityResponse>\n";
    s
}

/// A typical answer: real-looking values (as in the smithy-rs recording) and
/// a session token of `token_len` bytes.
fn typical(token_len: usize) -> String {
    body(&Fields {
        audience: "my-cluster.sk1.us-west-2.eks.amazonaws.com".into(),
        assumed_role_id: "AROARTESTAROARTEST123:test-session".into(),
        arn: "arn:aws:sts::123456789012:assumed-role/sdk-test/test-session".into(),
        provider: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE".into(),
        access_key_id: "ASIARZPUZDIKBBXP7GVG".into(),
        secret: "HOqHUI0vVpB9Ptb1ckvqeZ7dBfXBlRTe8LdoCq4c".into(),
        token: "T".repeat(token_len),
        subject: "system:serviceaccount:default:default".into(),
        source_identity: None,
        packed_policy_size: None,
    })
}

/// The largest answer the STS model (botocore 1.43.11 `sts` 2011-06-15)
/// allows, every bounded field at its maximum. Unbounded fields, assumed:
/// SessionToken 4,096, SecretAccessKey 128, Provider 2,048, Audience 2,048
/// bytes; no XML escaping in values.
fn model_max() -> String {
    body(&Fields {
        audience: "a".repeat(2048),
        assumed_role_id: "r".repeat(193),
        arn: "n".repeat(2048),
        provider: "p".repeat(2048),
        access_key_id: "K".repeat(128),
        secret: "s".repeat(128),
        token: "T".repeat(4096),
        subject: "u".repeat(255),
        source_identity: Some("i".repeat(64)),
        packed_policy_size: Some("2147483647".into()),
    })
}

fn with_head(body: &str, chunked: bool) -> Vec<u8> {
    let mut wire = String::from(
        "HTTP/1.1 200 OK\r\nx-amzn-requestid: f874b1d6-2f3b-4834-907a-6a7c4b3b2d35\r\nContent-Type: text/xml\r\n",
    );
    if chunked {
        wire += "Transfer-Encoding: chunked\r\nDate: Mon, 16 Aug 2021 19:52:53 GMT\r\n\r\n";
        for chunk in body.as_bytes().chunks(512) {
            wire += &format!("{:x}\r\n{}\r\n", chunk.len(), core::str::from_utf8(chunk).unwrap());
        }
        wire += "0\r\n\r\n";
    } else {
        wire += &format!(
            "Content-Length: {}\r\nDate: Mon, 16 Aug 2021 19:52:53 GMT\r\n\r\n{body}",
            body.len()
        );
    }
    wire.into_bytes()
}

const FORM: &str = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789123%3Arole%2Ftest-role&RoleSessionName=test-session&WebIdentityToken=eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJPbmxpbmUgSldUIEJ1aWxkZXIiLCJpYXQiOjE2MjkxNDM3NjEsImV4cCI6MTY2MDY3OTc2MSwiYXVkIjoid3d3LmV4YW1wbGUuY29tIiwic3ViIjoicnVzdC1zZGstdGVzdEBleGFtcGxlLmNvbSIsIlJvbGUiOiJTREsgVGVzdCJ9.Cx9Ko-ssGIJ5BM798_Jgo9f--lEsSNKCAjBxv-0qQQQ";

fn request() -> Request<'static> {
    Request {
        method: "POST",
        scheme: Scheme::Https,
        host: "sts.eu-west-1.amazonaws.com",
        port: 443,
        path: "/",
        headers: &[("Content-Type", "application/x-www-form-urlencoded")],
        body: FORM.as_bytes(),
        request_id_header: Some("x-amzn-requestid"),
    }
}

/// The smallest buffer that takes `wire` (searched, not computed: it proves
/// the engine's own answer).
fn smallest_buffer(wire: &[u8]) -> usize {
    let mut client = HttpClient::new(Canned {
        answer: wire.to_vec(),
        step: usize::MAX,
    });
    let (mut lo, mut hi) = (1, wire.len() + 1);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let mut buf = vec![0u8; mid];
        if client.send(&request(), &mut buf).is_ok() {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

fn print_sizes(cases: &[(&str, Vec<u8>)]) {
    println!("buffer sizes (head + body, as the engine needs them):");
    for (name, wire) in cases {
        let head = wire.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        println!(
            "  {name:<32} wire {:>6} B, head {:>4} B, smallest buffer {:>6} B",
            wire.len(),
            head,
            smallest_buffer(wire)
        );
    }
}

fn main() {
    let cases = vec![
        ("typical, 1 KiB token", with_head(&typical(1024), false)),
        ("typical, 2 KiB token", with_head(&typical(2048), false)),
        ("typical, 1 KiB token, chunked", with_head(&typical(1024), true)),
        ("model max, 4 KiB token", with_head(&model_max(), false)),
    ];
    print_sizes(&cases);

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("exchange");
    for (name, wire) in &cases {
        for step in [usize::MAX, 64] {
            let id = if step == usize::MAX {
                format!("{name}, one read")
            } else {
                format!("{name}, {step}-byte reads")
            };
            group.throughput(Throughput::Bytes(wire.len() as u64));
            let mut client = HttpClient::new(Canned {
                answer: wire.clone(),
                step,
            });
            let mut buf = vec![0u8; 16 * 1024];
            group.bench_function(BenchmarkId::from_parameter(id), |b| {
                b.iter(|| {
                    let r = client.send(black_box(&request()), &mut buf).unwrap();
                    black_box(r.body.len())
                });
            });
        }
    }
    group.finish();
    c.final_summary();
}
