"""Inputs and outputs: everything the algorithm reads and writes, and nothing of the algorithm.

    images.py      load any image as a (1, H, W, 3) tensor in [0, 1]; save atomically; show
    sources.py     an image from a tensor, a path, a URL or an example's name
    examples.py    the catalog of example images (examples.csv), with their credits
    download.py    cached downloads with a time-out, a size cap and a sha256 (pooch)
    weights.py     where VGG-19's ImageNet weights are found, loaded once
    checkpoint.py  a run's state in one file, to resume it
    animation.py   a run's progress as a GIF or MP4
    frames.py      a clip's frames in and out: GIFs, videos, folders of images
    output.py      the one output/ folder everything a user makes goes to
"""
