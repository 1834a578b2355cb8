#!/usr/bin/env python3
"""Writes the benchmark masks in bench/masks/ reproducibly (fixed seeds, standard library only).

    python3 bench/masks/make_masks.py

Each mask is [in, out] (one row per input), cells without separators. A random mask connects each
cell independently with the given probability; MADE is the autoregressive mask (output o sees inputs
before it); the seed mask is the original module's 4 x 3 example.
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, rows, comment):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write(f"# {comment}\n")
        for row in rows:
            f.write("".join("1" if c else "0" for c in row) + "\n")


def random_mask(inputs, outputs, density, seed):
    rng = random.Random(seed)
    return [[rng.random() < density for _ in range(outputs)] for _ in range(inputs)]


def main():
    write("seed.txt", [[1, 0, 1], [0, 1, 0], [1, 0, 1], [1, 0, 1]], "the seed's 4 x 3 mask, 7 connections")
    write("r784x256_0.1.txt", random_mask(784, 256, 0.1, 784256), "784 x 256, density 0.1, seed 784256")
    write("made64.txt", [[i < o for o in range(64)] for i in range(64)], "MADE 64 x 64: output o sees inputs i < o")
    for density in (0.01, 0.1, 0.5, 1.0):
        write(f"r1024_{density}.txt", random_mask(1024, 1024, density, 1024), f"1024 x 1024, density {density}, seed 1024")


if __name__ == "__main__":
    main()
