package io.massivesse.push;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address a request came from, for per-address limits: the peer's, unless the peer is a trusted proxy
 * ({@code SSE_TRUSTED_PROXIES}: addresses or CIDR blocks), in which case the nearest address in
 * {@code X-Forwarded-For} that is not a trusted proxy. Anyone can write that header, so it is believed
 * only from a trusted peer, and read from the right (the entries a trusted proxy appended).
 */
public final class ClientAddress {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** One trusted block: the address bytes and how many leading bits must match. */
    private record Block(byte[] address, int bits) {

        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != address[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (candidate[whole] & mask) == (address[whole] & mask);
        }
    }

    private final List<Block> trusted;

    private ClientAddress(List<Block> trusted) {
        this.trusted = trusted;
    }

    /** @param proxies addresses ({@code 10.0.0.7}) or blocks ({@code 10.0.0.0/8}, {@code fd00::/8}) */
    public static ClientAddress trusting(List<String> proxies) {
        List<Block> blocks = new ArrayList<>();
        for (String proxy : proxies) {
            String entry = proxy.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("sse.trusted.proxies: '" + entry + "' is not an IP address or CIDR block");
            }
            int bits = address.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("sse.trusted.proxies: '" + entry + "' has a bad prefix length");
                }
            }
            blocks.add(new Block(address, bits));
        }
        return new ClientAddress(List.copyOf(blocks));
    }

    /**
     * @param peer         the address of the TCP peer
     * @param forwardedFor the {@code X-Forwarded-For} header, or {@code null}
     */
    public String of(String peer, String forwardedFor) {
        if (forwardedFor == null || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (literal(hop) == null) {
                // Not an address (a forged or garbled entry): stop at the last one that was.
                return client;
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        if (trusted.isEmpty()) {
            return false;
        }
        byte[] bytes = literal(address);
        return bytes != null && trusted.stream().anyMatch(block -> block.contains(bytes));
    }

    /** The bytes of an IP literal, or null; never a name lookup (the text may come from a client). */
    private static byte[] literal(String text) {
        if (text == null) {
            return null;
        }
        if (IPV4.matcher(text).matches()) {
            String[] parts = text.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    return null;
                }
                bytes[i] = (byte) part;
            }
            return bytes;
        }
        if (!IPV6.matcher(text).matches()) {
            return null;
        }
        // With a colon in it, the text is parsed as an IPv6 literal or refused: never looked up.
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
