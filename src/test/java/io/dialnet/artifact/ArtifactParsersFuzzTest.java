package io.dialnet.artifact;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Outside bytes never crash the artifact readers: every input is read or refused with an
 * {@link ArtifactException} (which the command line turns into one line, exit 2). {@code mvn
 * verify} replays the seed corpus in {@code src/test/resources/io/dialnet/artifact/
 * ArtifactParsersFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/BENCHMARKS.md, "Fuzzing").
 */
class ArtifactParsersFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void safetensors(byte[] bytes) {
        try {
            SafeTensors.decode(bytes, "fuzz");
        } catch (ArtifactException expected) {
            // refused with a message: what a bad file should get
        }
    }

    @FuzzTest(maxDuration = "60s")
    void dynamicModelFile(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".dialnet");
        try {
            Files.write(file, bytes);
            DynamicModelFile.read(file);
        } catch (ArtifactException expected) {
            // refused with a message
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * {@code manifest.json} alone: read, then checked against weights of exactly the declared
     * shapes (and BatchNorm state of each subnet's widths), so the checks behind the parser run on
     * every manifest the fuzzer finds readable.
     */
    @FuzzTest(maxDuration = "60s")
    void manifest(byte[] bytes) {
        try {
            Manifest manifest = DynamicModelFile.manifest(bytes, "fuzz");
            Map<String, Tensor> tensors = matchingTensors(manifest);
            if (tensors != null) {
                DynamicModelFile.check(new DynamicModelFile(manifest, tensors, Map.of()), "fuzz");
            }
        } catch (ArtifactException expected) {
            // refused with a message
        }
    }

    /** Zero tensors of every shape the manifest declares, or null when they would be too big to build. */
    private static Map<String, Tensor> matchingTensors(Manifest m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        long[] budget = {1 << 16};
        if (m.tensors() != null) {
            for (Map.Entry<String, long[]> e : m.tensors().entrySet()) {
                Tensor t = zeros(e.getValue(), budget);
                if (t == null) {
                    return null;
                }
                out.put(e.getKey(), t);
            }
        }
        if (m.subnets() != null && m.norms() != null) {
            for (Manifest.SubnetEntry s : m.subnets()) {
                for (Manifest.NormInfo norm : m.norms()) {
                    if (s == null || norm == null || s.channels() == null) {
                        continue;
                    }
                    int set = norm.set();
                    Integer c =
                            set >= 0 && set < s.channels().size() ? s.channels().get(set) : Integer.valueOf(1);
                    for (String kind : List.of("mean", "var", "gamma", "beta")) {
                        Tensor t = c == null ? null : zeros(new long[] {c}, budget);
                        if (t == null) {
                            return null;
                        }
                        out.put(DynamicModelFile.normTensor(s.name(), norm.name(), kind), t);
                    }
                }
            }
        }
        return out;
    }

    private static Tensor zeros(long[] shape, long[] budget) {
        if (shape == null) {
            return null;
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0 || d > budget[0]) {
                return null;
            }
            n *= d;
            if (n > budget[0]) {
                return null;
            }
        }
        budget[0] -= n;
        return new Tensor(shape, new float[(int) n]);
    }
}
