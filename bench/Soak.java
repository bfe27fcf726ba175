import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The churn soak's load (bench/soak.sh, docs/BENCHMARKS.md): steady subscribers that must receive every broadcast
 * the node answered 202, churners that connect and leave in every way a client can, a publisher (broadcasts,
 * topics, users, server-side subscription changes aimed at churning users) and presence queries; then, after the
 * churn and a heartbeat interval, what the node still holds. JDK only; one virtual thread per connection.
 *
 *   java bench/Soak.java --node http://127.0.0.1:9080 --management http://127.0.0.1:9090 --churn-seconds 1800 \
 *        [--steady 2000] [--churners 300] [--settle-seconds 35] [--jwt-key target/dev-keys/private.pem]
 *
 * Prints "steady up", then "churn done", then "RESULT ..." lines and "CHECK name ok|FAIL ..." lines the
 * script collects. Every loop is bounded by the churn time.
 */
public final class Soak {

    /** How a churner's connection ends. */
    enum Way { CLOSE, RESET, STALL, REPLACED, RESUME, TOPICS, EXPIRE }

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    static final int STEADY_TOPICS = 50;
    static final int CHURN_USERS = 1000;

    static URI node;
    static URI management;
    static PrivateKey jwtKey;
    static volatile boolean churning = true;
    static final AtomicLong cycles = new AtomicLong();
    static final AtomicLong failedConnects = new AtomicLong();
    static final Map<Way, AtomicLong> byWay = new EnumMap<>(Way.class);
    static final AtomicLong broadcastsAccepted = new AtomicLong();
    static final AtomicLong publishRefused = new AtomicLong();
    static final AtomicLong otherPublishes = new AtomicLong();
    static final AtomicLong changesSent = new AtomicLong();
    static final AtomicLong presenceQueries = new AtomicLong();
    static final AtomicLong presenceFailures = new AtomicLong();
    static final AtomicLong livenessSamples = new AtomicLong();
    /** Liveness answers other than 200 (or none within 10 s), and the first of them. */
    static final AtomicLong livenessDown = new AtomicLong();
    static final AtomicReference<String> firstDown = new AtomicReference<>();
    static final AtomicLong expiredSeen = new AtomicLong();
    static final AtomicLong replacedSeen = new AtomicLong();
    static final AtomicReference<String> lastBroadcastId = new AtomicReference<>();
    /** Sequence numbers of the broadcasts answered 202. */
    static final BitSet accepted = new BitSet();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new ConcurrentHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        node = URI.create(options.getOrDefault("node", "http://127.0.0.1:9080"));
        management = URI.create(options.getOrDefault("management", "http://127.0.0.1:9090"));
        int steadyCount = Integer.parseInt(options.getOrDefault("steady", "2000"));
        int churners = Integer.parseInt(options.getOrDefault("churners", "300"));
        long churnSeconds = Long.parseLong(options.getOrDefault("churn-seconds", "60"));
        long settleSeconds = Long.parseLong(options.getOrDefault("settle-seconds", "35"));
        if (options.containsKey("jwt-key")) {
            String pem = Files.readString(Path.of(options.get("jwt-key"))).replaceAll("-----[A-Z ]+-----|\\s", "");
            jwtKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        }
        for (Way way : Way.values()) {
            byWay.put(way, new AtomicLong());
        }

