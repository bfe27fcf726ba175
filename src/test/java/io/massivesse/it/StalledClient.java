package io.massivesse.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** A subscriber that sends its request and then never reads: with a small receive window its stream backs up at once. */
final class StalledClient {

    private StalledClient() {
    }

    static Socket open(URI server, String userId) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5000);
        socket.getOutputStream().write(("GET /sse/connect/" + userId + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return socket;
    }
}
