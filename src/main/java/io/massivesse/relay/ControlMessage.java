package io.massivesse.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.massivesse.event.FieldRules;

/**
 * What one node tells the others about its connections and itself, and how each is written as text: a kind, the
 * sending node, and a body of one line per item. Every line is checked on reading, since anything on the topic
 * may be read. Not part of the public contract: only nodes of this service read these.
 *
 * <p>A new message is a record here (with its kind in {@link #read}), a {@link ControlRelay#send} where it
 * starts, and a case in the {@link ControlHandler} that acts on it.
 */
public sealed interface ControlMessage {

    /** The name of the message on the wire. */
    String kind();

    /** The node that sent it. */
    String node();

    /** The items, one line each. */
    String body();

    /**
     * Whether the message is periodic: the next one replaces it, so it is not stored across a broker restart
     * and expires once the others would take the node for down.
     */
    default boolean periodic() {
        return false;
    }

    /** Users connected on {@code node}, one {@code <openedAt> <userId>} line each: their older connections go. */
    record Connected(String node, List<OpenedConnection> connections) implements ControlMessage {
        public String kind() {
            return "connected";
        }

        public String body() {
            return lines(connections, opened -> opened.openedAt() + " " + opened.userId());
        }
    }

    /** The last connection of these users on {@code node} closed, one user id a line. */
    record Disconnected(String node, List<String> userIds) implements ControlMessage {
        public String kind() {
            return "disconnected";
        }

        public String body() {
            return String.join("\n", userIds);
        }
    }

    /** {@code node} holds (or is departing) these users, {@code <reportedNode> <userId>} lines. */
    record Claims(String node, List<Claim> claims) implements ControlMessage {
        public String kind() {
            return "present";
        }

        public String body() {
            return lines(claims, claim -> claim.reportedNode() + " " + claim.userId());
        }
    }

    /** A node's periodic "still here". */
    record NodeAlive(String node) implements ControlMessage {
        public String kind() {
            return "node";
        }

        public String body() {
            return "";
        }

        @Override
        public boolean periodic() {
            return true;
        }
    }

    /** {@code node} stopped on purpose, handing over its departing users, {@code <dueAt> <closedAt> <reason> <reportedNode> <userId>} lines. */
    record NodeStopped(String node, List<Handover> handovers) implements ControlMessage {
        public String kind() {
            return "stopped";
        }

        public String body() {
            return lines(handovers, handover -> handover.dueAt() + " " + handover.closedAt() + " " + handover.reason()
                    + " " + handover.reportedNode() + " " + handover.userId());
        }
    }

    /**
     * Reads a message of {@code kind} from {@code node}; {@code body} is null when the message had no text.
     *
     * @throws IllegalArgumentException for an unknown kind, a missing or bad node id or body, or a bad line, saying which
     */
    static ControlMessage read(String kind, String node, String body) {
        Function<List<String>, ControlMessage> reader = switch (kind) {
            case "connected" -> lines -> new Connected(node, each(lines, 2,
                    parts -> new OpenedConnection(name(parts[1]), number(parts[0]))));
            case "disconnected" -> lines -> new Disconnected(node, each(lines, 1, parts -> name(parts[0])));
            case "present" -> lines -> new Claims(node, each(lines, 2, parts -> new Claim(name(parts[1]), name(parts[0]))));
            case "node" -> lines -> new NodeAlive(node);
            case "stopped" -> lines -> new NodeStopped(node, each(lines, 5, parts -> new Handover(name(parts[4]),
                    name(parts[3]), name(parts[2]), number(parts[1]), number(parts[0]))));
            default -> throw new IllegalArgumentException("unknown control message '" + kind + "'");
        };
        if (node == null || FieldRules.userIdProblem(node).isPresent() || body == null) {
            throw new IllegalArgumentException("a " + kind + " message needs sseNode and a text body");
        }
        try {
            return reader.apply(body.isEmpty() ? List.of() : List.of(body.split("\n")));
        } catch (IllegalArgumentException badLine) {
            throw new IllegalArgumentException("a " + kind + " message has a bad line", badLine);
        }
    }

    /** One line per item, each ended by a newline. */
    private static <T> String lines(List<T> items, Function<T, String> line) {
        StringBuilder text = new StringBuilder(items.size() * 32);
        items.forEach(item -> text.append(line.apply(item)).append('\n'));
        return text.toString();
    }

    /** Each non-empty line split into {@code fields} space-separated fields (the last one takes the rest). */
    private static <T> List<T> each(List<String> lines, int fields, Function<String[], T> reader) {
        List<T> items = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(" ", fields);
            if (parts.length != fields) {
                throw new IllegalArgumentException("a line needs " + fields + " fields");
            }
            items.add(reader.apply(parts));
        }
        return items;
    }

    private static long number(String field) {
        try {
            return Long.parseLong(field);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + field);
        }
    }

    /** User ids, node ids and close reasons share one character set, so one check covers each field. */
    private static String name(String value) {
        FieldRules.userIdProblem(value).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return value;
    }
}
