"""nstlib.checks: each check passes the reference and fails each typical mistake with its hint.

Only check_feature_extractor needs the real VGG-19 weights (loaded once, by the `vgg`
fixture); the train-step and reconstruction checks run on a stand-in extractor.
"""

import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from own_work_rule import reference_passes, rule_on, wrong_answers_may_use_the_package  # noqa: F401

from nstlib import checks
from nstlib.checks import CheckFailed, NotImplementedYet
from nstlib.core import costs

# Pieces of the exercises' solutions: a hint names the mistake and the idea of the fix, and
# never prints the code that solves the exercise (issue 22).
SOLUTION_CODE = (
    "transpose_b=True", "tf.matmul(A, tf.transpose(A))", "tf.sqrt(mask)", "tf.reduce_sum(mask)",
    "keras.Model(inputs=vgg.input", "vgg.get_layer(name).output", "model.trainable = False",
    "tf.Variable(start)", "image.assign(", "tape.gradient(J, image)", "apply_gradients([(",
    "keras.optimizers.Adam(learning_rate)", "range(steps)", "J_style +=", "zip(a_S, a_G",
    "tf.transpose(tf.reshape(", "image[..., ::-1]", "tf.clip_by_value(image, 0.0, 1.0)",
    "tf.clip_by_value(rgb", "tf.cast(tf.shape(a)", "x[:, 1:] - x[:, :-1]", "alpha · J_content +",
)


def assert_no_solution_code(message):
    """message (a check's hint) quotes no piece of a solution, outside the student's own line."""
    own_line = re.sub(r"\(line \d+ of your cell: `.*?`\)", "", message)
    for code in SOLUTION_CODE:
        assert code not in own_line, f"the hint prints solution code {code!r}: {message!r}"


def fails_with(check, fn, *hints):
    """Run check(fn); it must raise CheckFailed whose one-line message holds every hint,
    and no piece of solution code."""
    with pytest.raises(CheckFailed) as info:
        check(fn)
    message = str(info.value)
    assert "\n" not in message
    for hint in hints:
        assert hint in message, f"{hint!r} not in {message!r}"
    assert_no_solution_code(message)
    return message


