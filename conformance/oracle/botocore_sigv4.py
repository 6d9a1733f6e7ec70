"""Independent oracle: botocore's SigV4Auth on the `sts-vectors sign` lines.

Reads the JSON lines of `sts-vectors sign` on stdin and writes one JSON line
each: {"authorization", "x-amz-date", "x-amz-security-token" (with a token)},
or {"fail": "<exception>"} when botocore raises. The clock botocore reads is
replaced by the line's "time"; headers are added one by one, so a repeated
name keeps every value in order (botocore's HTTPHeaders appends).
"""
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            now = datetime.datetime.strptime(case["time"], "%Y%m%dT%H%M%SZ")
            botocore.auth.get_current_datetime = lambda *a, **k: now
            request = AWSRequest(method=case["method"], url=case["url"], data=case.get("body", "").encode())
            for name, value in case.get("headers", []):
                request.headers[name] = value
            creds = Credentials(case["access_key_id"], case["secret_access_key"], case.get("session_token"))
            botocore.auth.SigV4Auth(creds, case["service"], case["region"]).add_auth(request)
        except Exception as e:  # noqa: BLE001 - any failure is an answer
            print(json.dumps({"fail": type(e).__name__}))
            continue
        out = {"authorization": request.headers["Authorization"], "x-amz-date": request.headers["X-Amz-Date"]}
        if case.get("session_token") is not None:
            out["x-amz-security-token"] = request.headers["X-Amz-Security-Token"]
        print(json.dumps(out))


if __name__ == "__main__":
    main()
