"""What every exercise's check shares: the failures, calling the student's code, the tests.

A check file (one per notebook, see :mod:`nstlib.checks`) builds seeded inputs, calls
the student's function through :func:`run_student` and hands the result to the tests
here, each of which raises :class:`CheckFailed` with a one-line hint on a mistake:

- :func:`as_tensor`: a float32 ``tf.Tensor`` of the right shape, finite (not numpy,
  not a Python number, not None);
- :func:`compare`: the value of the reference, else the hint of the known mistake it
  matches (or how far off it is);
- :func:`expect_gradient`: a gradient flows back to the inputs;
- :func:`expect_symbolic`: the function also works inside a ``tf.function`` with
  unknown sizes and on symbolic Keras tensors (``keras.Input``);
- :func:`expect_zero_to_itself`: f(a, a) = 0;
- :func:`expect_value`: the student's result, its type, shape and value at once;
- :func:`run_function_checks`: value, gradient and symbolic tests of a function of tensors;
- :func:`run_pair_cost_checks`: all of these for a cost of two activations.

Run a check's tests inside ``with quiet():`` and end it with :func:`passed`.
"""

import contextlib
import inspect
import logging
import re
import traceback
import warnings

import numpy as np
import tensorflow as tf

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
            f"{name} is not implemented yet: replace `raise NotImplementedError()` with your "
            "code (under `# YOUR CODE HERE`), then run this cell again"
        )


NUMPY_HINT = (
    "use tf.* ops (tf.reduce_sum, tf.square, tf.matmul, ...) instead of np.* and .numpy(), "
    "so that TensorFlow can follow the computation and compute gradients"
)
_SHAPE_HINT = (
    "inside a tf.function or a Keras model the sizes are unknown (a.shape is (None, None, "
    "None, None)): read them when the graph runs, with tf.shape(a) (a tensor of ints: cast "
    "it to float32 with tf.cast before dividing), instead of a.shape or a.get_shape()"
)

# What TensorFlow and Python say when code computes with a size that is None.
_UNKNOWN_SHAPE_SIGNS = (
    "NoneType", "None values not supported", "partially known", "unknown rank",
    "Cannot convert a partially", "must be fully defined",
)


# --------------------------------------------------------------------------- running

@contextlib.contextmanager
def quiet():
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


def passed(name):
    print(f"✓ {name}: all checks passed")


def activations(seed, shape):
    """Seeded standard normal float32 activations of the given shape."""
    rng = np.random.default_rng(seed)
    return tf.constant(rng.normal(size=shape).astype(np.float32))


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


def run_student(name, fn, *args, **kwargs):
    """fn(*args, **kwargs), turning the stub, any error and a call of the package's answer
    (:mod:`.own_work`) into one-line check failures."""
    from .own_work import expect_own_work, watching

    try:
        expect_own_work(name, fn)
        with watching(name):
            return fn(*args, **kwargs)
    except CheckFailed:
        raise
    except Exception as e:
        if _is_stub(e):
            raise NotImplementedYet(name) from None
        raise CheckFailed(f"{name} raised {_last_line(e)}{_where(fn, e)}") from None


def symbolic_failure(name, fn, e, where):
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
            f"(np.* or .numpy()), which symbolic tensors do not have: {NUMPY_HINT}"
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


# --------------------------------------------------------------------------- results

def _kind(x):
    return type(x).__module__.split(".")[0] + "." + type(x).__name__


def as_tensor(out, call, shape, what="a tf.Tensor"):
    """Check that out is a finite float32 tf.Tensor of the given shape; return it as numpy."""
    if out is None:
        raise CheckFailed(f"{call} returned None: did you forget the `return` statement?")
    if isinstance(out, (np.ndarray, np.generic)):
        raise CheckFailed(f"{call} returned a numpy {type(out).__name__}, not {what}: {NUMPY_HINT}")
    if isinstance(out, (bool, int, float)):
        raise CheckFailed(
            f"{call} returned a Python {type(out).__name__}, not {what}: don't convert the "
            f"result with float() or .numpy(); {NUMPY_HINT}"
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
            "(tf.cast(x, tf.float32)), the dtype of the rest of the course"
        )
    value = np.asarray(out)
    if not np.all(np.isfinite(value)):
        raise CheckFailed(f"{call} returned {value}, not a finite number: look for a division by zero")
    return value


