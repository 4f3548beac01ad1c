package io.dialnet.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.dialnet.nn.Devices;

/**
 * How every ONNX Runtime session of Dialnet is set up (serving, latency benchmarks, latency
 * targets of a search), so they all measure and run alike: {@link OrtSettings#SERVING}, and on
 * a GPU the CUDA execution provider.
 */
public final class OrtSessions {
    private OrtSessions() {}

    /**
     * Session options for {@code devices}' primary device, with {@code threads} intra-op threads
     * (0 = ONNX Runtime's default). On a GPU, the CUDA execution provider comes first (ONNX Runtime
     * falls back to its CPU kernels for any node CUDA lacks). The caller closes the options.
     *
     * @throws IllegalArgumentException naming {@code option} when this build's ONNX Runtime has no
     *     CUDA execution provider (the CPU build's {@code onnxruntime} jar)
     * @throws IllegalStateException when the provider is there but cannot start (no driver, no CUDA
     *     12 or cuDNN 9 libraries)
     */
    public static OrtSession.SessionOptions options(int threads, Devices devices, String option) {
        return options(threads, devices, option, OrtSettings.SERVING);
    }

    /** As {@link #options(int, Devices, String)}, with {@code settings} instead of serving's. */
    public static OrtSession.SessionOptions options(int threads, Devices devices, String option, OrtSettings settings) {
        requireCuda(devices, option);
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            settings.apply(options, threads);
            if (devices.isGpu()) {
                try {
                    options.addCUDA(devices.primary().getDeviceId());
                } catch (OrtException e) {
                    throw new IllegalStateException(
                            "ONNX Runtime cannot start its CUDA execution provider on " + devices
                                    + " (it needs an NVIDIA driver, CUDA 12 and cuDNN 9): " + e.getMessage(),
                            e);
                }
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("ONNX Runtime rejects the session options: " + e.getMessage(), e);
        }
    }

    /** Throws {@link IllegalArgumentException} naming {@code option} unless ONNX Runtime can use {@code devices}. */
    public static void requireCuda(Devices devices, String option) {
        if (devices.isGpu() && !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new IllegalArgumentException(
                    option + " " + devices + ": no GPU visible to ONNX Runtime (this build's "
                            + "ONNX Runtime has no CUDA execution provider: build with DIALNET_GPU=1 or mvn -Dgpu)");
        }
        if (devices.size() > 1) {
            throw new IllegalArgumentException(option + " " + devices + ": ONNX Runtime runs a model on one device");
        }
    }
}
