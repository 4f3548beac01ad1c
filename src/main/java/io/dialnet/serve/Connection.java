package io.dialnet.serve;

import io.dialnet.Json;
import io.dialnet.artifact.Manifest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: reads one request at a time (the next is not read until this one is
 * answered), routes it by exact path and method, admits or refuses it from its headers, collects
 * its body within the size and time limits, and writes the single answer. Runs on the
 * connection's event loop; a worker's answer is handed back to it.
 */
final class Connection extends ChannelInboundHandlerAdapter {
    /** A refused request's body up to this size is read and dropped so the connection stays usable. */
    private static final long DISCARD_LIMIT = 1 << 20;

    private enum State {
        IDLE,
        READING,
        DISCARDING,
        PROCESSING
    }

    private enum Kind {
        PREDICT,
        V2_INFER,
        SUBNETS,
        METRICS,
        V2_SERVER,
        V2_LIVE,
        V2_READY,
        V2_MODEL,
        V2_MODEL_READY
    }

    private record Route(Kind kind, String version) {
        boolean inference() {
            return kind == Kind.PREDICT || kind == Kind.V2_INFER;
        }
    }

    private final Server server;
    private ChannelHandlerContext ctx;
    private volatile State state = State.IDLE;
    private volatile long requestStart;
    private ScheduledFuture<?> readTimer;
    private ScheduledFuture<?> idleTimer;
    private boolean counted;
    // the request being read
    private HttpRequest request;
    private Route route;
    private boolean keepAlive;
    /**
     * The request holds a place: its body is being read ({@link Server#reading}) or it is being
     * served ({@link Server#inFlight}).
     */
    private boolean admitted;

    private boolean bodyComplete;
    private CompositeByteBuf body;
    private Job job;

    Connection(Server server) {
        this.server = server;
    }

