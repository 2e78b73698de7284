package io.sipwake.server.demo;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.parser.ParseLimits;
import io.sipwake.sip.parser.SipParseException;
import io.sipwake.sip.parser.SipParser;
import io.sipwake.sip.parser.StreamFramer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One SIP-over-TCP connection of a demo phone or caller: messages are framed (RFC 3261 §18.3) and parsed with
 * sipwake's own parser on a reader thread and queued; {@link #await} takes the first one that matches, within a
 * bounded wait. Closing the connection is how a phone "goes to sleep".
 */
final class SipConnection implements AutoCloseable {
    private static final ParseLimits LIMITS = ParseLimits.DEFAULT;
    /** Marks the end of the stream in the queue. */
    private static final SipMessage CLOSED = new SipResponse(599, "connection closed", List.of());

    private final String owner;
    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<SipMessage> inbox = new LinkedBlockingQueue<>();
    private final List<SipMessage> skipped = new ArrayList<>();
    private volatile boolean closed;

    private SipConnection(String owner, Socket socket) throws IOException {
        this.owner = owner;
        this.socket = socket;
        this.out = socket.getOutputStream();
        Thread reader = new Thread(this::read, "sipwake-demo-" + owner);
        reader.setDaemon(true);
        reader.start();
    }

    static SipConnection open(String owner, InetSocketAddress server) throws DemoFailure {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(server, 5_000);
            return new SipConnection(owner, socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to clean up
            }
            throw new DemoFailure(owner + " cannot connect to sipwake at " + server + ": " + e.getMessage(), e);
        }
    }

    int localPort() {
        return socket.getLocalPort();
    }

    void send(String message) throws DemoFailure {
        send(message.getBytes(StandardCharsets.UTF_8));
    }

    void send(SipMessage message) throws DemoFailure {
        send(message.toBytes());
    }

    private synchronized void send(byte[] bytes) throws DemoFailure {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new DemoFailure(owner + " cannot send to sipwake: " + e.getMessage(), e);
        }
    }

    /** The first final response to a {@code method} request. */
    SipResponse awaitResponse(String method, Duration max) throws DemoFailure {
        return (SipResponse) await(m -> m instanceof SipResponse r && !r.isProvisional() && method.equals(r.cseq().method()), max,
                "a final response to " + method);
    }

    SipRequest awaitRequest(String method, Duration max) throws DemoFailure {
        return (SipRequest) await(m -> m instanceof SipRequest r && r.isMethod(method), max, "a " + method + " request");
    }

    /**
     * The first message received so far or within {@code max} that {@code which} accepts; the others stay
     * queued for a later call, in order.
     */
    SipMessage await(Predicate<SipMessage> which, Duration max, String what) throws DemoFailure {
        for (int i = 0; i < skipped.size(); i++) {
            if (which.test(skipped.get(i))) return skipped.remove(i);
        }
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            SipMessage m;
            try {
                m = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoFailure(owner + " was interrupted while waiting for " + what);
            }
            if (m == null) throw new DemoFailure(owner + " got no " + what + " within " + max.toMillis() + " ms" + seen());
            if (m == CLOSED) {
                inbox.add(CLOSED); // every later wait ends at once too
                throw new DemoFailure(owner + "'s connection was closed while waiting for " + what + seen());
            }
            if (which.test(m)) return m;
            skipped.add(m);
        }
    }

    /** The messages received and not taken yet, in order. */
    private List<SipMessage> pending() {
        List<SipMessage> all = new ArrayList<>(skipped);
        for (SipMessage m : inbox) if (m != CLOSED) all.add(m);
        return all;
    }

    private String seen() {
        List<String> lines = new ArrayList<>();
        for (SipMessage m : pending()) lines.add(m.startLine());
        return lines.isEmpty() ? "" : " (received instead: " + String.join("; ", lines) + ")";
    }

    private void read() {
        SipParser parser = new SipParser(LIMITS);
        StreamFramer framer = new StreamFramer(LIMITS);
        ByteArrayOutputStream pendingBytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[8_192];
        try (InputStream in = socket.getInputStream()) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                pendingBytes.write(chunk, 0, n);
                byte[] buf = pendingBytes.toByteArray();
                int offset = 0;
                while (offset < buf.length) {
                    StreamFramer.Frame frame = framer.frame(buf, offset, buf.length - offset);
                    if (frame instanceof StreamFramer.Frame.KeepAlive k) {
                        offset += k.length();
                    } else if (frame instanceof StreamFramer.Frame.Message msg) {
                        inbox.add(parser.parseFramed(buf, offset, msg.length()));
                        offset += msg.length();
                    } else if (frame instanceof StreamFramer.Frame.Invalid invalid) {
                        throw new IOException("unframeable input from sipwake: " + invalid.reason());
                    } else {
                        break; // NeedMore
                    }
                }
                pendingBytes.reset();
                pendingBytes.write(buf, offset, buf.length - offset);
            }
        } catch (IOException | SipParseException e) {
            if (!closed) System.err.println("sipwake demo: " + owner + ": " + e.getMessage());
        } finally {
            inbox.add(CLOSED);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that was asked
        }
    }
}
