package io.dialnet.cli;

import io.dialnet.nn.Devices;
import picocli.CommandLine.Option;

/** {@code --device}, shared by the commands that compute: train, search, compare, bench and serve. */
public final class DeviceOptions {
    static final String OPTION = "--device";

    @Option(names = OPTION, defaultValue = "cpu", paramLabel = "DEVICE")
    String device;

    /** The parsed devices, checked against what the engine sees (starts the engine for a GPU). */
    Devices devices() {
        return Devices.parse(device, OPTION).requireAvailable(OPTION);
    }

    /**
     * The parsed device, one only, not yet checked against an engine: a command that serves
     * through ONNX Runtime checks it there, not on the training engine.
     */
    Devices parsed(String command) {
        Devices d = Devices.parse(device, OPTION);
        if (d.size() > 1) {
            throw new IllegalArgumentException(OPTION + " " + device + ": " + command
                    + " runs on one device; several GPUs are for train and bench training");
        }
        return d;
    }

    /** As {@link #devices()}, for a command that runs on one device only. */
    Devices single(String command) {
        return parsed(command).requireAvailable(OPTION);
    }
}
