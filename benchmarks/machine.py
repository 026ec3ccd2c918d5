"""What machine a benchmark ran on: the line every table starts with.

The CPU's model and the instruction sets that decide the speed (AVX2, AVX-512,
AVX512_BF16, AMX), the cores, the GPU if any, TensorFlow's version and whether its
oneDNN kernels are on, and the paths nstlib takes here: the precision that "auto" picks
and how the input gradient of a convolution is computed.
"""

import os

import tensorflow as tf

from nstlib.core.vgg import bfloat16_is_fast, forward_gradient_is_faster, resolve_precision

FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16")


def cpu():
    """(model name, {flag: present}) from /proc/cpuinfo (empty on other systems)."""
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
    except OSError:
        return "unknown CPU", {}
    model = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name")),
                 "unknown CPU")
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), [])
    return model, {flag: flag in flags for flag in FLAGS}


def onednn():
    """TensorFlow's oneDNN kernels: on, off, or its default for this CPU."""
    value = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    if value is None:
        return "default for this CPU"
    return "on" if value not in ("0", "false", "False") else "off"


def describe():
    model, flags = cpu()
    have = [f.upper() for f, present in flags.items() if present] or ["none of " + ", ".join(FLAGS)]
    lacks = [f.upper() for f, present in flags.items() if not present]
    gpus = tf.config.list_physical_devices("GPU")
    device = f"GPU {gpus[0].name}" if gpus else "no GPU"
    precision = resolve_precision("auto")
    gradient = "a forward convolution" if forward_gradient_is_faster(precision) else "TensorFlow's kernel"
    return (f"{model}, {os.cpu_count()} cores, {device}; has {' '.join(have)}"
            + (f", lacks {' '.join(lacks)}" if lacks else "")
            + f"; TensorFlow {tf.__version__} (oneDNN: {onednn()}); precision auto = {precision}"
            + f" (bfloat16 fast: {bfloat16_is_fast()}); a convolution's input gradient: {gradient} (measured)")