        // Fills the node's bounded windows (replay history, recent ids) before the "before" sample: what they hold is
        // bounded by design, and the heap check looks for what is not.
        int warmup = Integer.parseInt(options.getOrDefault("warmup-events", "20000"));
        AtomicLong warmed = new AtomicLong();
        List<Thread> warmers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            warmers.add(Thread.ofVirtual().start(() -> {
                while (warmed.getAndIncrement() < warmup) {
                    post("/sse/send/soak-warmup", "{\"data\":\"warm-up\",\"event\":\"soak\"}");
                }
            }));
        }
        for (Thread warmer : warmers) {
            warmer.join();
        }
        System.out.println("warm-up published " + warmup + " events");
        // A minute of the churn itself (without broadcasts: nobody steady listens yet) before the steady ones connect
        // and the "before" sample: what a node makes once (the first request of each kind, per-endpoint metrics,
        // pools) is there at the baseline, so the heap check sees what grows with the churn. Resumes start from an id
        // the history holds.
        HttpResponse<String> seed = send(node.resolve("/sse/send/soak-warmup"), "{\"data\":\"resume from here\"}");
        Matcher seedId = ID.matcher(seed == null ? "" : seed.body());
        if (seedId.find()) {
            lastBroadcastId.set(seedId.group(1));
        }
        long warmChurnEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(
                Long.parseLong(options.getOrDefault("warmup-churn-seconds", "60")));
        for (Thread warming : startChurn(churners, warmChurnEnd, steadyCount)) {
            warming.join(120_000);
        }
        System.out.println("warm-up churn cycles=" + cycles.get() + " failedConnects=" + failedConnects.get());
        // The same settling time as after the churn, so the baseline holds no connection still on its way out
        // (open files are compared both ways).
        Thread.sleep(settleSeconds * 1000);
        cycles.set(0);
        failedConnects.set(0);
        byWay.values().forEach(count -> count.set(0));
        for (AtomicLong count : List.of(publishRefused, otherPublishes, changesSent, presenceQueries, presenceFailures,
                expiredSeen, replacedSeen)) {
            count.set(0);
        }

        List<Steady> steady = new ArrayList<>();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < steadyCount; i++) {
            Steady one = new Steady("steady-" + i, i % 2 == 0 ? "soak/t" + (i / 2 % STEADY_TOPICS) : null);
            steady.add(one);
            threads.execute(one);
            if (i % 100 == 99) {
                Thread.sleep(100);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (steady.stream().anyMatch(s -> !s.connected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        long up = steady.stream().filter(s -> s.connected).count();
        System.out.println("steady up " + up + "/" + steadyCount);
        if (up < steadyCount) {
            System.out.println("CHECK steady-connected FAIL " + up + "/" + steadyCount);
        }
        System.out.flush();
        // The script samples the node now ("before the churn"); give it time.
        Thread.sleep(Long.parseLong(options.getOrDefault("before-seconds", "20")) * 1000);

        long churnEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(churnSeconds);
        List<Thread> workers = startChurn(churners, churnEnd, steadyCount);
        workers.add(Thread.ofVirtual().start(() -> {
            // Liveness every second, as a kubelet would ask: a node that froze answers 503 or nothing.
            while (churning && System.nanoTime() < churnEnd) {
                HttpResponse<String> live = request(HttpRequest.newBuilder(management.resolve("/health/live")).GET(), null);
                livenessSamples.incrementAndGet();
                if (live == null || live.statusCode() != 200) {
                    livenessDown.incrementAndGet();
                    firstDown.compareAndSet(null, java.time.Instant.now() + " "
                            + (live == null ? "no answer" : live.statusCode() + " " + live.body()));
                }
                sleep(1000);
            }
        }));
        workers.add(Thread.ofVirtual().start(() -> {
            // Two broadcasts a second, on their own: the steady ones must have every one answered 202.
            while (churning && System.nanoTime() < churnEnd) {
                broadcast(steadyCount);
                sleep(500);
            }
        }));
        long started = System.nanoTime();
        while (System.nanoTime() < churnEnd) {
            Thread.sleep(Math.min(60_000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(churnEnd - System.nanoTime()))));
            System.out.printf("progress %d s cycles=%d failedConnects=%d broadcasts=%d%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), cycles.get(), failedConnects.get(),
                    broadcastsAccepted.get());
            System.out.flush();
        }
        churning = false;
        for (Thread worker : workers) {
            worker.join(60_000);
        }
        // One last broadcast after the churn: the steady ones must have it too.
        broadcast(steadyCount);
        System.out.println("churn done");
        System.out.flush();
        Thread.sleep(settleSeconds * 1000);

        // Every broadcast answered 202 reached every steady subscriber.
        long missing = 0;
        long ended = 0;
        BitSet want;
        synchronized (accepted) {
            want = (BitSet) accepted.clone();
        }
        for (Steady one : steady) {
            BitSet gap;
            synchronized (one.seen) {
                gap = (BitSet) want.clone();
                gap.andNot(one.seen);
            }
            missing += gap.cardinality();
            if (one.ended) {
                ended++;
            }
        }
        System.out.printf("RESULT cycles=%d failedConnects=%d ways=%s broadcastsAccepted=%d publishRefused=%d otherPublishes=%d"
                        + " changes=%d presenceQueries=%d presenceFailures=%d tokenExpiredSeen=%d replacedSeen=%d%n",
                cycles.get(), failedConnects.get(), byWay, broadcastsAccepted.get(), publishRefused.get(),
                otherPublishes.get(), changesSent.get(), presenceQueries.get(), presenceFailures.get(), expiredSeen.get(),
                replacedSeen.get());
        System.out.printf("RESULT steadyMissingBroadcasts=%d steadyEnded=%d livenessSamples=%d livenessDown=%d%n", missing, ended,
                livenessSamples.get(), livenessDown.get());
        check("liveness-never-down", livenessDown.get() == 0 && livenessSamples.get() > 0,
                livenessDown.get() + " of " + livenessSamples.get() + " samples not UP" + (firstDown.get() == null ? "" : ", first: " + firstDown.get()));
        check("no-missing-broadcasts", missing == 0 && ended == 0, "missing " + missing + ", steady streams ended " + ended);

        // What the node holds: only the steady ones.
        String metrics = get(management.resolve("/metrics?scope=application"));
        double active = metric(metrics, "sse_connections_active");
        double topics = metric(metrics, "sse_topics_active");
        double expiring = metric(metrics, "sse_connections_expiring");
        double presenceUsers = metric(metrics, "sse_presence_users");
        System.out.printf("RESULT active=%.0f topicsActive=%.0f expiring=%s presenceUsers=%s%n", active, topics,
                Double.isNaN(expiring) ? "n/a" : String.format("%.0f", expiring),
                Double.isNaN(presenceUsers) ? "n/a" : String.format("%.0f", presenceUsers));
        check("active-equals-steady", active == steadyCount, "active " + active + " against " + steadyCount + " steady");
        check("topic-index-steady-only", topics == STEADY_TOPICS, "active topics " + topics + " against " + STEADY_TOPICS);
        check("deadlines-steady-only", Double.isNaN(expiring) || expiring == steadyCount * (jwtKey == null ? 0 : 1),
                "streams with a deadline " + expiring);
        check("presence-keeps-steady-only", Double.isNaN(presenceUsers) || presenceUsers == steadyCount,
                "users presence keeps " + presenceUsers);
        int onlineChurners = 0;
        for (int u = 0; u < CHURN_USERS; u += 10) {
            if (get(node.resolve("/sse/presence/churn-" + u), publisherToken()).contains("\"online\":true")) {
                onlineChurners++;
            }
        }
        int churnTopicListeners = 0;
        for (int t = 0; t < 20; t++) {
            churnTopicListeners += subscribersOf("soak/c" + t);
        }
        int steadyTopicListeners = subscribersOf("soak/t0");
        System.out.printf("RESULT churnersOnline=%d/100 churnTopicListeners=%d steadyListenersOfT0=%d%n",
                onlineChurners, churnTopicListeners, steadyTopicListeners);
        long t0Listeners = steady.stream().filter(s -> "soak/t0".equals(s.topic)).count();
        check("presence-steady-only", onlineChurners == 0 && churnTopicListeners == 0 && steadyTopicListeners == t0Listeners,
                "churners online " + onlineChurners + ", churn topic listeners " + churnTopicListeners
                        + ", soak/t0 listeners " + steadyTopicListeners + " of " + t0Listeners);
        // The script samples the node with the steady ones still connected, then lets go.
        System.out.println("checks done");
        System.out.flush();
        Path release = Path.of(options.getOrDefault("release-file", "target/bench/soak.release"));
        for (int i = 0; i < 600 && !Files.exists(release); i++) {
            Thread.sleep(500);
        }
        System.exit(0);
    }

    static void check(String name, boolean ok, String detail) {
        System.out.println("CHECK " + name + (ok ? " ok " : " FAIL ") + detail);
    }

    static int subscribersOf(String topic) {
        Matcher m = Pattern.compile("\"subscribers\":(\\d+)").matcher(get(node.resolve("/sse/presence?topic=" + topic), publisherToken()));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** A subscriber held for the whole run: records which broadcasts (by sequence number) it got. */
    static final class Steady implements Runnable {
        final String userId;
        final String topic;
        final BitSet seen = new BitSet();
        volatile boolean connected;
        volatile boolean ended;

        Steady(String userId, String topic) {
            this.userId = userId;
            this.topic = topic;
        }

        @Override
        public void run() {
            try (Socket socket = open(userId, topic == null ? List.of() : List.of(topic), null, token(userId, 24 * 3600), 0)) {
                socket.setSoTimeout(0);
                Frames frames = new Frames(socket);
                String[] frame;
                while ((frame = frames.next()) != null) {
                    if ("connected".equals(frame[1])) {
                        connected = true;
                    } else if ("soak".equals(frame[1]) && frame[2].startsWith("b")) {
                        synchronized (seen) {
                            seen.set(Integer.parseInt(frame[2].substring(1)));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Counted below: a steady stream must not end.
            }
            ended = true;
        }
    }

    /** One churner: connects and leaves, in a way picked at random, until the churn ends. */
    static void churn(long churnEnd) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Way[] ways = Way.values();
        while (churning && System.nanoTime() < churnEnd) {
            Way way = ways[random.nextInt(jwtKey == null ? ways.length - 1 : ways.length)];
            String user = "churn-" + random.nextInt(CHURN_USERS);
            try {
                leave(way, user, random);
                byWay.get(way).incrementAndGet();
            } catch (IOException | RuntimeException e) {
                failedConnects.incrementAndGet();
                sleep(50);
            }
        }
    }

    static void leave(Way way, String user, ThreadLocalRandom random) throws IOException {
        List<String> topics = way == Way.TOPICS
                ? List.of("soak/c" + random.nextInt(20), "soak/c" + (20 + random.nextInt(20)) + "/*")
                : random.nextInt(4) == 0 ? List.of("soak/c" + random.nextInt(20)) : List.of();
        String lastEventId = way == Way.RESUME ? lastBroadcastId.get() : null;
        // The node ends a stream at its token's exp plus the clock skew (60 s by default): this one ends ~3 s from now.
        long ttl = way == Way.EXPIRE ? 3 - Long.parseLong(System.getProperty("soak.skew", "60")) : 3600;
        int receiveBuffer = way == Way.STALL ? 4096 : 0;
        Socket socket = open(user, topics, lastEventId, token(user, ttl), receiveBuffer);
        cycles.incrementAndGet();
        try {
            Frames frames = new Frames(socket);
            if (!frames.until("connected", 5000)) {
                throw new IOException("no connected frame");
            }
            switch (way) {
                case CLOSE, TOPICS, RESUME -> {
                    frames.readFor(random.nextInt(300));
                    socket.close();
                }
                case RESET -> {
                    frames.readFor(random.nextInt(300));
                    socket.setSoLinger(true, 0);
                    socket.close();
                }
                case STALL -> {
                    // Stops reading for a while (events back up on the node), then goes.
                    sleep(1000 + random.nextInt(2000));
                    socket.close();
                }
                case REPLACED -> {
                    try (Socket second = open(user, topics, null, token(user, 3600), 0)) {
                        cycles.incrementAndGet();
                        Frames secondFrames = new Frames(second);
                        secondFrames.until("connected", 5000);
                        if (frames.until("replaced", 5000)) {
                            replacedSeen.incrementAndGet();
                        }
                        socket.close();
                        secondFrames.readFor(random.nextInt(300));
                    }
                }
                case EXPIRE -> {
                    if (frames.until("token-expired", 8000)) {
                        expiredSeen.incrementAndGet();
                    }
                    socket.close();
                }
            }
        } finally {
            socket.close();
        }
    }

    static Socket open(String user, List<String> topics, String lastEventId, String token, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 5000);
        socket.setSoTimeout(10_000);
        StringBuilder query = new StringBuilder();
        for (String topic : topics) {
            query.append(query.isEmpty() ? '?' : '&').append("topic=").append(URLEncoder.encode(topic, StandardCharsets.UTF_8));
        }
        StringBuilder request = new StringBuilder("GET /sse/connect/" + user + query + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Accept: text/event-stream\r\n");
        if (lastEventId != null) {
            request.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
        }
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** The publisher: broadcasts (counted by sequence), topic events and user events, until the churn ends. */
    /** The churners, the publisher of topic and user events, the subscription changes and the presence queries. */
    static List<Thread> startChurn(int churners, long churnEnd, int steadyCount) {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < churners; i++) {
            workers.add(Thread.ofVirtual().start(() -> churn(churnEnd)));
        }
        workers.add(Thread.ofVirtual().start(() -> publish(churnEnd, steadyCount)));
        workers.add(Thread.ofVirtual().start(() -> changeSubscriptions(churnEnd)));
        workers.add(Thread.ofVirtual().start(() -> queryPresence(churnEnd)));
        return workers;
    }

    static void publish(long churnEnd, int steadyCount) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long tick = 0;
        while (churning && System.nanoTime() < churnEnd) {
            tick++;
            String data = "{\"data\":\"x" + tick + "\",\"event\":\"soak\"}";
            String path = switch ((int) (tick % 3)) {
                case 0 -> "/sse/topics/soak/t" + random.nextInt(STEADY_TOPICS);
                case 1 -> "/sse/topics/soak/c" + random.nextInt(20);
                default -> "/sse/send/" + (random.nextBoolean() ? "churn-" + random.nextInt(CHURN_USERS)
                        : "steady-" + random.nextInt(Math.max(1, steadyCount)));
            };
            if (post(path, data) == 202) {
                otherPublishes.incrementAndGet();
            } else {
                publishRefused.incrementAndGet();
            }
            sleep(100);
        }
    }

    static void broadcast(int steadyCount) {
        int seq;
        synchronized (accepted) {
            seq = accepted.length();
        }
        HttpResponse<String> response = send(node.resolve("/sse/broadcast"), "{\"data\":\"b" + seq + "\",\"event\":\"soak\"}");
        if (response != null && response.statusCode() == 202) {
            synchronized (accepted) {
                accepted.set(seq);
            }
            broadcastsAccepted.incrementAndGet();
            Matcher m = ID.matcher(response.body());
            if (m.find()) {
                lastBroadcastId.set(m.group(1));
            }
        } else {
            publishRefused.incrementAndGet();
            // The same sequence number is tried again: a refused broadcast is not expected anywhere.
            synchronized (accepted) {
                accepted.clear(seq);
            }
        }
    }

    /** Server-side subscription changes aimed at churning users, whose connections come and go meanwhile. */
    static void changeSubscriptions(long churnEnd) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (churning && System.nanoTime() < churnEnd) {
            String user = "churn-" + random.nextInt(CHURN_USERS);
            String body = random.nextBoolean()
                    ? "{\"add\":[\"soak/c" + random.nextInt(20) + "\"]}"
                    : "{\"remove\":[\"soak/c" + random.nextInt(20) + "\"]}";
            if (post("/sse/subscriptions/" + user, body) == 202) {
                changesSent.incrementAndGet();
            }
            sleep(50);
        }
    }

    static void queryPresence(long churnEnd) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (churning && System.nanoTime() < churnEnd) {
            String path = random.nextBoolean() ? "/sse/presence/churn-" + random.nextInt(CHURN_USERS)
                    : "/sse/presence?topic=soak/c" + random.nextInt(20);
            HttpResponse<String> response = request(HttpRequest.newBuilder(node.resolve(path)).GET(), publisherToken());
            presenceQueries.incrementAndGet();
            if (response == null || response.statusCode() != 200) {
                presenceFailures.incrementAndGet();
            }
            sleep(200);
        }
    }

    static int post(String path, String json) {
        HttpResponse<String> response = send(node.resolve(path), json);
        return response == null ? -1 : response.statusCode();
    }

    static HttpResponse<String> send(URI uri, String json) {
        return request(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), publisherToken());
    }

    static String get(URI uri) {
        return get(uri, null);
    }

    static String get(URI uri, String token) {
        HttpResponse<String> response = request(HttpRequest.newBuilder(uri).GET(), token);
        return response == null ? "" : response.body();
    }

    static HttpResponse<String> request(HttpRequest.Builder builder, String token) {
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(builder.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A Prometheus gauge or counter's value (summed over its series), NaN when the node has no such metric. */
    static double metric(String text, String name) {
        double sum = Double.NaN;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                sum = Double.isNaN(sum) ? value : sum + value;
            }
        }
        return sum;
    }

    static String publisherTokenValue;

    static synchronized String publisherToken() {
        if (jwtKey == null) {
            return null;
        }
        if (publisherTokenValue == null) {
            publisherTokenValue = sign("soak-publisher", 24 * 3600, "\"groups\":[\"publisher\"],");
        }
        return publisherTokenValue;
    }

    /** A subscriber's token allowing the soak's topics, or null without tokens. */
    static String token(String user, long ttlSeconds) {
        return jwtKey == null ? null : sign(user, ttlSeconds, "\"topics\":[\"soak/*\"],");
    }

    static String sign(String subject, long ttlSeconds, String claims) {
        long now = System.currentTimeMillis() / 1000;
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"iss\":\"massive-sse-dev\",\"sub\":\"" + subject + "\",\"upn\":\"" + subject
                + "\"," + claims + "\"iat\":" + now + ",\"exp\":" + (now + ttlSeconds) + "}").getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(jwtKey);
            rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + b64.encodeToString(rsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SSE frames from a raw HTTP/1.1 response (chunk-size lines are skipped: they never start a field). */
    static final class Frames {
        private final Socket socket;
        private final InputStream in;
        private final StringBuilder line = new StringBuilder();
        private String event;
        private String data = "";

        Frames(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(socket.getInputStream(), 4096);
        }

        /** The next frame as {id-less, event, data}, or null at the end of the stream. */
        String[] next() throws IOException {
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\r') {
                    continue;
                }
                if (b != '\n') {
                    line.append((char) b);
                    continue;
                }
                String text = line.toString();
                line.setLength(0);
                if (text.isEmpty()) {
                    if (event != null) {
                        String[] frame = {null, event, data};
                        event = null;
                        data = "";
                        return frame;
                    }
                } else if (text.startsWith("event: ")) {
                    event = text.substring(7);
                } else if (text.startsWith("data: ")) {
                    data = text.substring(6);
                }
            }
            return null;
        }

        /** Reads until an event of this name (true), the end, or the time is up (false). */
        boolean until(String name, int millis) throws IOException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end) {
                try {
                    socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
                    String[] frame = next();
                    if (frame == null) {
                        return false;
                    }
                    if (name.equals(frame[1])) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                }
            }
            return false;
        }

        /** Reads (and drops) what comes for this long. */
        void readFor(int millis) throws IOException {
            until("\u0000never", millis);
        }
    }
}
