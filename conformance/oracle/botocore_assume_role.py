"""Independent oracle for AssumeRole: botocore's own awsQuery serializer,
parameter validator and response parser, and Python's Unicode database for
the tag pattern.

Reads JSON lines on stdin and writes one JSON line each:
  {"encode": {params}}   -> {"body": "..."} or {"invalid": ["..."]}
        (botocore's ParamValidator checks types, required members and
        minimum lengths; members are serialized in the model's order)
  {"decode": {"status": N, "body": "..."}}
        -> as botocore_decode.py: {"ok": {...}, "request_id"} / {"error": {...}} / {"fail": ...}
  {"categories": [code points]} -> {"categories": ["Lu", ...]}
  {"tag_ranges": true}   -> {"ranges": [[lo, hi], ...]}: the code points of
        General_Category L*, Z* and N* (the \\p{L}\\p{Z}\\p{N} of the tag pattern)
"""
import json
import sys
import unicodedata

import botocore.session
from botocore.serialize import QuerySerializer
from botocore.validate import ParamValidator
from botocore.parsers import QueryParser

from botocore_decode import answer  # this directory: the same reading of answers


def ordered(value, shape):
    """`value` with every structure's members in the model's order."""
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: ordered(value[k], shape.members[k]) for k in shape.members if k in value}
    if shape.type_name == "list" and isinstance(value, list):
        return [ordered(v, shape.member) for v in value]
    return value


def main():
    model = botocore.session.get_session().get_service_model("sts")
    op = model.operation_model("AssumeRole")
    serializer = QuerySerializer()
    validator = ParamValidator()
    parser = QueryParser(timestamp_parser=lambda s: s)
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        if "encode" in case:
            # Members in the model's order (JSON objects carry none).
            params = ordered(case["encode"], op.input_shape)
            report = validator.validate(params, op.input_shape)
            if report.has_errors():
                print(json.dumps({"invalid": [report.generate_report()]}))
                continue
            req = serializer.serialize_to_request(params, op)
            body = req["body"]
            if isinstance(body, dict):
                from botocore.utils import percent_encode_sequence
                body = percent_encode_sequence(body)
            print(json.dumps({"body": body}))
        elif "decode" in case:
            d = case["decode"]
            print(json.dumps(answer(parser, op.output_shape, d["status"], d["body"])))
        elif "categories" in case:
            print(json.dumps({"categories": [unicodedata.category(chr(cp)) for cp in case["categories"]]}))
        elif "tag_ranges" in case:
            ranges = []
            for cp in range(0x110000):
                if unicodedata.category(chr(cp))[0] in "LZN":
                    if ranges and ranges[-1][1] == cp - 1:
                        ranges[-1][1] = cp
                    else:
                        ranges.append([cp, cp])
            print(json.dumps({"ranges": ranges, "unicode": unicodedata.unidata_version}))


if __name__ == "__main__":
    main()
