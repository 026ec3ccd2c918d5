"""The checks of notebooks/04_style_cost.ipynb.

``check_gram_matrix``, ``check_layer_style_cost``, ``check_style_cost``.
"""

import numpy as np
import tensorflow as tf

from ..core import costs
from .harness import (
    NUMPY_HINT, CheckFailed, activation_inputs, activations, as_tensor, compare, expect_gradient,
    expect_symbolic, expect_zero_to_itself, passed, quiet, run_pair_cost_checks, run_student,
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
                "compute A·Aᵀ, not Aᵀ·A: tf.matmul(A, A, transpose_b=True) or "
                "tf.matmul(A, tf.transpose(A))"
            )
        if tf.is_tensor(out) and tuple(out.shape) == (n_C, n_L):
            raise CheckFailed(
                f"gram_matrix(A) returned shape ({n_C}, {n_L}), the shape of A: A * A multiplies "
                "element by element; use the matrix product tf.matmul(A, A, transpose_b=True)"
            )
        got = as_tensor(out, call, (n_C, n_C))
        expected = costs.gram_matrix(A).numpy()
        mistakes = [
            (expected / d, f"the values are {d}x too small: gram_matrix is just A·Aᵀ, with no "
                           "normalization (that comes in layer_style_cost)")
            for d in (n_L, n_C, n_C * n_L, n_L**2, n_C**2)
        ]
        mistakes.append((2 * expected, "the values are 2x too large: G = A·Aᵀ, once"))
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


def _gram_variants(a_S, a_G):
    """Values of layer style costs with a wrong Gram matrix, with their hints."""
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
        (w[-1] * J[-1], "only the last layer counted: accumulate, J_style += λ_l * J_l, "
                        "instead of overwriting J_style in the loop"),
        (J[-1], "only the last layer counted, without its weight: J_style += λ_l * J_l over all layers"),
        (w[0] * J[0], "only the first layer counted: did the loop `return` too early?"),
        (sum(wi * Ji for wi, Ji in zip(w[::-1], J)), "the weights were paired with the wrong "
                                                      "layers: zip(a_S, a_G, weights), in order"),
        (sum(wi * wi * Ji for wi, Ji in zip(w, J)), "each weight was applied twice: J_style += λ_l * J_l"),
    ]
