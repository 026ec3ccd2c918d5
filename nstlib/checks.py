"""The exercises' checks: one call per exercise, one line of verdict.

    >>> nstlib.checks.check_gram_matrix(gram_matrix)
    ✓ gram_matrix: all checks passed

Each check runs the student's function on fixed, seeded inputs and compares it with
the reference in :mod:`nstlib.costs`. Beyond the value it checks what the training
loop will need later: the result is a ``tf.Tensor`` of the right shape (not numpy),
a gradient flows back through it, and the function also works inside a
``tf.function`` whose input sizes are unknown and on symbolic Keras tensors
(``keras.Input``). Where it applies, f(A, A) must be 0.

A failed check raises :class:`CheckFailed` (an ``AssertionError``) whose message
names the likely mistake and how to fix it, e.g. "the value is 4x too large: did you
forget the 4 in 1/(4 n_H n_W n_C)?". An exercise still holding its stub raises
:class:`NotImplementedYet`. In IPython and Jupyter both show as one line, without a
traceback, yet the cell still fails (an autograder counts it as failed).

Used by notebooks 03 (content cost), 04 (style cost) and 05 (total cost, train step).
"""

import contextlib
import inspect
import itertools
import logging
import re
import traceback
import warnings

import numpy as np
import tensorflow as tf

from . import costs

# Relative and absolute tolerance of every comparison with the reference (float32 sums
# in another order differ in the last digits, never by more).
RTOL = 1e-4
ATOL = 1e-6


class CheckFailed(AssertionError):
    """An exercise's check failed; the message says what looks wrong and how to fix it."""

    def __init__(self, message):
        super().__init__(" ".join(str(message).split()))  # one line, whatever it holds

    def _render_traceback_(self):
        # IPython shows this instead of the traceback: the hint is the whole story.
        return [f"\x1b[1;31m✗ {self}\x1b[0m"]


class NotImplementedYet(CheckFailed):
    """The exercise still holds its stub (it raises NotImplementedError)."""

    def __init__(self, name):
        super().__init__(
            f"{name} is not implemented yet: write your code between ### BEGIN SOLUTION "
            "and ### END SOLUTION, then run this cell again"
        )


# --------------------------------------------------------------------------- helpers

@contextlib.contextmanager
def _quiet():
    """No Python warnings or TensorFlow log lines (e.g. about retracing) while checking."""
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _source_file(fn):
    """The file the student's function was defined in (a notebook cell's), or None."""
    fn = getattr(fn, "python_function", fn)  # a tf.function
    fn = inspect.unwrap(fn)
    code = getattr(fn, "__code__", None)
    return code.co_filename if code else None


def _where(fn, error):
    """' (line 5 of your cell: `J = ...`)' for the student's line that raised, or ''."""
    file = _source_file(fn)
    if file is None:
        return ""
    line = code = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == file:
            line, code = frame.lineno, frame.line
    # Inside a tf.function, TensorFlow puts the user's frames in the message instead.
    for m in re.finditer(r'File "([^"]+)", line (\d+), in [^\n]*\n[ \t]*(.*)', str(error)):
        if m.group(1) == file:
            line, code = int(m.group(2)), m.group(3).strip()
    if line is None:
        return ""
    return f" (line {line} of your cell: `{code}`)" if code else f" (line {line} of your cell)"


def _last_line(error):
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = lines[-1] if lines else ""
    if text and not text.startswith(type(error).__name__):
        text = f"{type(error).__name__}: {text}"
    return (text or type(error).__name__)[:300]


def _is_stub(error):
    """True for the exercise's own `raise NotImplementedError()`, not numpy's on a symbolic tensor."""
    if not isinstance(error, NotImplementedError):
        return False
    text = str(error)
    return not any(k in text for k in ("symbolic", "numpy", "Cannot convert", "Lambda", "infer"))


_NUMPY_HINT = (
    "use tf.* ops (tf.reduce_sum, tf.square, tf.matmul, ...) instead of np.* and .numpy(), "
    "so that TensorFlow can follow the computation and compute gradients"
)
_SHAPE_HINT = (
    "inside a tf.function or a Keras model the sizes are unknown (a.shape is (None, None, "
    "None, None)): read them with tf.shape(a) and cast them, e.g. "
    "n_H = tf.cast(tf.shape(a)[1], tf.float32), instead of a.shape or a.get_shape()"
)


