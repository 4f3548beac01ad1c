package io.dialnet.serve;

import io.dialnet.artifact.Manifest;
import io.dialnet.data.ImageDecoder;
import io.dialnet.runtime.DynamicModel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The HTTP front of a dynamic model, on Netty: the short {@code POST /predict}, the Open Inference
 * Protocol (KServe v2) REST API, {@code GET /subnets} and {@code GET /metrics}.
 *
 * <p>Requests go through a bounded queue to a fixed set of inference workers. Admission happens
 * when a request's headers arrive, before its body is read: an oversized body is refused (413),
 * and so is a request when the server is full (429) or stopping (503). Each request's deadline
 * runs from its first byte, so reading, parsing, queueing and the work already running all count;
 * a deadline no subnet can meet is refused at once (503) and a request whose deadline passes while
 * it waits is answered 504 without running. Every wait has a timeout: a request must arrive within
 * the read timeout, an idle connection is closed after the idle timeout, and an admitted request is
 * answered within its deadline or the request timeout. A worker that fails (even with an
 * {@link Error}) answers its requests 500 and is replaced. {@link #close} drains: readiness turns
 * false, accepting stops, every admitted request is answered, and only then do the workers stop.
 */
public final class Server implements AutoCloseable {
    /**
     * How the server runs; {@link #builder()} names every setting and holds the defaults.
     *
     * @param port TCP port on the loopback or all interfaces (0 = any free port)
     * @param bindAll listen on all interfaces instead of loopback only
     * @param workers inference threads
     * @param queueCapacity requests waiting at most; more are refused with 429
     * @param maxBodyBytes largest request body accepted (413 above, from Content-Length when sent)
     * @param defaultSubnet subnet of requests with neither subnet nor deadline (null = the most accurate)
     * @param maxBatch images a worker runs in one call: requests for the same subnet already waiting
     *     behind the one it takes join it (nothing waits for a batch to fill); 1 = one request a call
     * @param maxRequestImages images one request may carry (400 above)
     * @param maxConnections open connections at most; past it an idle one is closed to make room, or
     *     the new one is refused
     * @param ioThreads Netty event-loop threads (reading, parsing, writing)
     * @param readTimeoutMs a request must arrive completely (headers and body) within this time
     * @param idleTimeoutMs a kept-alive connection without a request for this long is closed
     * @param requestTimeoutMs an admitted request without a deadline is answered 504 after this long
     * @param drainTimeoutMs how long {@link #close} waits for admitted requests to be answered
     * @param modelName the model's name in the Open Inference Protocol paths
     * @param maxImagePixels an encoded image whose header claims more pixels is refused (400) before
     *     it is decoded (a decompression bomb)
     * @param computeNice nice value of the inference threads (0 = the process's own), see {@link ComputePriority}
     */
    public record Settings(
            int port,
            boolean bindAll,
            int workers,
            int queueCapacity,
            int maxBodyBytes,
            String defaultSubnet,
            int maxBatch,
            int maxRequestImages,
            int maxConnections,
            int ioThreads,
            long readTimeoutMs,
            long idleTimeoutMs,
            long requestTimeoutMs,
            long drainTimeoutMs,
            String modelName,
            long maxImagePixels,
            int computeNice) {
        /** Checks every setting once; each error names the command-line option, the range and the value. */
        public Settings {
            check(port >= 0 && port <= 65535, "--port", port, "0..65535");
            check(workers >= 1 && workers <= 256, "--workers", workers, "1..256");
            check(queueCapacity >= 1 && queueCapacity <= 1_000_000, "--queue", queueCapacity, "1..1000000");
            check(maxBodyBytes >= 1, "--max-body", maxBodyBytes, ">= 1");
            check(maxBatch >= 1 && maxBatch <= 4096, "--max-batch", maxBatch, "1..4096");
            check(
                    maxRequestImages >= 1 && maxRequestImages <= 4096,
                    "--max-request-images",
                    maxRequestImages,
                    "1..4096");
            check(
                    maxConnections >= 1 && maxConnections <= 1_000_000,
                    "--max-connections",
                    maxConnections,
                    "1..1000000");
            check(ioThreads >= 1 && ioThreads <= 64, "--io-threads", ioThreads, "1..64");
            check(readTimeoutMs >= 1, "--read-timeout-ms", readTimeoutMs, ">= 1");
            check(idleTimeoutMs >= 1, "--idle-timeout-ms", idleTimeoutMs, ">= 1");
            check(requestTimeoutMs >= 1, "--request-timeout-ms", requestTimeoutMs, ">= 1");
            check(drainTimeoutMs >= 0, "--drain-timeout-ms", drainTimeoutMs, ">= 0");
            if (modelName == null || !modelName.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException(
                        "--name must be letters, digits, '.', '_' or '-', got '" + modelName + "'");
            }
            check(
                    maxImagePixels >= 1 && maxImagePixels <= ImageDecoder.PIXELS_LIMIT,
                    "--max-image-pixels",
                    maxImagePixels,
                    "1.." + ImageDecoder.PIXELS_LIMIT);
            check(computeNice >= 0 && computeNice <= 19, "--compute-nice", computeNice, "0..19");
        }

        private static void check(boolean ok, String option, long value, String range) {
            if (!ok) {
                throw new IllegalArgumentException(option + " must be " + range + ", got " + value);
            }
        }

        /** A builder: the port must be set, everything else has the default its {@code opt} method names. */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * Builds {@link Settings} by name (DJL's style: {@code setX} required, {@code optX} optional);
         * {@link #build} checks them all once.
         */
        public static final class Builder {
            /**
             * Inference at the process's priority by default. Below it (nice 10) the network threads answer and
             * refuse sooner under overload, but inference then also yields 10:1 to every other busy process in
             * its scheduling group: beside two training runs a one-client p50 went from 6 to 29 ms
             * (docs/BENCHMARKS.md section 8). So it is for a host or container that serves alone.
             */
            public static final int DEFAULT_COMPUTE_NICE = 0;

            private Integer port;
            private boolean bindAll;
            private int workers = 1;
            private int queueCapacity = 32;
            private int maxBodyBytes = 16 << 20;
            private String defaultSubnet;
            private int maxBatch = 16;
            private int maxRequestImages = 64;
            private int maxConnections = 4096;
            private int ioThreads = 1;
            private long readTimeoutMs = 10_000;
            private long idleTimeoutMs = 60_000;
            private long requestTimeoutMs = 30_000;
            private long drainTimeoutMs = 30_000;
            private String modelName = "model";
            private long maxImagePixels = ImageDecoder.MAX_PIXELS;
            private int computeNice = DEFAULT_COMPUTE_NICE;

            private Builder() {}

            /** The TCP port (0 = any free port); required. */
            public Builder setPort(int port) {
                this.port = port;
                return this;
            }

            /** Listen on all interfaces; default false (loopback only). */
            public Builder optBindAll(boolean bindAll) {
                this.bindAll = bindAll;
                return this;
            }

            /** Inference threads; default 1. */
            public Builder optWorkers(int workers) {
                this.workers = workers;
                return this;
            }

            /** Requests waiting at most (429 beyond); default 32. */
            public Builder optQueueCapacity(int queueCapacity) {
                this.queueCapacity = queueCapacity;
                return this;
            }

            /** Largest request body in bytes (413 beyond); default 16 MiB. */
            public Builder optMaxBodyBytes(int maxBodyBytes) {
                this.maxBodyBytes = maxBodyBytes;
                return this;
            }

            /** Subnet of requests with neither subnet nor deadline; default null, the most accurate. */
            public Builder optDefaultSubnet(String defaultSubnet) {
                this.defaultSubnet = defaultSubnet;
                return this;
            }

            /** Images a worker runs in one call; default 16. */
            public Builder optMaxBatch(int maxBatch) {
                this.maxBatch = maxBatch;
                return this;
            }

            /** Images one request may carry (400 beyond); default 64. */
            public Builder optMaxRequestImages(int maxRequestImages) {
                this.maxRequestImages = maxRequestImages;
                return this;
            }

            /** Open connections at most; default 4096. */
            public Builder optMaxConnections(int maxConnections) {
                this.maxConnections = maxConnections;
                return this;
            }

            /** Netty event-loop threads; default 1. */
            public Builder optIoThreads(int ioThreads) {
                this.ioThreads = ioThreads;
                return this;
            }

            /** Time for a request to arrive completely (else 408); default 10 s. */
            public Builder optReadTimeoutMs(long readTimeoutMs) {
                this.readTimeoutMs = readTimeoutMs;
                return this;
            }

            /** Time a kept-alive connection may wait for its next request; default 60 s. */
            public Builder optIdleTimeoutMs(long idleTimeoutMs) {
                this.idleTimeoutMs = idleTimeoutMs;
                return this;
            }

            /** Time to answer a request without a deadline (else 504); default 30 s. */
            public Builder optRequestTimeoutMs(long requestTimeoutMs) {
                this.requestTimeoutMs = requestTimeoutMs;
                return this;
            }

            /** Time {@link Server#close} waits for admitted requests; default 30 s. */
            public Builder optDrainTimeoutMs(long drainTimeoutMs) {
                this.drainTimeoutMs = drainTimeoutMs;
                return this;
            }

            /** The model's name in the Open Inference Protocol paths; default {@code model}. */
            public Builder optModelName(String modelName) {
                this.modelName = modelName;
                return this;
            }

            /** Most pixels an encoded image may claim; default {@link ImageDecoder#MAX_PIXELS} (Pillow's). */
            public Builder optMaxImagePixels(long maxImagePixels) {
                this.maxImagePixels = maxImagePixels;
                return this;
            }

            /**
             * Nice value of the inference threads (0..19, 0 = the process's own; default {@value
             * #DEFAULT_COMPUTE_NICE}): inference yields the cores to the network threads, which refuse and
             * answer requests (Linux; elsewhere a warning and the process's priority).
             */
            public Builder optComputeNice(int computeNice) {
                this.computeNice = computeNice;
                return this;
            }

            /** The settings, every one checked; the port must have been set. */
            public Settings build() {
                if (port == null) {
                    throw new IllegalArgumentException("--port must be set (0 = any free port)");
                }
                return new Settings(
                        port,
                        bindAll,
                        workers,
                        queueCapacity,
                        maxBodyBytes,
                        defaultSubnet,
                        maxBatch,
                        maxRequestImages,
                        maxConnections,
                        ioThreads,
                        readTimeoutMs,
                        idleTimeoutMs,
                        requestTimeoutMs,
                        drainTimeoutMs,
                        modelName,
                        maxImagePixels,
                        computeNice);
            }
        }
    }

    /** What the workers call; the model's {@code predict}, or a stand-in in tests. */
    @FunctionalInterface
    interface Inference {
        float[] predict(float[] input, int batch, String subnet);
    }

    final Settings settings;
    final Manifest manifest;
    final Controller controller;
    final Metrics metrics;
    final Requests requests;
    final String defaultSubnet;
    final String backend;
    private final Inference inference;
    private final BlockingQueue<Job> queue;
    /** Estimated microseconds of work waiting in the queue. */
    private final AtomicLong queuedMicros = new AtomicLong();
    /** Per worker slot: when its running batch is expected to end (System.nanoTime), 0 when idle. */
    private final AtomicLongArray busyUntil;

    private final Thread[] slots;
    private final ThreadFactory workerThreads;
    private final AtomicInteger workersAlive = new AtomicInteger();
    private final AtomicInteger generation = new AtomicInteger();
    /** Inference requests read completely and not yet answered: parsing, queued or running. */
    final AtomicInteger inFlight = new AtomicInteger();
    /** Inference requests admitted from their headers whose body is still arriving. */
    final AtomicInteger reading = new AtomicInteger();

    final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closing;
    private volatile boolean draining;
    private volatile boolean stopping;
    private volatile boolean quiesced;
    private final EventLoopGroup boss;
    /** The network threads: reading, parsing, writing and the requests' timers. */
    final EventLoopGroup io;

    final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel listener;

    /** Serves {@code model} (ONNX Runtime or DJL) as {@code settings} say. */
    public Server(DynamicModel model, Settings settings) throws IOException {
        this(model.manifest(), model.backend().name().toLowerCase(Locale.ROOT), model::predict, settings);
    }

    Server(Manifest manifest, String backend, Inference inference, Settings settings) throws IOException {
        this(
                manifest,
                backend,
                inference,
                settings,
                ComputePriority.of(settings.computeNice()).threads());
    }

    /** As above, with the factory of worker threads (a test's may refuse, as a JVM out of threads does). */
    Server(Manifest manifest, String backend, Inference inference, Settings settings, ThreadFactory workerThreads)
            throws IOException {
        this.workerThreads = workerThreads;
        this.settings = settings;
        this.manifest = manifest;
        this.backend = backend;
        this.inference = inference;
        this.controller = new Controller(manifest.subnets(), backend);
        this.metrics = new Metrics(
                manifest.subnets().stream().map(Manifest.SubnetEntry::name).toList());
        this.requests = new Requests(manifest, settings.maxRequestImages(), settings.maxImagePixels());
        // Admission allows queue + workers requests in flight; until the workers have taken theirs, all of them may
        // be in the queue at once, so it holds that many (a request admitted must never meet a full queue).
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity() + settings.workers());
        this.defaultSubnet = settings.defaultSubnet() != null
                ? settings.defaultSubnet()
                : manifest.subnets().stream()
                        .max(Comparator.comparingDouble(Manifest.SubnetEntry::validationAccuracy))
                        .orElseThrow()
                        .name();
        if (!hasSubnet(defaultSubnet)) {
            throw new IllegalArgumentException(
                    "--default-subnet " + defaultSubnet + " is not one of this model's " + "subnets");
        }
        this.busyUntil = new AtomicLongArray(settings.workers());
        this.slots = new Thread[settings.workers()];
        for (int i = 0; i < settings.workers(); i++) {
            startWorker(i);
        }
        this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory("dialnet-accept", true));
        this.io = new NioEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("dialnet-io", true));
        InetSocketAddress address = settings.bindAll()
                ? new InetSocketAddress(settings.port())
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                // Nagle's algorithm delayed every kept-alive answer by ~40 ms (issue 11): off.
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Reads are asked for one message at a time (Connection), so a busy connection applies back-pressure.
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Connection c = new Connection(Server.this);
                        ch.pipeline()
                                .addLast("bytes", c.firstBytes())
                                .addLast("http", new HttpServerCodec(4096, 8192, 65536))
                                // Bodies sent with Content-Encoding gzip or deflate (Triton's clients offer both) are
                                // inflated here; the body bound applies to the inflated bytes (Connection.content).
                                .addLast("inflate", new HttpContentDecompressor())
                                .addLast("flow", new FlowControlHandler())
                                .addLast("app", c);
                    }
                });
        try {
            this.listener = bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's checked exception (a BindException) undeclared
            shutdownNow();
            if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
                BindException named = new BindException("port " + settings.port() + " is already in use"
                        + (settings.bindAll()
                                ? ""
                                : " on " + address.getAddress().getHostAddress()));
                named.initCause(e);
                throw named;
            }
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    boolean hasSubnet(String name) {
        return manifest.subnets().stream().anyMatch(s -> s.name().equals(name));
    }

    /** Whether inference requests are accepted: not stopping and at least one worker able to serve. */
    public boolean ready() {
        return !closing && workersAlive.get() > 0;
    }

    boolean draining() {
        return draining;
    }

    /** Shutting down (readiness false), possibly before the port has closed and draining has begun. */
    boolean closing() {
        return closing;
    }

    int workersAlive() {
        return workersAlive.get();
    }

    int queued() {
        return queue.size();
    }

    String prometheus() {
        return metrics.prometheus(new Metrics.Gauges(
                queue::size,
                inFlight::get,
                connections::get,
                workersAlive::get,
                () -> ready() ? 1 : 0,
                controller::share));
    }

    /** Estimated milliseconds of work ahead of a new request, per worker: queued and running. */
    double aheadMs() {
        long now = System.nanoTime();
        double running = 0;
        for (int i = 0; i < busyUntil.length(); i++) {
            long until = busyUntil.get(i);
            if (until != 0 && until > now) {
                running += (until - now) / 1e6;
            }
        }
        return (queuedMicros.get() / 1000.0 + running) / settings.workers();
    }

    /**
     * Picks the subnet of a parsed request with {@code remainingMs} left of its deadline (NaN: no
     * deadline): a named subnet, else the controller's choice, else the default.
     */
    String subnetFor(Requests.Parsed p, double remainingMs) throws Refusal {
        if (p.subnet() != null) {
            if (!hasSubnet(p.subnet())) {
                throw new Refusal(404, "unknown subnet '" + p.subnet() + "'; see GET /subnets");
            }
            if (!Double.isNaN(remainingMs)) {
                double own = controller.estimateMs(p.subnet());
                if (!Double.isNaN(own) && aheadMs() + own * p.batch() > remainingMs * controller.share()) {
                    metrics.rejected("deadline");
                    throw Refusal.forLoad(
                            503,
                            "subnet " + p.subnet() + " cannot answer within " + fmt(p.deadlineMs())
                                    + " ms at the current load");
                }
            }
            return p.subnet();
        }
        if (!Double.isNaN(remainingMs)) {
            Optional<String> choice = controller.choose(remainingMs * controller.share(), aheadMs(), p.batch());
            if (choice.isEmpty()) {
                metrics.rejected("deadline");
                throw Refusal.forLoad(
                        503, "no subnet can answer within " + fmt(p.deadlineMs()) + " ms at the current load");
            }
            return choice.get();
        }
        return defaultSubnet;
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** Queues a job; false when the queue is full. */
    boolean enqueue(Job job) {
        double own = controller.estimateMs(job.subnet);
        job.costMicros = Double.isNaN(own) ? 0 : Math.round(own * job.batch * 1000);
        queuedMicros.addAndGet(job.costMicros);
        if (!queue.offer(job)) {
            queuedMicros.addAndGet(-job.costMicros);
            return false;
        }
        return true;
    }

    // ---- workers ----

    private synchronized void startWorker(int slot) {
        workersAlive.incrementAndGet();
        try {
            Thread t = workerThreads.newThread(() -> runWorker(slot));
            t.setName("dialnet-worker-" + slot + "-" + generation.incrementAndGet());
            t.setDaemon(true);
            slots[slot] = t;
            t.start();
        } catch (Throwable e) {
            // No thread to be had (memory, a thread limit): the slot stays empty, readiness reflects it, and the
            // next request tries again (reviveWorkers).
            slots[slot] = null;
            workersAlive.decrementAndGet();
        }
    }

    /** Starts a worker in every empty slot: a slot left empty when no thread could be had is retried. */
    void reviveWorkers() {
        if (workersAlive.get() >= slots.length || stopping) {
            return;
        }
        synchronized (this) {
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] == null && !stopping) {
                    startWorker(i);
                }
            }
        }
    }

    private void runWorker(int slot) {
        boolean replace = true;
        try {
            replace = work(slot);
        } finally {
            busyUntil.set(slot, 0);
            // The replacement starts before this one counts as gone, so readiness never blinks.
            if (replace && !stopping) {
                metrics.workerRestarted();
                startWorker(slot);
            }
            workersAlive.decrementAndGet();
        }
    }

    /** Serves the queue until stopped; true when it ended on an {@link Error} and must be replaced. */
    private boolean work(int slot) {
        List<Job> group = new ArrayList<>();
        while (true) {
            Job first;
            try {
                first = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return false;
            }
            if (first == null) {
                if (stopping) {
                    return false;
                }
                continue;
            }
            group.clear();
            try {
                long now = System.nanoTime();
                int images = gather(first, now, group);
                if (!group.isEmpty()) {
                    runGroup(slot, first.subnet, group, images, now);
                }
            } catch (Throwable e) {
                busyUntil.set(slot, 0);
                failGroup(group, e);
                if (e instanceof Error) {
                    // An Error (OutOfMemoryError, a broken native call) may leave this thread unusable: end it,
                    // and runWorker starts a fresh one in its slot.
                    return true;
                }
            }
        }
    }

    /**
     * Collects into {@code group} the live jobs of one call: {@code first} and the same-subnet jobs
     * queued right behind it, up to {@code maxBatch} images and only while the call, by the
     * estimate, still ends before the earliest deadline in it (every job of a call is answered
     * when the call ends); returns their images.
     */
    private int gather(Job first, long now, List<Job> group) {
        queuedMicros.addAndGet(-first.costMicros);
        int images = 0;
        long earliest = Long.MAX_VALUE;
        double perImageMs = controller.estimateMs(first.subnet); // one estimate for the whole call
        if (live(first, now, 0, perImageMs)) {
            group.add(first);
            images = first.batch;
            earliest = first.deadlineNanos;
        }
        // Same-subnet requests queued right behind it run in the same call: under load a batch costs far less per
        // image, and when the queue is empty nobody waits. Stopping at another subnet keeps the queue's order.
        for (Job next = queue.peek();
                next != null
                        && next.subnet.equals(first.subnet)
                        && images + next.batch <= settings.maxBatch()
                        && endsBy(earliest, perImageMs, images + next.batch, now)
                        && queue.remove(next);
                next = queue.peek()) {
            queuedMicros.addAndGet(-next.costMicros);
            if (live(next, now, images, perImageMs)) {
                group.add(next);
                images += next.batch;
                earliest = Math.min(earliest, next.deadlineNanos);
            }
        }
        return images;
    }

    /** Whether a call of {@code images} images at {@code perImageMs} each, begun {@code now}, ends by the deadline. */
    private static boolean endsBy(long deadlineNanos, double perImageMs, int images, long now) {
        return deadlineNanos == Long.MAX_VALUE
                || Double.isNaN(perImageMs)
                || now + (long) (perImageMs * images * 1e6) <= deadlineNanos;
    }

    /** Runs {@code group} in one call of {@code subnet} and answers each job with its slice of the logits. */
    private void runGroup(int slot, String subnet, List<Job> group, int images, long now) {
        double estimate = controller.estimateMs(subnet);
        busyUntil.set(slot, now + (long) ((Double.isNaN(estimate) ? 1 : estimate) * images * 1e6));
        long start = System.nanoTime();
        float[] logits = inference.predict(concat(group, images), images, subnet);
        busyUntil.set(slot, 0);
        long end = System.nanoTime();
        controller.observed(subnet, (end - start) / 1e6 / images);
        metrics.inferred(images);
        int perImage = logits.length / images;
        int offset = 0;
        for (Job job : group) {
            int length = job.batch * perImage;
            if (end > job.deadlineNanos) {
                // Late, though its timer may not have fired yet (the network thread waits for a core under load):
                // a late answer is the expiry the timer would have sent, and the controller must hear of the miss.
                expire(job, end, "during inference");
            } else if (job.succeed(Arrays.copyOfRange(logits, offset, offset + length))
                    && job.deadlineNanos != Long.MAX_VALUE) {
                controller.met();
            }
            offset += length;
        }
    }

    /** Answers every job of a failed call 500, naming the failure's first line. */
    private void failGroup(List<Job> group, Throwable e) {
        String message = "inference failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null
                        ? ""
                        : ": " + e.getMessage().lines().findFirst().orElse(""));
        for (Job job : group) {
            if (job.fail(500, message)) {
                metrics.rejected("error");
            }
        }
    }

    /**
     * Whether a dequeued job should run in a call that already holds {@code before} images; answers
     * it 504 at once when that call would end after its deadline (rather than at the deadline).
     */
    private boolean live(Job job, long now, int before, double perImageMs) {
        if (job.answered()) {
            return false; // its timer answered it already
        }
        if (!endsBy(job.deadlineNanos, perImageMs, before + job.batch, now)) {
            expire(job, now, "while queued");
            return false;
        }
        return true;
    }

    /**
     * Answers an admitted {@code job} 504, its deadline passed {@code when} (unless it was answered
     * already), counts it as expired and tells the controller of the miss: one place for the three
     * ways a deadline passes (in the queue, during inference, or by its timer).
     */
    void expire(Job job, long nowNanos, String when) {
        if (job.fail(504, "deadline_ms " + fmt(job.deadlineMs) + " passed " + when)) {
            metrics.rejected("expired");
            controller.missed(nowNanos, job.deadlineMs);
        }
    }

    private static float[] concat(List<Job> group, int images) {
        if (group.size() == 1) {
            return group.get(0).input;
        }
        float[] all = new float[group.get(0).input.length / group.get(0).batch * images];
        int offset = 0;
        for (Job job : group) {
            System.arraycopy(job.input, 0, all, offset, job.input.length);
            offset += job.input.length;
        }
        return all;
    }

    // ---- shutdown ----

    /** Whether the last {@link #close} ended with every worker stopped (so the model may be closed). */
    public boolean quiesced() {
        return quiesced;
    }

    /**
     * Drains and stops: readiness turns false, the listening socket closes, every admitted request
     * is answered (new requests on open connections get 503), then the workers stop and the
     * connections close. Waits at most the drain timeout for answers and as long again for workers.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true; // readiness false
        // The port closes before any answer says "Connection: close": a client that reconnected earlier would
        // land in the accept backlog, which the kernel resets when the port closes (a request lost, not refused).
        listener.close().syncUninterruptibly();
        draining = true;
        long until = System.nanoTime() + settings.drainTimeoutMs() * 1_000_000;
        while (inFlight.get() + reading.get() > 0 && System.nanoTime() < until) {
            sleep(2);
        }
        stopping = true;
        boolean stopped = true;
        long workersUntil = System.nanoTime() + Math.max(1000, settings.drainTimeoutMs()) * 1_000_000;
        for (Thread t : slots) {
            if (t == null) {
                continue;
            }
            try {
                t.join(Math.max(1, (workersUntil - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped &= !t.isAlive();
        }
        // A worker replaced during the join is in slots now; check them all again.
        for (Thread t : slots) {
            stopped &= t == null || !t.isAlive();
        }
        quiesced = stopped;
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdownNow();
    }

    private void shutdownNow() {
        stopping = true;
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        if (io != null) {
            io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
