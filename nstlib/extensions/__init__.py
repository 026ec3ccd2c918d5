"""Beyond the basic algorithm: what notebook 07 teaches, each a small change of the same loop.

    color.py           keep the photo's colours: luminance-only transfer, histogram matching
    coarse_to_fine.py  large pictures: optimize small, upsample, refine
    video.py           a clip frame by frame, with warm starts
    presets.py         the settings of the references (course, Gatys et al., TF tutorial)
"""