# What TensorFlow and Python say when code computes with a size that is None.
_UNKNOWN_SHAPE_SIGNS = (
    "NoneType", "None values not supported", "partially known", "unknown rank",
    "Cannot convert a partially", "must be fully defined",
)


def _call(name, fn, *args, **kwargs):
    """fn(*args, **kwargs), turning the stub and any error into one-line check failures."""
    try:
        return fn(*args, **kwargs)
    except CheckFailed:
        raise
    except Exception as e:
        if _is_stub(e):
            raise NotImplementedYet(name) from None
        raise CheckFailed(f"{name} raised {_last_line(e)}{_where(fn, e)}") from None


def _symbolic_failure(name, fn, e, where):
    """The CheckFailed for an error raised in a tf.function or on Keras tensors."""
    if isinstance(e, CheckFailed):
        return e
    if _is_stub(e):
        return NotImplementedYet(name)
    text = str(e)
    line = _where(fn, e)
    if "numpy" in text or "Cannot convert a symbolic" in text or "__array__" in text:
        return CheckFailed(
            f"{name} works on eager tensors but fails {where}{line}: it uses numpy "
            f"(np.* or .numpy()), which symbolic tensors do not have: {_NUMPY_HINT}"
        )
    if "SymbolicTensor" in text or "symbolic tensor" in text.lower():
        return CheckFailed(
            f"{name} works on eager tensors but fails {where}{line}: it uses a tensor as a "
            "Python value (float(), int(), bool(), an f-string format, an `if` on a tensor), "
            "which is unknown until the graph runs: keep tensors as tensors (tf.print to print)"
        )
    if any(k in text for k in _UNKNOWN_SHAPE_SIGNS):
        return CheckFailed(f"{name} fails {where}{line}: {_SHAPE_HINT}")
    return CheckFailed(f"{name} works on eager tensors but fails {where}: {_last_line(e)}{line}")


def _kind(x):
    return type(x).__module__.split(".")[0] + "." + type(x).__name__


def _as_tensor(name, out, call, shape, what="a tf.Tensor"):
    """Check that out is a float32 tf.Tensor of the given shape; return it as numpy."""
    if out is None:
        raise CheckFailed(f"{call} returned None: did you forget the `return` statement?")
    if isinstance(out, (np.ndarray, np.generic)):
        raise CheckFailed(f"{call} returned a numpy {type(out).__name__}, not {what}: {_NUMPY_HINT}")
    if isinstance(out, (bool, int, float)):
        raise CheckFailed(
            f"{call} returned a Python {type(out).__name__}, not {what}: don't convert the "
            f"result with float() or .numpy(); {_NUMPY_HINT}"
        )
    if isinstance(out, (dict, list, tuple)):
        raise CheckFailed(f"{call} returned a {type(out).__name__}; it should return {what}")
    if not tf.is_tensor(out):
        raise CheckFailed(f"{call} returned a {_kind(out)}, not {what}")
    if tuple(out.shape) != tuple(shape):
        if tuple(shape) == ():
            raise CheckFailed(
                f"{call} returned shape {tuple(out.shape)}, expected a scalar (shape ()): "
                "sum over every axis, e.g. tf.reduce_sum(x) with no axis argument"
            )
        raise CheckFailed(f"{call} returned shape {tuple(out.shape)}, expected {tuple(shape)}")
    if out.dtype != tf.float32:
        raise CheckFailed(
            f"{call} returned a {out.dtype.name} tensor, expected float32: keep float32 "
            "(tf.cast(x, tf.float32)) so it adds up with the other costs"
        )
    value = np.asarray(out)
    if not np.all(np.isfinite(value)):
        raise CheckFailed(f"{call} returned {value}, not a finite number: look for a division by zero")
    return value


def _close(a, b):
    return np.allclose(a, b, rtol=RTOL, atol=ATOL)


def _fmt(x):
    x = np.asarray(x)
    return f"{float(x):.6g}" if x.ndim == 0 else np.array2string(x, precision=4, threshold=6)


