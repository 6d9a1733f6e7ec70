"""Independent oracle: botocore's own awsQuery parser on STS answers.

Reads JSON lines {"status": N, "body": "..."} on stdin and writes one JSON line
each, in the shape of `sts-vectors decode` where the two can be compared:
  {"ok": {members by API name}, "request_id": ...}
  {"error": {"code", "message", "type", "request_id"}}
  {"fail": "<exception>"}   (botocore raised)
Expiration is given as {"seconds": S, "nanos": N} (microsecond precision,
which is all botocore keeps).
"""
import calendar
import json
import sys

import botocore.session
from botocore.parsers import QueryParser
from botocore.utils import parse_timestamp


def answer(parser, shape, status, body):
    """botocore's reading of one answer, as a JSON-ready dict (see above)."""
    try:
        parsed = parser.parse({"status_code": status, "headers": {}, "body": body.encode()}, shape)
    except Exception as e:  # noqa: BLE001 - any failure is an answer
        return {"fail": type(e).__name__}
    meta = parsed.pop("ResponseMetadata", {})
    if "Error" in parsed and parsed["Error"].get("Code"):
        err = parsed["Error"]
        return {"error": {
            "code": err.get("Code"),
            "message": err.get("Message", ""),
            "type": err.get("Type"),
            "request_id": meta.get("RequestId"),
        }}
    creds = parsed.get("Credentials")
    if creds and "Expiration" in creds:
        ts = parse_timestamp(creds["Expiration"].strip())
        creds["Expiration"] = {
            "seconds": calendar.timegm(ts.utctimetuple()),
            "nanos": ts.microsecond * 1000,
        }
    return {"ok": parsed, "request_id": meta.get("RequestId")}


def main():
    model = botocore.session.get_session().get_service_model("sts")
    shape = model.operation_model("AssumeRoleWithWebIdentity").output_shape
    parser = QueryParser(timestamp_parser=lambda s: s)  # keep the raw text
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        print(json.dumps(answer(parser, shape, case["status"], case["body"])))


if __name__ == "__main__":
    main()
