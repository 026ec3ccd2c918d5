"""The checks of notebooks/05_full_optimization.ipynb: ``check_total_cost``, ``check_train_step``.

check_train_step runs the student's step on a tiny StyleTransfer problem whose feature
extractor is the :class:`~nstlib.checks.stand_in.StandInExtractor` (no VGG-19 weights).
"""

import numpy as np
import tensorflow as tf

from .harness import (
    CheckFailed, NUMPY_HINT, as_tensor, close, compare, expect_gradient, expect_symbolic, fmt,
    passed, quiet, run_student, symbolic_failure,
)
from .stand_in import StandInExtractor

# ------------------------------------------------------------------- total cost

_FORMULA = "J = alpha · J_content + beta · J_style"


def check_total_cost(total_cost):
    """Check total_cost(J_content, J_style, alpha, beta) = alpha J_content + beta J_style. Notebook 05."""
    import keras

    name = "total_cost"
    J_content, J_style = tf.constant(2.0), tf.constant(3.0)
    with quiet():
        call = "total_cost(J_content=2.0, J_style=3.0, alpha=10, beta=40)"
        got = as_tensor(run_student(name, total_cost, J_content, J_style, alpha=10, beta=40), call, ())
        expected = 10 * 2.0 + 40 * 3.0
        compare(call, got, expected, [
            (10 * 3.0 + 40 * 2.0, f"alpha and beta look swapped: {_FORMULA}"),
            (10 * 2.0 * 40 * 3.0, f"the terms are multiplied: {_FORMULA}, a sum"),
            (2.0 + 3.0, f"alpha and beta were not used: {_FORMULA}"),
            ((10 * 2.0 + 40 * 3.0) / 2, f"don't average the terms: {_FORMULA}"),
        ])
        call = "total_cost(J_content=2.0, J_style=3.0, alpha=0.5, beta=7)"
        got = as_tensor(run_student(name, total_cost, J_content, J_style, alpha=0.5, beta=7.0), call, ())
        compare(call, got, 0.5 * 2.0 + 7.0 * 3.0, [
            (expected, "total_cost ignores its alpha and beta arguments (it returned the value "
                       "for alpha=10, beta=40): use the parameters, not the numbers 10 and 40"),
            (7.0 * 2.0 + 0.5 * 3.0, f"alpha and beta look swapped: {_FORMULA}"),
            (10 * 2.0 + 7.0 * 3.0, "total_cost ignores its alpha argument: use alpha, not 10"),
            (0.5 * 2.0 + 40 * 3.0, "total_cost ignores its beta argument: use beta, not 40"),
        ])
        if close(got, 0.0):
            raise CheckFailed(f"{call} returned 0")
        call = "total_cost(J_content, J_style, alpha=10, beta=40)"
        # the gradient: dJ/dJ_content = alpha, dJ/dJ_style = beta
        expect_gradient(
            name, total_cost, (J_content, J_style), [0, 1], call, kwargs={"alpha": 10, "beta": 40},
            message=f"no gradient flows from total_cost back to J_content and J_style: {NUMPY_HINT}",
        )
        expect_symbolic(
            name, total_cost,
            ([tf.TensorSpec((), tf.float32)] * 2,
             lambda: (keras.Input(batch_shape=()), keras.Input(batch_shape=())),
             lambda fn, c, s: fn(c, s, alpha=10, beta=40)),
            (J_content, J_style), expected, call,
        )
    passed(name)


# ------------------------------------------------------------------- train step

_CALL = "train_step(image, problem, optimizer)"
_APPLY = "optimizer.apply_gradients([(grad, image)])"
_WEIGHTS_HINT = (
    "the weights of the feature extractor changed: take the gradient with respect to the "
    "image only, grad = tape.gradient(J, image), and apply it to the image; the network "
    "stays frozen"
)


def check_train_step(train_step):
    """Check train_step(image, problem, optimizer): one step of gradient descent on the image.

    It must compute J = problem.costs(image)["total"] under a tf.GradientTape, take the
    gradient with respect to the image only, apply it with the optimizer, clip the
    image to [0, 1] and return J (a scalar tf.Tensor). Checked on a tiny problem with
    a stand-in feature extractor (no VGG-19 weights needed). Notebook 05.
    """
    name = "train_step"
    with quiet():
        problem, start = _train_problem()
        kernels = [k.numpy() for k in problem.extractor.kernels]
        image = tf.Variable(start)
        before = image.numpy()
        with tf.GradientTape() as tape:
            J_before = problem.costs(image)["total"]
        grad = tape.gradient(J_before, image).numpy()
        J_before = float(J_before)
        optimizer = _adam()  # unbuilt: it must not refuse the weights before we can see them change

        out = _run_train_step(name, train_step, image, problem, optimizer)
        after = image.numpy()
        _expect_one_optimizer_step(problem.extractor, kernels, before, after, int(optimizer.iterations))
        if isinstance(out, dict):
            raise CheckFailed(f"{_CALL} returned the dict of costs: return J, its 'total' entry (a scalar)")
        J = as_tensor(out, _CALL, ())
        if after.min() < 0.0 or after.max() > 1.0:
            raise CheckFailed(
                f"the image left [0, 1] (its pixels went from {after.min():.3g} to "
                f"{after.max():.3g}): clip it after the update with "
                "image.assign(tf.clip_by_value(image, 0.0, 1.0))"
            )
        _expect_cost_before_the_update(J, J_before, problem, after)
        _expect_a_step_downhill(before, after, grad)
        _check_train_step_graph(name, train_step)
    passed(name)


