package io.dialnet.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where tensors live: the CPU, or one or more GPUs (several = data parallel training, one replica
 * per GPU). Parsed from {@code --device} in one place, {@link #parse}; checked against what the
 * engine can use with {@link #requireAvailable}.
 *
 * <p>Accepted text: {@code cpu}, {@code gpu} (the first GPU), {@code gpu:N}, {@code gpu:N,M,...}
 * (distinct indices, the first is the primary, which holds the optimiser state).
 *
 * @param devices the devices, primary first; never empty, all of one kind
 */
public record Devices(List<Device> devices) {
    /** The CPU, the default everywhere. */
    public static final Devices CPU = new Devices(List.of(Device.cpu()));

    public Devices {
        devices = List.copyOf(devices);
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no device given");
        }
    }

    /**
     * Parses {@code text}; {@code option} names the source in errors (e.g. {@code --device}). Only
     * the syntax is checked here; whether the engine sees the GPUs is {@link #requireAvailable}'s job.
     */
    public static Devices parse(String text, String option) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("gpu")) {
            return new Devices(List.of(Device.gpu(0)));
        }
        if (!t.startsWith("gpu:") || t.length() == 4) {
            throw bad(option, text, "expected cpu, gpu, gpu:N or gpu:N,M,...");
        }
        Set<Integer> indices = new LinkedHashSet<>();
        for (String part : t.substring(4).split(",", -1)) {
            int index;
            try {
                index = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw bad(option, text, "'" + part.trim() + "' is not a GPU index (0, 1, ...)");
            }
            if (index < 0) {
                throw bad(option, text, "GPU index " + index + " is negative");
            }
            if (!indices.add(index)) {
                throw bad(option, text, "GPU " + index + " is listed twice");
            }
        }
        List<Device> list = new ArrayList<>();
        indices.forEach(i -> list.add(Device.gpu(i)));
        return new Devices(list);
    }

    private static IllegalArgumentException bad(String option, String text, String why) {
        return new IllegalArgumentException(option + " " + text + ": " + why);
    }

    /** The device that holds the primary replica, the optimiser state and every evaluation. */
    public Device primary() {
        return devices.get(0);
    }

    /** How many replicas data-parallel training runs. */
    public int size() {
        return devices.size();
    }

    public boolean isGpu() {
        return primary().isGpu();
    }

    /**
     * Throws {@link IllegalArgumentException} naming {@code option} unless the training engine can
     * put tensors on every device: a GPU needs a CUDA build of the engine's natives (the {@code -Dgpu}
     * build) and a driver and CUDA runtime it can load. Starts the engine.
     */
    public Devices requireAvailable(String option) {
        if (!isGpu()) {
            return this;
        }
        Engine engine = Engines.start();
        int visible = engine.hasCapability(StandardCapabilities.CUDA) ? engine.getGpuCount() : 0;
        if (visible == 0) {
            String cuda = Engines.bundledCudaFlavor();
            String why = engine.hasCapability(StandardCapabilities.CUDA)
                    ? "its CUDA runtime finds no device"
                    : cuda == null
                            ? "this build has CPU natives only: build and run with DIALNET_GPU=1 or mvn -Dgpu"
                            : "it runs on its CPU natives: the " + cuda + " natives need an NVIDIA driver and a CUDA "
                                    + cuda.substring(2, 4) + "." + cuda.substring(4) + " or later runtime (libcudart) "
                                    + "that the loader finds";
            throw new IllegalArgumentException(option + " " + this + ": no GPU visible to the engine ("
                    + engine.getEngineName() + " " + engine.getVersion() + "; " + why + ")");
        }
        for (Device d : devices) {
            if (d.getDeviceId() >= visible) {
                throw new IllegalArgumentException(option + " " + this + ": GPU " + d.getDeviceId()
                        + " does not exist; the engine sees " + visible + " GPU" + (visible == 1 ? "" : "s")
                        + " (0.." + (visible - 1) + ")");
            }
        }
        return this;
    }

    /** The canonical text, which {@link #parse} reads back: {@code cpu}, {@code gpu:0}, {@code gpu:0,1}. */
    @Override
    public String toString() {
        if (!isGpu()) {
            return "cpu";
        }
        StringBuilder s = new StringBuilder("gpu:");
        for (int i = 0; i < devices.size(); i++) {
            s.append(i > 0 ? "," : "").append(devices.get(i).getDeviceId());
        }
        return s.toString();
    }
}
