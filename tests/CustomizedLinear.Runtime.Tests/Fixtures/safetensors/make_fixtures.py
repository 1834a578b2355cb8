#!/usr/bin/env python3
"""Writes the safetensors fixtures of the runtime tests, independently of the C# code.

Only the Python standard library (struct, json) is used: no torch, no safetensors package. Each file is
laid out as `safetensors.torch.save_file(module.state_dict(), path)` lays out the state_dict of the
original CustomizedLinear module (keys `weight` [out, in], `bias` [out], `mask` [out, in] of 1.0/0.0) or
of a plain nn.Linear (no `mask`). Most files also carry `__metadata__` {"format": "pt"}, as transformers'
`save_pretrained` writes it (save_file itself writes metadata only when given `metadata=`), one has none
and one has more.

Besides the *.safetensors files it writes expected.json: for every file, the layers it holds (prefix,
sizes, mask, bias flag) and the float32 values a correct reader must produce, written as decimal numbers
(each one exactly a float32 value, so parsing the decimal as a double and casting to float is exact). The
expected values are decoded here from the bytes written, with Python's own struct module (F16 via 'e',
F64 rounded to float32 via 'f', BF16 as the upper 16 bits of a float32).

In foreign/ it writes state_dicts of other masked modules (karpathy's MADE, torch.nn.utils.prune, nflows'
MADE with its int64 `degrees` buffers) whose weights are non-zero at unconnected positions; their values
follow the rule in foreign_layer, which the tests recompute, so they have no expected.json.

Usage:
    python3 make_fixtures.py            # rewrite the fixtures next to this script
    python3 make_fixtures.py OUT_DIR    # write them to OUT_DIR
    python3 make_fixtures.py --check    # regenerate in a temporary directory and compare byte by byte
                                        # with the checked-in files (exit status 1 on any difference)

The checked-in files must stay byte-identical to this script's output: run `--check` after editing it.
"""

import json
import os
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Element size and struct-based encoder for each dtype used here.
DTYPE_SIZE = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8}


