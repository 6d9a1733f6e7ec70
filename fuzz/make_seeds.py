#!/usr/bin/env python3
"""Builds the checked-in seed corpus fuzz/corpus-seed/<target>/ from conformance/data/.

Deterministic: running it again gives the same files. Run from anywhere:
    python3 fuzz/make_seeds.py
The input formats of http_response and encode_roundtrip are documented in
conformance/src/fuzzing.rs.
"""

import json
import shutil
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "conformance" / "data"
OUT = ROOT / "fuzz" / "corpus-seed"
TARGETS = ["xml_reader", "decode_response", "decode_error", "http_response", "encode_roundtrip", "xml_differential"]
MAX_SEED = 8 * 1024


def xml_bodies():
    """(name, bytes, kind) for every XML body in conformance/data, kind 'ok' or 'error' or 'other'."""
    out = []
    for p in sorted((DATA / "recorded").glob("*.xml")):
        b = p.read_bytes()
        text = b.decode("utf-8", "replace")
        kind = "error" if "<Error" in text else ("ok" if "AssumeRoleWithWebIdentityResponse" in text else "other")
        out.append(("rec-" + p.stem, b, kind))
    cases = json.loads((DATA / "awsquery-protocol-cases.json").read_text())["cases"]
    for c in cases:
        if c["kind"] in ("response", "error") and c.get("body"):
            b = c["body"].encode()
            out.append(("smithy-" + c["id"], b, "error" if c["kind"] == "error" else "other"))
    return [(n, b, k) for n, b, k in out if len(b) <= MAX_SEED]


# Hand-written documents for the reader's edge cases.
EDGE_XML = {
    "edge-cdata-refs": b"<?xml version='1.0' encoding='UTF-8'?>\r\n<!-- c --><s:R xmlns:s=\"u\" a='&amp;&#65;'>\r\n"
    b" <s:K>x&lt;&#x1F600;<![CDATA[<y>\r\n]]>\xc3\xa9<?p d?></s:K><e/></s:R>\n",
    "edge-bom": b"\xef\xbb\xbf<?xml version=\"1.0\"?><a>&quot;&apos;&gt;</a>",
    "edge-deep": b"<a>" * 17 + b"x" + b"</a>" * 17,
    "edge-depth-4": b"<a><b><c><d>t</d></c></b></a>",
    "edge-depth-5": b"<a><b><c><d><e/></d></c></b></a>",
    "edge-crlf": b"<a>\r\n\r&#13;\r\n<b x='\r\n'/>]]</a>",
    "edge-charrefs": b"<a>&#x10FFFF;&#xD7FF;&#xE000;&#xFFFD;&#9;&#10;&#x0000041;</a>",
    "edge-error-bare": b"<Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error>",
    "edge-errors-list": b"<Response><Errors><Error><Code>InvalidIdentityToken</Code><Message>x</Message>"
    b"</Error></Errors><RequestID>r-1</RequestID></Response>",
    "edge-ns-prefix": b"<sts:AssumeRoleWithWebIdentityResponse xmlns:sts=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    b"<sts:AssumeRoleWithWebIdentityResult><sts:Credentials><sts:AccessKeyId>ASIA</sts:AccessKeyId>"
    b"<sts:SecretAccessKey>s&amp;k</sts:SecretAccessKey><sts:SessionToken><![CDATA[tok]]></sts:SessionToken>"
    b"<sts:Expiration> 2021-08-16T20:52:53.123+02:00 </sts:Expiration></sts:Credentials>"
    b"<sts:PackedPolicySize>6</sts:PackedPolicySize></sts:AssumeRoleWithWebIdentityResult>"
    b"</sts:AssumeRoleWithWebIdentityResponse>",
}


