#!/usr/bin/env python3
"""Write synthetic-cards.json: an array of StartRecovery request bodies for ghz --data-file.

Each entry has a Luhn-valid card number (16 digits, starting with 4 or 5, inside a
reserved-looking synthetic range that no real issuer uses for customers), a card expiry in
the future ("MM/YY"), a valid Spanish DNI (8 digits + check letter) and the development
captcha token "dev-ok".

ghz cannot compute a Luhn check digit inside a Go template, so the numbers are
precomputed here. When --data-file holds a JSON array, ghz sends element
(RequestNumber mod len) with each request: a round-robin over the file.

The output is deterministic (fixed seed), so results are reproducible between runs.

Usage: python3 make-synthetic.py [--count 10000] [--out synthetic-cards.json]
                                  [--captcha dev-ok] [--expiry 12/30]
"""
import argparse
import json
import random

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def luhn_check_digit(payload: str) -> str:
    """Check digit to append to payload so that the whole number passes Luhn."""
    total = 0
    # Walking from the right of the payload, the first digit is doubled (it will be
    # second from the right once the check digit is appended).
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def dni(n: int) -> str:
    return f"{n:08d}{DNI_LETTERS[n % 23]}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--out", default="synthetic-cards.json")
    ap.add_argument("--captcha", default="dev-ok")
    ap.add_argument("--expiry", default="12/30", help="MM/YY, must not be in the past")
    ap.add_argument("--seed", type=int, default=20240501)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    entries = []
    seen = set()
    i = 0
    while len(entries) < args.count:
        # Prefixes 4999 99 / 5999 99 followed by a running index: unique by construction.
        prefix = "499999" if i % 2 == 0 else "599999"
        payload = f"{prefix}{i:09d}"  # 6 + 9 = 15 digits, check digit makes 16
        card = payload + luhn_check_digit(payload)
        assert luhn_valid(card), card
        i += 1
        if card in seen:
            continue
        seen.add(card)
        entries.append({
            "card_number": card,
            "card_expiry": args.expiry,
            "document_id": dni(rng.randrange(10_000_000, 99_999_999)),
            "captcha_token": args.captcha,
        })

    with open(args.out, "w", encoding="utf-8") as f:
        # One entry per line: diff-friendly and about 30% smaller than indented JSON.
        f.write("[\n")
        f.write(",\n".join(json.dumps(e, separators=(",", ":")) for e in entries))
        f.write("\n]\n")
    print(f"wrote {len(entries)} entries to {args.out}")


if __name__ == "__main__":
    main()
