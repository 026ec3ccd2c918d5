"""The algorithm (Gatys et al.), in the order a reader meets it.

    costs.py      J_content, the Gram matrix, J_style, total variation, J      (notebooks 03-05)
    vgg.py        VGG-19, frozen, as a feature extractor                        (notebooks 01, 02)
    problem.py    the targets, computed once; blends and masks                  (notebooks 05, 07)
    loop.py       the training loop: Adam or L-BFGS steps, then the callbacks   (notebook 05)
    callbacks.py  progress bar, previews, checkpoints, stop requests            (notebook 05)
    transfer.py   stylize(): load the images, build the problem, run the loop   (notebook 05)
"""
