"""The checks of notebooks/02_vgg_features.ipynb: ``check_feature_extractor``, ``check_reconstruct``.

Their references, the notebook's solutions: ``reference_feature_extractor``, here (the
package's own extractor, :class:`nstlib.core.vgg.FeatureExtractor`, does more), and
``reference_reconstruct``, the package's :func:`nstlib.core.reconstruct.reconstruct`.

check_feature_extractor needs the real VGG-19 (:func:`nstlib.io.weights.load_vgg19`,
loaded once per process); check_reconstruct runs on the
:class:`~nstlib.checks.stand_in.StandInExtractor` (no weights needed).
"""

import numpy as np
import tensorflow as tf

from ..core import costs
from ..core.reconstruct import reconstruct as reference_reconstruct  # noqa: F401 (the reference)
from ..core.vgg import preprocess
from ..io.weights import load_vgg19
from .descent import adam, expect_frozen_weights, expect_unit_range, kernels_of, run_optimizing_code
from .harness import CheckFailed, as_tensor, passed, quiet, run_student, symbolic_failure
from .stand_in import StandInExtractor

# -------------------------------------------------------------- feature extractor

LAYERS = ("block3_conv1", "block1_conv1", "block2_conv2")  # not in the network's order
SIZES = ((64, 80), (40, 56))  # two sizes, neither 224 x 224
_BY_NAME = (
    "one output per name in layer_names, in that order, each the output of the layer of vgg "
    "with that name (vgg.get_layer looks a layer up by name)"
)


def reference_feature_extractor(vgg, layer_names):
    """A frozen Keras model: VGG-19's input -> [activations of each named layer], in order."""
    import keras

    model = keras.Model(inputs=vgg.input, outputs=[vgg.get_layer(name).output for name in layer_names])
    model.trainable = False
    return model


def check_feature_extractor(feature_extractor):
    """Check feature_extractor(vgg, layer_names): a frozen keras.Model on VGG-19's named layers.

    Its input must be VGG-19's (preprocessed images of any size, (None, None, 3)), its
    outputs a list of the named layers' activations in the order of layer_names, with
    VGG-19's own (ImageNet) weights, frozen. Checked on the real VGG-19 on two image
    sizes other than 224 x 224, the second inside a tf.function. Notebook 02.
    """
    import keras

    name = "feature_extractor"
    vgg = load_vgg19()
    call = f"feature_extractor(vgg, {list(LAYERS)})"
    with quiet():
        model = run_student(name, feature_extractor, vgg, list(LAYERS))
        _expect_a_model(model, call)
        every_layer = keras.Model(vgg.input, [layer.output for layer in vgg.layers])
        for i, size in enumerate(SIZES):
            image = preprocess(tf.random.stateless_uniform((1, *size, 3), seed=(7, i)))
            outputs = _outputs(name, model, image, graph=i > 0)
            activations = dict(zip([layer.name for layer in vgg.layers], every_layer(image)))
            _expect_the_layers(outputs, activations)
        if model.trainable_weights:
            raise CheckFailed(
                f"the model has {len(model.trainable_weights)} trainable weights: freeze the whole "
                "model (look up the `trainable` attribute of a Keras model); style transfer "
                "optimizes the image, never the network"
            )
        _expect_a_gradient(model, image)
    passed(name)


def _expect_a_model(model, call):
    """model is a keras.Model whose input takes images of any size."""
    import keras

    if not isinstance(model, keras.Model):
        raise CheckFailed(
            f"{call} returned a {type(model).__name__}, not a keras.Model: wrap the activations in "
            f"a keras.Model whose input is VGG-19's own and whose outputs are {_BY_NAME}"
        )
    try:
        shape = tuple(model.inputs[0].shape)
    except (AttributeError, IndexError, TypeError, ValueError):
        shape = None
    if shape is not None and shape[1:3] != (None, None):
        raise CheckFailed(
            f"the model's input has the fixed shape {shape[1:]}, so it refuses images of any "
            "other size: build the model on VGG-19's own input (vgg.input), whose height and "
            "width are None, i.e. any size"
        )


