package io.massivesse.relay.jms;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;

/**
 * Whether the broker takes connections now. Readiness asks on every probe of every load balancer,
 * so the broker itself is asked at most once per {@link #PROBE_NANOS}; a failed send says "down" at once.
 */
@ApplicationScoped
public class BrokerProbe {

    private static final long PROBE_NANOS = 1_000_000_000L;

    private record Probe(long atNanos, boolean up) {
    }

    @Resource(lookup = "jms/sseConnectionFactory")
    ConnectionFactory factory;

    private volatile Probe lastProbe;

    public boolean isUp() {
        long now = System.nanoTime();
        Probe last = lastProbe;
        if (last != null && now - last.atNanos() < PROBE_NANOS) {
            return last.up();
        }
        boolean up;
        // A pooled connection the broker dropped is discarded by the pool, so this opens a real one then.
        try (JMSContext context = factory.createContext()) {
            context.createProducer();
            up = true;
        } catch (JMSRuntimeException e) {
            up = false;
        }
        lastProbe = new Probe(now, up);
        return up;
    }

    /** A send just failed: the broker counts as down until the next probe finds it back. */
    void markDown() {
        lastProbe = new Probe(System.nanoTime(), false);
    }
}