def _train_problem(seed=0, size=16):
    """A StyleTransfer problem on small seeded images with the stand-in extractor."""
    from ..config import Config
    from ..core.problem import StyleTransfer

    rng = np.random.default_rng(seed)
    content, style, start = rng.uniform(size=(3, 1, size, size, 3)).astype(np.float32)
    start[:, : size // 2] = np.round(start[:, : size // 2])  # pixels at 0 and 1: clipping matters
    config = Config(
        content_layers=("block3_conv1",),
        style_layers=(("block1_conv1", 0.5), ("block2_conv1", 0.5)),
        alpha=10.0, beta=40.0,
    )
    extractor = StandInExtractor(config.layer_names, seed=seed)
    problem = StyleTransfer(tf.constant(content), tf.constant(style), config, extractor=extractor)
    return problem, start  # start: the image a step starts from, neither content nor style


def _adam(variable=None, learning_rate=0.05):
    """Adam; built for `variable` if given, so its slots exist before a tf.function traces it."""
    import keras

    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    if variable is not None:
        optimizer.build([variable])
    return optimizer


def _run_train_step(name, train_step, image, problem, optimizer):
    """train_step(image, problem, optimizer), with hints for the optimizer's own errors."""
    try:
        return run_student(name, train_step, image, problem, optimizer)
    except CheckFailed as e:
        if "originally built with" in str(e):
            raise CheckFailed(_WEIGHTS_HINT) from None
        if "No gradients provided" in str(e):
            raise CheckFailed(
                f"{e} tape.gradient(J, image) returned None: compute J inside the "
                "`with tf.GradientTape() as tape:` block, then take the gradient after it"
            ) from None
        raise


def _expect_one_optimizer_step(extractor, kernels, before, after, steps):
    """The optimizer took one step (`steps`), on the image (before -> after), not the weights."""
    if any(not np.array_equal(w, k.numpy()) for w, k in zip(kernels, extractor.kernels)):
        raise CheckFailed(_WEIGHTS_HINT)
    if np.array_equal(after, before):
        if steps == 0:
            raise CheckFailed(f"the image did not change: apply the gradient to it with {_APPLY}")
        raise CheckFailed(
            f"the optimizer ran but the image did not change: apply the gradient with "
            f"respect to the image, {_APPLY}"
        )
    if steps == 0:
        raise CheckFailed(
            f"the image changed but the optimizer was not used: apply the gradient with "
            f"{_APPLY} instead of updating the image yourself"
        )
    if steps > 1:
        raise CheckFailed(
            f"the optimizer took {steps} steps in one call: call "
            "optimizer.apply_gradients once per train_step"
        )


def _expect_cost_before_the_update(J, J_before, problem, after):
    """train_step returned J, the total cost of the image before the update."""
    if close(J, J_before):
        return
    J_after = float(problem.costs(tf.constant(after))["total"])
    if close(J, J_after):
        raise CheckFailed(
            f"{_CALL} returned the cost after the update ({J_after:.6g}): return the J "
            f"computed in the tape, before the update ({J_before:.6g})"
        )
    raise CheckFailed(
        f"{_CALL} returned {fmt(J)}, expected the total cost of the image, "
        f"problem.costs(image)['total'] = {J_before:.6g}"
    )


def _expect_a_step_downhill(before, after, grad):
    """The image is where one Adam step on the gradient `grad` takes it from `before`."""
    step = _one_adam_step(grad)
    if np.allclose(after, np.clip(before - step, 0.0, 1.0), atol=1e-5):
        return
    if np.allclose(after, np.clip(before + step, 0.0, 1.0), atol=1e-5):
        raise CheckFailed(
            "the image moved uphill, in the direction that raises the cost: give the "
            "optimizer the gradient itself (it subtracts it), not its negative"
        )
    inside = (before > 0.0) & (before < 1.0) & (after > 0.0) & (after < 1.0)
    slope = float(np.sum((after - before)[inside] * grad[inside]))
    raise CheckFailed(
        "the image is not where one optimizer step on the gradient of the total cost "
        "takes it" + (" (the step even raised the total cost)" if slope > 0 else "")
        + ": take grad = tape.gradient(J, image) with J = problem.costs(image)['total'], "
        "and apply it once"
    )


def _one_adam_step(grad):
    """The change a fresh Adam (as _adam() makes) applies on its first step."""
    v = tf.Variable(tf.zeros_like(grad))
    opt = _adam(v)
    opt.apply_gradients([(tf.constant(grad), v)])
    return -v.numpy()


def _check_train_step_graph(name, train_step):
    """train_step must also run inside a tf.function (as stylize's loop does)."""
    problem, start = _train_problem(seed=1)
    image = tf.Variable(start)
    before = image.numpy()
    optimizer = _adam(image)
    step = tf.function(lambda: train_step(image, problem, optimizer))
    try:
        out = step()
        out = step()
    except Exception as e:
        raise symbolic_failure(name, train_step, e, "inside a tf.function") from None
    as_tensor(out, f"{_CALL} inside a tf.function", ())
    after = image.numpy()
    if np.array_equal(after, before) or after.min() < 0.0 or after.max() > 1.0:
        raise CheckFailed(
            f"{_CALL} works eagerly but not inside a tf.function: update the image with "
            "optimizer.apply_gradients and image.assign, not by rebinding a Python name"
        )
