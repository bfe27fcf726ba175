import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One subscriber that goes silent for bench/vanish.sh: it connects, reads up to its connected frame, prints its
 * local port, then holds the socket open without reading (the script drops every packet to that port, as if
 * the client had vanished) until it is killed or HOLD seconds pass.
 *
 *   java bench/Vanish.java HOST PORT USER HOLD_SECONDS
 */
public final class Vanish {
    public static void main(String[] args) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 5000);
            socket.getOutputStream().write(("GET /sse/connect/" + args[2] + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buffer = new byte[1024];
            while (seen.indexOf("event: connected") < 0) {
                int read = in.read(buffer);
                if (read < 0) {
                    throw new IllegalStateException("ended before connected: " + seen);
                }
                seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
            }
            System.out.println("port " + socket.getLocalPort());
            System.out.flush();
            Thread.sleep(Long.parseLong(args[3]) * 1000);
        }
    }
}
