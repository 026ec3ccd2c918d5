"""A trained network's record: how it was made, so that anyone can make it again.

The record (its command made by nstlib.cli.train) goes into the .nstnet file (``meta["record"]``) and, for a shipped network,
into a JSON file beside it with the file's sha256: the exact command, the photos, the
steps, the time, the machine (CPU model, cores), the versions and the final costs.
Taught in notebook 08.
"""

import hashlib
import os
import platform


def cpu_model():
    """The CPU's model name as /proc/cpuinfo gives it (else platform.processor())."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine():
    """{"cpu", "cores", "gpu", "python", "tensorflow", "system"} of this machine."""
    import tensorflow as tf

    return {"cpu": cpu_model(), "cores": os.cpu_count(), "system": platform.platform(),
            "gpu": [d.name for d in tf.config.list_physical_devices("GPU")],
            "python": platform.python_version(), "tensorflow": tf.__version__}


def sha256(path):
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def final_costs(history, last=50):
    """The mean of each cost over the last `last` steps of a run's history ({} for none)."""
    return {name: sum(values[-last:]) / len(values[-last:]) for name, values in history.items() if values}
