#!/usr/bin/env python3
"""Write gRPC request bodies (length-prefixed protobuf) for h2load -d.

h2load knows nothing about gRPC or protobuf: it POSTs the same byte string on every request.
A unary gRPC request body is one "length-prefixed message":

    1 byte   compressed flag (0x00: not compressed)
    4 bytes  message length, big-endian
    N bytes  the protobuf-encoded request message

The requests used here contain only string fields, so the protobuf encoding is simple enough
to do by hand, with no protobuf library and no .proto files:

    tag    = (field_number << 3) | 2      (wire type 2: length-delimited), as a varint
    length = len(utf-8 bytes), as a varint
    value  = the utf-8 bytes

Fields at their default value (the empty string) are omitted, as protobuf does.

Field numbers (protos/recovery/v1/*.proto, grpc/health/v1/health.proto):
    recovery.v1.StartRecoveryRequest:    card_number=1 card_expiry=2 document_id=3 captcha_token=4
    recovery.v1.EvaluatePasswordRequest: password=1 change_ticket=2 language_code=3
    recovery.v1.LoginRequest:            user_code=1 password=2
    grpc.health.v1.HealthCheckRequest:   service=1

Usage: python3 make-frames.py [--out-dir frames] [--card 4999990000000007] [--expiry 12/30]
                              [--document 60434477E] [--captcha dev-ok]
                              [--password 'Correct-Horse-42'] [--user-code 900000001]
"""
import argparse
import os
import struct


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def string_field(number: int, value: str) -> bytes:
    if value == "":
        return b""  # proto3 default: not on the wire
    data = value.encode("utf-8")
    return varint((number << 3) | 2) + varint(len(data)) + data


def message(*fields: tuple) -> bytes:
    return b"".join(string_field(n, v) for n, v in fields)


def grpc_frame(payload: bytes) -> bytes:
    return b"\x00" + struct.pack(">I", len(payload)) + payload


def _synthetic():
    # The Luhn rule lives in ../make-synthetic.py (a hyphenated file name, so loaded by path).
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "make-synthetic.py")
    spec = importlib.util.spec_from_file_location("make_synthetic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def luhn_valid(number: str) -> bool:
    return _synthetic().luhn_valid(number)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out-dir", default=os.path.join(here, "frames"))
    # The first entry of ../synthetic-cards.json: Luhn-valid, starts with 4, not a customer.
    ap.add_argument("--card", default="4999990000000007")
    ap.add_argument("--expiry", default="12/30")
    ap.add_argument("--document", default="60434477E")
    ap.add_argument("--captcha", default="dev-ok")
    ap.add_argument("--password", default="Correct-Horse-42")
    # An unknown user code: Login costs one Argon2 verify and answers UNAUTHENTICATED.
    ap.add_argument("--user-code", default="900000001")
    args = ap.parse_args()

    if not luhn_valid(args.card):
        raise SystemExit(f"--card {args.card} does not pass the Luhn check")

    bodies = {
        "start-recovery.bin": message((1, args.card), (2, args.expiry), (3, args.document), (4, args.captcha)),
        "evaluate-password.bin": message((1, args.password)),
        "login.bin": message((1, args.user_code), (2, args.password)),
        "health-check.bin": message(),  # HealthCheckRequest{service: ""}: an empty message
    }

    os.makedirs(args.out_dir, exist_ok=True)
    for name, payload in bodies.items():
        path = os.path.join(args.out_dir, name)
        with open(path, "wb") as f:
            f.write(grpc_frame(payload))
        print(f"{path}: {5 + len(payload)} bytes")


if __name__ == "__main__":
    main()