def _compare(call, got, expected, mistakes=()):
    """Pass if got matches expected; else the hint of the first known mistake it matches."""
    if _close(got, expected):
        return
    for value, hint in mistakes:
        if np.shape(value) == np.shape(got) and _close(got, value):
            raise CheckFailed(f"{call} = {_fmt(got)}, expected {_fmt(expected)}: {hint}")
    if np.ndim(got) == 0 and np.ndim(expected) == 0 and float(expected) != 0 and float(got) != 0:
        ratio = float(got) / float(expected)
        how = f"{ratio:.4g}x the expected value" if ratio > 0 else "the wrong sign"
        raise CheckFailed(f"{call} = {_fmt(got)}, expected {_fmt(expected)} ({how})")
    raise CheckFailed(f"{call} = {_fmt(got)}, expected {_fmt(expected)}")


def _check_gradient(name, fn, args, wrt, call):
    """A gradient must flow from fn(*args) back to args[wrt] (a list of indices)."""
    variables = [tf.Variable(args[i]) for i in wrt]
    args = list(args)
    with tf.GradientTape() as tape:
        for i, v in zip(wrt, variables):
            args[i] = tf.identity(v)
        out = _call(name, fn, *args)
        if not tf.is_tensor(out):  # already reported by _as_tensor; be safe
            raise CheckFailed(f"{call} did not return a tf.Tensor: {_NUMPY_HINT}")
        total = tf.reduce_sum(out)
    grads = tape.gradient(total, variables)
    if any(g is None for g in grads):
        raise CheckFailed(
            f"no gradient flows from {call} back to its inputs: something in {name} leaves "
            f"TensorFlow (np.*, .numpy(), tf.constant of a value, tf.stop_gradient); {_NUMPY_HINT}"
        )


def _check_symbolic(name, fn, build, concrete, expected, call):
    """fn inside a tf.function with unknown sizes, then on keras.Input tensors.

    build = (input_signature, a function making the keras.Input tensors, apply) where
    apply(fn, *inputs) calls fn; both versions get the concrete inputs and must give
    the expected value.
    """
    import keras

    specs, keras_inputs, apply = build
    graph_fn = tf.function(lambda *a: apply(fn, *a), input_signature=specs)
    try:
        got = graph_fn(*concrete)
    except Exception as e:
        raise _symbolic_failure(name, fn, e, "inside a tf.function with unknown sizes") from None
    got = _as_tensor(name, got, f"{call} inside a tf.function", np.shape(expected))
    _compare(f"{call} inside a tf.function", got, expected)

    try:
        inputs = keras_inputs()
        out = keras.layers.Lambda(lambda t: apply(fn, *t))(list(inputs))
        model = keras.Model(list(inputs), out)
        got = model(list(concrete))
    except Exception as e:
        raise _symbolic_failure(name, fn, e, "on symbolic Keras tensors (keras.Input)") from None
    got = np.asarray(got)
    _compare(f"{call} in a Keras model", got, expected)


def _activations(seed, shape):
    rng = np.random.default_rng(seed)
    return tf.constant(rng.normal(size=shape).astype(np.float32))


def _ok(name):
    print(f"✓ {name}: all checks passed")


def _scalar_pair_symbolic(n_C):
    """(specs, keras inputs, apply) for a function of two (1, n_H, n_W, n_C) activations."""
    import keras

    spec = tf.TensorSpec((None, None, None, None), tf.float32)
    return (
        [spec, spec],
        lambda: (keras.Input(shape=(None, None, n_C)), keras.Input(shape=(None, None, n_C))),
        lambda fn, a, b: fn(a, b),
    )


def _missing_factors(expected, factors, formula):
    """Known mistakes: each subset of the normalization's factors left out."""
    mistakes = []
    names = list(factors)
    for r in range(1, len(names) + 1):
        for subset in itertools.combinations(names, r):
            ratio = float(np.prod([factors[n] for n in subset]))
            if r == len(names):
                hint = f"the value is {ratio:g}x too large: divide the sum by {formula}"
            elif subset == ("4",):
                hint = f"the value is 4x too large: did you forget the 4 in 1/({formula})?"
            else:
                hint = (
                    f"the value is {ratio:g}x too large: the normalization 1/({formula}) is "
                    f"missing {' and '.join(subset)}"
                )
            mistakes.append((expected * ratio, hint))
    return mistakes


# ------------------------------------------------------------------- content cost

