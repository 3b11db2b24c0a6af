#!/usr/bin/env python3
"""A tiny scripted MCP server over stdio for alith's client tests.

It answers initialize/ping/tools/list (two pages)/resources/prompts, and tools/call by tool name:
  echo         returns the message; with a progress token it first sends two progress notifications
  hang         never answers (timeouts, cancellation)
  exit         exits in the middle of the call
  oversized    prints one line longer than the client's cap
  garbage      prints a non-JSON line, then the answer
  notify       sends notifications/tools/list_changed and a log message, then the answer
  ask_client   sends the client a ping and a sampling/createMessage request and reports their replies
  fail         answers with isError
  rpc_error    answers with a JSON-RPC error
  image        returns an image and a resource link
  cancellations returns the notifications/cancelled params received so far
  stop_reading answers, then never reads its stdin again (a full pipe must not block the client forever)
Argument --version V makes initialize answer with protocol version V.
"""
import json
import sys
import time

version = "2025-06-18"
if len(sys.argv) > 2 and sys.argv[1] == "--version":
    version = sys.argv[2]

cancelled = []


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def result(rid, res):
    send({"jsonrpc": "2.0", "id": rid, "result": res})


def text(t):
    return {"content": [{"type": "text", "text": t}]}


def read_message():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    return json.loads(line)


def wait_reply(rid):
    while True:
        msg = read_message()
        if msg.get("id") == rid and "method" not in msg:
            return msg


TOOLS = [
    {"name": n, "description": "scripted " + n, "inputSchema": {"type": "object", "properties": {"message": {"type": "string"}}}}
    for n in ["echo", "hang", "exit", "oversized", "garbage", "notify", "ask_client", "fail", "rpc_error", "image"]
]


def call_tool(rid, params):
    name = params.get("name")
    args = params.get("arguments") or {}
    token = (params.get("_meta") or {}).get("progressToken")
    if name == "echo":
        if token is not None:
            for i in (1, 2):
                send({"jsonrpc": "2.0", "method": "notifications/progress",
                      "params": {"progressToken": token, "progress": i, "total": 2, "message": "step %d" % i}})
        result(rid, text("Echo: " + str(args.get("message", ""))))
    elif name == "hang":
        pass
    elif name == "exit":
        sys.stderr.write("scripted server: exiting mid-call\n")
        sys.stderr.flush()
        sys.exit(3)
    elif name == "oversized":
        sys.stdout.write('{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"%s"}]}}\n'
                         % (json.dumps(rid), "x" * (2 << 20)))
        sys.stdout.flush()
    elif name == "garbage":
        sys.stdout.write("this is not json\n")
        result(rid, text("after garbage"))
    elif name == "notify":
        send({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
        send({"jsonrpc": "2.0", "method": "notifications/message", "params": {"level": "info", "data": "hello"}})
        result(rid, text("notified"))
    elif name == "ask_client":
        send({"jsonrpc": "2.0", "id": "s1", "method": "ping"})
        ping = wait_reply("s1")
        send({"jsonrpc": "2.0", "id": "s2", "method": "sampling/createMessage", "params": {"messages": []}})
        sampling = wait_reply("s2")
        result(rid, {"content": [], "structuredContent": {"ping": ping, "sampling": sampling}})
    elif name == "fail":
        result(rid, {"content": [{"type": "text", "text": "it broke"}], "isError": True})
    elif name == "rpc_error":
        send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32602, "message": "Unknown tool: nope"}})
    elif name == "cancellations":
        result(rid, {"content": [], "structuredContent": {"cancelled": cancelled}})
    elif name == "stop_reading":
        result(rid, text("not reading any more"))
        time.sleep(3600)
    elif name == "image":
        result(rid, {"content": [{"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"},
                                 {"type": "resource_link", "uri": "file:///x.txt", "name": "x.txt"}]})
    else:
        send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32602, "message": "Unknown tool: %s" % name}})


def main():
    while True:
        msg = read_message()
        method = msg.get("method")
        rid = msg.get("id")
        if method == "notifications/cancelled":
            cancelled.append(msg.get("params"))
        if method is None or rid is None:
            continue  # notifications and stray replies
        params = msg.get("params") or {}
        if method == "initialize":
            result(rid, {"protocolVersion": version,
                         "capabilities": {"tools": {"listChanged": True}, "resources": {"subscribe": True},
                                          "prompts": {}},
                         "serverInfo": {"name": "scripted", "version": "1.0"}})
        elif method == "ping":
            result(rid, {})
        elif method == "tools/list":
            if params.get("cursor") == "2":
                result(rid, {"tools": TOOLS[5:]})
            else:
                result(rid, {"tools": TOOLS[:5], "nextCursor": "2"})
        elif method == "tools/call":
            call_tool(rid, params)
        elif method == "resources/list":
            result(rid, {"resources": [{"uri": "test://a", "name": "a", "mimeType": "text/plain"}]})
        elif method == "resources/read":
            if params.get("uri") != "test://a":
                send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32002, "message": "Resource not found"}})
            else:
                result(rid, {"contents": [{"uri": "test://a", "text": "content of a"}]})
        elif method == "resources/subscribe":
            result(rid, {})
            send({"jsonrpc": "2.0", "method": "notifications/resources/updated", "params": {"uri": params.get("uri")}})
        elif method == "prompts/list":
            result(rid, {"prompts": [{"name": "greet", "arguments": [{"name": "who", "required": True}]}]})
        elif method == "prompts/get":
            who = (params.get("arguments") or {}).get("who", "?")
            result(rid, {"messages": [{"role": "user", "content": {"type": "text", "text": "Hello " + who}}]})
        elif method == "bad_result":
            result(rid, {"tools": "not a list"})
        else:
            send({"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": "Method not found"}})


main()
