package io.massivesse.it;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Holds every packet to one local port on loopback, as if the client on it had lost its network: an htb class at
 * 8 bit/s on {@code lo} (Linux {@code tc}; needs CAP_NET_ADMIN). Nothing reaches the client and it answers
 * nothing, but its socket stays open: no FIN, no reset. Other traffic on loopback passes at full rate. Closing
 * removes the queueing discipline.
 */
final class LoopbackHold implements AutoCloseable {

    private LoopbackHold() {
    }

    /** Whether this machine lets the tests hold packets: tc present, allowed, and no root qdisc of someone else's. */
    static boolean available() {
        try {
            return run("tc", "qdisc", "show", "dev", "lo").contains("noqueue") && run("id", "-u").strip().equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    static LoopbackHold toPort(int port) throws IOException {
        run("tc", "qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "20", "r2q", "1");
        LoopbackHold hold = new LoopbackHold();
        try {
            run("tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:10", "htb",
                    "rate", "8bit", "ceil", "8bit", "burst", "1", "cburst", "1");
            run("tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb", "rate", "10gbit", "ceil", "10gbit");
            run("tc", "filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                    "match", "ip", "dport", String.valueOf(port), "0xffff", "flowid", "1:10");
            return hold;
        } catch (IOException | RuntimeException e) {
            hold.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        run("tc", "qdisc", "del", "dev", "lo", "root");
    }

    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": " + output.strip());
        }
        return output;
    }
}
