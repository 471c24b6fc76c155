#!/usr/bin/env python3
"""A stand-in for a profiling backend, for `analyzer push` tests.

Serves one POST on 127.0.0.1 (a free port, written to --port-file), checks it
against the documented protocol and answers:
  --mode pyroscope  POST /ingest?name=APP{labels}&from=&until=&format=pprof with a
                    multipart/form-data body whose `profile` part is a gzip'd pprof
                    profile (Pyroscope docs: configure-server/about-server-api.md)
  --mode parca      POST /profiles/writeraw, a JSON WriteRawRequest
                    {series: [{labels: {labels: [{name, value}]}, samples: [{rawProfile: base64}]}]}
                    (parca proto/parca/profilestore/v1alpha1/profilestore.proto, grpc-gateway JSON)
  --mode fail500    answers 500 whatever the request
  --mode hang       accepts the connection and never answers
What it received goes to --out: request.json (path, query, headers, checks that
failed) and profile.pb.gz (the uploaded profile) for `go tool pprof`.
The answer is 200 when every check passed, 400 with the first failed check otherwise.
"""
import argparse
import base64
import email.parser
import email.policy
import gzip
import json
import os
import socket
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer


def check_pyroscope(handler, body, out, problems):
    url = urllib.parse.urlsplit(handler.path)
    query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
    if url.path != "/ingest":
        problems.append("path is %r, not /ingest" % url.path)
    for key in ("name", "from", "until", "format"):
        if len(query.get(key, [])) != 1:
            problems.append("query parameter %s missing or repeated" % key)
    if query.get("format") != ["pprof"]:
        problems.append("format is not pprof")
    for key in ("from", "until"):
        if query.get(key) and not query[key][0].isdigit():
            problems.append("%s is not a UNIX time in seconds" % key)
    if query.get("from") and query.get("until") and query["from"][0].isdigit() and query["until"][0].isdigit():
        if int(query["until"][0]) <= int(query["from"][0]):
            problems.append("until is not after from")
    name = query.get("name", [""])[0]
    if "{" not in name or not name.endswith("}"):
        problems.append("name %r is not APP{labels}" % name)
    ctype = handler.headers.get("Content-Type", "")
    if not ctype.startswith("multipart/form-data"):
        problems.append("Content-Type is %r, not multipart/form-data" % ctype)
        return {}, None
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
    parts = {}
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition", "")
        params = dict(part.get_params(header="content-disposition") or [])
        parts[params.get("name")] = part.get_payload(decode=True)
    if "profile" not in parts:
        problems.append("no multipart part named profile")
    labels = {}
    inner = name[name.find("{") + 1:-1] if "{" in name else ""
    for pair in filter(None, inner.split(",")):
        key, _, value = pair.partition("=")
        labels[key] = value
    extra = {"app": name[:name.find("{")] if "{" in name else name, "labels": labels,
             "from": query.get("from", [""])[0], "until": query.get("until", [""])[0],
             "parts": sorted(k for k in parts if k)}
    if "sample_type_config" in parts:
        try:
            extra["sample_type_config"] = json.loads(parts["sample_type_config"])
        except ValueError:
            problems.append("sample_type_config is not JSON")
    return extra, parts.get("profile")


def check_parca(handler, body, out, problems):
    if handler.path != "/profiles/writeraw":
        problems.append("path is %r, not /profiles/writeraw" % handler.path)
    if not handler.headers.get("Content-Type", "").startswith("application/json"):
        problems.append("Content-Type is not application/json")
    try:
        request = json.loads(body)
        series = request["series"]
        assert len(series) == 1
        labels = {l["name"]: l["value"] for l in series[0]["labels"]["labels"]}
        samples = series[0]["samples"]
        assert len(samples) == 1
        profile = base64.b64decode(samples[0]["rawProfile"], validate=True)
    except (ValueError, KeyError, TypeError, AssertionError) as e:
        problems.append("not a WriteRawRequest with one series and one sample: %r" % e)
        return {}, None
    return {"labels": labels, "normalized": request.get("normalized")}, profile


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", required=True, choices=["pyroscope", "parca", "fail500", "hang"])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            if args.mode == "hang":
                time.sleep(args.seconds)
                return
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            problems = []
            extra, profile = {}, None
            if args.mode == "pyroscope":
                extra, profile = check_pyroscope(self, body, args.out, problems)
            elif args.mode == "parca":
                extra, profile = check_parca(self, body, args.out, problems)
            if profile is not None:
                try:
                    gzip.decompress(profile)
                except OSError:
                    problems.append("the profile is not gzip'd")
                with open(os.path.join(args.out, "profile.pb.gz"), "wb") as f:
                    f.write(profile)
            record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                      "problems": problems}
            record.update(extra)
            with open(os.path.join(args.out, "request.json"), "w") as f:
                json.dump(record, f, indent=1, sort_keys=True)
            if args.mode == "fail500":
                code, text = 500, "internal error: the store is down\nsecond line"
            elif problems:
                code, text = 400, problems[0]
            else:
                code, text = 200, "{}"
            answer = text.encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *a):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = args.seconds
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    server.handle_request()  # one request, or none within --seconds
    server.server_close()


if __name__ == "__main__":
    main()