def _outputs(name, model, image, graph):
    """model(image), eagerly or (graph) inside a tf.function with unknown sizes."""
    where = f"on an image of shape {tuple(image.shape)}"
    try:
        if not graph:
            return model(image)
        spec = tf.TensorSpec((None, None, None, 3), tf.float32)
        return tf.function(lambda x: model(x), input_signature=[spec])(image)
    except Exception as e:
        raise symbolic_failure(name, model, e, where + (" inside a tf.function" if graph else "")) from None


def _same(got, expected):
    got = np.asarray(got)
    return got.shape == expected.shape and np.allclose(got, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def _expect_the_layers(outputs, activations):
    """outputs is a list of the activations of LAYERS, in order (activations: every layer's)."""
    if isinstance(outputs, dict):
        raise CheckFailed(
            "the model returns a dict: its outputs must be a list, one tensor per layer name in "
            f"the order of layer_names: {_BY_NAME}"
        )
    if tf.is_tensor(outputs):
        last = "block5_pool"
        hint = (f"only the last layer: vgg.output is {last}'s activations" if _same(outputs, activations[last])
                else "one tensor")
        raise CheckFailed(f"the model returns {hint}; its outputs must be a list of {len(LAYERS)}: {_BY_NAME}")
    if not isinstance(outputs, (list, tuple)) or len(outputs) != len(LAYERS):
        got = f"{len(outputs)} outputs" if isinstance(outputs, (list, tuple)) else f"a {type(outputs).__name__}"
        raise CheckFailed(f"the model returns {got} for {len(LAYERS)} layer names: its outputs must be {_BY_NAME}")
    for i, (wanted, got) in enumerate(zip(LAYERS, outputs)):
        if _same(got, activations[wanted]):
            continue
        found = next((n for n, a in activations.items() if _same(got, a)), None)
        what = f"outputs[{i}] holds {found}'s activations, not {wanted}'s"
        if found in LAYERS:
            raise CheckFailed(f"{what}: keep the order of layer_names, not the network's: go through layer_names, "
                              "not through vgg.layers")
        if found is not None:
            raise CheckFailed(f"{what} (off by one? vgg.layers[0] is the input): take each layer by its name, "
                              "not by its position in vgg.layers")
        if np.shape(got) == activations[wanted].shape:
            raise CheckFailed(
                f"outputs[{i}] has the shape of {wanted}'s activations but not VGG-19's values: "
                "a new keras.applications.VGG19(weights=None) starts from random weights; build "
                "the model on the vgg given, which holds the ImageNet weights"
            )
        raise CheckFailed(f"outputs[{i}] has shape {np.shape(got)}, expected {wanted}'s, {activations[wanted].shape}")


def _expect_a_gradient(model, image):
    """A gradient flows from the model's outputs back to the image (the loop needs it)."""
    image = tf.Variable(image)
    with tf.GradientTape() as tape:
        total = tf.add_n([tf.reduce_sum(out) for out in model(image)])
    if tape.gradient(total, image) is None:
        raise CheckFailed(
            "no gradient flows from the model's outputs back to the image: build it from "
            "Keras layers only (no tf.stop_gradient, no numpy)"
        )


# -------------------------------------------------------------- reconstruction

LAYER = "block2_conv1"
STEPS, LEARNING_RATE = 5, 0.05


def _descent(a_target, extractor, layer, start, steps, learning_rate, sign=1.0, fresh=False):
    """The images (numpy) before and after each step of the reconstruction.

    Two typical mistakes on demand: sign=-1, uphill; fresh, a new Adam at each step.
    """
    image = tf.Variable(start)
    optimizer = adam(learning_rate=learning_rate)
    images = [image.numpy()]
    for _ in range(steps):
        if fresh:
            optimizer = adam(learning_rate=learning_rate)
        with tf.GradientTape() as tape:
            J = costs.content_cost(a_target, extractor(image)[layer])
        optimizer.apply_gradients([(sign * tape.gradient(J, image), image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        images.append(image.numpy())
    return images


def check_reconstruct(reconstruct):
    """Check reconstruct(a_target, extractor, layer, start, steps, learning_rate).

    From the image `start` (1, H, W, 3) in [0, 1] it must run `steps` steps of
    keras.optimizers.Adam(learning_rate) on the image's pixels (only: the stand-in
    extractor's weights are trainable on purpose) to minimize
    content_cost(a_target, extractor(image)[layer]), clip the image to [0, 1] after each
    step, and return the image: where the reference loop takes it. Notebook 02.
    """
    name = "reconstruct"
    rng = np.random.default_rng(11)
    content, start = rng.uniform(size=(2, 1, 16, 16, 3)).astype(np.float32)
    start[:, :8] = np.round(start[:, :8])  # pixels at 0 and 1: clipping matters
    layers = ("block1_conv1", LAYER)
    a_target = StandInExtractor(layers)(tf.constant(content))[LAYER]
    start = tf.constant(start)
    call = f"reconstruct(a_target, extractor, {LAYER!r}, start, steps={STEPS}, learning_rate={LEARNING_RATE})"
    with quiet():
        extractor = StandInExtractor(layers)
        kernels = kernels_of(extractor)
        out = run_optimizing_code(name, reconstruct, a_target, extractor, LAYER, start, STEPS, LEARNING_RATE)
        expect_frozen_weights(extractor, kernels)
        if tf.is_tensor(out) and out.shape == ():
            raise CheckFailed(f"{call} returned a scalar (the cost?): return the image")
        got = as_tensor(out, call, start.shape, "the image (a tf.Tensor or the tf.Variable)")
        if np.array_equal(got, start.numpy()):
            raise CheckFailed(
                "the image did not change: the optimizer must update the image variable "
                "(optimizer.apply_gradients takes (gradient, variable) pairs), and the function "
                "returns that variable, not start"
            )
        expect_unit_range(got)
        _expect_the_descent(got, a_target, layers, start)
    passed(name)


def _expect_the_descent(got, a_target, layers, start):
    """got is where STEPS Adam steps from start take the image; else which mistake it looks like."""
    def descent(steps=STEPS, learning_rate=LEARNING_RATE, **mistake):
        return _descent(a_target, StandInExtractor(layers), LAYER, start, steps, learning_rate, **mistake)

    def at(image):
        return np.allclose(got, image, rtol=0.0, atol=1e-4)

    reach = 1.5 * STEPS * LEARNING_RATE  # Adam moves a pixel by about learning_rate a step, at most
    if np.abs(got - start.numpy()).max() > reach:
        raise CheckFailed(
            f"the image is farther from start than {STEPS} Adam steps of learning_rate "
            f"{LEARNING_RATE} can move a pixel (about {LEARNING_RATE} each): start from the "
            "image given, not from noise: the variable you optimize holds start's pixels at first"
        )
    images = descent(STEPS + 1)
    if at(images[STEPS]):
        return
    for k in range(1, STEPS + 2):
        if k != STEPS and at(images[k]):
            raise CheckFailed(
                f"the image is the one after {k} step{'s' * (k > 1)}, expected steps={STEPS}: the "
                "loop runs `steps` times, one optimizer step per pass, and the function returns "
                "after the loop has ended"
            )
    for mistake, hint in (
        ({"sign": -1.0}, "the image moved uphill, raising the cost: give the optimizer the gradient "
                         "itself (it subtracts it), not its negative"),
        ({"fresh": True}, "a new Adam at every step forgets its running averages: create the "
                          "optimizer once, before the loop"),
        ({"learning_rate": 1e-3}, "the learning rate is Adam's default, 0.001: the optimizer "
                                  "ignored the function's learning_rate argument; pass it on "
                                  "when you create the optimizer"),
    ):
        if at(descent(**mistake)[-1]):
            raise CheckFailed(hint)
    raise CheckFailed(
        f"the image is not where {STEPS} Adam steps take it: at each step the content cost "
        "of the image's activations at `layer` against a_target is computed under a "
        "tf.GradientTape, its gradient with respect to the image is applied by the optimizer, "
        "then the image is clipped to [0, 1]"
    )
