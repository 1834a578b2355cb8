#!/usr/bin/env python3
"""Writes the benchmark masks in bench/masks/ reproducibly (fixed seeds, standard library only).

    python3 bench/masks/make_masks.py

Each mask is [in, out] (one row per input), cells without separators. A random mask connects each
cell independently with the given probability; MADE is the autoregressive mask (output o sees inputs
before it); the seed mask is the original module's 4 x 3 example.

made784_hidden.txt and made784_out.txt are karpathy's MADE (pytorch-made) for 784 -> 500 -> 784: input i has
degree i + 1 (1..784), hidden unit h a degree m(h) drawn from 1..783 (random.Random(784500)); hidden h sees
input i iff m(h) >= i + 1, output o sees hidden h iff o + 1 > m(h), so output o depends only on inputs i < o.
(aot/ holds copies of samples/AotInference/masks, written by hand, not by this script.)
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


def made_masks(inputs, hidden, seed):
    """The two masks of a one-hidden-layer MADE: [inputs, hidden] and [hidden, inputs]."""
    rng = random.Random(seed)
    degrees = [rng.randint(1, inputs - 1) for _ in range(hidden)]
    first = [[m >= i + 1 for m in degrees] for i in range(inputs)]
    second = [[o + 1 > m for o in range(inputs)] for m in degrees]
    return first, second


def main():
    write("seed.txt", [[1, 0, 1], [0, 1, 0], [1, 0, 1], [1, 0, 1]], "the seed's 4 x 3 mask, 7 connections")
    write("r784x256_0.1.txt", random_mask(784, 256, 0.1, 784256), "784 x 256, density 0.1, seed 784256")
    write("made64.txt", [[i < o for o in range(64)] for i in range(64)], "MADE 64 x 64: output o sees inputs i < o")
    for density in (0.01, 0.1, 0.5, 1.0):
        write(f"r1024_{density}.txt", random_mask(1024, 1024, density, 1024), f"1024 x 1024, density {density}, seed 1024")
    hidden, out = made_masks(784, 500, 784500)
    write("made784_hidden.txt", hidden, "MADE 784 -> 500: hidden h sees input i iff m(h) >= i + 1, m(h) in 1..783 (seed 784500)")
    write("made784_out.txt", out, "MADE 500 -> 784: output o sees hidden h iff o + 1 > m(h) (seed 784500)")


if __name__ == "__main__":
    main()
