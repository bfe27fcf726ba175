package io.massivesse.it;

/**
 * The clusters that several test classes share, started by the first of them and kept for the others.
 * Classes on one cluster take its lock ({@code @ResourceLock(SharedClusters.THREE_NODES)}), so they run one
 * after another while classes on other clusters run beside them; each class isolates itself by its data
 * (user ids and topics of its own) and leaves the cluster as it found it: a node it stops is started again
 * with the same settings before the next class runs ({@link LocalCluster#start}).
 * <p>Both have the same settings, the tests' defaults plus what their classes need: at most 8 topics per
 * connection (TopicsIT), and short presence timings (PresenceIT). Two clusters instead of one so the two
 * groups of classes run side by side. The one-node cluster runs at the default heartbeat with the rate limits off
 * (ClientCloseIT, SoakIT).
 */
public final class SharedClusters {

    /** Lock of the three-node cluster: ClusterIT, PresenceIT. */
    public static final String THREE_NODES = "shared cluster of three nodes";
    /** Lock of the two-node cluster: DeliveryIT, TopicsIT, NginxIT, BrowserIT, PushIT, WriterParityIT. */
    public static final String TWO_NODES = "shared cluster of two nodes";
    /** Lock of the one-node cluster at the default heartbeat: ClientCloseIT, SoakIT. */
    public static final String ONE_NODE = "shared cluster of one node";

    /** The default heartbeat on the one-node cluster: what noticing a closed client must not wait for. */
    static final int ONE_NODE_HEARTBEAT_SECONDS = 30;

    /** Presence timings short enough for PresenceIT (grace 2 s, a node missing three 1 s announcements is down). */
    static final int PRESENCE_GRACE_SECONDS = 2;
    /**
     * How long a presence query waits for the other nodes: ten times the default, so a node that is slow to
     * answer on a busy machine is not reported unreachable (PresenceIT asserts every node answers).
     */
    static final int PRESENCE_QUERY_TIMEOUT_MILLIS = 5000;
    static final int NODE_INTERVAL_SECONDS = 1;
    static final int MAX_TOPICS_PER_CONNECTION = 8;

    private static final LocalCluster THREE = settings(new LocalCluster(9180, 61626));
    private static final LocalCluster TWO = settings(new LocalCluster(9230, 61716));
    /** One node of its own, so its counts and open files are the test's alone (a node and broker fewer to start). */
    private static final LocalCluster ONE = new LocalCluster(9430, 61736)
            .with("SSE_HEARTBEAT_SECONDS", String.valueOf(ONE_NODE_HEARTBEAT_SECONDS))
            // SoakIT's clients are all on loopback: one address for all of them.
            .with("SSE_RATE_SUBSCRIBE_PER_SECOND", "0")
            .with("SSE_RATE_PUBLISH_PER_SECOND", "0")
            // A log line per connect and per close would be most of what the node does under SoakIT's churn.
            .with("SSE_LOG_CONNECTIONS", "off");

    private SharedClusters() {
    }

    private static LocalCluster settings(LocalCluster cluster) {
        return cluster.with("SSE_MAX_TOPICS_PER_CONNECTION", String.valueOf(MAX_TOPICS_PER_CONNECTION))
                .with("SSE_PRESENCE_GRACE_SECONDS", String.valueOf(PRESENCE_GRACE_SECONDS))
                .with("SSE_PRESENCE_NODE_INTERVAL_SECONDS", String.valueOf(NODE_INTERVAL_SECONDS))
                .with("SSE_PRESENCE_QUERY_TIMEOUT_MILLIS", String.valueOf(PRESENCE_QUERY_TIMEOUT_MILLIS));
    }

    /** Three nodes, running (started now if no class started them yet). */
    public static LocalCluster threeNodes() {
        THREE.start(3);
        return THREE;
    }

    /** Two nodes, running. */
    public static LocalCluster twoNodes() {
        TWO.start(2);
        return TWO;
    }

    /** One node, running. */
    public static LocalCluster oneNode() {
        ONE.start(1);
        return ONE;
    }
}
