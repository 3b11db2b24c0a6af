#!/usr/bin/env python3
"""The subset of Qdrant's REST API that alith's Qdrant store uses, served over Qdrant's own engine.

No registry reachable here ships a Qdrant server, but PyPI qdrant-edge-py ships Qdrant Edge: Qdrant's storage,
index, filter and scoring code as an in-process library. This script puts a small HTTP front on it (one Edge
shard per collection), so the store's filters, ids, payloads and scores meet Qdrant's real engine. The HTTP
layer itself is this script's: it answers like Qdrant's REST API (paths, {"result": ..., "status": "ok"},
{"status": {"error": ...}}) for the calls alith makes, and rejects anything else with 400.

One known difference from a Qdrant server: qdrant-edge-py 0.9.0 turns a Python True in MatchValue into the
integer 1, so a boolean `match` never matches a boolean payload here (a binding artefact; the engine and the REST
server compare booleans). The tests leave boolean conditions out.

Usage: qdrant_edge_server.py DATA_DIR PORT   (listens on 127.0.0.1; prints "ready" when it accepts requests)
"""
import json
import os
import re
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import qdrant_edge as q

DISTANCES = {"Cosine": q.Distance.Cosine, "Dot": q.Distance.Dot, "Euclid": q.Distance.Euclid}


class BadRequest(Exception):
    pass


class NotFound(Exception):
    pass


class Conflict(Exception):
    pass


def condition(spec):
    if not isinstance(spec, dict):
        raise BadRequest("Format error in JSON body: condition must be an object")
    if any(k in spec for k in ("must", "should", "must_not")):
        return to_filter(spec)
    key = spec.get("key")
    if "match" in spec:
        match = spec["match"]
        if "value" in match:
            return q.FieldCondition(key=key, match=q.MatchValue(match["value"]))
        if "any" in match:
            return q.FieldCondition(key=key, match=q.MatchAny(match["any"]))
    if "range" in spec:
        return q.FieldCondition(key=key, range=q.RangeFloat(**spec["range"]))
    raise BadRequest("Format error in JSON body: unsupported condition " + json.dumps(spec))


def to_filter(spec):
    if spec is None:
        return None
    parts = {k: [condition(c) for c in spec.get(k, [])] or None for k in ("must", "should", "must_not")}
    return q.Filter(**parts)


def point_id(value):
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise BadRequest("Format error in JSON body: point id must be a UUID")


def plain_vector(vector):
    if isinstance(vector, dict):  # the unnamed vector, keyed by ""
        vector = next(iter(vector.values()), [])
    return [float(x) for x in vector]


class Collections:
    def __init__(self, root):
        self.root = root
        self.lock = threading.Lock()
        self.shards = {}
        self.configs = {}

    def _dir(self, name):
        return os.path.join(self.root, name.encode().hex())

    def get(self, name):
        if name not in self.shards:
            raise NotFound(f"Not found: Collection `{name}` doesn't exist!")
        return self.shards[name], self.configs[name]

    def create(self, name, body):
        if name in self.shards:
            raise Conflict(f"Wrong input: Collection `{name}` already exists!")
        vectors = body.get("vectors") or {}
        if "size" not in vectors or vectors.get("distance") not in DISTANCES:
            raise BadRequest("Format error in JSON body: vectors needs size and distance")
        path = self._dir(name)
        os.makedirs(path, exist_ok=True)
        config = q.EdgeConfig(vectors=q.EdgeVectorParams(int(vectors["size"]), DISTANCES[vectors["distance"]]))
        self.shards[name] = q.EdgeShard.create(path, config)
        self.configs[name] = {"params": {"vectors": {"size": int(vectors["size"]), "distance": vectors["distance"]}},
                              "metadata": body.get("metadata") or {}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    collections = None

    def log_message(self, *args):
        pass

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
            result = self.route(self.command, urlsplit(self.path).path, body)
            self.reply(200, {"result": result, "status": "ok", "time": 0.0})
        except NotFound as e:
            self.reply(404, {"status": {"error": str(e)}, "time": 0.0})
        except Conflict as e:
            self.reply(409, {"status": {"error": str(e)}, "time": 0.0})
        except (BadRequest, ValueError, TypeError, KeyError) as e:
            self.reply(400, {"status": {"error": str(e)}, "time": 0.0})
        except Exception as e:  # the engine's own errors (dimension mismatches among them)
            self.reply(400, {"status": {"error": "Wrong input: " + str(e)}, "time": 0.0})

    do_GET = do_PUT = do_POST = do_PATCH = handle_any

    def route(self, method, path, body):
        m = re.fullmatch(r"/collections/([^/]+)(/points(?:/(count|delete|query))?)?", path)
        if not m:
            raise NotFound("Not found: " + path)
        name, points, action = unquote(m.group(1)), m.group(2), m.group(3)
        c = self.collections
        with c.lock:
            if not points:
                if method == "GET":
                    shard, config = c.get(name)
                    return {"status": "green", "points_count": shard.count(q.CountRequest(exact=True)),
                            "config": config}
                if method == "PUT":
                    c.create(name, body)
                    return True
                if method == "PATCH":
                    c.get(name)[1]["metadata"] = body.get("metadata") or {}
                    return True
                raise BadRequest("unsupported method")
            shard, config = c.get(name)
            size = config["params"]["vectors"]["size"]
            if method == "PUT" and action is None:
                ops = []
                for p in body["points"]:
                    vector = [float(x) for x in p["vector"]]
                    if len(vector) != size:
                        raise BadRequest(f"Wrong input: Vector dimension error: expected dim: {size}, "
                                         f"got {len(vector)}")
                    ops.append(q.Point(point_id(p["id"]), vector, p.get("payload") or {}))
                shard.update(q.UpdateOperation.upsert_points(ops))
                return {"operation_id": 0, "status": "completed"}
            if method == "POST" and action is None:
                records = shard.retrieve([point_id(i) for i in body["ids"]], with_payload=bool(body.get("with_payload")),
                                         with_vector=bool(body.get("with_vector")))
                out = []
                for r in records:
                    item = {"id": str(r.id), "payload": r.payload if body.get("with_payload") else None}
                    if body.get("with_vector"):
                        item["vector"] = plain_vector(r.vector)
                    out.append(item)
                return out
            if action == "count":
                return {"count": shard.count(q.CountRequest(exact=True, filter=to_filter(body.get("filter"))))}
            if action == "delete":
                if "points" in body:
                    shard.update(q.UpdateOperation.delete_points([point_id(i) for i in body["points"]]))
                else:
                    shard.update(q.UpdateOperation.delete_points_by_filter(to_filter(body["filter"])))
                return {"operation_id": 0, "status": "completed"}
            if action == "query":
                vector = [float(x) for x in body["query"]]
                if len(vector) != size:
                    raise BadRequest(f"Wrong input: Vector dimension error: expected dim: {size}, got {len(vector)}")
                with_payload = body.get("with_payload")  # true/false or a list of keys, as in Qdrant
                with_payload = with_payload if isinstance(with_payload, list) else bool(with_payload)
                found = shard.query(q.QueryRequest(limit=int(body.get("limit", 10)), query=q.Query.Nearest(vector),
                                                   filter=to_filter(body.get("filter")),
                                                   with_payload=with_payload, with_vector=False))
                return {"points": [{"id": str(p.id), "version": p.version, "score": p.score,
                                    "payload": p.payload} for p in found]}
            raise BadRequest("unsupported request")


def main():
    root, port = sys.argv[1], int(sys.argv[2])
    os.makedirs(root, exist_ok=True)
    Handler.collections = Collections(root)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
