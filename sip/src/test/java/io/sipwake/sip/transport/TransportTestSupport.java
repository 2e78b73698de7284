package io.sipwake.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.parser.ParseLimits;
import io.sipwake.sip.parser.SipParseException;
import io.sipwake.sip.parser.SipParser;
import io.sipwake.sip.parser.StreamFramer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Shared pieces of the transport tests: message texts, a recording listener and raw socket clients. */
final class TransportTestSupport {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final long TIMEOUT_SECONDS = 5;

    private TransportTestSupport() {}

    static {
        quietNettyLogging();
    }

    /** Without a logback-test.xml in this module Logback logs everything at DEBUG; Netty's DEBUG chatter drowns the output. */
    static void quietNettyLogging() {
        org.slf4j.Logger netty = org.slf4j.LoggerFactory.getLogger("io.netty");
        if (netty instanceof ch.qos.logback.classic.Logger l && l.getLevel() == null && netty.isDebugEnabled()) {
            l.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    static TransportConfig.Builder loopbackConfig() {
        return TransportConfig.builder().bindAddress("127.0.0.1").ioThreads(2).shutdownTimeout(java.time.Duration.ofSeconds(2));
    }

    /** A request as a client would write it; {@code viaParams} is appended to the top Via after the branch. */
    static String request(String method, String viaTransport, String sentBy, String viaParams, String callId, String body) {
        return method + " sip:sipwake@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/" + viaTransport + " " + sentBy + ";branch=z9hG4bK" + callId + viaParams + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=a" + callId + "\r\n"
                + "To: <sip:sipwake@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + (method.equals("REGISTER") ? "Contact: <sip:alice@" + sentBy + ";transport=" + viaTransport.toLowerCase() + ">\r\n" : "")
                + (body.isEmpty() ? "" : "Content-Type: text/plain\r\n")
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n"
                + body;
    }

    static String options(String viaTransport, String sentBy, String viaParams, String callId) {
        return request("OPTIONS", viaTransport, sentBy, viaParams, callId, "");
    }

    /** A request that frames and parses far enough to be answered, but whose CSeq method contradicts the Request-Line. */
    static String cseqMismatch(String viaTransport, String sentBy, String callId) {
        return options(viaTransport, sentBy, "", callId).replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static SipMessage parse(byte[] data) {
        try {
            return new SipParser().parse(data);
        } catch (SipParseException e) {
            throw new AssertionError("unparseable: " + e.getMessage() + "\n" + new String(data, StandardCharsets.ISO_8859_1), e);
        }
    }

    static SipMessage parse(String data) {
        return parse(bytes(data));
    }

    /** What the listener saw, with the thread that delivered it. */
    record Received(SipMessage message, Flow flow, String thread) {}

    /** Records deliveries and closed flows. */
    static final class RecordingListener implements TransportListener {
        final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<Flow> closedFlows = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(SipMessage message, Flow source) {
            messages.add(new Received(message, source, Thread.currentThread().getName()));
        }

        @Override
        public void onFlowClosed(Flow flow) {
            closedFlows.add(flow);
        }

        Received next() {
            try {
                Received r = messages.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(r).as("a message delivered within %d s", TIMEOUT_SECONDS).isNotNull();
                return r;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        Flow nextClosed() {
            try {
                Flow f = closedFlows.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(f).as("a flow closed within %d s", TIMEOUT_SECONDS).isNotNull();
                return f;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        void assertNothingWithin(long millis) throws InterruptedException {
            assertThat(messages.poll(millis, TimeUnit.MILLISECONDS)).as("no delivery").isNull();
        }
    }

    /** A UDP socket on 127.0.0.1 with a receive timeout. */
    static final class UdpClient implements AutoCloseable {
        final DatagramSocket socket;

        UdpClient() throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        }

        int port() {
            return socket.getLocalPort();
        }

        void send(byte[] data, InetSocketAddress to) throws IOException {
            socket.send(new DatagramPacket(data, data.length, to));
        }

        void send(String data, InetSocketAddress to) throws IOException {
            send(bytes(data), to);
        }

        /** The next datagram and its sender. */
        DatagramPacket receivePacket() throws IOException {
            DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
            socket.receive(p);
            return p;
        }

        String receive() throws IOException {
            DatagramPacket p = receivePacket();
            return new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.ISO_8859_1);
        }

        /** True when nothing arrives within {@code millis}. */
        boolean silentFor(int millis) throws IOException {
            int old = socket.getSoTimeout();
            socket.setSoTimeout(millis);
            try {
                receivePacket();
                return false;
            } catch (SocketTimeoutException e) {
                return true;
            } finally {
                socket.setSoTimeout(old);
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** A plain or TLS socket that reads whole SIP messages, framed the way RFC 3261 §18.3 says. */
    static final class StreamClient implements AutoCloseable {
        final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final StreamFramer framer = new StreamFramer(ParseLimits.DEFAULT);
        private byte[] buffer = new byte[0];

        StreamClient(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            socket.setTcpNoDelay(true);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static StreamClient connect(InetSocketAddress to) throws IOException {
            return new StreamClient(new Socket(to.getAddress(), to.getPort()));
        }

        int localPort() {
            return socket.getLocalPort();
        }

        void send(byte[] data) throws IOException {
            out.write(data);
            out.flush();
        }

        void send(String data) throws IOException {
            send(bytes(data));
        }

        /** Reads the next SIP message, skipping keep-alive CRLFs. */
        String readMessage() throws IOException {
            while (true) {
                StreamFramer.Frame f = framer.frame(buffer, 0, buffer.length);
                if (f instanceof StreamFramer.Frame.Message m) {
                    String s = new String(buffer, 0, m.length(), StandardCharsets.ISO_8859_1);
                    buffer = Arrays.copyOfRange(buffer, m.length(), buffer.length);
                    return s;
                } else if (f instanceof StreamFramer.Frame.KeepAlive k) {
                    buffer = Arrays.copyOfRange(buffer, k.length(), buffer.length);
                } else if (f instanceof StreamFramer.Frame.Invalid i) {
                    throw new AssertionError("server sent an unframeable stream: " + i.reason());
                } else if (!fill()) {
                    throw new AssertionError("connection closed before a whole message arrived");
                }
            }
        }

        /** Reads exactly {@code n} bytes. */
        byte[] readBytes(int n) throws IOException {
            while (buffer.length < n) {
                if (!fill()) throw new AssertionError("connection closed after " + buffer.length + " of " + n + " bytes");
            }
            byte[] b = Arrays.copyOf(buffer, n);
            buffer = Arrays.copyOfRange(buffer, n, buffer.length);
            return b;
        }

        /** True when the peer closes the connection (after any bytes still in flight) within the timeout. */
        boolean closedByPeer() throws IOException {
            try {
                byte[] chunk = new byte[8192];
                while (true) {
                    int n = in.read(chunk);
                    if (n < 0) return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }

        /** True when nothing arrives within {@code millis}. */
        boolean silentFor(int millis) throws IOException {
            if (buffer.length > 0) return false;
            int old = socket.getSoTimeout();
            socket.setSoTimeout(millis);
            try {
                return !fill();
            } catch (SocketTimeoutException e) {
                return true;
            } finally {
                socket.setSoTimeout(old);
            }
        }

        private boolean fill() throws IOException {
            byte[] chunk = new byte[8192];
            int n = in.read(chunk);
            if (n < 0) return false;
            ByteArrayOutputStream b = new ByteArrayOutputStream(buffer.length + n);
            b.write(buffer, 0, buffer.length);
            b.write(chunk, 0, n);
            buffer = b.toByteArray();
            return true;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
