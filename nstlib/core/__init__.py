"""The algorithm (Gatys et al.), in the order a reader meets it.

    vgg.py         VGG-19, frozen, as a feature extractor; preprocessing          (notebooks 01, 02)
    pretrained.py  the VGG-19 the application hands over (core reads no file)    (notebook 01)
    reconstruct.py an image from its activations at one layer                    (notebook 02)
    costs.py       the course's formulas: J_content, the Gram matrix, J_style,   (notebooks 03-05)
                   total variation, J
    losses.py      the loop's versions: per-position Gram matrices, W2, TV per   (notebooks 04, 05, 07)
                   position, the temporal cost of video
    pixels.py      resizing an image tensor (no file)                            (every notebook)
    problem.py     the targets, computed once; blends and masks; evaluate()      (notebooks 05, 07)
    adam.py        Adam's update as a pure function of its state                 (notebook 05)
    loop.py        the training loop: Adam or L-BFGS steps, then the callbacks   (notebook 05)
    schedule.py    the sizes, steps and time shares of a run (coarse to fine)    (notebook 07)
    callbacks.py   progress bar, previews, estimates, stop requests              (notebook 05)
    interrupt.py   Ctrl-C ends a run after the step it is in                     (notebook 05)
    transfer.py    run_stages(): each size on tensors, from the last one's result (notebook 05)
"""
