"""The checks of notebooks/04_style_cost.ipynb.

``check_gram_matrix``, ``check_layer_style_cost``, ``check_style_cost``, and for a style
image of another size than the generated one ``check_position_gram`` and
``check_layer_style_cost_any_size``.
"""

import numpy as np
import tensorflow as tf

from ..core import costs
from ..core.losses import gram_distance
from .harness import (
    NUMPY_HINT,
    CheckFailed,
    activation_inputs,
    activations,
    as_tensor,
    compare,
    expect_gradient,
    expect_symbolic,
    expect_value,
    expect_zero_to_itself,
    passed,
    quiet,
    run_function_checks,
    run_pair_cost_checks,
    run_student,
)

_POSITIONS_HINT = (
    "the Gram matrices were computed over positions (n_H·n_W × n_H·n_W) instead of channels: "
    "with A unrolled to (n_C, n_H·n_W), that is Aᵀ·A, which multiplies each position's column "
    "by every other column; the Gram matrix multiplies each channel's row by every other row, "
    "an n_C × n_C matrix"
)
_MIXED_HINT = (
    "reshaping straight to (n_C, n_H·n_W) mixes up channels and positions: a reshape keeps the "
    "values in memory order, where the channels are the last (fastest) axis, so each row gets "
    "values of several channels; keep the channels last when you reshape (one row per "
    "position), then swap the two axes (tf.transpose)"
)

# ------------------------------------------------------------------- gram matrix


def check_gram_matrix(gram_matrix):
    """Check gram_matrix(A) = A A^T for A of shape (n_C, n_H*n_W). Notebook 04."""
    import keras

    name = "gram_matrix"
    n_C, n_L = 3, 400
    A = activations(2, (n_C, n_L))
    call = f"gram_matrix(A) for A of shape ({n_C}, {n_L})"
    with quiet():
        out = run_student(name, gram_matrix, A)
        if tf.is_tensor(out) and tuple(out.shape) == (n_L, n_L):
            raise CheckFailed(
                f"gram_matrix(A) returned shape ({n_L}, {n_L}) for A of shape ({n_C}, {n_L}): "
                f"this is Aᵀ·A, a {n_L}x{n_L} matrix of positions, not of channels: the Gram "
                "matrix multiplies each channel's row of A by every other row, so it is "
                f"{n_C}x{n_C}; check which factor of the product is transposed"
            )
        if tf.is_tensor(out) and tuple(out.shape) == (n_C, n_L):
            raise CheckFailed(
                f"gram_matrix(A) returned shape ({n_C}, {n_L}), the shape of A: A * A multiplies "
                "element by element; the Gram matrix is a matrix product (tf.matmul), whose "
                "entry (i, j) is the dot product of channel i's row with channel j's row"
            )
        got = as_tensor(out, call, (n_C, n_C))
        expected = costs.gram_matrix(A).numpy()
        mistakes = [
            (expected / d, f"the values are {d}x too small: the Gram matrix is the bare product, "
                           "with no normalization (the division comes later, in layer_style_cost)")
            for d in (n_L, n_C, n_C * n_L, n_L**2, n_C**2)
        ]
        mistakes.append((2 * expected, "the values are 2x too large: the product was counted twice; "
                                       "the Gram matrix is one matrix product"))
        compare(call, got, expected, mistakes)
        expect_gradient(name, gram_matrix, (A,), [0], "gram_matrix(A)")
        expect_symbolic(
            name, gram_matrix,
            ([tf.TensorSpec((None, None), tf.float32)],
             lambda: (keras.Input(batch_shape=(None, None)),),
             lambda fn, a: fn(a)),
            (A,), expected, "gram_matrix(A)",
        )
    passed(name)


# ------------------------------------------------------------- layer style cost


def check_layer_style_cost(layer_style_cost):
    """Check layer_style_cost(a_S, a_G) = 1/(4 n_C² (n_H n_W)²) sum((G_S - G_G)²). Notebook 04."""
    run_pair_cost_checks(
        "layer_style_cost", layer_style_cost, costs.layer_style_cost, ("a_S", "a_G"),
        seeds=(3, 4), mistakes=_layer_mistakes, why=": an image has no style cost to itself",
    )


