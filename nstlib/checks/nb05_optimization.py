"""The checks of notebooks/05_full_optimization.ipynb.

``check_total_variation``, ``check_total_cost``, ``check_train_step``.

check_train_step runs the student's step on a tiny StyleTransfer problem whose feature
extractor is the :class:`~nstlib.checks.stand_in.StandInExtractor` (no VGG-19 weights).
"""

import numpy as np
import tensorflow as tf

from ..core import costs
from .descent import adam, expect_frozen_weights, expect_unit_range, kernels_of, run_optimizing_code
from .harness import (
    NUMPY_HINT,
    CheckFailed,
    activation_inputs,
    as_tensor,
    close,
    compare,
    expect_gradient,
    expect_symbolic,
    expect_zero_to_itself,
    fmt,
    passed,
    quiet,
    run_function_checks,
    run_student,
    symbolic_failure,
)
from .stand_in import StandInExtractor

# ------------------------------------------------------------- total variation


def check_total_variation(total_variation):
    """Check total_variation(image) = sum |x[i+1, j] - x[i, j]| + sum |x[i, j+1] - x[i, j]|.

    image: (1, H, W, 3); the sums run over the pixel pairs of each channel (anisotropic,
    L1: tf.image.total_variation summed), to a float32 scalar. Notebook 05.
    """
    name, shape = "total_variation", (1, 5, 7, 3)
    image = tf.constant(np.random.default_rng(9).uniform(size=shape).astype(np.float32))
    flat = tf.fill(shape, 0.3)
    run_function_checks(
        name, total_variation, (image,), costs.total_variation_cost(image).numpy(),
        f"total_variation(image) for an image of shape {shape}", "total_variation(image)",
        wrt=[0], build=activation_inputs((3,)), mistakes=_tv_mistakes(image.numpy()),
        shape_hints={(1,): "tf.image.total_variation returns one value per image, shape (1,): "
                           "the cost is one number, a scalar: sum over every axis"},
        more=lambda: expect_zero_to_itself(name, total_variation, (flat,), "total_variation(a flat image)",
                                           ": a flat image has no variation"),
    )


def _tv_mistakes(x):
    """The values of typical wrong total variations of the image x (numpy), with their hints."""
    rows, columns = np.diff(x, axis=1), np.diff(x, axis=2)  # x[:, i+1] - x[:, i], x[:, :, j+1] - x[:, :, j]
    total = np.abs(rows).sum() + np.abs(columns).sum()
    slices = ("each pixel minus its neighbour, along the rows' axis (1) and along the columns' axis (2): "
              "two slices of the image that differ by a shift of one pixel along that axis")
    mean = "a mean instead of a sum: total variation adds up every difference, with tf.reduce_sum"
    wrapped = np.abs(np.roll(x, 1, axis=1) - x).sum() + np.abs(np.roll(x, 1, axis=2) - x).sum()
    return [
        ((rows**2).sum() + (columns**2).sum(), "the differences were squared (L2): total variation "
                                               "adds up their absolute values, with tf.abs"),
        (np.abs(rows).sum(), f"only the differences between rows: add those between columns, {slices}"),
        (np.abs(columns).sum(), f"only the differences between columns: add those between rows, {slices}"),
        (np.abs(rows).mean() + np.abs(columns).mean(), mean),
        (total / x.size, mean),
        (total / (x.shape[1] * x.shape[2]), mean),
        (np.abs(np.concatenate([rows.ravel(), columns.ravel()])).mean(), mean),
        (wrapped, "the differences wrap around: tf.roll also pairs the last row with the first "
                  "(and the last column with the first), which are not neighbours; pair only true "
                  "neighbours, with slices that each leave out one row (column) at one end"),
        (rows.sum() + columns.sum(), "take the absolute value of each difference (tf.abs): signed "
                                     "differences cancel out, their sum is only last row − first row "
                                     "(and last column − first column)"),
    ]


# ------------------------------------------------------------------- total cost

_WEIGHTED_SUM = "the total cost is a weighted sum: each cost times its own weight, added up"
_SIGNATURE = "the signature is total_cost(J_content, J_style, alpha=10, beta=40, J_tv=0.0, tv_weight=0.0)"
_J = (2.0, 3.0, 5.0)  # J_content, J_style, J_tv
_WEIGHTS = ({"alpha": 10.0, "beta": 40.0, "tv_weight": 0.5}, {"alpha": 0.5, "beta": 7.0, "tv_weight": 3.0})