def stub(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


def dims(a):
    return [tf.cast(tf.shape(a)[i], tf.float32) for i in (1, 2, 3)]


# --------------------------------------------------------------------------- the exceptions

def test_check_failed_is_an_assertion_error_shown_as_one_line():
    e = CheckFailed("the value is 4x too large:\n  did you forget the 4?")
    assert isinstance(e, AssertionError)
    assert str(e) == "the value is 4x too large: did you forget the 4?"
    lines = e._render_traceback_()
    assert len(lines) == 1 and "did you forget the 4?" in lines[0] and "\n" not in lines[0]


def test_not_implemented_yet_is_a_check_failed_with_the_one_line_message():
    e = NotImplementedYet("gram_matrix")
    assert isinstance(e, CheckFailed)
    assert str(e) == (
        "gram_matrix is not implemented yet: replace `raise NotImplementedError()` with your "
        "code (under `# YOUR CODE HERE`), then run this cell again"
    )
    assert len(e._render_traceback_()) == 1


def test_ipython_shows_a_failed_check_as_one_line_and_the_cell_fails(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns["checks"] = checks
    shell.user_ns["stub"] = stub
    result = shell.run_cell("checks.check_gram_matrix.raw(stub)")
    assert not result.success and isinstance(result.error_in_exec, NotImplementedYet)
    out = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out).strip()
    assert out == (
        "✗ gram_matrix is not implemented yet: replace `raise NotImplementedError()` with your "
        "code (under `# YOUR CODE HERE`), then run this cell again"
    )
    assert "Traceback" not in out


def test_nst_error_is_shown_as_one_line():
    from nstlib.errors import NSTError

    lines = NSTError("No such file: x.png. Check the file's name.")._render_traceback_()
    assert len(lines) == 1 and "No such file: x.png" in lines[0]


@pytest.mark.parametrize("check", [
    checks.check_preprocess, checks.check_feature_extractor, checks.check_reconstruct,
    checks.check_content_cost, checks.check_gram_matrix, checks.check_layer_style_cost,
    checks.check_style_cost, checks.check_position_gram, checks.check_layer_style_cost_any_size,
    checks.check_total_variation, checks.check_total_cost, checks.check_train_step,
    checks.check_preserve_luminance, checks.check_masked_gram,
], ids=lambda check: check.__name__)
@pytest.mark.slow
def test_a_stub_is_not_implemented_yet(check, vgg_weights, capsys):
    name = check.__name__.removeprefix("check_")
    message = fails_with(check.raw, stub, f"{name} is not implemented yet")
    with pytest.raises(NotImplementedYet):
        check.raw(stub)
    # The student's notebook has the stub, not the solution markers: the message names the stub.
    assert "replace `raise NotImplementedError()`" in message and "# YOUR CODE HERE" in message
    assert "BEGIN SOLUTION" not in message
    # As the notebook calls it, the check says so and hands back the package's version: Run All goes on.
    capsys.readouterr()
    go_on_with = check(stub)
    out = capsys.readouterr().out
    assert f"{name} is not finished yet" in out and f"the cells below use the package's {name}" in out
    assert go_on_with is not stub and callable(go_on_with)
    assert go_on_with.__module__.startswith("nstlib.")


def test_a_stub_in_a_cell_does_not_stop_run_all(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns["checks"] = checks
    shell.user_ns["stub"] = stub
    result = shell.run_cell("gram_matrix = checks.check_gram_matrix(stub)")
    assert result.success
    from nstlib.core import costs

    assert shell.user_ns["gram_matrix"] is costs.gram_matrix
    assert "gram_matrix is not finished yet" in capsys.readouterr().out


# --------------------------------------------------------------------------- content cost

def test_content_cost_reference_passes(capsys):
    reference_passes(checks.check_content_cost, costs.content_cost)
    assert capsys.readouterr().out == "✓ content_cost: all checks passed\n"


def test_content_cost_written_like_the_course_passes(capsys):
    def content_cost(a_C, a_G):
        _, n_H, n_W, n_C = tf.unstack(tf.cast(tf.shape(a_G), tf.float32))
        return tf.reduce_sum(tf.square(a_C - a_G)) / (4 * n_H * n_W * n_C)

    checks.check_content_cost(content_cost)
    assert "✓ content_cost" in capsys.readouterr().out


def test_content_cost_missing_the_4():
    def content_cost(a_C, a_G):
        n_H, n_W, n_C = dims(a_G)
        return tf.reduce_sum(tf.square(a_C - a_G)) / (n_H * n_W * n_C)

    fails_with(checks.check_content_cost, content_cost,
               "the value is 4x too large: did you forget the 4 in 1/(4 n_H n_W n_C)?")


def test_content_cost_missing_the_normalization():
    def content_cost(a_C, a_G):
        return tf.reduce_sum(tf.square(a_C - a_G))

    fails_with(checks.check_content_cost, content_cost, "420x too large", "divide the sum by 4 n_H n_W n_C")


def test_content_cost_missing_n_C():
    def content_cost(a_C, a_G):
        n_H, n_W, _ = dims(a_G)
        return tf.reduce_sum(tf.square(a_C - a_G)) / (4 * n_H * n_W)

    fails_with(checks.check_content_cost, content_cost, "7x too large", "missing n_C")


def test_content_cost_with_reduce_mean_divides_twice():
    def content_cost(a_C, a_G):
        n_H, n_W, n_C = dims(a_G)
        return tf.reduce_mean(tf.square(a_C - a_G)) / (4 * n_H * n_W * n_C)

    fails_with(checks.check_content_cost, content_cost, "105x too small", "tf.reduce_mean already divides")


def test_content_cost_without_the_square():
    def content_cost(a_C, a_G):
        n_H, n_W, n_C = dims(a_G)
        return tf.reduce_sum(a_C - a_G) / (4 * n_H * n_W * n_C)

    fails_with(checks.check_content_cost, content_cost, "square the differences")


def test_content_cost_with_numpy():
    def content_cost(a_C, a_G):
        _, n_H, n_W, n_C = a_G.shape
        return np.sum(np.square(a_C - a_G)) / (4 * n_H * n_W * n_C)

    fails_with(checks.check_content_cost, content_cost, "returned a numpy", "use tf.* ops")


def test_content_cost_with_dot_numpy():
    def content_cost(a_C, a_G):
        n_H, n_W, n_C = dims(a_G)
        return tf.reduce_sum(tf.square(a_C - a_G)).numpy() / (4 * n_H * n_W * n_C)

    fails_with(checks.check_content_cost, content_cost, "no gradient flows", ".numpy()")


def test_content_cost_back_through_numpy_has_no_gradient():
    def content_cost(a_C, a_G):
        n_H, n_W, n_C = dims(a_G)
        return tf.constant(np.sum((a_C.numpy() - a_G.numpy()) ** 2)) / (4 * n_H * n_W * n_C)

    fails_with(checks.check_content_cost, content_cost, "no gradient flows")


def test_content_cost_with_static_shapes_fails_when_sizes_are_unknown():
    def content_cost(a_C, a_G):
        m, n_H, n_W, n_C = a_G.get_shape().as_list()
        return tf.reduce_sum(tf.square(a_C - a_G)) / (4 * n_H * n_W * n_C)

    fails_with(checks.check_content_cost, content_cost,
               "inside a tf.function with unknown sizes", "tf.shape(a)",
               "of your cell: `return tf.reduce_sum(tf.square(a_C - a_G)) / (4 * n_H * n_W * n_C)`")


def test_content_cost_returning_none():
    def content_cost(a_C, a_G):
        tf.reduce_sum(tf.square(a_C - a_G))

    fails_with(checks.check_content_cost, content_cost, "returned None", "return")


def test_content_cost_returning_a_vector():
    def content_cost(a_C, a_G):
        n_H, n_W, n_C = dims(a_G)
        return tf.reduce_sum(tf.square(a_C - a_G), axis=-1) / (4 * n_H * n_W * n_C)

    fails_with(checks.check_content_cost, content_cost, "expected a scalar")


def test_content_cost_raising_shows_the_students_line():
    def content_cost(a_C, a_G):
        return tf.reduce_sum(tf.square(a_C - a_G)) / (4 * tf.shape(a_G)[1])

    message = fails_with(checks.check_content_cost, content_cost, "content_cost raised")
    assert "your cell" in message and "4 * tf.shape(a_G)[1]" in message


# --------------------------------------------------------------------------- gram matrix

def test_gram_matrix_reference_passes(capsys):
    reference_passes(checks.check_gram_matrix, costs.gram_matrix)
    assert capsys.readouterr().out == "✓ gram_matrix: all checks passed\n"


def test_gram_matrix_transposed():
    fails_with(checks.check_gram_matrix, lambda A: tf.matmul(A, A, transpose_a=True),
               "gram_matrix(A) returned shape (400, 400) for A of shape (3, 400): this is Aᵀ·A, "
               "a 400x400 matrix of positions, not of channels", "each channel's row of A by every other row")


def test_gram_matrix_element_wise():
    fails_with(checks.check_gram_matrix, lambda A: A * A, "element by element", "tf.matmul")


def test_gram_matrix_normalized():
    fails_with(checks.check_gram_matrix,
               lambda A: tf.matmul(A, A, transpose_b=True) / tf.cast(tf.shape(A)[1], tf.float32),
               "400x too small", "no normalization")


def test_gram_matrix_with_numpy():
    fails_with(checks.check_gram_matrix, lambda A: np.dot(A, np.transpose(A)), "returned a numpy", "use tf.* ops")


# --------------------------------------------------------------------------- layer style cost

def test_layer_style_cost_reference_passes(capsys):
    reference_passes(checks.check_layer_style_cost, costs.layer_style_cost)
    assert capsys.readouterr().out == "✓ layer_style_cost: all checks passed\n"


def unrolled(a):
    return tf.transpose(tf.reshape(a, (-1, tf.shape(a)[-1])))


def style_cost_with(norm, unroll=unrolled, gram=costs.gram_matrix):
    def layer_style_cost(a_S, a_G):
        n_H, n_W, n_C = dims(a_G)
        G_S, G_G = gram(unroll(a_S)), gram(unroll(a_G))
        return tf.reduce_sum(tf.square(G_S - G_G)) / norm(n_H, n_W, n_C)

    return layer_style_cost


def test_layer_style_cost_missing_the_4():
    fails_with(checks.check_layer_style_cost, style_cost_with(lambda h, w, c: c**2 * (h * w) ** 2),
               "the value is 4x too large: did you forget the 4 in 1/(4 n_C² (n_H n_W)²)?")


def test_layer_style_cost_missing_a_square():
    fails_with(checks.check_layer_style_cost, style_cost_with(lambda h, w, c: 4 * c**2 * h * w),
               "15x (n_H n_W) too large", "square n_H n_W")
    fails_with(checks.check_layer_style_cost, style_cost_with(lambda h, w, c: 4 * c * (h * w) ** 2),
               "7x (n_C) too large", "square n_C")


def test_layer_style_cost_with_transposed_gram():
    fails_with(checks.check_layer_style_cost,
               style_cost_with(lambda h, w, c: 4 * c**2 * (h * w) ** 2,
                               gram=lambda A: tf.matmul(A, A, transpose_a=True)),
               "computed over positions", "that is Aᵀ·A", "each channel's row by every other row")


def test_layer_style_cost_unrolled_without_transpose():
    fails_with(checks.check_layer_style_cost,
               style_cost_with(lambda h, w, c: 4 * c**2 * (h * w) ** 2,
                               unroll=lambda a: tf.reshape(a, (tf.shape(a)[-1], -1))),
               "mixes up channels and positions")


def test_layer_style_cost_with_numpy():
    def layer_style_cost(a_S, a_G):
        return np.float32(costs.layer_style_cost(a_S, a_G))

    fails_with(checks.check_layer_style_cost, layer_style_cost, "returned a numpy float32")


# --------------------------------------------------------------------------- style cost

def test_style_cost_reference_passes(capsys):
    reference_passes(checks.check_style_cost, costs.style_cost)
    assert capsys.readouterr().out == "✓ style_cost: all checks passed\n"


def test_style_cost_ignoring_the_weights():
    def style_cost(a_S, a_G, weights):
        return tf.add_n([costs.layer_style_cost(s, g) for s, g in zip(a_S, a_G)])

    fails_with(checks.check_style_cost, style_cost, "weights were ignored")


def test_style_cost_overwriting_instead_of_accumulating():
    def style_cost(a_S, a_G, weights):
        for s, g, w in zip(a_S, a_G, weights):
            J_style = w * costs.layer_style_cost(s, g)
        return J_style

    fails_with(checks.check_style_cost, style_cost, "only the last layer counted", "overwrote J_style",
               "running total")


def test_style_cost_with_numpy():
    def style_cost(a_S, a_G, weights):
        return np.sum([w * costs.layer_style_cost(s, g) for s, g, w in zip(a_S, a_G, weights)])

    fails_with(checks.check_style_cost, style_cost, "returned a numpy")


# --------------------------------------------------------------------------- total cost

def total_cost(J_content, J_style, alpha=10, beta=40, J_tv=0.0, tv_weight=0.0):
    """The notebook's solution."""
    return alpha * J_content + beta * J_style + tv_weight * J_tv


def test_total_cost_solution_passes(capsys):
    checks.check_total_cost(total_cost)
    assert capsys.readouterr().out == "✓ total_cost: all checks passed\n"


def total_cost_as(formula):
    """A total_cost computing formula(c, s, t, a, b, w) for J_content, J_style, J_tv, alpha, beta, tv_weight."""
    def total_cost(J_content, J_style, alpha=10, beta=40, J_tv=0.0, tv_weight=0.0):
        return formula(J_content, J_style, J_tv, alpha, beta, tv_weight)

    return total_cost


def test_total_cost_alpha_and_beta_swapped():
    fails_with(checks.check_total_cost, total_cost_as(lambda c, s, t, a, b, w: b * c + a * s + w * t),
               "alpha and beta look swapped")


def test_total_cost_ignoring_its_arguments():
    fails_with(checks.check_total_cost, total_cost_as(lambda c, s, t, a, b, w: 10 * c + 40 * s + 0.5 * t),
               "ignores its alpha, beta and tv_weight arguments")


def test_total_cost_ignoring_tv_weight():
    fails_with(checks.check_total_cost, total_cost_as(lambda c, s, t, a, b, w: a * c + b * s + 1e-2 * t),
               "ignores its tv_weight argument (")


def test_total_cost_multiplying_the_terms():
    fails_with(checks.check_total_cost, total_cost_as(lambda c, s, t, a, b, w: a * c * b * s * w * t),
               "the terms are multiplied")


def test_total_cost_averaging_the_terms():
    fails_with(checks.check_total_cost, total_cost_as(lambda c, s, t, a, b, w: (a * c + b * s + w * t) / 3),
               "don't average the terms")


def test_total_cost_forgetting_the_tv_term():
    fails_with(checks.check_total_cost, total_cost_as(lambda c, s, t, a, b, w: a * c + b * s),
               "the total variation term is missing")


def test_total_cost_tv_not_weighted():
    fails_with(checks.check_total_cost, total_cost_as(lambda c, s, t, a, b, w: a * c + b * s + t),
               "J_tv is not weighted: multiply it by tv_weight")


def test_total_cost_with_the_signature_without_tv():
    def total_cost(J_content, J_style, alpha=10, beta=40):  # notebook 05's signature before J_tv
        return alpha * J_content + beta * J_style

    fails_with(checks.check_total_cost, total_cost, "total_cost raised TypeError",
               "the signature is total_cost(J_content, J_style, alpha=10, beta=40, J_tv=0.0, tv_weight=0.0)")


def test_total_cost_with_the_smoothness_term_third():
    def total_cost(J_content, J_style, J_tv=0.0, alpha=10, beta=40, tv_weight=0.0):  # the order before
        return alpha * J_content + beta * J_style + tv_weight * J_tv

    fails_with(checks.check_total_cost, total_cost, "total_cost(J_content=2.0, J_style=3.0, 10, 40) = 200",
               "alpha and beta must be the third and fourth parameters")


def test_the_package_total_cost_reads_the_assignments_positional_call():
    # deeplearning.ai's assignment calls total_cost(J_content, J_style, alpha, beta) positionally
    from nstlib.core import costs

    assert abs(float(costs.total_cost(0.3, 0.5, 3, 8)) - 4.9) < 1e-9
    assert float(costs.total_cost(1.0, 1.0)) == 50.0  # alpha = 10, beta = 40 by default


def test_calling_the_package_scores_zero():
    from nstlib.core import costs as aliased

    def total_cost(J_content, J_style, alpha=10, beta=40, J_tv=0.0, tv_weight=0.0):
        return aliased.total_cost(J_content, J_style, alpha, beta, J_tv, tv_weight)

    with rule_on("total_cost"):
        fails_with(checks.check_total_cost, total_cost, "calls a ready-made answer (nstlib.core.costs.total_cost)")


def test_total_cost_with_numpy():
    fails_with(checks.check_total_cost, total_cost_as(lambda c, s, t, a, b, w: np.sum([a * c, b * s, w * t])),
               "returned a numpy", "use tf.* ops")


def test_total_cost_returning_a_float():
    fails_with(checks.check_total_cost, total_cost_as(lambda c, s, t, a, b, w: float(total_cost(c, s, a, b, t, w))),
               "returned a Python float")


# --------------------------------------------------------------------------- train step

def train_step(image, problem, optimizer):
    """The notebook's solution."""
    with tf.GradientTape() as tape:
        J = problem.costs(image)["total"]
    grad = tape.gradient(J, image)
    optimizer.apply_gradients([(grad, image)])
    image.assign(tf.clip_by_value(image, 0.0, 1.0))
    return J


def test_train_step_reference_passes(capsys):
    checks.check_train_step(train_step)
    assert capsys.readouterr().out == "✓ train_step: all checks passed\n"


def test_train_step_as_a_tf_function_passes(capsys):
    checks.check_train_step(tf.function(train_step))
    assert "✓ train_step" in capsys.readouterr().out


def test_train_step_without_clipping():
    def no_clip(image, problem, optimizer):
        with tf.GradientTape() as tape:
            J = problem.costs(image)["total"]
        optimizer.apply_gradients([(tape.gradient(J, image), image)])
        return J

    fails_with(checks.check_train_step, no_clip, "the image left [0, 1]", "clip the variable back to [0, 1]")


def test_train_step_gradient_with_respect_to_the_weights():
    def weights(image, problem, optimizer):
        with tf.GradientTape() as tape:
            J = problem.costs(image)["total"]
        variables = tape.watched_variables()
        optimizer.apply_gradients(zip(tape.gradient(J, variables), variables))
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return J

    fails_with(checks.check_train_step, weights, "the weights of the feature extractor changed",
               "with respect to the image only")


def test_train_step_gradient_of_the_frozen_model_only():
    def model_only(image, problem, optimizer):
        with tf.GradientTape() as tape:
            J = problem.costs(image)["total"]
        variables = problem.extractor.model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(J, variables), variables))
        return J

    fails_with(checks.check_train_step, model_only, "the weights of the feature extractor changed")