def _layer_mistakes(a_S, a_G, expected):
    """The values of typical wrong layer style costs of a_S, a_G, with their hints."""
    _, n_H, n_W, n_C = a_G.shape
    formula = "4 n_C² (n_H n_W)²"
    return _gram_variants(a_S, a_G) + [
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


def _grams(a):
    """Gram matrices (numpy) of activations a (1, n_H, n_W, n_C): (over channels, over positions,
    with channels and positions mixed up by a reshape without the transpose)."""
    a = np.asarray(a)[0]
    F, mixed = a.reshape(-1, a.shape[-1]), a.reshape(a.shape[-1], -1)  # (n_H n_W, n_C), (n_C, n_H n_W)
    return F.T @ F, F @ F.T, mixed @ mixed.T


def _gram_variants(a_S, a_G):
    """Values of layer style costs with a wrong Gram matrix, with their hints."""
    _, n_H, n_W, n_C = a_G.shape
    norm = 4.0 * n_C**2 * (n_H * n_W) ** 2
    (G_S, P_S, M_S), (G_G, P_G, M_G) = _grams(a_S), _grams(a_G)

    def cost(D):
        return float(np.sum(D**2) / norm)

    return [
        (cost(P_S - P_G), _POSITIONS_HINT),
        (cost(M_S - M_G), _MIXED_HINT),
        (float(np.sum(G_S - G_G) / norm), "square the differences of the Gram matrices before summing "
                                          "them: unsquared, positive and negative entries cancel out"),
    ]


# ------------------------------------------------------------------- style cost


def check_style_cost(style_cost):
    """Check style_cost(a_S, a_G, weights) = sum_l weights[l] * layer_style_cost(a_S[l], a_G[l]).

    a_S, a_G: lists of activations, one per layer; weights: one lambda_l per layer. Notebook 04.
    """
    name = "style_cost"
    shapes = [(1, 6, 5, 3), (1, 3, 2, 4), (1, 2, 1, 5)]
    weights = [0.5, 0.3, 0.2]
    a_S = [activations(10 + i, s) for i, s in enumerate(shapes)]
    a_G = [activations(20 + i, s) for i, s in enumerate(shapes)]
    call = "style_cost(a_S, a_G, weights=[0.5, 0.3, 0.2]) for three layers"
    with quiet():
        got = as_tensor(run_student(name, style_cost, a_S, a_G, weights), call, ())
        expected = costs.style_cost(a_S, a_G, weights).numpy()
        J = [float(costs.layer_style_cost(s, g)) for s, g in zip(a_S, a_G)]
        compare(call, got, expected, _style_mistakes(J, weights))
        expect_zero_to_itself(name, style_cost, (a_S, a_S, weights), "style_cost(a, a, weights)")
        one = as_tensor(run_student(name, style_cost, a_S[:1], a_G[:1], [1.0]),
                        "style_cost([a_S], [a_G], [1.0])", ())
        compare("style_cost([a_S], [a_G], [1.0]) for one layer", one, J[0])
        expect_gradient(
            name, style_cost, (a_S, a_G, weights), [1], call,
            message=f"no gradient flows from style_cost back to every generated activation: {NUMPY_HINT}",
        )
        # in a tf.function and a Keras model, on the layers' activations as one flat list
        n = len(a_S)
        specs, keras_inputs, _ = activation_inputs([int(a.shape[-1]) for a in a_S + a_G])

        def apply(fn, *t):
            return fn(list(t[:n]), list(t[n:]), weights)

        expect_symbolic(name, style_cost, (specs, keras_inputs, apply), a_S + a_G, expected, call)
    passed(name)


def _style_mistakes(J, w):
    """Typical wrong style costs, given each layer's cost J[l] and weight w[l]."""
    return [
        (sum(J), "the layers' weights were ignored: multiply each layer's cost by its weight λ_l"),
        (np.mean(J), "you averaged the layers: multiply each layer's cost by its weight λ_l, then add them up"),
        (w[-1] * J[-1], "only the last layer counted: each pass of the loop overwrote J_style; "
                        "add each layer's weighted cost to a running total instead"),
        (J[-1], "only the last layer counted, without its weight: add up every layer's cost, "
                "each multiplied by its own weight λ_l"),
        (w[0] * J[0], "only the first layer counted: did the loop `return` too early?"),
        (sum(wi * Ji for wi, Ji in zip(w[::-1], J)), "the weights were paired with the wrong "
                                                      "layers: weights[l] goes with layer l of a_S "
                                                      "and a_G, in the same order"),
        (sum(wi * wi * Ji for wi, Ji in zip(w, J)), "each weight was applied twice: multiply each "
                                                     "layer's cost by its λ_l once"),
    ]


# ------------------------------------------------- a style image of another size


def check_position_gram(position_gram):
    """Check position_gram(a) = G / (n_H n_W), the Gram matrix per position, (n_C, n_C). Notebook 04.

    a: activations (1, n_H, n_W, n_C); G is the Gram matrix of its channels.
    """
    shape = (1, 3, 5, 7)
    n, n_C = shape[1] * shape[2], shape[3]
    a = activations(5, shape)
    expected = costs.position_gram(a).numpy()
    mixed = _grams(a)[2]
    run_function_checks(
        "position_gram", position_gram, (a,), expected, f"position_gram(a) for a of shape {shape}",
        "position_gram(a)", wrt=[0], build=activation_inputs((n_C,)),
        shape_hints={(n, n): _POSITIONS_HINT},
        mistakes=[
            (expected * n, f"the values are {n}x (n_H n_W) too large: divide the Gram matrix by "
                           "the number of positions, n_H n_W"),
            (expected / n_C, f"the values are {n_C}x (n_C) too small: divide by the number of "
                             "positions n_H n_W only (n_C is the matrix's size, not a count of terms)"),
            (expected / n, f"the values are {n}x (n_H n_W) too small: divide by n_H n_W once; the "
                           "square of (n_H n_W)² belongs to the course's cost of (G_S − G_G)², not to G"),
            (mixed / n, _MIXED_HINT),
        ],
    )


def _any_size_reference(a_S, a_G):
    return gram_distance(costs.position_gram(a_S), costs.position_gram(a_G))


def check_layer_style_cost_any_size(layer_style_cost_any_size):
    """Check layer_style_cost_any_size(a_S, a_G) = 1/(4 n_C²) sum((Ĝ_S − Ĝ_G)²), Ĝ per position.

    On a_S and a_G of different sizes; it must equal the course's layer_style_cost for
    equal sizes, and be 0 for a texture against itself tiled twice. Notebook 04.
    """
    name, fn = "layer_style_cost_any_size", layer_style_cost_any_size

    def sizes():
        a, b = activations(8, (1, 3, 5, 5)), activations(9, (1, 3, 5, 5))
        expect_value(name, fn, (a, b), costs.layer_style_cost(a, b).numpy(),
                     f"{name}(a_S, a_G) for a_S, a_G of the same shape (1, 3, 5, 5) (= layer_style_cost)")
        texture = activations(10, (1, 3, 4, 5))
        expect_zero_to_itself(
            name, fn, (tf.tile(texture, (1, 2, 1, 1)), texture), f"{name}(tf.tile(a, (1, 2, 1, 1)), a)",
            ": the same texture over twice the area has twice the Gram matrix but the same Gram "
            "matrix per position; divide each Gram matrix by its own number of positions",
        )

    run_pair_cost_checks(
        name, fn, _any_size_reference, ("a_S", "a_G"), seeds=(6, 7), mistakes=_any_size_mistakes,
        why=": an image has no style cost to itself", shape=((1, 4, 6, 5), (1, 6, 5, 5)), more=sizes,
    )


def _any_size_mistakes(a_S, a_G, expected):
    """The values of typical wrong style costs of a_S, a_G of different sizes, with their hints."""
    (G_S, *_), (G_G, *_) = _grams(a_S), _grams(a_G)
    n_S, n_G = (int(a.shape[1] * a.shape[2]) for a in (a_S, a_G))
    n_C = int(a_G.shape[-1])

    def cost(D, norm=1.0):
        return float(np.sum(D**2) / (4.0 * n_C**2 * norm))

    why = ("a Gram matrix sums over positions, so the same texture on another number of "
           "positions has another G: divide each G by its own n_H n_W (position_gram), then compare")
    return [
        (cost(G_S - G_G, n_G**2), f"that is the course's layer_style_cost, with n_H, n_W taken from a_G: {why}"),
        (cost(G_S - G_G, n_S**2), f"that is the course's layer_style_cost, with n_H, n_W taken from a_S: {why}"),
        (cost(G_S - G_G, n_S * n_G), f"normalized by n_S n_G after subtracting: {why}"),
        (cost(G_S / n_G - G_G / n_S), "each Gram matrix was divided by the other's number of positions: "
                                      "divide each one by the number of positions of its own image"),
        (expected * 4, "the value is 4x too large: did you forget the 4 in 1/(4 n_C²)?"),
        (expected * n_C, f"the value is {n_C}x (n_C) too large: square n_C in 1/(4 n_C²)"),
        (expected * n_C**2, f"the value is {n_C**2}x (n_C²) too large: divide by 4 n_C², not 4"),
        (expected * 4 * n_C**2, f"the value is {4 * n_C**2}x too large: divide the sum by 4 n_C²"),
        (float(np.sum(G_S / n_S - G_G / n_G) / (4.0 * n_C**2)),
         "square the differences of the Gram matrices before summing them (tf.square): "
         "unsquared, positive and negative entries cancel out"),
        (-expected, "the cost has the wrong sign: it is a sum of squares, never negative"),
    ]
