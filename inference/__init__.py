"""Model clients: numpy pre/post-processing around the models of deploy/triton/models (see MODELS.md).

    transport = LocalTransport()                  # in-process onnxruntime; or TritonTransport("host:8001")
    faces = FacePipeline(transport).process(decode_image(jpeg_bytes))
    faces[0].detection.box, faces[0].detection.landmarks, faces[0].descriptor   # float32[128], L2-normalised

Modules: image (decoding), mtcnn (detection + 5 landmarks), alignment (dlib 150x150 chips), descriptor,
pipeline, transport (interface + LocalTransport), triton (TritonTransport), triton_server (local
tritonserver from the nvidia-pytriton wheel). No generated protobuf code is imported here.
"""