def close(a, b, atol=ATOL):
    return np.allclose(a, b, rtol=RTOL, atol=atol)


def fmt(x):
    x = np.asarray(x)
    if x.ndim == 0:
        return f"{float(x):.6g}"
    if x.size > 9:  # an image or activations: their range says more than a page of numbers
        return f"values in [{x.min():.4g}, {x.max():.4g}]"
    return np.array2string(x, precision=4, threshold=6)


def compare(call, got, expected, mistakes=(), diagnose=None, atol=ATOL):
    """Pass if got matches expected; else the hint of the first known mistake it matches.

    mistakes: (value, hint) pairs, the value a typical wrong answer gives. diagnose: a
    function of got returning a hint (or None), tried when no listed mistake matches.
    atol: the absolute tolerance (images computed another way may want more).
    """
    if close(got, expected, atol):
        return
    for value, hint in mistakes:
        if np.shape(value) == np.shape(got) and close(got, value, atol):
            raise CheckFailed(f"{call} = {fmt(got)}, expected {fmt(expected)}: {hint}")
    hint = diagnose(got) if diagnose is not None else None
    if hint:
        raise CheckFailed(f"{call} = {fmt(got)}, expected {fmt(expected)}: {hint}")
    if np.ndim(got) == 0 and np.ndim(expected) == 0 and float(expected) != 0 and float(got) != 0:
        ratio = float(got) / float(expected)
        how = f"{ratio:.4g}x the expected value" if ratio > 0 else "the wrong sign"
        raise CheckFailed(f"{call} = {fmt(got)}, expected {fmt(expected)} ({how})")
    raise CheckFailed(f"{call} = {fmt(got)}, expected {fmt(expected)}")


# --------------------------------------------------------------------------- properties

def expect_zero_to_itself(name, fn, args, call, why=""):
    """fn(a, a, ...) must be 0: a cost compares an image with itself."""
    same = as_tensor(run_student(name, fn, *args), call, ())
    if not close(same, 0.0):
        raise CheckFailed(f"{call} = {fmt(same)}, expected 0{why}")


def expect_gradient(name, fn, args, wrt, call, kwargs=None, message=None):
    """A gradient must flow from fn(*args, **kwargs) back to args[i] for each i in wrt.

    An args[i] that is a list (e.g. one activation per layer) needs a gradient to each
    of its items. message: what to say if one is missing, instead of the generic hint.
    """
    args = list(args)
    groups = {i: args[i] if isinstance(args[i], list) else [args[i]] for i in wrt}
    variables = {i: [tf.Variable(a) for a in group] for i, group in groups.items()}
    with tf.GradientTape() as tape:
        for i, group in variables.items():
            inputs = [tf.identity(v) for v in group]
            args[i] = inputs if isinstance(args[i], list) else inputs[0]
        out = run_student(name, fn, *args, **(kwargs or {}))
        if not tf.is_tensor(out):  # already reported by as_tensor; be safe
            raise CheckFailed(f"{call} did not return a tf.Tensor: {NUMPY_HINT}")
        total = tf.reduce_sum(out)
    grads = tape.gradient(total, [v for group in variables.values() for v in group])
    if any(g is None for g in grads):
        raise CheckFailed(message or (
            f"no gradient flows from {call} back to its inputs: something in {name} leaves "
            f"TensorFlow (np.*, .numpy(), tf.constant of a value, tf.stop_gradient); {NUMPY_HINT}"
        ))