def check_content_cost(content_cost):
    """Check content_cost(a_C, a_G) = 1/(4 n_H n_W n_C) sum((a_C - a_G)^2). Notebook 03."""
    name = "content_cost"
    n_H, n_W, n_C = 3, 5, 7  # distinct, so that each missing factor has its own ratio
    a_C = _activations(0, (1, n_H, n_W, n_C))
    a_G = _activations(1, (1, n_H, n_W, n_C))
    call = f"content_cost(a_C, a_G) for a_C, a_G of shape (1, {n_H}, {n_W}, {n_C})"
    with _quiet():
        got = _as_tensor(name, _call(name, content_cost, a_C, a_G), call, ())
        expected = costs.content_cost(a_C, a_G).numpy()
        n = n_H * n_W * n_C
        diff = (a_C - a_G).numpy()
        mistakes = _missing_factors(
            expected, {"4": 4, "n_H": n_H, "n_W": n_W, "n_C": n_C}, "4 n_H n_W n_C"
        ) + [
            (expected / n, f"the value is {n}x too small: tf.reduce_mean already divides by "
                           "n_H n_W n_C; use tf.reduce_sum, then divide by 4 n_H n_W n_C"),
            (diff.sum() / (4 * n), "square the differences: sum((a_C - a_G)²), with tf.square"),
            (np.abs(diff).sum() / (4 * n), "square the differences (tf.square), don't take their absolute value"),
            (np.sqrt(expected), "the value looks like a square root of the cost: sum the squared "
                                "differences, with no tf.sqrt or tf.norm"),
            (-expected, "the cost has the wrong sign: it is a sum of squares, never negative"),
        ]
        _compare(call, got, expected, mistakes)
        _check_zero_to_itself(name, content_cost, (a_C, a_C), "content_cost(a, a)",
                              ": an image has no content cost to itself")
        _check_gradient(name, content_cost, (a_C, a_G), [1], "content_cost(a_C, a_G)")
        _check_symbolic(name, content_cost, _scalar_pair_symbolic(n_C), (a_C, a_G), expected,
                        "content_cost(a_C, a_G)")
    _ok(name)


def _check_zero_to_itself(name, fn, args, call, why=""):
    """fn(a, a, ...) must be 0: a cost compares an image with itself."""
    same = _as_tensor(name, _call(name, fn, *args), call, ())
    if not _close(same, 0.0):
        raise CheckFailed(f"{call} = {_fmt(same)}, expected 0{why}")


# ------------------------------------------------------------------- gram matrix

def check_gram_matrix(gram_matrix):
    """Check gram_matrix(A) = A A^T for A of shape (n_C, n_H*n_W). Notebook 04."""
    import keras

    name = "gram_matrix"
    n_C, n_L = 3, 400
    A = _activations(2, (n_C, n_L))
    call = f"gram_matrix(A) for A of shape ({n_C}, {n_L})"
    with _quiet():
        out = _call(name, gram_matrix, A)
        if tf.is_tensor(out) and tuple(out.shape) == (n_L, n_L):
            raise CheckFailed(
                f"gram_matrix(A) returned shape ({n_L}, {n_L}) for A of shape ({n_C}, {n_L}): "
                "compute A·Aᵀ, not Aᵀ·A: tf.matmul(A, A, transpose_b=True) or "
                "tf.matmul(A, tf.transpose(A))"
            )
        if tf.is_tensor(out) and tuple(out.shape) == (n_C, n_L):
            raise CheckFailed(
                f"gram_matrix(A) returned shape ({n_C}, {n_L}), the shape of A: A * A multiplies "
                "element by element; use the matrix product tf.matmul(A, A, transpose_b=True)"
            )
        got = _as_tensor(name, out, call, (n_C, n_C))
        expected = costs.gram_matrix(A).numpy()
        mistakes = [
            (expected / d, f"the values are {d}x too small: gram_matrix is just A·Aᵀ, with no "
                           "normalization (that comes in layer_style_cost)")
            for d in (n_L, n_C, n_C * n_L, n_L**2, n_C**2)
        ]
        mistakes.append((2 * expected, "the values are 2x too large: G = A·Aᵀ, once"))
        _compare(call, got, expected, mistakes)
        _check_gradient(name, gram_matrix, (A,), [0], "gram_matrix(A)")
        _check_symbolic(
            name, gram_matrix,
            ([tf.TensorSpec((None, None), tf.float32)],
             lambda: (keras.Input(batch_shape=(None, None)),),
             lambda fn, a: fn(a)),
            (A,), expected, "gram_matrix(A)",
        )
    _ok(name)


