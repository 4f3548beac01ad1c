package io.dialnet.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dialnet.Json;
import io.dialnet.artifact.Manifest;
import io.dialnet.data.CifarReader;
import io.dialnet.data.ImageDataset;
import io.dialnet.runtime.DynamicModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The models shipped in {@code models/} (issue 10) load, every subnet answers over HTTP, the dial
 * falls, and where the CIFAR-10 batches are at hand the full subnet classifies them as a trained
 * network does (most of data_batch_1 was its training data, so this checks the weights, not the
 * published accuracy, which the protocol measured on held-out images).
 */
@Tag("engine")
class ShippedModelsTest {
    static final Path CIFAR = Path.of("../shared/data/cifar-10-batches-bin/data_batch_1.bin");

    static Stream<Path> shipped() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("models"))) {
            List<Path> models = files.filter(p -> p.toString().endsWith(".dialnet"))
                    .sorted()
                    .toList();
            return models.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void aShippedModelServesEverySubnetAndItsDialFalls(Path file) throws Exception {
        assertThat(Files.size(file)).as("shipped models stay small").isLessThanOrEqualTo(3_000_000);
        try (DynamicModel model = DynamicModel.load(file)) {
            List<Manifest.SubnetEntry> subnets = model.subnets();
            assertThat(subnets).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 1; i < subnets.size(); i++) {
                assertThat(subnets.get(i).macs()).isLessThan(subnets.get(i - 1).macs());
                assertThat(subnets.get(i).testAccuracy()).isBetween(0.5, 1.0);
            }
            try (Server server =
                    new Server(model, Server.Settings.builder().setPort(0).build())) {
                HttpClient client = HttpClient.newHttpClient();
                int values = 3 * 32 * 32;
                String body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,3,32,32],\"datatype\":\"FP32\",\"data\":"
                        + IntStream.range(0, values).mapToObj(v -> "0.1").toList() + "}]}";
                for (Manifest.SubnetEntry s : subnets) {
                    URI uri = URI.create(
                            "http://127.0.0.1:" + server.port() + "/v2/models/model/versions/" + s.name() + "/infer");
                    HttpResponse<String> r = client.send(
                            HttpRequest.newBuilder(uri)
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    JsonNode out = Json.MAPPER.readTree(r.body()).get("outputs").get(0);
                    assertThat(out.get("shape").toString()).isEqualTo("[1,10]");
                }
            }
            Assumptions.assumeTrue(Files.exists(CIFAR), "CIFAR-10 batches not at " + CIFAR);
            assertThat(accuracyOnFirstImages(model, subnets.get(0).name(), 1000))
                    .isGreaterThan(0.8);
        }
    }

    private static double accuracyOnFirstImages(DynamicModel model, String subnet, int n) {
        ImageDataset images = CifarReader.read(
                List.of(CIFAR), IntStream.range(0, 10).mapToObj(String::valueOf).toList());
        double[] mean = model.manifest().normalization().get("mean");
        double[] std = model.manifest().normalization().get("std");
        int pixels = 32 * 32;
        float[] input = new float[n * 3 * pixels];
        for (int i = 0; i < input.length; i++) {
            int channel = (i / pixels) % 3;
            input[i] = (float) (((images.pixels()[i] & 0xff) / 255.0 - mean[channel]) / std[channel]);
        }
        float[] logits = model.predict(input, n, subnet);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                best = logits[i * 10 + c] > logits[i * 10 + best] ? c : best;
            }
            correct += best == images.labels()[i] ? 1 : 0;
        }
        return correct / (double) n;
    }
}
