#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/seed-*) from the
golden vectors in ../shared/vectors: the wire bytes of every request and response, the RSA
keys, the AES ciphertexts and the my.info samples, each wrapped in the input layout its fuzz
target reads (see the comment at the top of each fuzz_<target>.cpp).

Only files named seed-* are this script's: kept crash and regression inputs (crash-*,
regression-*) in the same folders are left alone.

    make_corpus.py            rewrite the seeds
    make_corpus.py --check    exit 1 if the committed seeds differ from what it would write
"""

import argparse
import base64
import hashlib
import json
import re
import struct
import sys
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parent
DEFAULT_VECTORS = SOURCE_DIR.parents[2] / "shared" / "vectors"
DEFAULT_CORPUS = SOURCE_DIR / "corpus"

# Dialects in the order of protocol::k_dialects (the fuzz targets pick one by index).
DIALECTS = ["2025a", "2022", "2021c", "2026"]
ERROR_CODE = 9000
REQUEST_HEADER_SIZE = 23
RESPONSE_HEADER_SIZE = 7
# protocol::Operation: the code of an operation is its dialect's base plus this index.
REGISTER, LIST, PUBLIC_KEY, SEND, PULL, CHALLENGE, AUTHENTICATE, ACK = range(8)
OPERATION_NAMES = ["register", "list", "public-key", "send", "pull", "challenge",
                   "authenticate", "ack"]

# Chunk plans (ChunkPlan in fuzz_support.hpp): byte b means b + 1 bytes, 255 the rest.
WHOLE = bytes([255, 255, 255, 255])
BYTE_BY_BYTE = bytes([0, 0, 0, 0])
RAGGED = bytes([6, 0, 22, 254])

# decode_payloads' selector byte (the order of k_decoders in fuzz_decode_payloads.cpp).
(DECODE_REGISTER, DECODE_PUBLIC_KEY_REQUEST, DECODE_SEND_PREFIX, DECODE_ACK,
 DECODE_REGISTER_ANSWER, DECODE_USER_LIST, DECODE_PUBLIC_KEY_ANSWER, DECODE_SEND_ANSWER,
 DECODE_PULLED_HEADER, DECODE_PULL, DECODE_ACK_ANSWER, DECODE_REQUEST_HEADER,
 DECODE_RESPONSE_HEADER, DECODE_NAME) = range(14)


class Frame:
    """One request or response of wire.json, split into its fields."""

    def __init__(self, dialect, what, raw, is_request, code, payload, operation):
        self.dialect = dialect
        self.what = what
        self.raw = raw
        self.is_request = is_request
        self.code = code
        self.payload = payload
        self.operation = operation  # None for the error response


def parse_frame(dialect, info, example):
    raw = bytes.fromhex(example["hex"])
    as_request = None
    if len(raw) >= REQUEST_HEADER_SIZE:
        code, size = struct.unpack_from("<HI", raw, 17)
        operation = code - info["request_base"]
        if len(raw) == REQUEST_HEADER_SIZE + size and 0 <= operation < 8:
            as_request = Frame(dialect, example["what"], raw, True, code,
                               raw[REQUEST_HEADER_SIZE:], operation)
    as_response = None
    if len(raw) >= RESPONSE_HEADER_SIZE:
        code, size = struct.unpack_from("<HI", raw, 1)
        operation = code - info["response_base"]
        if len(raw) == RESPONSE_HEADER_SIZE + size and (code == ERROR_CODE or 0 <= operation < 8):
            as_response = Frame(dialect, example["what"], raw, False, code,
                                raw[RESPONSE_HEADER_SIZE:],
                                None if code == ERROR_CODE else operation)
    if (as_request is None) == (as_response is None):
        raise ValueError(f"wire.json {dialect}: cannot tell whether {example['what']!r} "
                         "is a request or a response")
    return as_request or as_response


def load_frames(vectors):
    wire = json.loads((vectors / "wire.json").read_text())
    frames = []
    for dialect, info in wire["dialects"].items():
        for example in info["examples"]:
            frames.append(parse_frame(dialect, info, example))
    return frames, wire["dialects"]


def request_bytes(client_id, version, code, payload):
    return client_id + struct.pack("<BHI", version, code, len(payload)) + payload


def response_bytes(code, payload):
    return struct.pack("<BHI", 2, code, len(payload)) + payload


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64]


class Corpus:
    """The seeds of every target, named, without duplicate contents within a target."""

    def __init__(self):
        self.targets = {}

    def add(self, target, name, data):
        seeds = self.targets.setdefault(target, {})
        if data in seeds.values():
            return
        name = "seed-" + slug(name)
        if name in seeds:
            name += "-" + hashlib.sha1(data).hexdigest()[:8]
        seeds[name] = data


def v3_frames(frames, dialects, rsa):
    """The version-3 requests and responses, built from the classic ones of wire.json: the
    pull request's header re-coded as challenge, authenticate and ack, and answers to them."""
    extra = []
    pulls = [f for f in frames if f.is_request and f.operation == PULL]
    oaep = bytes.fromhex(rsa["oaep_sha1"][0]["ciphertext_hex"])
    for pull in pulls:
        info = dialects[pull.dialect]
        client_id = pull.raw[:16]
        base, response_base = info["request_base"], info["response_base"]
        # The authenticate payload: 32 bytes of the OAEP ciphertext stand in for an HMAC.
        for operation, payload in ((CHALLENGE, b""), (AUTHENTICATE, oaep[:32]),
                                   (ACK, struct.pack("<II", 7, 8))):
            raw = request_bytes(client_id, 3, base + operation, payload)
            extra.append(Frame(pull.dialect, f"v3 {OPERATION_NAMES[operation]} request", raw, True,
                               base + operation, payload, operation))
        for operation, payload in ((CHALLENGE, oaep), (AUTHENTICATE, b""),
                                   (ACK, struct.pack("<I", 2))):
            raw = response_bytes(response_base + operation, payload)
            extra.append(Frame(pull.dialect, f"v3 {OPERATION_NAMES[operation]} answer", raw, False,
                               response_base + operation, payload, operation))
    return extra