# ------------------------------------------------------------- layer style cost

def _style_cost_variants(a_S, a_G):
    """Values of typical wrong layer style costs, with their hints."""
    a_S, a_G = np.asarray(a_S)[0], np.asarray(a_G)[0]  # (n_H, n_W, n_C)
    n_H, n_W, n_C = a_G.shape
    norm = 4.0 * n_C**2 * (n_H * n_W) ** 2

    def cost(gram_of):
        return float(np.sum((gram_of(a_S) - gram_of(a_G)) ** 2) / norm)

    positions = cost(lambda a: a.reshape(-1, n_C) @ a.reshape(-1, n_C).T)
    mixed = cost(lambda a: a.reshape(n_C, -1) @ a.reshape(n_C, -1).T)
    G_S = a_S.reshape(-1, n_C).T @ a_S.reshape(-1, n_C)
    G_G = a_G.reshape(-1, n_C).T @ a_G.reshape(-1, n_C)
    return [
        (positions, "the Gram matrices were computed over positions (n_H·n_W × n_H·n_W) "
                    "instead of channels: unroll a to A of shape (n_C, n_H·n_W) and use A·Aᵀ"),
        (mixed, "unroll with tf.transpose(tf.reshape(a, (-1, n_C))): reshaping straight to "
                "(n_C, n_H·n_W) mixes up channels and positions"),
        (float(np.sum(G_S - G_G) / norm), "square the differences of the Gram matrices: sum((G_S - G_G)²)"),
    ]


def check_layer_style_cost(layer_style_cost):
    """Check layer_style_cost(a_S, a_G) = 1/(4 n_C² (n_H n_W)²) sum((G_S - G_G)²). Notebook 04."""
    name = "layer_style_cost"
    n_H, n_W, n_C = 3, 5, 7
    a_S = _activations(3, (1, n_H, n_W, n_C))
    a_G = _activations(4, (1, n_H, n_W, n_C))
    call = f"layer_style_cost(a_S, a_G) for a_S, a_G of shape (1, {n_H}, {n_W}, {n_C})"
    with _quiet():
        got = _as_tensor(name, _call(name, layer_style_cost, a_S, a_G), call, ())
        expected = costs.layer_style_cost(a_S, a_G).numpy()
        formula = "4 n_C² (n_H n_W)²"
        mistakes = _style_cost_variants(a_S, a_G) + [
            (expected * 4, f"the value is 4x too large: did you forget the 4 in 1/({formula})?"),
            (expected * n_C, f"the value is {n_C}x (n_C) too large: square n_C in 1/({formula})"),
            (expected * n_H * n_W, f"the value is {n_H * n_W}x (n_H n_W) too large: square "
                                   f"n_H n_W in 1/({formula})"),
            (expected * n_C * n_H * n_W, f"the value is {n_C * n_H * n_W}x too large: square both "
                                         f"n_C and n_H n_W in 1/({formula})"),
            (expected * 4 * n_C**2 * (n_H * n_W) ** 2, f"the value is {4 * n_C**2 * (n_H * n_W)**2:g}x "
                                                       f"too large: divide the sum by {formula}"),
            (expected * 4 * n_C * n_H * n_W, f"the value is {4 * n_C * n_H * n_W}x too large: "
                                             f"divide by {formula}, with both squares and the 4"),
            (expected * 2 * n_C * n_H * n_W, f"the value is {2 * n_C * n_H * n_W}x too large: the "
                                             f"normalization is 1/({formula}), the squares go on n_C "
                                             "and n_H n_W, not on the 2"),
            (expected / 4, "the value is 4x too small: the factor is 1/4, divided once"),
            (-expected, "the cost has the wrong sign: it is a sum of squares, never negative"),
        ]
        _compare(call, got, expected, mistakes)
        _check_zero_to_itself(name, layer_style_cost, (a_S, a_S), "layer_style_cost(a, a)",
                              ": an image has no style cost to itself")
        _check_gradient(name, layer_style_cost, (a_S, a_G), [1], "layer_style_cost(a_S, a_G)")
        _check_symbolic(name, layer_style_cost, _scalar_pair_symbolic(n_C), (a_S, a_G), expected,
                        "layer_style_cost(a_S, a_G)")
    _ok(name)


# ------------------------------------------------------------------- style cost

