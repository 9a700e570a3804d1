"""Model clients: numpy pre/post-processing around the models of deploy/triton/models (see MODELS.md).

    transport = LocalTransport()                  # in-process onnxruntime; or TritonTransport("host:8001")
    analyser = FaceAnalyser(transport)            # inference.analysis
    faces = analyser.process(decode_image(jpeg_bytes))
    faces[0].detection.box, faces[0].detection.landmarks, faces[0].descriptor   # float32[128], L2-normalised
    result = analyser.analyse_image(pixels, AnalysisOptions(quality=True, descriptor=True, emotions=True))
    result.kept[0].quality, result.kept[0].emotions, result.filtered                # every estimation, batched

Modules: analysis (the entry point: options in, results out; errors in errors), image (decoding), mtcnn
(detection + 5 landmarks), alignment (dlib 150x150 chips), warps (250x250 face warps), descriptor, estimations/
(one module per estimator), transport (interface + LocalTransport), triton (TritonTransport), triton_server (local
tritonserver from the nvidia-pytriton wheel). No generated protobuf code and nothing of server/ is
imported here.
"""
