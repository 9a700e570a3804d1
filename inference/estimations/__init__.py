"""Face and body estimations on numpy inputs, returning dataclasses (no protobuf): head pose, image quality,
basic attributes (age, gender, ethnicity), emotions, mask, 68 landmarks, eyes and iris, gaze, mouth, glasses,
liveness, ISO/IEC 19794-5 checks, body detection and warps. See MODELS.md, "Estimations", for the method behind
each (model or classical) and what is missing."""
