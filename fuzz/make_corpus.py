#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/<target>/ (committed; run again
after changing a seed). Seeds are what each parser meets in real use plus
the hostile shapes of issue 11: deeply nested JSON, inputs at and over the
default 64 KiB frame limit."""
import hashlib
import hmac
import base64
import json
import os
import shutil
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def nested(depth, open_="[", close="]", inner="1"):
    return open_ * depth + inner + close * depth


def frame_with(payload):
    return '{"action":1,"topic":"lobby:x","payload":' + payload + "}"


# -- protocol_parse: text frames -----------------------------------------------
P = "protocol_parse"
frames = {
    "subscribe": '{"action":8,"topic":"chat:lobby"}',
    "subscribe_name": '{"action":"SUBSCRIBE","topic":"exchange/0:0190f6c2-6a4e-4b1c-9d3e-2f1a5b7c8d9e"}',
    "unsubscribe": '{"action":9,"topic":"chat:lobby"}',
    "relay": '{"action":12,"topic":"chat:lobby","payload":{"message":"hi","n":1}}',
    "relay_string_action": '{"action":"normal-message","topic":"chat:lobby","payload":"hi"}',
    "store": '{"action":12,"topic":"chat:lobby","payload":{"m":"x"},"store":true,"id":"c-17"}',
    "load_messages": '{"action":6,"topic":"chat:lobby","payload":{"page":2,"pageSize":50}}',
    "load_messages_deep_page": '{"action":6,"topic":"chat:lobby","payload":{"page":1000000,"pageSize":100}}',
    "load_subscribers": '{"action":10,"topic":"chat:lobby"}',
    "ping": '{"payload":"PING"}',
    "pong": '{"payload":"PONG"}',
    "server_only": '{"action":"ERROR","topic":"chat:lobby"}',
    "big_number": '{"action":12,"topic":"chat:lobby","payload":{"n":12345678901234567890123}}',
    "floats": '{"action":12,"topic":"c:l","payload":[1e308,-0.0,1E-400,1e5,0.1]}',
    "escapes": '{"action":12,"topic":"c:l\\u0000x","payload":"\\ud83d\\ude00 \\u00e9 \\\\ \\""}',
    "lone_surrogate": '{"action":12,"topic":"c:l","payload":"\\ud800"}',
    "duplicate_keys": '{"action":12,"action":8,"topic":"a:b","topic":"c:d"}',
    "target": '{"action":12,"topic":"c:l","payload":{"target":"alice:cid"}}',
    "no_colon_topic": '{"action":8,"topic":"lobby"}',
    "not_object": "[1,2,3]",
    "garbage": "{not json",
    "empty": "",
    "bom": "\ufeff{\"action\":8,\"topic\":\"a:b\"}",
    # A byte order mark before a member's value: the rate limiter's skim
    # once echoed it as the request, and the ERROR was not JSON.
    "bom_before_value": "{\"action\":\ufeff\"x\",\"id\":\ufeff\"i\"}",
    "number_overflow_request": "{\"action\":9E999999999999,\"topic\":\"a:b\"}",
}
for name, text in frames.items():
    write(P, name, text)
for depth in (64, 65, 1000):
    write(P, f"nested_array_{depth}", frame_with(nested(depth)))
    write(P, f"nested_object_{depth}", frame_with(nested(depth, '{"a":', "}")))
# Deep nesting filling the default 64 KiB frame (issue 11 row 1 survived
# 32,700 levels only thanks to the 8 MB stack), and past it (row 1's crash:
# 70,000 levels, 140 KB, allowed with a larger max_frame_bytes).
write(P, "nested_array_32000_64k", frame_with(nested(32000, "[", "]", "")))
write(P, "nested_object_10000_64k", frame_with(nested(10000, '{"a":', "}")))
write(P, "nested_action_30000", '{"action":' + nested(30000, "[", "]", "") + ',"topic":"a:b"}')
write(P, "nested_array_70000_row1", frame_with(nested(70000, "[", "]", "")))
write(P, "large_string_64k", frame_with('"' + "x" * 65400 + '"'))
write(P, "large_topic_60k", '{"action":8,"topic":"chat:' + "t" * 60000 + '"}')
write(P, "many_keys_64k", frame_with("{" + ",".join(f'"k{i}":{i}' for i in range(6000)) + "}"))

# -- ws_reader: client bytes after the upgrade ---------------------------------
W = "ws_reader"
MASK = b"\x37\xfa\x21\x3d"


def ws_frame(op, payload, fin=True, rsv=0, masked=True, length_form=None):
    b0 = (0x80 if fin else 0) | rsv | op
    n = len(payload)
    if length_form == 127 or n > 0xFFFF:
        head = struct.pack("!BBQ", b0, (0x80 if masked else 0) | 127, n)
    elif length_form == 126 or n >= 126:
        head = struct.pack("!BBH", b0, (0x80 if masked else 0) | 126, n)
    else:
        head = struct.pack("!BB", b0, (0x80 if masked else 0) | n)
    if not masked:
        return head + payload
    body = bytes(c ^ MASK[i & 3] for i, c in enumerate(payload))
    return head + MASK + body


def trailer(chunk, limit_index, chunks=8):
    # FuzzedDataProvider reads integers from the end: first the limit (one
    # byte, index into {0,1,125,126,1024,65536}), then chunk sizes (three
    # bytes each, 1 + value % 70000).
    size = struct.pack(">I", chunk - 1)[1:][::-1]
    return size * chunks + bytes([limit_index])


msg = b'{"action":8,"topic":"chat:lobby"}'
ws_seeds = {
    "text": ws_frame(1, msg),
    "ping_pong": ws_frame(9, b"hi") + ws_frame(10, b"") + ws_frame(1, msg),
    "fragmented": ws_frame(1, msg[:10], fin=False) + ws_frame(9, b"p")
    + ws_frame(0, msg[10:20], fin=False) + ws_frame(0, msg[20:]),
    "close": ws_frame(8, struct.pack("!H", 1000) + b"bye"),
    "close_bad_code": ws_frame(8, struct.pack("!H", 1005)),
    "binary": ws_frame(2, b"\x00\x01\x02"),
    "unmasked": ws_frame(1, msg, masked=False),
    "rsv": ws_frame(1, msg, rsv=0x40),
    "non_minimal_126": ws_frame(1, b"x" * 10, length_form=126),
    "non_minimal_127": ws_frame(1, b"x" * 200, length_form=127),
    "huge_length": struct.pack("!BBQ", 0x81, 0xFF, 1 << 62) + MASK,
    "bad_utf8": ws_frame(1, b"\xc3\x28"),
    "split_utf8": ws_frame(1, "é".encode()[:1], fin=False) + ws_frame(0, "é".encode()[1:]),
    "control_too_long": ws_frame(9, b"x" * 126, length_form=126),
    "continuation_of_nothing": ws_frame(0, b"x"),
    "text_64k": ws_frame(1, b"x" * 65536),
    "text_64k_plus_1": ws_frame(1, b"x" * 65537),
    "fragments_over_limit": b"".join(ws_frame(1 if i == 0 else 0, b"y" * 16000, fin=False) for i in range(5)),
}
for name, data in ws_seeds.items():
    for chunk, limit in ((1 << 16, 5), (7, 4), (1, 2)):
        write(W, f"{name}_chunk{chunk}_limit{limit}", data + trailer(chunk, limit))

# -- jwt: bearer tokens ---------------------------------------------------------
J = "jwt"
SECRET = b"fuzz-secret-0123456789abcdef-0123456789"


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(header, claims, key=SECRET):
    inp = b64(header) + "." + b64(claims)
    sig = hmac.new(key, inp.encode(), hashlib.sha256).digest()
    return inp + "." + b64(sig)


NOW = 1795643311
good = json.dumps({"sub": "alice", "exp": NOW + 300, "iat": NOW})
full = json.dumps({"sub": "alice", "exp": NOW + 300, "iss": "https://id.example", "aud": ["x", "sockd"]})
hdr = '{"alg":"HS256","typ":"JWT"}'
# FuzzedDataProvider takes the shape from the last byte (0: the rest is the
# token), else a header (a random-length string ended by a backslash and
# another character) and the claims.
write(J, "raw_good", token(hdr, good).encode() + b"\x00")
write(J, "raw_none", (b64('{"alg":"none"}') + "." + b64(good) + ".").encode() + b"\x00")
write(J, "raw_rs256_garbage_sig", (b64('{"alg":"RS256"}') + "." + b64(good) + ".c2ln").encode() + b"\x00")
write(J, "raw_crit", token('{"alg":"HS256","crit":["exp"]}', good).encode() + b"\x00")
write(J, "raw_16k", ("a" * 16384).encode() + b"\x00")
claims_seeds = {
    "good": good,
    "full": full,
    "no_exp": '{"sub":"alice"}',
    "expired": json.dumps({"sub": "a", "exp": NOW - 1000}),
    "nbf_future": json.dumps({"sub": "a", "nbf": NOW + 1000}),
    "exp_string": '{"sub":"a","exp":"tomorrow"}',
    "exp_huge": '{"sub":"a","exp":1e400}',
    "sub_control": '{"sub":"a\\nJOIN x","exp":1795643611}',
    "sub_long": json.dumps({"sub": "s" * 300}),
    "aud_mixed": '{"sub":"a","aud":["sockd",3],"iss":7}',
    "not_object": '["sub","alice"]',
    "nested_claims": '{"sub":"a","x":' + nested(10000) + "}",
    "bad_utf8": b'{"sub":"\xff"}'.decode("latin-1"),
}
for name, claims in claims_seeds.items():
    for shape in (1, 2):
        body = (hdr + "\\" + "x").encode("latin-1")  # header ends at "\\x"
        write(J, f"signed{shape}_{name}", body + claims.encode("latin-1") + bytes([shape]))
write(J, "signed1_header_kid", ('{"alg":"HS256","kid":"k1"}\\x' + good).encode() + b"\x01")
write(J, "signed1_header_nested", ('{"alg":"HS256","x":' + nested(500) + '}\\x' + good).encode() + b"\x01")

# -- ticket: /sock request targets ----------------------------------------------
T = "ticket"
A = "0190f6c2-6a4e-4b1c-9d3e-2f1a5b7c8d9e"
B = "7d3c1e2f-0a9b-4c8d-8e7f-6a5b4c3d2e1f"
for name, target in {
    "good": f"/sock?ticket={A}:{B}",
    "encoded_colon": f"/sock?ticket={A}%3A{B}",
    "upper": f"/sock?ticket={A.upper()}:{B}",
    "two_params": f"/sock?x=1&ticket={A}:{B}&ticket=other",
    "fragment": f"/sock?ticket={A}:{B}#frag",
    "plus": f"/sock?ticket={A}+{B}",
    "three_parts": f"/sock?ticket={A}:{B}:{A}",
    "bad_escape": "/sock?ticket=%zz",
    "truncated_escape": "/sock?ticket=%4",
    "long": "/sock?ticket=" + "a" * 300,
    "empty": "/sock?ticket=",
    "none": "/sock",
}.items():
    write(T, name, target)

# -- query_string: name (random-length string) then the target ------------------
Q = "query_string"
for name, data in {
    "ticket": f"ticket\\x/sock?ticket={A}:{B}",
    "plus_space": "q\\x/p?q=a+b%20c&r=1",
    "encoded_key": "tick et\\x/p?tick%20et=1",
    "empty_name": "\\x/p?=v&a",
    "bad": "a\\x/p?a=%G0&a=%",
    "many": "k\\x/p?" + "&".join(f"k{i}=v{i}" for i in range(2000)) + "&k=last",
    "large": "k\\x/p?k=" + "%41" * 21000,
}.items():
    write(Q, name, data)

# -- config: file text, then "\0\0" and command line arguments ------------------
C = "config"
config_file = """# sockd.conf
listen = 127.0.0.1:8080
database_url = postgresql://sockd@db/app
jwt_secret = "0123456789abcdef0123456789abcdef"
jwt_require_exp = true
max_frame_bytes = 65536
allowed_origins = https://a.example, https://b.example
allowance.chat = "SELECT EXISTS (SELECT 1 FROM rooms.members
  WHERE room_id = $2 AND user_sub = $1 AND note = \\"q\\")"