def f32(x):
    """The float32 nearest to x, as a Python float."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def bf16_bits(x):
    """bfloat16 bits of x: the float32 bits rounded to nearest-even on the upper 16 bits."""
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    rounding = 0x7FFF + ((bits >> 16) & 1)
    return ((bits + rounding) >> 16) & 0xFFFF


def encode(dtype, values):
    """(raw little-endian bytes, the float32 values a reader must decode from them)."""
    if dtype == "F32":
        raw = struct.pack("<%df" % len(values), *values)
        return raw, list(struct.unpack("<%df" % len(values), raw))
    if dtype == "F16":
        raw = struct.pack("<%de" % len(values), *values)
        return raw, [f32(v) for v in struct.unpack("<%de" % len(values), raw)]
    if dtype == "BF16":
        bits = [bf16_bits(v) for v in values]
        raw = struct.pack("<%dH" % len(bits), *bits)
        return raw, [struct.unpack("<f", struct.pack("<I", b << 16))[0] for b in bits]
    if dtype == "F64":
        raw = struct.pack("<%dd" % len(values), *values)
        return raw, [f32(v) for v in values]
    if dtype == "I64":
        return struct.pack("<%dq" % len(values), *values), list(values)
    raise ValueError(dtype)


def layer_tensors(prefix, mask_in_out, with_bias, dtype, seed, with_mask=True):
    """The state_dict of one layer: dense weight with zeros (or -0.0, as W * mask gives) where unconnected.

    mask_in_out is the original module's constructor argument, [in][out].
    Returns (tensors {name: (dtype, shape, values)}, expected-layer description for expected.json).
    """
    n_in, n_out = len(mask_in_out), len(mask_in_out[0])
    weight, mask = [], []
    for o in range(n_out):
        for i in range(n_in):
            connected = mask_in_out[i][o] == 1
            # Plain IEEE arithmetic (no libm), so every platform writes the same bytes.
            w = ((seed * 7 + o * 13 + i * 5) % 17 - 8) / 9.7
            if not connected:
                w = -0.0 if w < 0 else 0.0
            weight.append(w)
            mask.append(1.0 if connected else 0.0)
    tensors = {prefix + "weight": (dtype, [n_out, n_in], weight)}
    if with_mask:
        tensors[prefix + "mask"] = (dtype, [n_out, n_in], mask)
    if with_bias:
        tensors[prefix + "bias"] = (dtype, [n_out], [((seed * 3 + o * 11) % 13 - 6) / 7.3 for o in range(n_out)])
    layer = {
        "prefix": prefix,
        "inputs": n_in,
        "outputs": n_out,
        "bias": with_bias,
        "mask_in_out": mask_in_out,
    }
    return tensors, layer


def write_file(path, tensors, metadata, order=None, data_order=None, separators=(",", ":"), pad=True,
               ensure_ascii=True):
    """Writes a safetensors file; returns {name: decoded float32 values}.

    order: the order of the header entries (default: sorted by name, as the reference writer does).
    data_order: the order of the tensors in the data section (default: the header order).
    """
    order = order or sorted(tensors)
    data_order = data_order or order
    offsets, chunks, decoded, position = {}, [], {}, 0
    for name in data_order:
        dtype, shape, values = tensors[name]
        raw, floats = encode(dtype, values)
        offsets[name] = [position, position + len(raw)]
        position += len(raw)
        chunks.append(raw)
        decoded[name] = floats
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    for name in order:
        dtype, shape, _ = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": offsets[name]}
    text = json.dumps(header, separators=separators, ensure_ascii=ensure_ascii).encode("utf-8")
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)
    return decoded


# The masks, [in][out] like the original module's argument.
MASK_A = [  # 4 inputs, 3 outputs; output 2 reads only input 0, input 3 feeds only output 0
    [1, 0, 1],
    [1, 1, 0],
    [0, 1, 0],
    [1, 0, 0],
]
MASK_B = [  # 3 inputs, 2 outputs
    [1, 0],
    [0, 1],
    [1, 1],
]
DENSE_3x2 = [[1, 1], [1, 1], [1, 1]]  # a plain nn.Linear(3, 2)


def fixtures():
    """[(file name, [(layer tensors, layer), ...], metadata, write_file options)]."""
    return [
        ("masked_f32.safetensors", [layer_tensors("", MASK_A, True, "F32", 1)], {"format": "pt"}, {}),
        ("linear_nomask.safetensors", [layer_tensors("", DENSE_3x2, True, "F32", 2, with_mask=False)], None, {}),
        ("masked_f16.safetensors", [layer_tensors("", MASK_A, True, "F16", 3)], {"format": "pt"}, {}),
        ("masked_bf16.safetensors", [layer_tensors("", MASK_A, True, "BF16", 4)], {"format": "pt"}, {}),
        ("masked_f64_nobias.safetensors", [layer_tensors("", MASK_A, False, "F64", 5)], {"format": "pt"}, {}),
        # nn.Sequential(CustomizedLinear(MASK_A), nn.ReLU(), CustomizedLinear(MASK_B, bias=False))
        ("sequential.safetensors",
         [layer_tensors("0.", MASK_A, True, "F32", 6), layer_tensors("2.", MASK_B, False, "F32", 7)],
         {"format": "pt"}, {}),
        # The same network held by another module as self.net: its state_dict names carry "net.".
        ("sequential_nested.safetensors",
         [layer_tensors("net.0.", MASK_A, True, "F32", 9), layer_tensors("net.2.", MASK_B, False, "F32", 10)],
         {"format": "pt"}, {}),
        # Richer metadata, header entries and data in different non-sorted orders, spaces in the JSON,
        # raw UTF-8, no padding: all legal, so a reader must accept them.
        ("metadata.safetensors", [layer_tensors("encoder.", MASK_B, True, "F32", 8)],
         {"format": "pt", "note": "quote \" backslash \\ tab \t check \u2713", "version": "1"},
         {"order": ["encoder.weight", "encoder.mask", "encoder.bias"],
          "data_order": ["encoder.bias", "encoder.weight", "encoder.mask"],
          "separators": (", ", ": "), "pad": False, "ensure_ascii": False}),
    ]


# Files from PyTorch modules other than CustomizedLinear, in foreign/ (so the files above stay the whole
# list the tests compare with expected.json). These modules multiply by the mask inside forward, so their
# `weight` keeps values at unconnected positions: here every weight value is non-zero, by the rule in
# foreign_layer, which the tests recompute on their own (no expected.json for these).
FOREIGN_DIR = "foreign"


def foreign_layer(prefix, mask_in_out, seed, weight_name="weight", mask_name="mask", degrees=None):
    """One masked layer's state_dict, F32, with bias: weight[o][i] = ((seed*7 + o*13 + i*5) % 17 - 8.5) / 9.7
    at every position (never 0), bias[o] = ((seed*3 + o*11) % 13 - 6) / 7.3, mask [out, in] of 1.0/0.0.
    degrees: nflows' int64 buffer of the output degrees, if given."""
    n_in, n_out = len(mask_in_out), len(mask_in_out[0])
    weight = [((seed * 7 + o * 13 + i * 5) % 17 - 8.5) / 9.7 for o in range(n_out) for i in range(n_in)]
    mask = [1.0 if mask_in_out[i][o] == 1 else 0.0 for o in range(n_out) for i in range(n_in)]
    tensors = {
        prefix + weight_name: ("F32", [n_out, n_in], weight),
        prefix + mask_name: ("F32", [n_out, n_in], mask),
        prefix + "bias": ("F32", [n_out], [((seed * 3 + o * 11) % 13 - 6) / 7.3 for o in range(n_out)]),
    }
    if degrees is not None:
        tensors[prefix + "degrees"] = ("I64", [n_out], degrees)
    return tensors