def test_train_step_going_uphill():
    def uphill(image, problem, optimizer):
        with tf.GradientTape() as tape:
            J = problem.costs(image)["total"]
        optimizer.apply_gradients([(-tape.gradient(J, image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return J

    fails_with(checks.check_train_step, uphill, "moved uphill")


def test_train_step_without_the_optimizer():
    def by_hand(image, problem, optimizer):
        with tf.GradientTape() as tape:
            J = problem.costs(image)["total"]
        image.assign_sub(0.01 * tape.gradient(J, image))
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return J

    fails_with(checks.check_train_step, by_hand, "the optimizer was not used", "apply_gradients")


def test_train_step_doing_nothing():
    def nothing(image, problem, optimizer):
        return problem.costs(image)["total"]

    fails_with(checks.check_train_step, nothing, "the image did not change", "apply_gradients")


def test_train_step_returning_the_dict():
    def whole_dict(image, problem, optimizer):
        with tf.GradientTape() as tape:
            values = problem.costs(image)
        optimizer.apply_gradients([(tape.gradient(values["total"], image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return values

    fails_with(checks.check_train_step, whole_dict, "returned the dict of costs")


def test_train_step_returning_numpy():
    def as_numpy(image, problem, optimizer):
        return train_step(image, problem, optimizer).numpy()

    fails_with(checks.check_train_step, as_numpy, "returned a numpy")


def test_train_step_cost_outside_the_tape():
    def outside(image, problem, optimizer):
        J = problem.costs(image)["total"]
        with tf.GradientTape() as tape:
            pass
        optimizer.apply_gradients([(tape.gradient(J, image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return J

    fails_with(checks.check_train_step, outside, "the gradient came back None",
               "compute J inside the tape's block")


def test_train_step_on_the_content_cost_only():
    def content_only(image, problem, optimizer):
        with tf.GradientTape() as tape:
            J = problem.costs(image)["content"]
        optimizer.apply_gradients([(tape.gradient(J, image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return problem.costs(image)["total"]

    fails_with(checks.check_train_step, content_only, "returned the cost after the update")


def test_train_step_printing_a_python_float_fails_inside_a_tf_function():
    def printing(image, problem, optimizer):
        J = train_step(image, problem, optimizer)
        print(f"cost {float(J):.1f}", end="\r")
        return J

    fails_with(checks.check_train_step, printing, "inside a tf.function")


def test_stand_in_extractor_has_the_requested_layers_and_trainable_weights():
    extractor = checks.StandInExtractor(["block3_conv1", "block1_conv1"])
    out = extractor(tf.zeros((1, 16, 16, 3)))
    assert list(out) == ["block1_conv1", "block3_conv1"]
    assert out["block1_conv1"].shape == (1, 16, 16, 4) and out["block3_conv1"].shape == (1, 8, 8, 4)
    assert len(extractor.trainable_variables) == 2


def test_every_check_of_a_notebook_file_is_re_exported():
    from pathlib import Path

    files = sorted(Path(checks.__file__).parent.glob("nb[0-9][0-9]_*.py"))
    assert files
    for path in files:
        module = __import__(f"nstlib.checks.{path.stem}", fromlist=["_"])
        names = [n for n in vars(module) if n.startswith("check_") and callable(getattr(module, n))]
        assert names, path.name
        for n in names:
            exported = getattr(checks, n)
            assert getattr(exported, "raw", exported) is getattr(module, n) and n in checks.__all__



# --------------------------------------------------------------------------- preprocess

MEAN_BGR = [103.939, 116.779, 123.68]
MEAN_RGB = MEAN_BGR[::-1]


def test_preprocess_reference_passes(capsys):
    from nstlib.core.vgg import preprocess

    reference_passes(checks.check_preprocess, preprocess)
    assert capsys.readouterr().out == "✓ preprocess: all checks passed\n"


def test_preprocess_written_by_hand_passes(capsys):
    checks.check_preprocess(lambda image: image[..., ::-1] * 255.0 - tf.constant(MEAN_BGR))
    assert "✓ preprocess" in capsys.readouterr().out


def test_preprocess_subtracting_the_rgb_means_before_the_flip_passes(capsys):
    # the same number: the means are subtracted from the channels they belong to
    checks.check_preprocess(lambda image: (image * 255.0 - tf.constant(MEAN_RGB))[..., ::-1])
    assert "✓ preprocess" in capsys.readouterr().out


def test_preprocess_without_the_255():
    fails_with(checks.check_preprocess, lambda image: image[..., ::-1] - tf.constant(MEAN_BGR),
               "the pixels were not scaled: multiply by 255")


def test_preprocess_without_the_flip():
    for mean in (MEAN_BGR, MEAN_RGB):
        fails_with(checks.check_preprocess, lambda image, mean=mean: image * 255.0 - tf.constant(mean),
                   "the channels are still in RGB order", "reverse the order of the last axis only")


def test_preprocess_with_the_means_in_rgb_order_after_the_flip():
    fails_with(checks.check_preprocess, lambda image: image[..., ::-1] * 255.0 - tf.constant(MEAN_RGB),
               "the means go with the wrong channels")


def test_preprocess_flipping_after_subtracting_the_bgr_means():
    fails_with(checks.check_preprocess, lambda image: (image * 255.0 - tf.constant(MEAN_BGR))[..., ::-1],
               "the means go with the wrong channels")


def test_preprocess_dividing_by_pytorchs_standard_deviation():
    def torch(image):  # torchvision's normalization: RGB in [0, 1], mean and std per channel
        return (image - tf.constant([0.485, 0.456, 0.406])) / tf.constant([0.229, 0.224, 0.225])

    fails_with(checks.check_preprocess, torch, "divide by a standard deviation (PyTorch's normalization)")

    def caffe_then_std(image):
        x = image[..., ::-1] * 255.0 - tf.constant(MEAN_BGR)
        return x / tf.constant([57.375, 57.12, 58.395])

    fails_with(checks.check_preprocess, caffe_then_std, "divide by a standard deviation")


def test_preprocess_subtracting_the_images_own_mean():
    def own_mean(image, axis):
        x = image[..., ::-1] * 255.0
        return x - tf.reduce_mean(x, axis=axis, keepdims=True)

    for axis in ((0, 1, 2), None):
        fails_with(checks.check_preprocess, lambda image, axis=axis: own_mean(image, axis),
                   "you subtracted the image's own mean")


def test_preprocess_flipping_the_image_upside_down():
    fails_with(checks.check_preprocess, lambda image: image[:, ::-1] * 255.0 - tf.constant(MEAN_BGR),
               "the image was flipped upside down (axis 1)")


def test_preprocess_with_numpy():
    fails_with(checks.check_preprocess, lambda image: np.asarray(image)[..., ::-1] * 255.0 - np.array(MEAN_BGR),
               "returned a numpy", "use tf.* ops")


def test_preprocess_dropping_the_batch_axis():
    fails_with(checks.check_preprocess, lambda image: image[0, ..., ::-1] * 255.0 - tf.constant(MEAN_BGR),
               "returned shape (6, 8, 3), expected (1, 6, 8, 3): keep the batch axis")


# --------------------------------------------------------------------------- feature extractor

@pytest.fixture(scope="module")
def vgg(vgg_weights):
    from nstlib.io.weights import load_vgg19

    return load_vgg19(vgg_weights)  # cached: the checks' own load_vgg19() gets the same model


def feature_extractor(vgg, layer_names):
    """The notebook's solution."""
    model = keras.Model(inputs=vgg.input, outputs=[vgg.get_layer(name).output for name in layer_names])
    model.trainable = False
    return model


@pytest.mark.slow
def test_feature_extractor_solution_passes(vgg, capsys):
    checks.check_feature_extractor(feature_extractor)
    assert capsys.readouterr().out == "✓ feature_extractor: all checks passed\n"
    from nstlib.checks.nb02_features import reference_feature_extractor

    reference_passes(checks.check_feature_extractor, reference_feature_extractor)
    assert "✓ feature_extractor" in capsys.readouterr().out


@pytest.mark.slow
def test_feature_extractor_returning_only_the_last_layer(vgg):
    fails_with(checks.check_feature_extractor, lambda vgg, names: keras.Model(vgg.input, vgg.output),
               "only the last layer: vgg.output is block5_pool's activations")


@pytest.mark.slow
def test_feature_extractor_returning_a_dict(vgg):
    fails_with(checks.check_feature_extractor,
               lambda vgg, names: keras.Model(vgg.input, {n: vgg.get_layer(n).output for n in names}),
               "the model returns a dict: its outputs must be a list")


@pytest.mark.slow
def test_feature_extractor_in_the_networks_order(vgg):
    fails_with(checks.check_feature_extractor,
               lambda vgg, names: keras.Model(vgg.input, [layer.output for layer in vgg.layers if layer.name in names]),
               "outputs[0] holds block1_conv1's activations, not block3_conv1's", "keep the order of layer_names")


@pytest.mark.slow
def test_feature_extractor_off_by_one(vgg):
    from nstlib.config import LAYER_NAMES

    def by_index(vgg, names):
        return keras.Model(vgg.input, [vgg.layers[LAYER_NAMES.index(n)].output for n in names])

    fails_with(checks.check_feature_extractor, by_index,
               "outputs[0] holds block2_pool's activations, not block3_conv1's (off by one?")


@pytest.mark.slow
def test_feature_extractor_on_a_new_vgg_without_weights(vgg):
    fresh = keras.applications.VGG19(include_top=False, weights=None)
    fails_with(checks.check_feature_extractor, lambda vgg, names: feature_extractor(fresh, names),
               "outputs[0] has the shape of block3_conv1's activations but not VGG-19's values",
               "keras.applications.VGG19(weights=None)")


@pytest.mark.slow
def test_feature_extractor_with_a_fixed_input_size(vgg):
    def fixed(vgg, names):
        x = inputs = keras.Input(shape=(224, 224, 3))
        outputs = {}
        for layer in vgg.layers[1:]:
            x = outputs[layer.name] = layer(x)
        return keras.Model(inputs, [outputs[n] for n in names])

    fails_with(checks.check_feature_extractor, fixed, "the model's input has the fixed shape (224, 224, 3)",
               "build the model on VGG-19's own input")


@pytest.mark.slow
def test_feature_extractor_not_frozen(vgg):
    def trainable_copy(vgg, names):
        model = keras.models.clone_model(feature_extractor(vgg, names))
        model.set_weights(feature_extractor(vgg, names).get_weights())
        for layer in model.layers:  # the clone keeps the layers' trainable=False
            layer.trainable = True
        return model

    fails_with(checks.check_feature_extractor, trainable_copy,
               "trainable weights: freeze the whole model")


@pytest.mark.slow
def test_feature_extractor_returning_the_outputs_instead_of_a_model(vgg):
    fails_with(checks.check_feature_extractor, lambda vgg, names: [vgg.get_layer(n).output for n in names],
               "returned a list, not a keras.Model")


# --------------------------------------------------------------------------- reconstruct

def reconstruct(a_target, extractor, layer, start, steps, learning_rate):
    """The notebook's solution."""
    image = tf.Variable(start)
    optimizer = keras.optimizers.Adam(learning_rate)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            J = costs.content_cost(a_target, extractor(image)[layer])
        grad = tape.gradient(J, image)
        optimizer.apply_gradients([(grad, image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
    return tf.convert_to_tensor(image)


def reconstruct_with(steps=None, sign=1.0, clip=True, fresh=False, learning_rate=None, variables=None,
                     rebind=False, return_start=False, noise=False):
    """The solution with one typical mistake (steps=k: k steps whatever the argument)."""
    def wrong(a_target, extractor, layer, start, n, lr):
        image = tf.Variable(tf.random.uniform(start.shape) if noise else start)
        optimizer = keras.optimizers.Adam(learning_rate or lr)
        for _ in range(n if steps is None else steps):
            if fresh:
                optimizer = keras.optimizers.Adam(learning_rate or lr)
            with tf.GradientTape() as tape:
                J = costs.content_cost(a_target, extractor(image)[layer])
            wrt = tape.watched_variables() if variables else [image]
            grads = tape.gradient(J, wrt)
            optimizer.apply_gradients(zip(grads if sign == 1 else [sign * g for g in grads], wrt))
            if rebind:
                image = tf.clip_by_value(image, 0.0, 1.0)
            elif clip:
                image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return start if return_start else image

    return wrong


def test_reconstruct_solution_passes(capsys):
    checks.check_reconstruct(reconstruct)
    assert capsys.readouterr().out == "✓ reconstruct: all checks passed\n"


def test_reconstruct_reference_and_returning_the_variable_pass(capsys):
    from nstlib.checks.nb02_features import reference_reconstruct

    reference_passes(checks.check_reconstruct, reference_reconstruct)
    checks.check_reconstruct(reconstruct_with())  # returns the tf.Variable itself
    assert capsys.readouterr().out.count("✓ reconstruct") == 2


def test_reconstruct_gradient_with_respect_to_the_weights():
    fails_with(checks.check_reconstruct, reconstruct_with(variables=True),
               "the weights of the feature extractor changed", "with respect to the image only")


def test_reconstruct_without_clipping():
    fails_with(checks.check_reconstruct, reconstruct_with(clip=False), "the image left [0, 1]",
               "clip the variable back to [0, 1] in place after each update")


def test_reconstruct_returning_the_start():
    fails_with(checks.check_reconstruct, reconstruct_with(return_start=True), "the image did not change",
               "optimizer.apply_gradients")


def test_reconstruct_rebinding_the_image_to_a_tensor():
    fails_with(checks.check_reconstruct, reconstruct_with(rebind=True),
               "the optimizer was given a tensor, not a tf.Variable", "rebinds the name `image`",
               "tf.Variable.assign")


def test_reconstruct_running_one_step_or_one_too_many():
    fails_with(checks.check_reconstruct, reconstruct_with(steps=1),
               "the image is the one after 1 step, expected steps=5")
    fails_with(checks.check_reconstruct, reconstruct_with(steps=6),
               "the image is the one after 6 steps, expected steps=5")


def test_reconstruct_going_uphill():
    fails_with(checks.check_reconstruct, reconstruct_with(sign=-1.0), "the image moved uphill")


def test_reconstruct_with_a_new_optimizer_at_each_step():
    fails_with(checks.check_reconstruct, reconstruct_with(fresh=True), "create the optimizer once, before the loop")


def test_reconstruct_ignoring_the_learning_rate():
    fails_with(checks.check_reconstruct, reconstruct_with(learning_rate=1e-3), "Adam's default, 0.001",
               "ignored the function's learning_rate argument")


def test_reconstruct_starting_from_noise():
    fails_with(checks.check_reconstruct, reconstruct_with(noise=True), "not from noise")


def test_reconstruct_returning_the_cost():
    def cost(a_target, extractor, layer, start, steps, learning_rate):
        image = reconstruct(a_target, extractor, layer, start, steps, learning_rate)
        return costs.content_cost(a_target, extractor(image)[layer])

    fails_with(checks.check_reconstruct, cost, "returned a scalar (the cost?): return the image")


def test_reconstruct_returning_numpy():
    fails_with(checks.check_reconstruct, lambda *args: reconstruct(*args).numpy(), "returned a numpy")


# --------------------------------------------------------------------------- position gram

def n_positions(a):
    return tf.cast(tf.shape(a)[1] * tf.shape(a)[2], tf.float32)


def test_position_gram_reference_passes(capsys):
    reference_passes(checks.check_position_gram, costs.position_gram)
    assert capsys.readouterr().out == "✓ position_gram: all checks passed\n"


def test_position_gram_written_like_the_course_passes(capsys):
    checks.check_position_gram(lambda a: costs.gram_matrix(unrolled(a)) / n_positions(a))
    assert "✓ position_gram" in capsys.readouterr().out


def test_position_gram_not_divided():
    fails_with(checks.check_position_gram, lambda a: costs.gram_matrix(unrolled(a)),
               "15x (n_H n_W) too large", "divide the Gram matrix by the number of positions")


def test_position_gram_divided_by_n_C_too():
    fails_with(checks.check_position_gram,
               lambda a: costs.gram_matrix(unrolled(a)) / (n_positions(a) * tf.cast(tf.shape(a)[3], tf.float32)),
               "7x (n_C) too small")


def test_position_gram_divided_by_the_square():
    fails_with(checks.check_position_gram, lambda a: costs.gram_matrix(unrolled(a)) / n_positions(a) ** 2,
               "15x (n_H n_W) too small", "divide by n_H n_W once")


def test_position_gram_over_positions():
    fails_with(checks.check_position_gram,
               lambda a: tf.matmul(unrolled(a), unrolled(a), transpose_a=True) / n_positions(a),
               "returned shape (15, 15)", "computed over positions")


def test_position_gram_unrolled_without_transpose():
    fails_with(checks.check_position_gram,
               lambda a: costs.gram_matrix(tf.reshape(a, (tf.shape(a)[-1], -1))) / n_positions(a),
               "mixes up channels and positions")


def test_position_gram_with_static_shapes_fails_when_sizes_are_unknown():
    def position_gram(a):
        _, n_H, n_W, n_C = a.shape
        return costs.gram_matrix(tf.transpose(tf.reshape(a, (n_H * n_W, n_C)))) / (n_H * n_W)

    fails_with(checks.check_position_gram, position_gram, "inside a tf.function with unknown sizes", "tf.shape(a)")


# --------------------------------------------------------------------------- style cost of any size

def test_layer_style_cost_any_size_reference_passes(capsys):
    from nstlib.core.losses import gram_distance

    checks.check_layer_style_cost_any_size(
        lambda a_S, a_G: gram_distance(costs.position_gram(a_S), costs.position_gram(a_G)))
    assert capsys.readouterr().out == "✓ layer_style_cost_any_size: all checks passed\n"


def any_size_cost(norm=lambda n_C: 4 * n_C**2, square=tf.square, gram=costs.position_gram):
    def layer_style_cost_any_size(a_S, a_G):
        n_C = tf.cast(tf.shape(a_G)[3], tf.float32)
        return tf.reduce_sum(square(gram(a_S) - gram(a_G))) / norm(n_C)

    return layer_style_cost_any_size


def test_layer_style_cost_any_size_written_with_position_gram_passes(capsys):
    checks.check_layer_style_cost_any_size(any_size_cost())
    assert "✓ layer_style_cost_any_size" in capsys.readouterr().out


def test_layer_style_cost_any_size_with_the_course_formula():
    fails_with(checks.check_layer_style_cost_any_size, costs.layer_style_cost,
               "the course's layer_style_cost, with n_H, n_W taken from a_G",
               "divide each G by its own n_H n_W (position_gram)")


def test_layer_style_cost_any_size_normalized_by_both_sizes():
    def both(a_S, a_G):
        n_C = tf.cast(tf.shape(a_G)[3], tf.float32)
        G_S, G_G = costs.style_gram(a_S), costs.style_gram(a_G)
        return tf.reduce_sum(tf.square(G_S - G_G)) / (4 * n_C**2 * n_positions(a_S) * n_positions(a_G))

    fails_with(checks.check_layer_style_cost_any_size, both, "normalized by n_S n_G after subtracting")

    def swapped(a_S, a_G):
        n_C = tf.cast(tf.shape(a_G)[3], tf.float32)
        G_S, G_G = costs.style_gram(a_S) / n_positions(a_G), costs.style_gram(a_G) / n_positions(a_S)
        return tf.reduce_sum(tf.square(G_S - G_G)) / (4 * n_C**2)

    fails_with(checks.check_layer_style_cost_any_size, swapped, "divided by the other's number of positions")


def test_layer_style_cost_any_size_missing_the_4_or_the_n_C_squared():
    fails_with(checks.check_layer_style_cost_any_size, any_size_cost(norm=lambda n_C: n_C**2),
               "did you forget the 4 in 1/(4 n_C²)?")
    fails_with(checks.check_layer_style_cost_any_size, any_size_cost(norm=lambda n_C: 4.0),
               "25x (n_C²) too large")


def test_layer_style_cost_any_size_without_squares():
    fails_with(checks.check_layer_style_cost_any_size, any_size_cost(square=tf.identity),
               "square the differences of the Gram matrices")


# --------------------------------------------------------------------------- total variation

def test_total_variation_reference_passes(capsys):
    reference_passes(checks.check_total_variation, costs.total_variation_cost)
    assert capsys.readouterr().out == "✓ total_variation: all checks passed\n"


def tv_with(diff=tf.abs, rows=True, columns=True, reduce=tf.reduce_sum, shift=None):
    def total_variation(image):
        if shift is None:
            d_rows, d_columns = image[:, 1:] - image[:, :-1], image[:, :, 1:] - image[:, :, :-1]
        else:
            d_rows, d_columns = (shift(image, 1, axis=axis) - image for axis in (1, 2))
        return (reduce(diff(d_rows)) if rows else 0.0) + (reduce(diff(d_columns)) if columns else 0.0)

    return total_variation


def test_total_variation_written_with_slices_passes(capsys):
    checks.check_total_variation(tv_with())
    assert "✓ total_variation" in capsys.readouterr().out


def test_total_variation_without_the_sum_over_images():
    fails_with(checks.check_total_variation, tf.image.total_variation,
               "returned shape (1,), expected ()", "tf.image.total_variation returns one value per image")


def test_total_variation_squared():
    fails_with(checks.check_total_variation, tv_with(diff=tf.square), "the differences were squared (L2)")


def test_total_variation_in_one_direction():
    fails_with(checks.check_total_variation, tv_with(columns=False), "only the differences between rows")
    fails_with(checks.check_total_variation, tv_with(rows=False), "only the differences between columns")


def test_total_variation_with_a_mean():
    fails_with(checks.check_total_variation, tv_with(reduce=tf.reduce_mean), "a mean instead of a sum")


def test_total_variation_wrapping_around():
    fails_with(checks.check_total_variation, tv_with(shift=tf.roll), "the differences wrap around",
               "tf.roll also pairs the last row with the first")


def test_total_variation_without_the_absolute_value():
    fails_with(checks.check_total_variation, tv_with(diff=tf.identity), "take the absolute value of each difference",
               "last row − first row")


def test_total_variation_with_numpy():
    fails_with(checks.check_total_variation, lambda image: np.sum(np.abs(np.diff(image, axis=1))) +
               np.sum(np.abs(np.diff(image, axis=2))), "returned a numpy")


# --------------------------------------------------------------------------- preserve luminance

def luminance_with(space="yiq", swap=False, clip=True):
    """preserve_luminance in scikit-image's colour space `space` (Y its first channel)."""
    from skimage import color

    to_space, to_rgb = getattr(color, f"rgb2{space}"), getattr(color, f"{space}2rgb")

    def preserve_luminance(result, content):
        luma, chroma = (content, result) if swap else (result, content)
        mixed = to_space(chroma.numpy()[0])
        mixed[..., 0] = to_space(luma.numpy()[0])[..., 0]
        rgb = to_rgb(mixed)
        return tf.constant((np.clip(rgb, 0.0, 1.0) if clip else rgb)[np.newaxis], tf.float32)

    return preserve_luminance


def test_preserve_luminance_reference_passes(capsys):
    from nstlib.extensions.color import preserve_luminance

    reference_passes(checks.check_preserve_luminance, preserve_luminance)
    assert capsys.readouterr().out == "✓ preserve_luminance: all checks passed\n"


def test_preserve_luminance_in_tensorflow_passes(capsys):
    def preserve_luminance(result, content):
        y = tf.image.rgb_to_yiq(result)[..., :1]
        iq = tf.image.rgb_to_yiq(content)[..., 1:]
        return tf.clip_by_value(tf.image.yiq_to_rgb(tf.concat([y, iq], axis=-1)), 0.0, 1.0)

    checks.check_preserve_luminance(preserve_luminance)
    assert "✓ preserve_luminance" in capsys.readouterr().out


def test_preserve_luminance_in_yuv_or_ycbcr_passes_it_is_the_same_image(capsys):
    # Y of YUV and YCbCr is YIQ's: with the chroma taken whole from the content, the axes don't matter
    checks.check_preserve_luminance(luminance_with("yuv"))
    checks.check_preserve_luminance(luminance_with("ycbcr"))
    assert capsys.readouterr().out.count("✓ preserve_luminance") == 2


def test_preserve_luminance_swapped():
    fails_with(checks.check_preserve_luminance, luminance_with(swap=True), "luminance and chroma are swapped")


def test_preserve_luminance_without_clipping():
    fails_with(checks.check_preserve_luminance, luminance_with(clip=False),
               "converting back from YIQ can leave [0, 1]", "tf.clip_by_value")


def test_preserve_luminance_in_hsv():
    from skimage import color

    def hsv(result, content):
        mixed = color.rgb2hsv(content.numpy()[0])
        mixed[..., 2] = color.rgb2hsv(result.numpy()[0])[..., 2]
        return tf.constant(color.hsv2rgb(mixed)[np.newaxis], tf.float32)

    fails_with(checks.check_preserve_luminance, hsv, "HSV's V is max(R, G, B), not the luminance")


def test_preserve_luminance_in_lab():
    fails_with(checks.check_preserve_luminance, luminance_with("lab"), "Lab's L is not the luminance")


def test_preserve_luminance_averaging_the_images():
    fails_with(checks.check_preserve_luminance, lambda result, content: (result + content) / 2,
               "averaging the two images")


def test_preserve_luminance_returning_only_y():
    fails_with(checks.check_preserve_luminance, lambda result, content: tf.image.rgb_to_yiq(result)[..., :1],
               "returned shape (1, 6, 8, 1)", "returned only the luminance Y")


def test_preserve_luminance_returning_numpy_or_float64():
    fails_with(checks.check_preserve_luminance, lambda r, c: luminance_with()(r, c).numpy(), "returned a numpy")
    fails_with(checks.check_preserve_luminance, lambda r, c: tf.cast(luminance_with()(r, c), tf.float64),
               "returned a float64 tensor, expected float32")


# --------------------------------------------------------------------------- masked gram

def masked_gram_with(weight=tf.sqrt, norm=lambda mask: tf.reduce_sum(mask)):
    def masked_gram(a, mask):
        return costs.gram_matrix(unrolled(a * weight(mask))) / norm(mask)

    return masked_gram


def test_masked_gram_reference_passes(capsys):
    reference_passes(checks.check_masked_gram, costs.position_gram)
    assert capsys.readouterr().out == "✓ masked_gram: all checks passed\n"


def test_masked_gram_written_with_sqrt_passes(capsys):
    checks.check_masked_gram(masked_gram_with())
    assert "✓ masked_gram" in capsys.readouterr().out


def test_masked_gram_weighing_by_m_squared():
    fails_with(checks.check_masked_gram, masked_gram_with(weight=tf.identity), "weighs each position by m²",
               "a factor whose square is m")


def test_masked_gram_divided_by_all_positions():
    fails_with(checks.check_masked_gram, masked_gram_with(norm=lambda mask: tf.cast(tf.size(mask), tf.float32)),
               "divided by the number of all positions", "divide by the mask's total weight")


def test_masked_gram_ignoring_the_mask():
    fails_with(checks.check_masked_gram, lambda a, mask: costs.position_gram(a), "the mask was ignored")


def test_masked_gram_with_the_mask_inverted():
    fails_with(checks.check_masked_gram, lambda a, mask: costs.position_gram(a, 1.0 - mask), "the mask is inverted")


def test_masked_gram_not_divided():
    fails_with(checks.check_masked_gram, masked_gram_with(norm=lambda mask: 1.0), "not divided")