def check_style_cost(style_cost):
    """Check style_cost(a_S, a_G, weights) = sum_l weights[l] * layer_style_cost(a_S[l], a_G[l]).

    a_S, a_G: lists of activations, one per layer; weights: one lambda_l per layer. Notebook 04.
    """
    name = "style_cost"
    shapes = [(1, 6, 5, 3), (1, 3, 2, 4), (1, 2, 1, 5)]
    weights = [0.5, 0.3, 0.2]
    a_S = [_activations(10 + i, s) for i, s in enumerate(shapes)]
    a_G = [_activations(20 + i, s) for i, s in enumerate(shapes)]
    call = "style_cost(a_S, a_G, weights=[0.5, 0.3, 0.2]) for three layers"
    with _quiet():
        got = _as_tensor(name, _call(name, style_cost, a_S, a_G, weights), call, ())
        expected = costs.style_cost(a_S, a_G, weights).numpy()
        J = [float(costs.layer_style_cost(s, g)) for s, g in zip(a_S, a_G)]
        w = weights
        mistakes = [
            (sum(J), "the layers' weights were ignored: multiply each layer's cost by its weight λ_l"),
            (np.mean(J), "you averaged the layers: multiply each layer's cost by its weight λ_l, then add them up"),
            (w[-1] * J[-1], "only the last layer counted: accumulate, J_style += λ_l * J_l, "
                            "instead of overwriting J_style in the loop"),
            (J[-1], "only the last layer counted, without its weight: J_style += λ_l * J_l over all layers"),
            (w[0] * J[0], "only the first layer counted: did the loop `return` too early?"),
            (sum(wi * Ji for wi, Ji in zip(w[::-1], J)), "the weights were paired with the wrong "
                                                          "layers: zip(a_S, a_G, weights), in order"),
            (sum(wi * wi * Ji for wi, Ji in zip(w, J)), "each weight was applied twice: J_style += λ_l * J_l"),
        ]
        _compare(call, got, expected, mistakes)
        _check_zero_to_itself(name, style_cost, (a_S, a_S, weights), "style_cost(a, a, weights)")
        one = _as_tensor(name, _call(name, style_cost, a_S[:1], a_G[:1], [1.0]), "style_cost([a_S], [a_G], [1.0])", ())
        _compare("style_cost([a_S], [a_G], [1.0]) for one layer", one, J[0])

        # gradient with respect to every generated activation
        variables = [tf.Variable(a) for a in a_G]
        with tf.GradientTape() as tape:
            out = _call(name, style_cost, a_S, [tf.identity(v) for v in variables], weights)
        grads = tape.gradient(out, variables)
        if any(g is None for g in grads):
            raise CheckFailed(
                f"no gradient flows from style_cost back to every generated activation: {_NUMPY_HINT}"
            )
        _check_style_symbolic(name, style_cost, a_S, a_G, weights, expected, call)
    _ok(name)


def _check_style_symbolic(name, style_cost, a_S, a_G, weights, expected, call):
    import keras

    spec = tf.TensorSpec((None, None, None, None), tf.float32)
    graph_fn = tf.function(lambda s, g: style_cost(list(s), list(g), weights),
                           input_signature=[[spec] * len(a_S), [spec] * len(a_G)])
    try:
        got = graph_fn(a_S, a_G)
    except Exception as e:
        raise _symbolic_failure(name, style_cost, e, "inside a tf.function with unknown sizes") from None
    got = _as_tensor(name, got, f"{call} inside a tf.function", ())
    _compare(f"{call} inside a tf.function", got, expected)
    n = len(a_S)
    try:
        inputs = [keras.Input(shape=(None, None, int(a.shape[-1]))) for a in list(a_S) + list(a_G)]
        out = keras.layers.Lambda(lambda t: style_cost(list(t[:n]), list(t[n:]), weights))(inputs)
        got = keras.Model(inputs, out)(list(a_S) + list(a_G))
    except Exception as e:
        raise _symbolic_failure(name, style_cost, e, "on symbolic Keras tensors (keras.Input)") from None
    _compare(f"{call} in a Keras model", np.asarray(got), expected)


# ------------------------------------------------------------------- total cost

