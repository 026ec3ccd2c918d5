"""A network that paints in one pass: fast style transfer (Johnson, Alahi and Fei-Fei 2016).

Optimization paints one picture with hundreds of passes through VGG-19; here a small
network is trained once, with the course's own content and style costs over batches of
photos, and then paints any photo in one forward pass. Taught in notebook 08.

    layers.py      instance normalization, reflection padding, the convolution blocks,
                   upsampling by resize-then-convolve (the student's exercises)
    network.py     the transform network (a Keras model) and painting a photo with it
    perceptual.py  the perceptual loss: J_content, J_style (Gram matrices), total variation
    photos.py      the training photos: a folder, or the course's own (licenses listed)
    training.py    the training loop: tf.data, a time budget, checkpoints, Ctrl-C
    storage.py     saving and loading a trained network (.nstnet), shipped networks by name
"""
