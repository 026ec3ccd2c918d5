"""The course's formulas against values computed by hand."""

import numpy as np
import pytest
import tensorflow as tf

from nstlib.core import costs, losses


def test_content_cost_by_hand():
    a_C = tf.ones((1, 2, 2, 3))
    a_G = tf.zeros((1, 2, 2, 3))
    # sum of squares = 12 ones; 1 / (4 * 2 * 2 * 3) = 1/48
    assert float(costs.content_cost(a_C, a_G)) == pytest.approx(12 / 48)
    a_G2 = tf.constant(np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3))
    expected = np.sum((np.ones(12) - np.arange(12)) ** 2) / 48
    assert float(costs.content_cost(a_C, a_G2)) == pytest.approx(expected)


def test_content_cost_of_equal_activations_is_zero_and_scalar():
    a = tf.random.stateless_normal((1, 5, 7, 4), seed=(1, 2))
    J = costs.content_cost(a, a)
    assert J.shape == () and J.dtype == tf.float32 and float(J) == 0.0


def test_gram_matrix_by_hand():
    A = tf.constant([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]])  # (n_C=3, n_H*n_W=2)
    G = costs.gram_matrix(A)
    np.testing.assert_allclose(G.numpy(), [[5, 11, 2], [11, 25, 4], [2, 4, 1]])
    assert G.shape == (3, 3)


def test_unroll_and_style_gram_keep_channels_as_rows():
    a = tf.constant(np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3))  # (1, n_H, n_W, n_C)
    A = costs.unroll(a)
    assert A.shape == (3, 4)
    np.testing.assert_array_equal(A.numpy()[0], [0, 3, 6, 9])  # channel 0 at every position
    np.testing.assert_allclose(costs.style_gram(a).numpy(), A.numpy() @ A.numpy().T)


def test_layer_style_cost_by_hand():
    a_S = tf.constant([[[[1.0], [2.0]]]])  # (1, 1, 2, 1): G_S = [[1 + 4]] = [[5]]
    a_G = tf.zeros((1, 1, 2, 1))  # G_G = [[0]]
    # (5 - 0)^2 / (4 * n_C^2 * (n_H n_W)^2) = 25 / (4 * 1 * 4)
    assert float(costs.layer_style_cost(a_S, a_G)) == pytest.approx(25 / 16)
    assert float(costs.layer_style_cost(a_S, a_S)) == 0.0


def test_style_cost_weights_the_layers():
    a_S = [tf.constant([[[[1.0], [2.0]]]]), tf.ones((1, 2, 2, 2))]
    a_G = [tf.zeros((1, 1, 2, 1)), tf.zeros((1, 2, 2, 2))]
    J1 = float(costs.layer_style_cost(a_S[0], a_G[0]))
    J2 = float(costs.layer_style_cost(a_S[1], a_G[1]))
    assert float(costs.style_cost(a_S, a_G, [0.3, 0.7])) == pytest.approx(0.3 * J1 + 0.7 * J2)
    assert float(costs.style_cost(a_S, a_G)) == pytest.approx(0.5 * J1 + 0.5 * J2)
    named = float(costs.style_cost({"x": a_S[0], "y": a_S[1]}, {"x": a_G[0], "y": a_G[1]}, {"x": 1, "y": 0}))
    assert named == pytest.approx(J1)
    assert float(costs.style_cost(a_S, a_S)) == 0.0
    with pytest.raises(ValueError, match="one per layer"):
        costs.style_cost(a_S, a_G, [1.0])


def test_gram_style_cost_equals_layer_style_cost():
    a_S = tf.random.stateless_normal((1, 6, 5, 4), seed=(3, 4))
    a_G = tf.random.stateless_normal((1, 6, 5, 4), seed=(5, 6))
    assert float(costs.gram_style_cost(costs.style_gram(a_S), a_G)) == pytest.approx(
        float(costs.layer_style_cost(a_S, a_G)), rel=1e-6
    )


def test_total_variation_by_hand():
    img = np.zeros((1, 2, 3, 3), np.float32)
    img[0, 0, 1, :] = 1.0  # one bright pixel: 2 horizontal + 1 vertical edges, 3 channels
    assert float(costs.total_variation_cost(img)) == pytest.approx(9.0)


def test_total_cost():
    assert float(costs.total_cost(1.0, 2.0)) == pytest.approx(10 * 1 + 40 * 2)
    assert float(costs.total_cost(1.0, 2.0, alpha=3, beta=0.5)) == pytest.approx(4.0)
    assert float(costs.total_cost(1.0, 2.0, 3, 0.5, 5.0, 0.1)) == pytest.approx(4.5)  # notebook 05's order
    assert float(costs.total_cost(0.3, 0.5, 3, 8)) == pytest.approx(4.9)  # deeplearning.ai's positional call


