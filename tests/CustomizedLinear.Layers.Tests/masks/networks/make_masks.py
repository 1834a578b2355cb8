"""Writes the masks of the test networks (Networks.cs) next to this script. Deterministic."""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, rows, cols, density, seed, comment):
    rng = random.Random(seed)
    while True:
        cells = [[1 if rng.random() < density else 0 for _ in range(cols)] for _ in range(rows)]
        # every output and every input connected, so no unit is trivially constant in the tests
        if all(any(r) for r in cells) and all(any(cells[i][j] for i in range(rows)) for j in range(cols)):
            break
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write(f"# {comment}: {rows} inputs x {cols} outputs, density {density}, random.Random({seed})\n")
        for r in cells:
            f.write(" ".join(map(str, r)) + "\n")


def write_made(name, degrees_in, degrees_out, is_output, comment):
    """MADE rule (Germain et al.): hidden h <- unit i iff m(h) >= m(i); output o <- hidden h iff d(o) > m(h)."""
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write(f"# {comment}\n")
        for di in degrees_in:
            f.write(" ".join("1" if ((do > di) if is_output else (do >= di)) else "0" for do in degrees_out) + "\n")


write("small0.txt", 6, 10, 0.5, 1, "SmallNet layer 0")
write("small2.txt", 10, 8, 0.4, 2, "SmallNet layer 2")
write("small4.txt", 8, 3, 0.6, 3, "SmallNet layer 4")
write("wide0.txt", 40, 48, 0.5, 4, "WideNet layer 0 (too many connections for one straight-line method)")
write("wide2.txt", 48, 40, 0.5, 5, "WideNet layer 2")
write("square.txt", 8, 8, 0.5, 6, "A square layer used twice in one network")

# MADE 4 -> 8 -> 8 (two outputs per variable, concatenated): input degrees 1..4, hidden degrees 1..3.
inputs = [1, 2, 3, 4]
hidden = [1, 2, 3, 1, 2, 3, 1, 2]
outputs = inputs + inputs
write_made("made_in.txt", inputs, hidden, False, "MADE 4 -> 8: hidden h <- input i iff m(h) >= i + 1")
write_made("made_out.txt", hidden, outputs, True, "MADE 8 -> 8 (outputs o and o + 4 are variable o): output o <- hidden h iff d(o) > m(h)")
write("table.txt", 100, 100, 0.9, 7, "A layer too large to unroll (about 9,000 connections): table-driven kernels")