    /** Notices a request's first bytes, before the HTTP decoder, so slow headers are timed too. */
    ChannelInboundHandlerAdapter firstBytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
                    startReading();
                }
                c.fireChannelRead(msg);
            }
        };
    }

    /** A connection not waiting for an answer (idle, or still sending its request) may be closed to make room. */
    boolean reclaimable() {
        return state != State.PROCESSING;
    }

    long waitingSince() {
        return requestStart;
    }

    // ---- life cycle ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        int open = server.connections.incrementAndGet();
        counted = true;
        server.channels.add(ctx.channel());
        ctx.channel().attr(Connections.KEY).set(this);
        if (server.draining() || open > server.settings.maxConnections() && !Connections.reclaim(server, this)) {
            server.metrics.connectionRefused();
            ctx.close();
            return;
        }
        requestStart = System.nanoTime();
        armIdle();
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            server.connections.decrementAndGet();
        }
        cancel(readTimer);
        cancel(idleTimer);
        if (job != null) {
            job.abandon(); // a worker that reaches it skips it
            job = null;
        }
        release();
        releaseBody();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.READING && request != null && cause instanceof DecoderException) {
            // The "inflate" handler met a body that is not what its Content-Encoding says: the client can still be
            // told, then the connection closes (where the next request would start is unknown).
            server.metrics.rejected("bad_request");
            refuse(
                    new Refusal(400, "the body does not decode as its Content-Encoding says: " + rootMessage(cause)),
                    false);
            return;
        }
        // A reset by the peer: nothing to answer on a broken connection.
        ctx.close();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private void startReading() {
        state = State.READING;
        requestStart = System.nanoTime();
        cancel(idleTimer);
        readTimer = ctx.executor().schedule(this::readTimedOut, server.settings.readTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void armIdle() {
        cancel(idleTimer);
        idleTimer = ctx.executor()
                .schedule(
                        () -> {
                            if (state == State.IDLE) {
                                server.metrics.connectionTimedOut();
                                ctx.close();
                            }
                        },
                        server.settings.idleTimeoutMs(),
                        TimeUnit.MILLISECONDS);
    }

    private void readTimedOut() {
        if (state != State.READING && state != State.DISCARDING) {
            return;
        }
        server.metrics.connectionTimedOut();
        if (request != null && state == State.READING) {
            if (admitted) {
                server.metrics.rejected("timeout");
            }
            respondAndClose(408, error("request not received within " + server.settings.readTimeoutMs() + " ms"));
        } else {
            ctx.close();
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private void release() {
        if (admitted) {
            admitted = false;
            (bodyComplete ? server.inFlight : server.reading).decrementAndGet();
        }
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    // ---- reading ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest r) {
                head(r);
            }
            if (msg instanceof HttpContent c) {
                if (state == State.IDLE) {
                    ctx.read(); // the empty end of a request already answered from its headers
                } else {
                    content(c);
                }
            }
        } catch (Throwable e) {
            // Never leave a connection without an answer, whatever happened.
            release();
            if (state != State.IDLE && ctx.channel().isActive()) {
                respondAndClose(500, error("internal error: " + e));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** A request's headers: refused at once when malformed, unroutable or (inference) not admitted. */
    private void head(HttpRequest r) {
        if (state == State.IDLE) {
            startReading(); // a pipelined request, decoded with the previous one's bytes
        }
        request = r;
        keepAlive = HttpUtil.isKeepAlive(r);
        if (r.decoderResult().isFailure()) {
            Throwable cause = r.decoderResult().cause();
            boolean tooLong = cause instanceof TooLongFrameException;
            refuse(
                    new Refusal(
                            tooLong ? 431 : 400,
                            tooLong
                                    ? "request line or headers too long"
                                    : "malformed HTTP request: " + cause.getMessage()),
                    false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(r.uri());
        try {
            route = route(r.method(), Requests.path(r.uri()));
        } catch (Refusal refusal) {
            refuse(refusal, true);
            return;
        }
        if (route.inference() && !admit(r, uri)) {
            return;
        }
        if (!(r instanceof LastHttpContent)) {
            ctx.read();
        }
    }

    /**
     * Admission of an inference request from its headers, before its body: refused (and answered)
     * when its body is too large, the server cannot serve, is full, or no subnet can meet the
     * deadline in its query; else it takes a place and its body is collected.
     */
    private boolean admit(HttpRequest r, QueryStringDecoder uri) {
        server.metrics.received();
        if (refusedForEncoding(r) || refusedForSize(r) || refusedWhileUnableToServe() || refusedWhenFull()) {
            return false;
        }
        Refusal early = hopeless(uri);
        if (early != null) {
            refuse(early, true);
            return false;
        }
        admitted = true;
        bodyComplete = false;
        server.reading.incrementAndGet();
        if (HttpUtil.is100ContinueExpected(r)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
        }
        body = ctx.alloc().compositeBuffer(1024);
        return true;
    }

    /** 413 from the announced Content-Length. */
    /** 415 for a Content-Encoding the "inflate" handler left as it came: never parsed as sent. */
    private boolean refusedForEncoding(HttpRequest r) {
        String encoding = r.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding == null || encoding.equalsIgnoreCase("identity")) {
            return false;
        }
        refuse(
                new Refusal(415, "Content-Encoding " + encoding + " is not supported; send gzip, deflate or none"),
                false);
        server.metrics.rejected("bad_request");
        return true;
    }

    private boolean refusedForSize(HttpRequest r) {
        long length = HttpUtil.getContentLength(r, -1L);
        if (length <= server.settings.maxBodyBytes()) {
            return false;
        }
        refuse(
                new Refusal(413, "body of " + length + " bytes is larger than " + server.settings.maxBodyBytes()),
                false);
        server.metrics.rejected("bad_request");
        return true;
    }

    /** 503 while draining, or when no worker can serve (an empty worker slot is tried again first). */
    private boolean refusedWhileUnableToServe() {
        if (server.draining()) {
            server.metrics.rejected("shutting_down");
            refuse(new Refusal(503, "server is shutting down"), false);
            return true;
        }
        server.reviveWorkers();
        if (server.ready()) {
            return false;
        }
        // Kept alive: until the port has closed, "Connection: close" would send the client into the accept
        // backlog, which closing the port resets.
        server.metrics.rejected(server.closing() ? "shutting_down" : "error");
        refuse(
                new Refusal(503, server.closing() ? "server is shutting down" : "no inference worker is able to serve"),
                true);
        return true;
    }

    /** 429 when every place is taken. */
    private boolean refusedWhenFull() {
        // Only requests whose body has arrived count against the bound: a client that sends its body slowly
        // holds a connection (bounded, and timed by the read timeout), never another client's place.
        if (server.inFlight.get() < server.settings.queueCapacity() + server.settings.workers()) {
            return false;
        }
        server.metrics.rejected("queue_full");
        refuse(
                Refusal.forLoad(429, "server busy: " + server.settings.queueCapacity() + " requests already waiting"),
                true);
        return true;
    }

    /**
     * A {@code /predict} whose deadline is in the query (raw and image bodies) and that not even the
     * fastest subnet can meet at the current load: refused from its headers (503), so shedding costs
     * neither reading nor parsing its body. Anything unusual is left to the full check after the body.
     */
    private Refusal hopeless(QueryStringDecoder uri) {
        if (route.kind() != Kind.PREDICT) {
            return null;
        }
        Map<String, List<String>> parameters;
        try {
            parameters = uri.parameters();
        } catch (IllegalArgumentException e) {
            return null; // a malformed query: refused with its reason once the body is read
        }
        List<String> deadline = parameters.get("deadline_ms");
        if (deadline == null || deadline.size() != 1 || parameters.containsKey("subnet")) {
            return null;
        }
        double ms;
        int batch = 1;
        try {
            ms = Double.parseDouble(deadline.get(0));
            List<String> b = parameters.get("batch");
            if (b != null && b.size() == 1) {
                batch = Integer.parseInt(b.get(0));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (!(ms > 0) || ms > Requests.MAX_DEADLINE_MS || batch < 1 || batch > server.settings.maxRequestImages()) {
            return null;
        }
        double remaining = ms - (System.nanoTime() - requestStart) / 1e6;
        if (server.controller
                .choose(remaining * server.controller.share(), server.aheadMs(), batch)
                .isPresent()) {
            return null;
        }
        server.metrics.rejected("deadline");
        return Refusal.forLoad(503, "no subnet can answer within " + Server.fmt(ms) + " ms at the current load");
    }

    private void content(HttpContent c) {
        if (state == State.DISCARDING) {
            if (c instanceof LastHttpContent) {
                requestDone();
            } else {
                ctx.read();
            }
            return;
        }
        if (state != State.READING) {
            return;
        }
        if (body != null && c.content().isReadable()) {
            if (body.readableBytes() + (long) c.content().readableBytes() > server.settings.maxBodyBytes()) {
                release();
                server.metrics.rejected("bad_request");
                refuse(new Refusal(413, "body larger than " + server.settings.maxBodyBytes() + " bytes"), false);
                return;
            }
            body.addComponent(true, c.content().retain());
        }
        if (c instanceof LastHttpContent) {
            state = State.PROCESSING;
            cancel(readTimer);
            if (admitted) {
                bodyComplete = true;
                server.reading.decrementAndGet();
                server.inFlight.incrementAndGet();
            }
            dispatch();
        } else {
            ctx.read();
        }
    }

    /** The request is fully read and its answer written: back to waiting for the next one. */
    private void requestDone() {
        cancel(readTimer);
        request = null;
        route = null;
        state = State.IDLE;
        releaseBody();
        requestStart = System.nanoTime();
        armIdle();
        ctx.read();
    }

    /**
     * Answers from the headers alone. A body that is small and announced is read and dropped, so a
     * kept-alive client can send its next request; otherwise the connection closes after the answer.
     */
    private void refuse(Refusal r, boolean mayKeep) {
        long length = request == null ? -1 : HttpUtil.getContentLength(request, -1L);
        // A request with neither Content-Length nor chunked encoding has no body (RFC 9112, 6.3).
        boolean noBody = request == null
                || length <= 0 && !HttpUtil.isTransferEncodingChunked(request)
                || request instanceof LastHttpContent;
        // A client waiting for 100-continue will not send the body it announced: the decoder would read its next
        // request as that body, so such a connection closes.
        boolean keep = mayKeep
                && keepAlive
                && !server.draining()
                && (noBody || length > 0 && length <= DISCARD_LIMIT && !HttpUtil.is100ContinueExpected(request));
        FullHttpResponse response = response(r.status, error(r.getMessage()), "application/json", keep);
        server.metrics.responded(r.status);
        timeShedding(r);
        if (!keep) {
            state = State.PROCESSING;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(response);
        if (noBody) {
            requestDone();
        } else {
            state = State.DISCARDING;
            ctx.read();
        }
    }

    // ---- routing ----

    /** The route of {@code path} for {@code method}: 404 for an unknown path, 405 for the wrong method. */
    private Route route(HttpMethod method, String path) throws Refusal {
        Kind kind = switch (path) {
            case "/predict" -> Kind.PREDICT;
            case "/subnets" -> Kind.SUBNETS;
            case "/metrics" -> Kind.METRICS;
            case "/v2" -> Kind.V2_SERVER;
            case "/v2/health/live" -> Kind.V2_LIVE;
            case "/v2/health/ready" -> Kind.V2_READY;
            default -> null;
        };
        Route found = kind != null ? new Route(kind, null) : modelRoute(path);
        if (found == null) {
            throw new Refusal(404, "no such path: " + path);
        }
        // exactly the inference routes are POSTed
        HttpMethod wanted = found.inference() ? HttpMethod.POST : HttpMethod.GET;
        if (!method.equals(wanted)) {
            throw new Refusal(405, "use " + wanted + " " + path);
        }
        return found;
    }

    /**
     * The route of {@code /v2/models/{name}[/versions/{version}][/ready|/infer]}, null for any other
     * path; 404 when it names another model or a version that is not one of the subnets.
     */
    private Route modelRoute(String path) throws Refusal {
        String[] p = path.split("/", -1);
        if (!(p.length >= 4 && p[1].equals("v2") && p[2].equals("models"))) {
            return null;
        }
        String version = null;
        int i = 4;
        if (p.length >= 6 && p[4].equals("versions")) {
            version = p[5];
            i = 6;
        }
        String tail = p.length == i ? "" : p.length == i + 1 ? p[i] : null;
        Kind kind = tail == null
                ? null
                : switch (tail) {
                    case "" -> Kind.V2_MODEL;
                    case "ready" -> Kind.V2_MODEL_READY;
                    case "infer" -> Kind.V2_INFER;
                    default -> null;
                };
        if (kind == null) {
            return null;
        }
        String name = server.settings.modelName();
        if (!p[3].equals(name)) {
            throw new Refusal(404, "unknown model '" + p[3] + "'; this server serves '" + name + "'");
        }
        if (version != null && !server.hasSubnet(version)) {
            throw new Refusal(
                    404,
                    "unknown version '" + version + "' of model '" + name
                            + "'; the versions are its subnets, see GET /v2/models/" + name);
        }
        return new Route(kind, version);
    }

    private static String allowFor(String path) {
        return path.equals("/predict") || path.endsWith("/infer") ? "POST" : "GET";
    }

    // ---- answering ----

    /** Answers a request whose body has arrived, by its route; inference is handed to the workers. */
    private void dispatch() {
        try {
            switch (route.kind()) {
                case PREDICT, V2_INFER -> infer();
                case SUBNETS -> ok(Json.MAPPER.writeValueAsBytes(subnets()), "application/json");
                case METRICS ->
                    ok(
                            server.prometheus().getBytes(StandardCharsets.UTF_8),
                            "text/plain; version=0.0.4; charset=utf-8");
                case V2_SERVER -> ok(Json.MAPPER.writeValueAsBytes(serverMetadata()), "application/json");
                case V2_LIVE -> ok(Json.MAPPER.writeValueAsBytes(Map.of("live", true)), "application/json");
                case V2_READY, V2_MODEL_READY -> {
                    boolean ready = server.ready();
                    answer(
                            ready ? 200 : 503,
                            Json.MAPPER.writeValueAsBytes(Map.of("ready", ready)),
                            "application/json");
                }
                case V2_MODEL -> ok(Json.MAPPER.writeValueAsBytes(metadata(route.version())), "application/json");
                default -> throw new IllegalStateException("no handler for " + route.kind());
            }
        } catch (Refusal r) {
            timeShedding(r);
            answer(r.status, error(r.getMessage()), "application/json");
        } catch (Throwable e) {
            server.metrics.rejected("error");
            answer(
                    500,
                    error("internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()),
                    "application/json");
        }
    }

    /** {@code GET /subnets}: the subnets, the default one and the current service-time estimates. */
    private Map<String, Object> subnets() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subnets", server.manifest.subnets());
        out.put("default", server.defaultSubnet);
        out.put("service_ms_estimates", server.controller.estimates());
        return out;
    }

    /** {@code GET /v2}: the Open Inference Protocol's server metadata. */
    private static Map<String, Object> serverMetadata() {
        return Map.of("name", "dialnet", "version", version(), "extensions", List.of("binary_tensor_data"));
    }

    /**
     * Parses the body, picks the subnet and queues the job; its answer comes back through
     * {@link #onAnswer}, or a timer answers 504 at its deadline or the request timeout.
     */
    private void infer() throws Refusal {
        byte[] bytes = ByteBufUtil.getBytes(body);
        releaseBody();
        Requests.Parsed parsed;
        try {
            parsed = parse(bytes);
        } catch (Refusal r) {
            server.metrics.rejected("bad_request");
            throw r;
        }
        double remaining = remainingMs(parsed);
        String subnet = server.subnetFor(parsed, remaining);
        boolean v2 = route.kind() == Kind.V2_INFER;
        Job j = new Job(
                parsed.input(),
                parsed.batch(),
                subnet,
                requestStart,
                parsed.deadlineMs(),
                (done, logits, status, error) -> onAnswer(done, logits, status, error, parsed, v2));
        job = j;
        if (!server.enqueue(j)) {
            job = null;
            server.metrics.rejected("queue_full");
            throw Refusal.forLoad(429, "server busy: " + server.settings.queueCapacity() + " requests already queued");
        }
        armAnswerTimer(j);
    }

    /** Milliseconds left of the request's deadline (NaN: none); 504 when reading and parsing used it up. */
    private double remainingMs(Requests.Parsed parsed) throws Refusal {
        if (parsed.deadlineMs() == null) {
            return Double.NaN;
        }
        double remaining = parsed.deadlineMs() - (System.nanoTime() - requestStart) / 1e6;
        if (remaining <= 0) {
            server.metrics.rejected("expired");
            throw new Refusal(
                    504,
                    "deadline_ms " + Server.fmt(parsed.deadlineMs()) + " passed while the request "
                            + "was read and parsed (" + Math.round(parsed.deadlineMs() - remaining) + " ms)");
        }
        return remaining;
    }

    /** Answers {@code j} 504 at its deadline or the request timeout, whichever comes first, unless answered. */
    private void armAnswerTimer(Job j) {
        long timeoutNanos = Math.min(j.deadlineNanos, requestStart + server.settings.requestTimeoutMs() * 1_000_000)
                - System.nanoTime();
        boolean byDeadline = j.deadlineNanos <= requestStart + server.settings.requestTimeoutMs() * 1_000_000;
        j.timer = ctx.executor()
                .schedule(
                        () -> {
                            if (byDeadline) {
                                server.expire(j, System.nanoTime(), "before an answer");
                            } else if (j.fail(
                                    504,
                                    "no answer within the request timeout of " + server.settings.requestTimeoutMs()
                                            + " ms")) {
                                server.metrics.rejected("timeout");
                            }
                        },
                        Math.max(0, timeoutNanos),
                        TimeUnit.NANOSECONDS);
    }

    private Requests.Parsed parse(byte[] bytes) throws Refusal {
        if (route.kind() == Kind.V2_INFER) {
            return server.requests.v2(bytes, request.headers().get(Requests.HEADER_LENGTH), route.version());
        }
        return server.requests.predict(request.uri(), request.headers().get(HttpHeaderNames.CONTENT_TYPE), bytes);
    }

    /** A worker's (or a timer's) answer, from any thread: written on this connection's event loop. */
    private void onAnswer(Job done, float[] logits, int status, String error, Requests.Parsed parsed, boolean v2) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> onAnswer(done, logits, status, error, parsed, v2));
            return;
        }
        cancel(done.timer);
        if (job != done) {
            return; // the connection closed meanwhile
        }
        job = null;
        if (status != 200) {
            answer(status, error(error), "application/json");
            return;
        }
        long now = System.nanoTime();
        if (now > done.deadlineNanos) {
            // Computed in time but written late (this thread waited for a core): still worth sending, and a miss
            // for the controller, whose plan must leave room for the write.
            server.controller.missed(now, done.deadlineMs);
        }
        double seconds = (now - done.startNanos) / 1e9;
        server.metrics.served(done.subnet, seconds);
        try {
            if (v2) {
                v2Answer(done, logits, parsed, seconds);
            } else {
                int classes = logits.length / done.batch;
                float[][] rows = new float[done.batch][classes];
                for (int i = 0; i < done.batch; i++) {
                    System.arraycopy(logits, i * classes, rows[i], 0, classes);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("subnet", done.subnet);
                out.put("latency_ms", seconds * 1000);
                out.put("logits", rows);
                ok(Json.MAPPER.writeValueAsBytes(out), "application/json");
            }
        } catch (Exception e) {
            answer(500, error("cannot write the answer: " + e.getMessage()), "application/json");
        }
    }

    private void v2Answer(Job done, float[] logits, Requests.Parsed parsed, double seconds) throws Exception {
        int classes = logits.length / done.batch;
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("name", Requests.OUTPUT);
        output.put("datatype", "FP32");
        output.put("shape", List.of(done.batch, classes));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model_name", server.settings.modelName());
        out.put("model_version", done.subnet);
        if (parsed.id() != null) {
            out.put("id", parsed.id());
        }
        out.put("parameters", Map.of("latency_ms", seconds * 1000, "subnet", done.subnet));
        out.put("outputs", List.of(output));
        if (!parsed.binaryOutput()) {
            output.put("data", logits);
            ok(Json.MAPPER.writeValueAsBytes(out), "application/json");
            return;
        }
        output.put("parameters", Map.of("binary_data_size", 4 * logits.length));
        byte[] header = Json.MAPPER.writeValueAsBytes(out);
        ByteBuffer all = ByteBuffer.allocate(header.length + 4 * logits.length).order(ByteOrder.LITTLE_ENDIAN);
        all.put(header);
        all.asFloatBuffer().put(logits);
        FullHttpResponse response = response(200, all.array(), "application/octet-stream", keepAlive);
        response.headers().set("Inference-Header-Content-Length", header.length);
        write(200, response);
    }

    private Map<String, Object> metadata(String version) {
        Manifest m = server.manifest;
        var spec = m.model();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", server.settings.modelName());
        out.put(
                "versions",
                version != null
                        ? List.of(version)
                        : m.subnets().stream().map(Manifest.SubnetEntry::name).toList());
        out.put("platform", "dialnet_" + server.backend);
        out.put(
                "inputs",
                List.of(Map.of(
                        "name",
                        Requests.INPUT,
                        "datatype",
                        "FP32",
                        "shape",
                        List.of(-1, spec.inputChannels(), spec.inputSize(), spec.inputSize()))));
        out.put(
                "outputs",
                List.of(Map.of("name", Requests.OUTPUT, "datatype", "FP32", "shape", List.of(-1, spec.classes()))));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("architecture", spec.architecture());
        parameters.put("default_version", server.defaultSubnet);
        parameters.put("normalization", m.normalization());
        parameters.put(
                "image_inputs",
                "BYTES (PNG/JPEG, scaled, centre-cropped to " + spec.inputSize()
                        + " and normalised) or UINT8 [batch, C, H, W] pixels");
        parameters.put("request_parameters", List.of("deadline_ms", "subnet", "binary_data_output"));
        out.put("parameters", parameters);
        return out;
    }

    private static String version() {
        String v = Server.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private void ok(byte[] bytes, String type) {
        answer(200, bytes, type);
    }

    private void timeShedding(Refusal r) {
        if (r.forLoad) {
            server.metrics.shed((System.nanoTime() - requestStart) / 1e9);
        }
    }

    private void answer(int status, byte[] bytes, String type) {
        write(status, response(status, bytes, type, keepAlive && !server.draining()));
    }

    private void write(int status, FullHttpResponse response) {
        server.metrics.responded(status);
        boolean keep = HttpUtil.isKeepAlive(response);
        release();
        if (!ctx.channel().isActive()) {
            return;
        }
        if (keep) {
            ctx.writeAndFlush(response);
            requestDone();
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void respondAndClose(int status, byte[] bytes) {
        release();
        server.metrics.responded(status);
        FullHttpResponse response = response(status, bytes, "application/json", false);
        state = State.PROCESSING;
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private FullHttpResponse response(int status, byte[] bytes, String type, boolean keep) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (!keep) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request != null && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (status == 405 && request != null) {
            response.headers().set(HttpHeaderNames.ALLOW, allowFor(new QueryStringDecoder(request.uri()).path()));
        }
        return response;
    }

    private static byte[] error(String message) {
        try {
            return Json.MAPPER.writeValueAsBytes(Map.of("error", message));
        } catch (Exception e) {
            return "{\"error\":\"unprintable error\"}".getBytes(StandardCharsets.UTF_8);
        }
    }
}