def request_reader_seeds(corpus, frames):
    requests = [f for f in frames if f.is_request]
    for frame in requests:
        corpus.add("request_reader", f"{frame.dialect}-{frame.what}",
                   bytes([0]) + WHOLE + frame.raw)
    for dialect in DIALECTS:
        stream = b"".join(f.raw for f in requests if f.dialect == dialect)
        padding = bytes(REQUEST_HEADER_SIZE)
        corpus.add("request_reader", f"{dialect}-all-requests-ragged-then-padding",
                   bytes([0]) + RAGGED + stream + padding)
    first = [f for f in requests if f.dialect == DIALECTS[0]]
    stream = b"".join(f.raw for f in first)
    corpus.add("request_reader", "all-requests-byte-by-byte", bytes([0]) + BYTE_BY_BYTE + stream)
    texts = [f for f in first if f.operation == SEND and len(f.payload) > 21]
    lists = [f for f in first if f.operation == LIST]
    # Options bits 0-2 pick a content limit (2 → 1 byte), bit 3 rejects sends, bit 4 all.
    corpus.add("request_reader", "send-above-content-limit", bytes([2]) + WHOLE + texts[0].raw)
    corpus.add("request_reader", "send-rejected-after-prefix",
               bytes([8]) + RAGGED + texts[0].raw + lists[0].raw)
    corpus.add("request_reader", "list-and-send-rejected-after-header",
               bytes([16]) + RAGGED + lists[0].raw + texts[0].raw)
    # An unknown code (a response's code as a request code) is skipped and answered 9000.
    unknown = bytearray(lists[0].raw)
    struct.pack_into("<H", unknown, 17, ERROR_CODE)
    corpus.add("request_reader", "unknown-code-then-list",
               bytes([0]) + RAGGED + bytes(unknown) + lists[0].raw)


