package io.massivesse.hub;

import java.io.IOException;
import java.util.List;

/** The open response of one subscriber: where its frames go. Written by one thread at a time. */
public interface EventStream {

    /** Commits the response (status and headers); called once, on the request thread, before any write. */
    void open() throws IOException;

    /** Writes the frames in order and flushes; may block while the client is slow. */
    void write(List<byte[]> frames) throws IOException;

    /** Ends the response. Safe to call more than once. */
    void close();
}