def _total(w, J=_J):
    return w["alpha"] * J[0] + w["beta"] * J[1] + w["tv_weight"] * J[2]


def check_total_cost(total_cost):
    """Check total_cost(J_content, J_style, J_tv, alpha, beta, tv_weight). Notebook 05.

    = alpha J_content + beta J_style + tv_weight J_tv, for two sets of weights (given
    by name), with a gradient to each cost and inside a tf.function and a Keras model.
    """
    import keras

    name = "total_cost"
    J = tuple(tf.constant(v) for v in _J)

    def value(weights):
        given = ", ".join(f"{k}={v:g}" for k, v in weights.items())
        call = f"total_cost(J_content=2.0, J_style=3.0, {given.replace('tv_weight', 'J_tv=5, tv_weight')})"
        try:
            return call, as_tensor(run_student(name, total_cost, J[0], J[1], J_tv=J[2], **weights), call, ())
        except CheckFailed as e:
            if "TypeError" in str(e) and "argument" in str(e):  # e.g. the signature without J_tv
                raise CheckFailed(f"{e}: {_SIGNATURE}") from None
            raise

    def ignored(weights, other, got):
        """The hint if changing some weights (to other's) does not change the value got."""
        names = [k for k in weights if close(value({**weights, k: other[k]})[1], got)]
        if names:
            listed = " and ".join(filter(None, [", ".join(names[:-1]), names[-1]]))
            return (f"total_cost ignores its {listed} argument{'s' * (len(names) > 1)} (its value does "
                    f"not change with {listed}): use the parameters, not fixed numbers")
        return None

    with quiet():
        for weights, other in (_WEIGHTS, _WEIGHTS[::-1]):
            call, got = value(weights)
            compare(call, got, _total(weights), _total_mistakes(weights),
                    diagnose=lambda got: ignored(weights, other, got))  # noqa: B023 (called at once)
        _expect_the_assignments_call(name, total_cost, J)
        call = "total_cost(J_content, J_style, alpha=10, beta=40, J_tv=J_tv, tv_weight=0.5)"
        expect_gradient(
            name, lambda c, s, t, **w: total_cost(c, s, J_tv=t, **w), J, [0, 1, 2], call, kwargs=_WEIGHTS[0],
            message=f"no gradient flows from total_cost back to J_content, J_style and J_tv: {NUMPY_HINT}",
        )
        expect_symbolic(
            name, total_cost,
            ([tf.TensorSpec((), tf.float32)] * 3, lambda: [keras.Input(batch_shape=()) for _ in J],
             lambda fn, *t: fn(t[0], t[1], J_tv=t[2], **_WEIGHTS[0])),
            J, _total(_WEIGHTS[0]), call,
        )
    passed(name)


def _expect_the_assignments_call(name, total_cost, J):
    """total_cost(J_content, J_style, 10, 40), positional, as deeplearning.ai's assignment calls it."""
    call = "total_cost(J_content=2.0, J_style=3.0, 10, 40)"
    got = as_tensor(run_student(name, total_cost, J[0], J[1], 10.0, 40.0), call, ())
    if not close(got, 10.0 * _J[0] + 40.0 * _J[1]):
        raise CheckFailed(
            f"{call} = {float(got):g}, expected {10.0 * _J[0] + 40.0 * _J[1]:g}: called with two weights "
            f"after the costs, as deeplearning.ai's assignment calls it, alpha and beta must be the third "
            f"and fourth parameters, and the smoothness term must count 0 when it is not given: {_SIGNATURE}"
        )


def _total_mistakes(w):
    """The values of typical wrong total costs for the weights w, with their hints."""
    c, s, t = _J
    terms = (w["alpha"] * c, w["beta"] * s, w["tv_weight"] * t)
    return [
        (w["alpha"] * s + w["beta"] * c + w["tv_weight"] * t, "alpha and beta look swapped: alpha weighs "
                                                              "the content cost, beta the style cost"),
        (terms[0] * terms[1] * terms[2], f"the terms are multiplied: {_WEIGHTED_SUM}"),
        (terms[0] * terms[1] + terms[2], f"the terms are multiplied: {_WEIGHTED_SUM}"),
        (c + s + t, f"the weights were not used: {_WEIGHTED_SUM}"),
        (sum(terms) / 3, f"don't average the terms, nothing is divided: {_WEIGHTED_SUM}"),
        (sum(terms) / 2, f"don't average the terms, nothing is divided: {_WEIGHTED_SUM}"),
        (terms[0] + terms[1], "the total variation term is missing: the total has three weighted terms, "
                              "content, style and total variation"),
        (terms[0] + terms[1] + t, "J_tv is not weighted: multiply it by tv_weight, as alpha and beta "
                                  "weigh the other two costs"),
    ]