def put(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def http_seed(config, sizes, stream):
    """The http_response input format: config byte, k, k read sizes (b + 1), stream."""
    assert len(sizes) < 16
    return bytes([config, len(sizes)]) + bytes(s - 1 for s in sizes) + stream


def chunked(body, sizes, ext=b"", trailer=b""):
    out = b""
    i = 0
    k = 0
    while i < len(body):
        n = sizes[k % len(sizes)]
        part = body[i : i + n]
        out += b"%x%s\r\n%s\r\n" % (len(part), ext, part)
        i += n
        k += 1
    return out + b"0\r\n" + trailer + b"\r\n"


def http_seeds(bodies):
    ok = next(b for n, b, k in bodies if n == "rec-moto-5.2.1-AssumeRoleWithWebIdentity.response-200")
    err = next(b for n, b, k in bodies if n == "rec-smithy-rs-web_identity_token_invalid_jwt.1.response-400")
    small = b"<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"/>"
    head = (
        b"HTTP/1.1 200 OK\r\nDate: Mon, 16 Aug 2021 19:52:53 GMT\r\nContent-Type: text/xml\r\n"
        b"x-amzn-RequestId: f874b1d6-2f3b-4dd6-a5dc-2bfe7f0e1f6e\r\n"
    )
    big = 7  # 32 << 7 = 4096-byte buffer
    seeds = {
        "content-length": http_seed(big, [], head + b"Content-Length: %d\r\n\r\n" % len(ok) + ok),
        "content-length-small-reads": http_seed(big, [1, 7, 64], head + b"Content-Length: %d\r\n\r\n" % len(ok) + ok),
        "chunked": http_seed(big, [], head + b"Transfer-Encoding: chunked\r\n\r\n" + chunked(ok, [256, 100])),
        "chunked-ext-trailer": http_seed(
            big,
            [3, 5],
            head + b"Transfer-Encoding: chunked\r\n\r\n" + chunked(ok, [300], b" ;a=b", b"X-Trailer: 1\r\n"),
        ),
        "chunked-compaction": http_seed(
            3, [17], b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(small, [1, 2, 3])
        ),
        "continue-then-200": http_seed(
            big,
            [],
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
            + head
            + b"Content-Length: %d\r\n\r\n" % len(small)
            + small,
        ),
        "close-delimited": http_seed(big, [200], head + b"Connection: close\r\n\r\n" + ok),
        "close-delimited-full": http_seed(2, [], b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 109),
        "close-delimited-overflow": http_seed(2, [50], b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 110),
        "error-400": http_seed(
            big,
            [],
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml\r\nRetry-After: 3\r\nContent-Length: %d\r\n\r\n"
            % len(err)
            + err,
        ),
        "no-content-204": http_seed(big, [], b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"),
        "head-request": http_seed(big | 8, [], head + b"Content-Length: 1000\r\n\r\n"),
        "lf-only": http_seed(big, [], b"HTTP/1.1 200 OK\nContent-Length: %d\n\n" % len(small) + small),
        "cl-and-te": http_seed(big, [], b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        "gzip": http_seed(big, [], b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n"),
        "body-limit": http_seed(big | 0x20, [], head + b"Content-Length: 65\r\n\r\n" + b"y" * 65),
        "chunked-over-limit": http_seed(big | 0x20, [], b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + b"z" * 64 + b"\r\n1\r\nz\r\n0\r\n\r\n"),
        "buffer-too-small": http_seed(3, [], head + b"Content-Length: %d\r\n\r\n" % len(ok) + ok),
        "eof-early": http_seed(big, [], head + b"Content-Length: 100\r\n\r\nshort"),
        "garbage-after": http_seed(big, [], b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 X\r\n\r\n"),
    }
    for name, data in sorted(seeds.items()):
        put("http_response", name, data)


def encode_seed(role, session, token, provider=None, policy=None, arns=(), duration=None):
    flags = (1 if provider is not None else 0) | (2 if policy is not None else 0) | (4 if duration is not None else 0)
    flags |= len(arns) << 3
    fields = [role, session, token]
    if provider is not None:
        fields.append(provider)
    if policy is not None:
        fields.append(policy)
    fields += list(arns)
    return bytes([flags]) + struct.pack("<I", duration or 0) + b"\xff".join(f.encode() for f in fields)


def encode_seeds():
    role = "arn:aws:iam::123456789012:role/test-role"
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXYifQ.c2ln"
    seeds = {
        "minimal": encode_seed(role, "device-42", token),
        "duration": encode_seed(role, "device-42", token, duration=3600),
        "everything": encode_seed(
            role,
            "session-name_=,.@-",
            "eyJhbGciOiJIUzI1NiJ9.e30.sig+/=",
            provider="www.amazon.com",
            policy='{"Version":"2012-10-17"}',
            arns=["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/a b&c"],
            duration=900,
        ),
        "unicode": encode_seed(role + "/\u00e9\U0001f600", "s1", "t\u00f6k\u20acn %+&=", policy="\u00ff\t\r\n"),
        "invalid-all": encode_seed("arn:short", "bad name", "abc", provider="", policy="", duration=60),
        "too-many-arns": encode_seed(role, "s1", token, arns=[role] * 11),
        "bad-arn-char": encode_seed(role, "s1", token, arns=["arn:aws:iam::aws:policy/\u0001xxxxxxxx"]),
        "max-duration": encode_seed(role, "a" * 64, "t" * 4, provider="abcd", duration=43200),
        # Longer than the fuzzer's -max_len: replayed whole by the tests only.
        "token-too-long": encode_seed(role, "s1", "t" * 20001, arns=["a" * 2049]),
    }
    for name, data in sorted(seeds.items()):
        put("encode_roundtrip", name, data)


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    bodies = xml_bodies()
    for name, b, kind in bodies:
        for t in ("xml_reader", "xml_differential"):
            put(t, name + ".xml", b)
        if kind in ("ok", "error") or name.startswith("smithy-Query"):
            put("decode_response", name + ".xml", b)
        if kind in ("error", "ok"):
            put("decode_error", name + ".xml", b)
    for name, b in EDGE_XML.items():
        for t in ("xml_reader", "xml_differential", "decode_response", "decode_error"):
            put(t, name + ".xml", b)
    http_seeds(bodies)
    encode_seeds()
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())
    for t in TARGETS:
        n = len(list((OUT / t).iterdir()))
        print(f"{t}: {n} seeds")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
