"""nstlib.checks: each check passes the reference and fails each typical mistake with its hint.

No VGG-19 weights needed: the train-step check builds its problem on a stand-in extractor.
"""

import re

import numpy as np
import pytest
import tensorflow as tf

from nstlib import checks
from nstlib.core import costs
from nstlib.checks import CheckFailed, NotImplementedYet


def fails_with(check, fn, *hints):
    """Run check(fn); it must raise CheckFailed whose one-line message holds every hint."""
    with pytest.raises(CheckFailed) as info:
        check(fn)
    message = str(info.value)
    assert "\n" not in message
    for hint in hints:
        assert hint in message, f"{hint!r} not in {message!r}"
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
    result = shell.run_cell("checks.check_gram_matrix(stub)")
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
    checks.check_content_cost, checks.check_gram_matrix, checks.check_layer_style_cost,
    checks.check_style_cost, checks.check_total_cost, checks.check_train_step,
])
def test_a_stub_is_not_implemented_yet(check):
    name = check.__name__.removeprefix("check_")
    message = fails_with(check, stub, f"{name} is not implemented yet")
    with pytest.raises(NotImplementedYet):
        check(stub)
    # The student's notebook has the stub, not the solution markers: the message names the stub.
    assert "replace `raise NotImplementedError()`" in message and "# YOUR CODE HERE" in message
    assert "BEGIN SOLUTION" not in message


# --------------------------------------------------------------------------- content cost

def test_content_cost_reference_passes(capsys):
    checks.check_content_cost(costs.content_cost)
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
    checks.check_gram_matrix(costs.gram_matrix)
    assert capsys.readouterr().out == "✓ gram_matrix: all checks passed\n"


def test_gram_matrix_transposed():
    fails_with(checks.check_gram_matrix, lambda A: tf.matmul(A, A, transpose_a=True),
               "gram_matrix(A) returned shape (400, 400) for A of shape (3, 400): compute A·Aᵀ, not Aᵀ·A")


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
    checks.check_layer_style_cost(costs.layer_style_cost)
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
               "computed over positions", "A·Aᵀ")


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
    checks.check_style_cost(costs.style_cost)
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

    fails_with(checks.check_style_cost, style_cost, "only the last layer counted", "J_style +=")


def test_style_cost_with_numpy():
    def style_cost(a_S, a_G, weights):
        return np.sum([w * costs.layer_style_cost(s, g) for s, g, w in zip(a_S, a_G, weights)])

    fails_with(checks.check_style_cost, style_cost, "returned a numpy")


# --------------------------------------------------------------------------- total cost

def test_total_cost_reference_passes(capsys):
    checks.check_total_cost(costs.total_cost)
    assert capsys.readouterr().out == "✓ total_cost: all checks passed\n"


def test_total_cost_alpha_and_beta_swapped():
    fails_with(checks.check_total_cost, lambda J_content, J_style, alpha=10, beta=40: beta * J_content + alpha * J_style,
               "alpha and beta look swapped")


def test_total_cost_ignoring_its_arguments():
    fails_with(checks.check_total_cost, lambda J_content, J_style, alpha=10, beta=40: 10 * J_content + 40 * J_style,
               "ignores its alpha and beta arguments")


def test_total_cost_with_numpy():
    fails_with(checks.check_total_cost,
               lambda J_content, J_style, alpha=10, beta=40: np.add(alpha * J_content, beta * J_style),
               "returned a numpy", "use tf.* ops")


def test_total_cost_returning_a_float():
    fails_with(checks.check_total_cost,
               lambda J_content, J_style, alpha=10, beta=40: float(alpha * J_content + beta * J_style),
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

    fails_with(checks.check_train_step, no_clip, "the image left [0, 1]", "tf.clip_by_value(image, 0.0, 1.0)")


def test_train_step_gradient_with_respect_to_the_weights():
    def weights(image, problem, optimizer):
        with tf.GradientTape() as tape:
            J = problem.costs(image)["total"]
        variables = tape.watched_variables()
        optimizer.apply_gradients(zip(tape.gradient(J, variables), variables))
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return J

    fails_with(checks.check_train_step, weights, "the weights of the feature extractor changed",
               "tape.gradient(J, image)")


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

    fails_with(checks.check_train_step, outside, "compute J inside the `with tf.GradientTape() as tape:` block")


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
            assert getattr(checks, n) is getattr(module, n) and n in checks.__all__
