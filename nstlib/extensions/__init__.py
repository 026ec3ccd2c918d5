"""Beyond the basic algorithm: what notebook 07 teaches, each a small change of the same loop.

    color.py           keep the photo's colours: luminance-only transfer, histogram matching
                       (steps before or after a run of nstlib.pipeline)
    flow.py            optical flow, warping and occlusions, for video
    video.py           a clip frame by frame, with warm starts or the flow
    presets.py         the settings of the references (course, Gatys et al., TF tutorial)

Large pictures by coarse to fine are a request's sizes (nstlib.pipeline; the ladder itself is
nstlib.core.schedule's).
"""