def check_total_cost(total_cost):
    """Check total_cost(J_content, J_style, alpha, beta) = alpha J_content + beta J_style. Notebook 05."""
    import keras

    name = "total_cost"
    J_content, J_style = tf.constant(2.0), tf.constant(3.0)
    with _quiet():
        call = "total_cost(J_content=2.0, J_style=3.0, alpha=10, beta=40)"
        got = _as_tensor(name, _call(name, total_cost, J_content, J_style, alpha=10, beta=40), call, ())
        expected = 10 * 2.0 + 40 * 3.0
        _compare(call, got, expected, [
            (10 * 3.0 + 40 * 2.0, "alpha and beta look swapped: J = alpha · J_content + beta · J_style"),
            (10 * 2.0 * 40 * 3.0, "the terms are multiplied: J = alpha · J_content + beta · J_style, a sum"),
            (2.0 + 3.0, "alpha and beta were not used: J = alpha · J_content + beta · J_style"),
            ((10 * 2.0 + 40 * 3.0) / 2, "don't average the terms: J = alpha · J_content + beta · J_style"),
        ])
        call = "total_cost(J_content=2.0, J_style=3.0, alpha=0.5, beta=7)"
        got = _as_tensor(name, _call(name, total_cost, J_content, J_style, alpha=0.5, beta=7.0), call, ())
        _compare(call, got, 0.5 * 2.0 + 7.0 * 3.0, [
            (expected, "total_cost ignores its alpha and beta arguments (it returned the value "
                       "for alpha=10, beta=40): use the parameters, not the numbers 10 and 40"),
            (7.0 * 2.0 + 0.5 * 3.0, "alpha and beta look swapped: J = alpha · J_content + beta · J_style"),
            (10 * 2.0 + 7.0 * 3.0, "total_cost ignores its alpha argument: use alpha, not 10"),
            (0.5 * 2.0 + 40 * 3.0, "total_cost ignores its beta argument: use beta, not 40"),
        ])
        if _close(got, 0.0):
            raise CheckFailed(f"{call} returned 0")
        # the gradient: dJ/dJ_content = alpha, dJ/dJ_style = beta
        v_c, v_s = tf.Variable(2.0), tf.Variable(3.0)
        with tf.GradientTape() as tape:
            out = _call(name, total_cost, tf.identity(v_c), tf.identity(v_s), alpha=10, beta=40)
        g_c, g_s = tape.gradient(out, [v_c, v_s]) if tf.is_tensor(out) else (None, None)
        if g_c is None or g_s is None:
            raise CheckFailed(f"no gradient flows from total_cost back to J_content and J_style: {_NUMPY_HINT}")
        _check_symbolic(
            name, total_cost,
            ([tf.TensorSpec((), tf.float32)] * 2,
             lambda: (keras.Input(batch_shape=()), keras.Input(batch_shape=())),
             lambda fn, c, s: fn(c, s, alpha=10, beta=40)),
            (J_content, J_style), expected, "total_cost(J_content, J_style, alpha=10, beta=40)",
        )
    _ok(name)


# ------------------------------------------------------------------- train step

class StandInExtractor(tf.Module):
    """A tiny fixed random convnet that answers to VGG-19's layer names.

    Lets check_train_step (and tests) build a real StyleTransfer problem without the
    VGG-19 weights: ``extractor(image)`` returns {layer name: activations} for the
    requested layers, each a 3x3 convolution (softplus) of the one before, halved in
    size between them. Its kernels are *trainable* variables on purpose, so that a
    train step that takes the gradient with respect to the weights is caught.
    """

    def __init__(self, layer_names, channels=4, seed=0):
        super().__init__(name="stand_in_extractor")
        from .model import LAYER_NAMES

        self.layer_names = sorted(dict.fromkeys(layer_names), key=LAYER_NAMES.index)
        rng = np.random.default_rng(seed)
        self.kernels = []
        c_in = 3
        for _ in self.layer_names:
            k = rng.normal(0.0, 1.0 / np.sqrt(9 * c_in), (3, 3, c_in, channels)).astype(np.float32)
            self.kernels.append(tf.Variable(k, trainable=True))
            c_in = channels
        self.model = self  # like FeatureExtractor.model, for `extractor.model.trainable_variables`

    def __call__(self, image):
        x, outputs = tf.cast(image, tf.float32) * 2.0 - 1.0, {}
        for i, (name, k) in enumerate(zip(self.layer_names, self.kernels)):
            if i > 0:
                x = tf.nn.avg_pool2d(x, 2, 2, "SAME")
            x = tf.nn.softplus(tf.nn.conv2d(x, k, 1, "SAME"))
            outputs[name] = x
        return outputs