def expect_symbolic(name, fn, build, concrete, expected, call):
    """fn inside a tf.function with unknown sizes, then on keras.Input tensors.

    build = (input_signature, a function making the keras.Input tensors, apply) where
    apply(fn, *inputs) calls fn; both versions get the concrete inputs and must give
    the expected value.
    """
    import keras

    specs, keras_inputs, apply = build
    from .own_work import watching
    graph_fn = tf.function(lambda *a: apply(fn, *a), input_signature=specs)
    try:
        with watching(name):
            got = graph_fn(*concrete)
    except Exception as e:
        raise symbolic_failure(name, fn, e, "inside a tf.function with unknown sizes") from None
    got = as_tensor(got, f"{call} inside a tf.function", np.shape(expected))
    compare(f"{call} inside a tf.function", got, expected)

    try:
        inputs = keras_inputs()
        with watching(name):
            out = keras.layers.Lambda(lambda t: apply(fn, *t))(list(inputs))
            model = keras.Model(list(inputs), out)
            got = model(list(concrete))
    except Exception as e:
        raise symbolic_failure(name, fn, e, "on symbolic Keras tensors (keras.Input)") from None
    got = np.asarray(got)
    compare(f"{call} in a Keras model", got, expected)


def activation_inputs(channels):
    """`build` for expect_symbolic: a function of activations (1, n_H, n_W, n_C) each.

    channels: n_C of each argument, e.g. (n_C, n_C) for cost(a_C, a_G).
    """
    import keras

    spec = tf.TensorSpec((None, None, None, None), tf.float32)
    return (
        [spec] * len(channels),
        lambda: [keras.Input(shape=(None, None, n_C)) for n_C in channels],
        lambda fn, *a: fn(*a),
    )


# --------------------------------------------------------------------------- a whole check

def expect_value(name, fn, args, expected, call, mistakes=(), shape_hints=None, **compare_options):
    """fn(*args): a float32 tf.Tensor of expected's shape and value; returned as numpy.

    shape_hints: {wrong shape: hint}, for the shapes typical mistakes return;
    compare_options: compare's diagnose and atol.
    """
    out = run_student(name, fn, *args)
    shape = tuple(out.shape) if tf.is_tensor(out) else None
    if shape_hints and shape in shape_hints:
        raise CheckFailed(f"{call} returned shape {shape}, expected {np.shape(expected)}: {shape_hints[shape]}")
    got = as_tensor(out, call, np.shape(expected))
    compare(call, got, expected, mistakes, **compare_options)
    return got


def run_function_checks(name, fn, args, expected, call, signature, wrt=(), build=None, more=None, **value):
    """A whole check of a function of tensors, ending with the ✓ line.

    Its value (expect_value's arguments in `value`), more() if given (its properties),
    a gradient to the arguments in wrt, the symbolic versions if `build` (see
    expect_symbolic).
    """
    with quiet():
        expect_value(name, fn, args, expected, call, **value)
        if more is not None:
            more()
        if wrt:
            expect_gradient(name, fn, args, wrt, signature)
        if build is not None:
            expect_symbolic(name, fn, build, args, expected, signature)
    passed(name)


def run_pair_cost_checks(name, fn, reference, names, seeds, mistakes, why, shape=(1, 3, 5, 7), more=None):
    """Check a cost of two activations, e.g. content_cost(a_C, a_G), against `reference`.

    names: the arguments' names, e.g. ("a_C", "a_G"); seeds: the seeds of their values
    (of `shape`, with distinct sizes, so that each missing factor has its own ratio; or
    a pair of shapes, one per argument). mistakes(a, b, expected): the (value, hint)
    pairs of the typical wrong answers. It must match the reference, be 0 for twice
    the same activations (`why` says why), let a gradient flow to the second argument,
    work symbolically too, and pass more() if given.
    """
    shapes = shape if isinstance(shape[0], tuple) else (shape, shape)
    a, b = (activations(seed, s) for seed, s in zip(seeds, shapes))
    signature = f"{name}({names[0]}, {names[1]})"
    of = f"of shape {shapes[0]}" if shapes[0] == shapes[1] else f"of shapes {shapes[0]} and {shapes[1]}"
    expected = reference(a, b).numpy()

    def properties():
        expect_zero_to_itself(name, fn, (a, a), f"{name}(a, a)", why)
        if more is not None:
            more()

    run_function_checks(
        name, fn, (a, b), expected, f"{signature} for {names[0]}, {names[1]} {of}", signature,
        wrt=[1], build=activation_inputs((shapes[0][-1], shapes[1][-1])), more=properties,
        mistakes=mistakes(a, b, expected),
    )