def response_reader_seeds(corpus, frames):
    responses = [f for f in frames if not f.is_request]
    for frame in responses:
        dialect = DIALECTS.index(frame.dialect)
        operations = [frame.operation] if frame.operation is not None else [LIST, PULL, ACK]
        for operation in operations:
            prefix = bytes([operation, dialect, 0]) + WHOLE
            corpus.add("response_reader", f"{frame.dialect}-as-{OPERATION_NAMES[operation]}-{frame.what}",
                       prefix + frame.raw)
    for frame in responses:
        if frame.operation == PULL and frame.payload:
            dialect = DIALECTS.index(frame.dialect)
            corpus.add("response_reader", f"{frame.dialect}-pull-byte-by-byte",
                       bytes([PULL, dialect, 0]) + BYTE_BY_BYTE + frame.raw)
            # Servers may pad a response with zeros to 1024 bytes; the reader stops at its end.
            padded = frame.raw + bytes(1024 - len(frame.raw) % 1024)
            corpus.add("response_reader", f"{frame.dialect}-pull-padded-ragged",
                       bytes([PULL, dialect, 0]) + RAGGED + padded)
            # Answered in another dialect's numbering: an unexpected code.
            other = (dialect + 2) % len(DIALECTS)
            corpus.add("response_reader", f"{frame.dialect}-pull-read-as-{DIALECTS[other]}",
                       bytes([PULL, other, 0]) + WHOLE + frame.raw)


def decode_payloads_seeds(corpus, frames):
    request_decoders = {REGISTER: DECODE_REGISTER, PUBLIC_KEY: DECODE_PUBLIC_KEY_REQUEST,
                        ACK: DECODE_ACK}
    response_decoders = {REGISTER: DECODE_REGISTER_ANSWER, LIST: DECODE_USER_LIST,
                         PUBLIC_KEY: DECODE_PUBLIC_KEY_ANSWER, SEND: DECODE_SEND_ANSWER,
                         PULL: DECODE_PULL, ACK: DECODE_ACK_ANSWER}
    for frame in frames:
        what = f"{frame.dialect}-{frame.what}"
        if frame.is_request:
            corpus.add("decode_payloads", f"header-{what}",
                       bytes([DECODE_REQUEST_HEADER]) + frame.raw[:REQUEST_HEADER_SIZE])
            if frame.operation in request_decoders:
                corpus.add("decode_payloads", what,
                           bytes([request_decoders[frame.operation]]) + frame.payload)
            if frame.operation == SEND:
                size = struct.pack("<I", len(frame.payload))
                corpus.add("decode_payloads", what,
                           bytes([DECODE_SEND_PREFIX]) + size + frame.payload[:21])
            if frame.operation == REGISTER:
                corpus.add("decode_payloads", f"name-{what}",
                           bytes([DECODE_NAME]) + frame.payload[:255])
        else:
            corpus.add("decode_payloads", f"header-{what}",
                       bytes([DECODE_RESPONSE_HEADER]) + frame.raw[:RESPONSE_HEADER_SIZE])
            if frame.operation in response_decoders:
                corpus.add("decode_payloads", what,
                           bytes([response_decoders[frame.operation]]) + frame.payload)
            if frame.operation == PULL and frame.payload:
                corpus.add("decode_payloads", f"first-message-header-{what}",
                           bytes([DECODE_PULLED_HEADER]) + frame.payload[:25])


def key_seeds(corpus, vectors):
    for exponent in (17, 3):
        rsa = json.loads((vectors / f"rsa1024_e{exponent}.json").read_text())
        corpus.add("public_key", f"e{exponent}-spki", bytes.fromhex(rsa["public_key_spki_hex"]))
        corpus.add("public_key", f"e{exponent}-pkcs8",
                   base64.b64decode(rsa["private_key_pkcs8_base64"]))
        corpus.add("public_key", f"e{exponent}-pkcs1",
                   base64.b64decode(rsa["private_key_pkcs1_base64"]))


