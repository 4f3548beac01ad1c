package io.dialnet.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code serve --compute-nice}: inference runs at the nice value asked for, the rest of the process does not. */
@Tag("fast")
class ComputePriorityTest {
    @BeforeAll
    static void linuxOnly() {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "needs Linux's /proc");
    }

    static int niceOfThisThread() throws IOException {
        return ComputePriority.niceOf(Long.parseLong(
                Path.of("/proc/thread-self").toRealPath().getFileName().toString()));
    }

    @Test
    void workersRunInferenceAtTheComputeNiceAndTheRestOfTheProcessKeepsItsOwn() throws Exception {
        int before = niceOfThisThread();
        AtomicInteger inferenceNice = new AtomicInteger(-100);
        Server.Inference inference = (input, batch, subnet) -> {
            try {
                inferenceNice.set(niceOfThisThread());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new float[batch * 10];
        };
        Server.Settings settings = Server.Settings.builder()
                .setPort(0)
                .optModelName("cnn")
                .optComputeNice(7)
                .build();
        try (Server server = new Server(ServeIssue11Test.manifest(1, 0.5), "onnxruntime", inference, settings)) {
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            ServeIssue11Test.post(server, "/predict", ServeIssue11Test.image(null))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        assertThat(inferenceNice.get()).isEqualTo(Math.max(before, 7));
        assertThat(niceOfThisThread()).isEqualTo(before);
    }

    @Test
    void theModelLoadsOnALoweredThreadWhoseThreadsInheritItsNice() throws Exception {
        int before = niceOfThisThread();
        // ONNX Runtime makes its pool when a session is created: a thread made by the loading thread stands in for it
        int[] nices = ComputePriority.of(5)
                .onLoweredThread(
                        () -> {
                            int[] child = new int[1];
                            Thread pool = new Thread(() -> {
                                try {
                                    child[0] = niceOfThisThread();
                                } catch (IOException e) {
                                    child[0] = -100;
                                }
                            });
                            pool.start();
                            try {
                                pool.join();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                            return new int[] {niceOfThisThread(), child[0]};
                        },
                        ComputePriorityTest::noProblem);
        assertThat(nices).containsExactly(Math.max(before, 5), Math.max(before, 5));
        assertThat(niceOfThisThread()).isEqualTo(before);
        assertThatThrownBy(() -> ComputePriority.of(5)
                        .onLoweredThread(
                                () -> {
                                    throw new IOException("no such model file");
                                },
                                ComputePriorityTest::noProblem))
                .isInstanceOf(IOException.class)
                .hasMessage("no such model file");
    }

    @Test
    void whereTheThreadCannotBeLoweredTheModelStillLoadsAndTheReasonIsSaid() throws Exception {
        int before = niceOfThisThread();
        List<String> problems = new ArrayList<>();
        ComputePriority without = new ComputePriority(5, "/nonexistent/renice");
        int nice = without.onLoweredThread(ComputePriorityTest::niceOfThisThread, problems::add);
        assertThat(nice).isEqualTo(before);
        assertThat(problems)
                .singleElement(STRING)
                .startsWith("--compute-nice 5 not applied, inference runs at the process's priority: cannot run "
                        + "/nonexistent/renice");
        // and its workers run, at the process's priority
        int[] workerNice = {-100};
        Thread worker = without.threads().newThread(() -> {
            try {
                workerNice[0] = niceOfThisThread();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        worker.start();
        worker.join();
        assertThat(workerNice[0]).isEqualTo(before);
    }

    private static void noProblem(String problem) {
        throw new AssertionError("unexpected: " + problem);
    }

    @Test
    void aNiceOutsideTheRangeIsRefusedNamingTheOption() {
        assertThatThrownBy(() ->
                        Server.Settings.builder().setPort(0).optComputeNice(20).build())
                .hasMessage("--compute-nice must be 0..19, got 20");
    }
}