def test_costs_work_on_symbolic_tensors_of_unknown_shape():
    spec = tf.TensorSpec((1, None, None, None), tf.float32)

    @tf.function(input_signature=[spec, spec])
    def both(a, b):
        return costs.content_cost(a, b), costs.layer_style_cost(a, b)

    a = tf.random.stateless_normal((1, 4, 3, 2), seed=(7, 8))
    b = tf.zeros((1, 4, 3, 2))
    J_c, J_s = both(a, b)
    assert float(J_c) == pytest.approx(float(costs.content_cost(a, b)))
    assert float(J_s) == pytest.approx(float(costs.layer_style_cost(a, b)))


def test_gradients_flow_to_the_generated_activations():
    a_C = tf.ones((1, 2, 2, 3))
    a_G = tf.Variable(tf.zeros((1, 2, 2, 3)))
    with tf.GradientTape() as tape:
        J = costs.content_cost(a_C, a_G) + costs.layer_style_cost(a_C, a_G)
    g = tape.gradient(J, a_G)
    assert g is not None and float(tf.reduce_sum(tf.abs(g))) > 0


def test_position_gram_distance_is_the_course_style_cost_for_equal_sizes():
    a_S = tf.random.stateless_normal((1, 6, 5, 4), seed=(9, 1))
    a_G = tf.random.stateless_normal((1, 6, 5, 4), seed=(9, 2))
    J = losses.gram_distance(costs.position_gram(a_S), costs.position_gram(a_G))
    assert float(J) == pytest.approx(float(costs.layer_style_cost(a_S, a_G)), rel=1e-5)
    full = tf.ones((1, 6, 5, 1))
    np.testing.assert_allclose(costs.position_gram(a_S, full), costs.position_gram(a_S), rtol=1e-6)


def test_position_gram_ignores_the_size_of_a_tiled_texture():
    tile = tf.random.stateless_normal((1, 4, 4, 3), seed=(2, 2))
    big = tf.tile(tile, (1, 2, 3, 1))  # the same texture over 6 times the area
    np.testing.assert_allclose(costs.position_gram(big), costs.position_gram(tile), rtol=1e-5, atol=1e-6)


def test_reference_normalizations_by_hand():
    a_C, a_G = tf.ones((1, 2, 2, 3)), tf.zeros((1, 2, 2, 3))
    assert float(losses.content_distance(a_C, a_G, "course")) == pytest.approx(12 / 48)
    assert float(losses.content_distance(a_C, a_G, "gatys")) == pytest.approx(6.0)
    assert float(losses.content_distance(a_C, a_G, "tf-tutorial")) == pytest.approx(1.0)
    G1, G0 = tf.ones((2, 2)), tf.zeros((2, 2))
    assert float(losses.gram_distance(G1, G0, "course")) == pytest.approx(4 / 16)
    assert float(losses.gram_distance(G1, G0, "tf-tutorial")) == pytest.approx(1.0)


def test_the_deeplearning_ai_assignments_own_tests_pass_on_the_package_costs():
    # The seeds, inputs and expected values of the 2021 assignment's public tests
    # (Deep Learning Specialization, course 4, week 4, "Art Generation with Neural Style Transfer").
    tf.random.set_seed(1)
    a_C = tf.random.normal([1, 1, 4, 4, 3], mean=1, stddev=4)[-1]  # its compute_content_cost takes [-1]
    a_G = tf.random.normal([1, 1, 4, 4, 3], mean=1, stddev=4)[-1]
    assert np.isclose(costs.content_cost(a_C, a_G), 7.0568767) and np.isclose(costs.content_cost(a_C, a_C), 0.0)
    tf.random.set_seed(1)
    A = tf.random.normal([3, 2 * 1], mean=1, stddev=4)
    GA = costs.gram_matrix(A)
    # the assignment's versions print 63.193256 and 63.1888 (TensorFlow versions draw these
    # normals a little differently): a relative 1e-3 holds both
    assert GA.shape == (3, 3) and np.allclose(GA[0, :], [63.193256, -26.729713, -7.732155], rtol=1e-3)
    tf.random.set_seed(1)
    a_S = tf.random.normal([1, 4, 4, 3], mean=1, stddev=4)
    a_G = tf.random.normal([1, 4, 4, 3], mean=1, stddev=4)
    assert np.isclose(costs.layer_style_cost(a_G, a_G), 0.0)
    assert np.isclose(costs.layer_style_cost(a_S, a_G), 14.01649, rtol=1e-3)  # 14.0178 with TensorFlow 2.21
    assert costs.total_cost(0.2, 0.8) == 34 and np.isclose(costs.total_cost(0.3, 0.5, 3, 8), 4.9)
