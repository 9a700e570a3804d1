"""Face estimations on numpy inputs, returning dataclasses (no protobuf): head pose, image quality, basic
attributes (age, gender). See MODELS.md, "Estimations", for the method behind each and what is missing."""