def _train_problem(seed=0, size=16):
    """A StyleTransfer problem on small seeded images with the stand-in extractor."""
    from .config import Config
    from .optimize import StyleTransfer

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
    call = "train_step(image, problem, optimizer)"
    with _quiet():
        problem, start = _train_problem()
        extractor = problem.extractor
        weights_before = [k.numpy() for k in extractor.kernels]
        image = tf.Variable(start)
        before = image.numpy()
        with tf.GradientTape() as tape:
            J_before = problem.costs(image)["total"]
        grad = tape.gradient(J_before, image).numpy()
        J_before = float(J_before)
        optimizer = _adam()  # unbuilt: it must not refuse the weights before we can see them change

        try:
            out = _call(name, train_step, image, problem, optimizer)
        except CheckFailed as e:
            if "originally built with" in str(e):
                raise CheckFailed(_WEIGHTS_HINT) from None
            if "No gradients provided" in str(e):
                raise CheckFailed(
                    f"{e} tape.gradient(J, image) returned None: compute J inside the "
                    "`with tf.GradientTape() as tape:` block, then take the gradient after it"
                ) from None
            raise
        after = image.numpy()

        if any(not np.array_equal(w, k.numpy()) for w, k in zip(weights_before, extractor.kernels)):
            raise CheckFailed(_WEIGHTS_HINT)
        if np.array_equal(after, before):
            if int(optimizer.iterations) == 0:
                raise CheckFailed(
                    "the image did not change: apply the gradient to it with "
                    "optimizer.apply_gradients([(grad, image)])"
                )
            raise CheckFailed(
                "the optimizer ran but the image did not change: apply the gradient with "
                "respect to the image, optimizer.apply_gradients([(grad, image)])"
            )
        if int(optimizer.iterations) == 0:
            raise CheckFailed(
                "the image changed but the optimizer was not used: apply the gradient with "
                "optimizer.apply_gradients([(grad, image)]) instead of updating the image yourself"
            )
        if int(optimizer.iterations) > 1:
            raise CheckFailed(
                f"the optimizer took {int(optimizer.iterations)} steps in one call: call "
                "optimizer.apply_gradients once per train_step"
            )
        if isinstance(out, dict):
            raise CheckFailed(f"{call} returned the dict of costs: return J, its 'total' entry (a scalar)")
        J = _as_tensor(name, out, call, ())
        if after.min() < 0.0 or after.max() > 1.0:
            raise CheckFailed(
                f"the image left [0, 1] (its pixels went from {after.min():.3g} to "
                f"{after.max():.3g}): clip it after the update with "
                "image.assign(tf.clip_by_value(image, 0.0, 1.0))"
            )
        if not _close(J, J_before):
            J_after = float(problem.costs(tf.constant(after))["total"])
            if _close(J, J_after):
                raise CheckFailed(
                    f"{call} returned the cost after the update ({J_after:.6g}): return the J "
                    f"computed in the tape, before the update ({J_before:.6g})"
                )
            raise CheckFailed(
                f"{call} returned {_fmt(J)}, expected the total cost of the image, "
                f"problem.costs(image)['total'] = {J_before:.6g}"
            )
        step = _one_adam_step(grad)
        if not np.allclose(after, np.clip(before - step, 0.0, 1.0), atol=1e-5):
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
        _check_train_step_graph(name, train_step, call)
    _ok(name)


def _one_adam_step(grad):
    """The change a fresh Adam (as _adam() makes) applies on its first step."""
    v = tf.Variable(tf.zeros_like(grad))
    opt = _adam(v)
    opt.apply_gradients([(tf.constant(grad), v)])
    return -v.numpy()


def _check_train_step_graph(name, train_step, call):
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
        raise _symbolic_failure(name, train_step, e, "inside a tf.function") from None
    _as_tensor(name, out, f"{call} inside a tf.function", ())
    after = image.numpy()
    if np.array_equal(after, before) or after.min() < 0.0 or after.max() > 1.0:
        raise CheckFailed(
            f"{call} works eagerly but not inside a tf.function: update the image with "
            "optimizer.apply_gradients and image.assign, not by rebinding a Python name"
        )
