package io.massivesse.hub;

import java.io.IOException;
import java.util.List;

/** The open response of one subscriber: where its frames go. Written by one thread at a time. */
public interface EventStream {

    /** What {@link #writeNow} did with a frame. */
    enum Sent {
        /** Nothing: this stream cannot write without blocking, so the frame is queued for the writer. */
        NOT_TRIED,
        /** All of it is on its way to the client. */
        WHOLE,
        /** The client's socket took part of it; the next {@link #write} sends the rest first. */
        PARTLY
    }

    /** Commits the response (status and headers); called once, on the request thread, before any write. */
    void open() throws IOException;

    /**
     * Writes one frame without blocking where this stream can; the caller guarantees that nothing of this stream
     * is queued or being written. Saves a hand-off to a writer thread per event for every client that keeps up.
     */
    default Sent writeNow(byte[] frame) throws IOException {
        return Sent.NOT_TRIED;
    }

    /** Writes the frames in order and flushes, after the rest of a frame sent {@link Sent#PARTLY}; may block while the client is slow. */
    void write(List<byte[]> frames) throws IOException;

    /** Ends the response. Safe to call more than once. */
    void close();
}