# ------------------------------------------------------------------- train step

_CALL = "train_step(image, problem, optimizer)"
_APPLY = "the optimizer's apply_gradients, which takes (gradient, variable) pairs"


def check_train_step(train_step):
    """Check train_step(image, problem, optimizer): one step of gradient descent on the image.

    It must compute J = problem.costs(image)["total"] under a tf.GradientTape, take the
    gradient with respect to the image only, apply it with the optimizer, clip the
    image to [0, 1] and return J (a scalar tf.Tensor). Checked on a tiny problem with
    a stand-in feature extractor (no VGG-19 weights needed). Notebook 05.
    """
    name = "train_step"
    with quiet():
        problem, start = small_train_problem()
        kernels = kernels_of(problem.extractor)
        image = tf.Variable(start)
        before = image.numpy()
        with tf.GradientTape() as tape:
            J_before = problem.costs(image)["total"]
        grad = tape.gradient(J_before, image).numpy()
        J_before = float(J_before)
        optimizer = adam()  # unbuilt: it must not refuse the weights before we can see them change

        out = run_optimizing_code(name, train_step, image, problem, optimizer)
        after = image.numpy()
        expect_frozen_weights(problem.extractor, kernels)
        _expect_one_optimizer_step(before, after, int(optimizer.iterations))
        if isinstance(out, dict):
            raise CheckFailed(f"{_CALL} returned the dict of costs: return J, its 'total' entry (a scalar)")
        J = as_tensor(out, _CALL, ())
        expect_unit_range(after)
        _expect_cost_before_the_update(J, J_before, problem, after)
        _expect_a_step_downhill(before, after, grad)
        _check_train_step_graph(name, train_step)
    passed(name)


def small_train_problem(seed=0, size=16):
    """A StyleTransfer problem on small seeded images with the stand-in extractor (the train_step
    check, and the hidden tests of notebook 05, use it)."""
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


def _expect_one_optimizer_step(before, after, steps):
    """The optimizer took one step (`steps`) on the image (before -> after)."""
    if np.array_equal(after, before):
        if steps == 0:
            raise CheckFailed(f"the image did not change: apply the gradient to it with {_APPLY}")
        raise CheckFailed(
            "the optimizer ran but the image did not change: apply the gradient with "
            f"respect to the image to the image variable, with {_APPLY}"
        )
    if steps == 0:
        raise CheckFailed(
            f"the image changed but the optimizer was not used: apply the gradient with "
            f"{_APPLY}, instead of updating the image yourself"
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
        f"{_CALL} returned {fmt(J)}, expected the total cost of the image before the "
        f"update, the 'total' entry of problem.costs, {J_before:.6g}"
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
        + ": take the gradient of the total cost with respect to the image, and apply it "
        "once"
    )


def _one_adam_step(grad):
    """The change a fresh Adam (as adam() makes) applies on its first step."""
    v = tf.Variable(tf.zeros_like(grad))
    opt = adam(v)
    opt.apply_gradients([(tf.constant(grad), v)])
    return -v.numpy()


def _check_train_step_graph(name, train_step):
    """train_step must also run inside a tf.function (as stylize's loop does)."""
    problem, start = small_train_problem(seed=1)
    image = tf.Variable(start)
    before = image.numpy()
    optimizer = adam(image)
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


def mystery_run(content, style, steps):
    """Notebook 05's "diagnose this run": the notebook's problem with one optimizer setting
    broken. (Read this only after you have written your answer.)"""
    from ..config import Config
    from ..pipeline import stylize

    config = Config(max_dim=max(content.shape[1:3]), steps=steps, tv_weight=1e5,
                    learning_rate=0.8, adam_epsilon=1e-7)  # each step moves every pixel by about 0.8
    with quiet():
        return stylize(content, style, config, progress=False)