# MASK_B with input 0 also feeding output 1: a file whose mask is not the compiled one.
MASK_B_OTHER = [
    [1, 1],
    [0, 1],
    [1, 1],
]


def foreign_fixtures():
    """[(file name, tensors)]: written sorted, with {"format": "pt"}, as save_file(model.state_dict()) plus metadata."""
    return [
        # karpathy's pytorch-made: MADE.net = nn.Sequential(MaskedLinear, ReLU, MaskedLinear), mask a buffer [out, in].
        ("made.safetensors", {**foreign_layer("net.0.", MASK_A, 11), **foreign_layer("net.2.", MASK_B, 12)}),
        # The same with the second layer's mask not MASK_B.
        ("made_other_mask.safetensors", {**foreign_layer("net.0.", MASK_A, 11), **foreign_layer("net.2.", MASK_B_OTHER, 12)}),
        # torch.nn.utils.prune.custom_from_mask(model.fc, "weight", mask): weight_orig and weight_mask.
        ("prune.safetensors", foreign_layer("fc.", MASK_A, 13, weight_name="weight_orig", mask_name="weight_mask")),
        # nflows' MADE: MaskedLinear layers with a `degrees` buffer (int64 [out]) beside `mask`.
        ("nflows.safetensors",
         {**foreign_layer("initial_layer.", MASK_A, 14, degrees=[1, 2, 1]),
          **foreign_layer("final_layer.", MASK_B, 15, degrees=[2, 3])}),
    ]


def generate(out_dir):
    names = generate_foreign(os.path.join(out_dir, FOREIGN_DIR))
    expected = {}
    for file_name, layers, metadata, options in fixtures():
        tensors = {}
        for layer_tensors_, _ in layers:
            tensors.update(layer_tensors_)
        decoded = write_file(os.path.join(out_dir, file_name), tensors, metadata, **options)
        described = []
        for _, layer in layers:
            prefix = layer["prefix"]
            entry = dict(layer)
            entry["weight"] = decoded[prefix + "weight"]
            entry["bias_values"] = decoded[prefix + "bias"] if layer["bias"] else None
            entry["has_mask"] = (prefix + "mask") in decoded
            entry["dtype"] = tensors[prefix + "weight"][0]
            described.append(entry)
        expected[file_name] = {"layers": described}
    with open(os.path.join(out_dir, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    return sorted(expected) + ["expected.json"] + names


def generate_foreign(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for file_name, tensors in foreign_fixtures():
        write_file(os.path.join(out_dir, file_name), tensors, {"format": "pt"})
    return [FOREIGN_DIR + "/" + name for name, _ in foreign_fixtures()]


def check():
    with tempfile.TemporaryDirectory() as temp:
        names = generate(temp)
        differ = []
        for name in names:
            mine = os.path.join(HERE, name)
            if not os.path.exists(mine):
                differ.append(name + " (missing)")
                continue
            with open(os.path.join(temp, name), "rb") as a, open(mine, "rb") as b:
                if a.read() != b.read():
                    differ.append(name)
    if differ:
        print("differ from the script's output: " + ", ".join(differ))
        return 1
    print("all %d files are byte-identical to the script's output" % len(names))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    generate(sys.argv[1] if len(sys.argv) > 1 else HERE)
