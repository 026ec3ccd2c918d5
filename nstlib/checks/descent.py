"""What the checks of the optimization loops share: notebook 02's reconstruct, notebook 05's train_step.

Both run the student's code on a tiny problem whose feature extractor is the
:class:`~nstlib.checks.stand_in.StandInExtractor` (its weights are trainable on
purpose) with Keras' Adam, then look at the image and the weights it leaves:

- :func:`adam`: the optimizer the checks hand over, or run their references with;
- :func:`run_optimizing_code`: the student's call, with hints for the optimizer's own errors;
- :func:`expect_frozen_weights`: the extractor's weights did not move;
- :func:`expect_unit_range`: the image stayed in [0, 1].
"""

import numpy as np

from .harness import CheckFailed, run_student

WEIGHTS_HINT = (
    "the weights of the feature extractor changed: the gradient was taken or applied with "
    "respect to the network's variables; take it with respect to the image only, and apply "
    "it to the image only: the network stays frozen"
)
NOT_A_VARIABLE_HINT = (
    "the optimizer was given a tensor, not a tf.Variable: `image = tf.clip_by_value(...)` "
    "rebinds the name `image` to a new plain tensor, and the variable is lost; make the image "
    "a tf.Variable once, before the loop, and change that variable in place (look up "
    "tf.Variable.assign)"
)


def adam(variable=None, learning_rate=0.05):
    """Adam; built for `variable` if given, so its slots exist before a tf.function traces it."""
    import keras

    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    if variable is not None:
        optimizer.build([variable])
    return optimizer


def run_optimizing_code(name, fn, *args):
    """fn(*args) for code that runs an optimizer, with hints for the optimizer's own errors."""
    try:
        return run_student(name, fn, *args)
    except CheckFailed as e:
        text = str(e)
        if "originally built with" in text:
            raise CheckFailed(WEIGHTS_HINT) from None
        if "No gradients provided" in text:
            raise CheckFailed(
                f"{e} the gradient came back None: a tape records only what is computed "
                "inside its `with` block; compute J inside the tape's block, then take the "
                "gradient after it"
            ) from None
        if "_unique_id" in text or "object has no attribute 'assign" in text:
            raise CheckFailed(f"{name}: {NOT_A_VARIABLE_HINT}") from None
        raise


def kernels_of(extractor):
    """A copy of the extractor's weights, to compare with after the student's code ran."""
    return [k.numpy() for k in extractor.kernels]


def expect_frozen_weights(extractor, kernels):
    """The extractor's weights are still `kernels` (see kernels_of)."""
    if any(not np.array_equal(w, k.numpy()) for w, k in zip(kernels, extractor.kernels)):
        raise CheckFailed(WEIGHTS_HINT)


def expect_unit_range(image):
    """The image (numpy) stayed in [0, 1]."""
    if image.min() < 0.0 or image.max() > 1.0:
        raise CheckFailed(
            f"the image left [0, 1] (its pixels went from {image.min():.3g} to "
            f"{image.max():.3g}): an optimizer step can push pixels past 0 or 1; clip the "
            "variable back to [0, 1] in place after each update (tf.clip_by_value)"
        )
