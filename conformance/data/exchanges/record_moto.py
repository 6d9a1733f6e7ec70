"""Records live answers of moto_server (moto 5.x, installed with
`pip install 'moto[server]'`) to AssumeRoleWithWebIdentity, for the
conformance exchanges. Run from this folder: python3 record_moto.py
Writes ../recorded/moto-live-<name>.json: {request_body, answers: [{status, headers, body}]}.
Everything stays on 127.0.0.1.
"""
import json
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

OUT = pathlib.Path("../recorded")
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXZpY2UtNDIiLCJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSJ9.c2lnbmF0dXJl"
REQUESTS = {
    "duration-900": "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
    "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdevice-fleet&RoleSessionName=live-moto"
    f"&WebIdentityToken={TOKEN}&DurationSeconds=900",
    "policy-arns-43200": "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
    "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdevice-fleet&RoleSessionName=live-moto"
    f"&WebIdentityToken={TOKEN}"
    "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&DurationSeconds=43200",
}


def main():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        for name, body in REQUESTS.items():
            req = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body.encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
            with urllib.request.urlopen(req, timeout=10) as r:
                headers = {k.lower(): v for k, v in r.headers.items() if k.lower() in ("date", "content-type", "x-amzn-requestid")}
                answer = {"status": r.status, "headers": headers, "body": r.read().decode()}
            record = {"recorded_with": "moto_server (moto 5.x) on 127.0.0.1 by record_moto.py",
                      "request_body": body, "answers": [answer]}
            (OUT / f"moto-live-{name}.json").write_text(json.dumps(record, indent=2) + "\n")
            print(f"recorded moto-live-{name}.json", file=sys.stderr)
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