def aes_seeds(corpus, vectors):
    cases = json.loads((vectors / "aes128_cbc_zero_iv.json").read_text())["cases"]
    keys = list(dict.fromkeys(bytes.fromhex(case["key_hex"]) for case in cases))
    for index, case in enumerate(cases):
        ciphertext = bytes.fromhex(case["ciphertext_hex"])
        if len(ciphertext) > 4096:  # keeps the corpus small; 1000 bytes covers many blocks
            continue
        key = bytes.fromhex(case["key_hex"])
        plan = WHOLE if index % 2 == 0 else RAGGED
        size = len(case["plaintext_hex"]) // 2
        corpus.add("aes_decrypt", f"key-{key.hex()[:8]}-plaintext-{size}",
                   key + plan + ciphertext)
        # Under another key the padding is almost surely invalid: both decryptions fail.
        other = next(k for k in keys if k != key)
        corpus.add("aes_decrypt", f"wrong-key-plaintext-{size}", other + RAGGED + ciphertext)


def my_info_seeds(corpus, vectors):
    samples = json.loads((vectors / "my_info.json").read_text())
    for layout, text in samples["samples"].items():
        corpus.add("my_info", layout, text.encode())
    head = f"{samples['name']}\n{samples['client_id_hex']}\n"
    for exponent in (17, 3):
        rsa = json.loads((vectors / f"rsa1024_e{exponent}.json").read_text())
        corpus.add("my_info", f"e{exponent}-pkcs1-key",
                   (head + rsa["private_key_pkcs1_base64"] + "\n").encode())
        corpus.add("my_info", f"e{exponent}-pkcs8-wrapped72",
                   (head + rsa["private_key_pkcs8_base64_wrapped72"]).encode())


def endpoint_seeds(corpus):
    # server.info lines (PROTOCOL.md §8) and myport.info contents; not in the vectors.
    for text in ("127.0.0.1:1234", "localhost:1357\n", "[::1]:1357\r\n", " example.org:65535 ",
                 "1357", "1234\n", "[fe80::1%2]:80"):
        corpus.add("endpoint", text, text.encode())


def build(vectors):
    frames, dialects = load_frames(vectors)
    rsa = json.loads((vectors / "rsa1024_e17.json").read_text())
    frames += v3_frames(frames, dialects, rsa)
    corpus = Corpus()
    request_reader_seeds(corpus, frames)
    response_reader_seeds(corpus, frames)
    decode_payloads_seeds(corpus, frames)
    key_seeds(corpus, vectors)
    aes_seeds(corpus, vectors)
    my_info_seeds(corpus, vectors)
    endpoint_seeds(corpus)
    return corpus.targets


def existing_seeds(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("seed-*"))} if folder.is_dir() else {}


def check(targets, out):
    problems = []
    for target, seeds in sorted(targets.items()):
        present = existing_seeds(out / target)
        for name in sorted(seeds.keys() - present.keys()):
            problems.append(f"missing {target}/{name}")
        for name in sorted(present.keys() - seeds.keys()):
            problems.append(f"unexpected {target}/{name}")
        for name in sorted(seeds.keys() & present.keys()):
            if seeds[name] != present[name]:
                problems.append(f"differs {target}/{name}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("the seed corpus is out of date: run tests/fuzz/make_corpus.py", file=sys.stderr)
    return 1 if problems else 0


def write(targets, out):
    for target, seeds in sorted(targets.items()):
        folder = out / target
        folder.mkdir(parents=True, exist_ok=True)
        for stale in existing_seeds(folder).keys() - seeds.keys():
            (folder / stale).unlink()
        for name, data in seeds.items():
            (folder / name).write_bytes(data)
        print(f"{target}: {len(seeds)} seeds, {sum(map(len, seeds.values()))} bytes")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS)
    parser.add_argument("--out", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed seeds instead of writing them")
    arguments = parser.parse_args()
    targets = build(arguments.vectors)
    return check(targets, arguments.out) if arguments.check else write(targets, arguments.out)


if __name__ == "__main__":
    sys.exit(main())