allowance.exchange/1 =
cluster_listen = 127.0.0.1:7001
cluster_seeds = 127.0.0.1:7002,[::1]:7003
"""
for name, data in {
    "full": config_file,
    "short_secret": "jwt_secret = a\n",
    "dev_remote": "dev = true\nlisten = 0.0.0.0:8080\n",
    "dev_remote_allowed": "dev = true\ndev_allow_remote = yes\nlisten = 0.0.0.0:8080\n",
    "tls_partial": "jwt_secret=0123456789abcdef0123456789abcdef\ncluster_listen=10.0.0.1:7001\ncluster_tls_cert=/c.pem\n",
    "unterminated": 'jwt_secret = "abc\n',
    "after_quote": 'jwt_secret = "abc" tail\n',
    "crlf": "dev = on\r\nlisten = [::1]:0\r\n",
    "unknown": "nope = 1\n",
    "config_in_file": "config = x\n",
    "ints": "db_pool_size = 99999999999999999999\nmessages_per_second = nan\nmax_queued_bytes = -1\n",
    "args": "dev = true\n\0\0--listen=127.0.0.1:0\0--dev\0false\0--jwt_secret\0" + "k" * 40,
    "many_lines_64k": "# x\n" * 16000 + "dev = true\n",
    "long_quoted_64k": 'allowance.x = "' + "s\\\"" * 20000 + '"\n' + "dev=true\n",
}.items():
    write(C, name, data)

print("seeds written under", ROOT)
