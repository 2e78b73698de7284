package io.sipwake.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Small SIP-over-UDP exchanges the harness makes itself: is a server up, register a contact; and free ports. */
final class Udp {
    static final String LOOPBACK = "127.0.0.1";

    private Udp() {
    }

    /** A port free for both UDP and TCP on 127.0.0.1. */
    static int freePort() {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    return port;
                } catch (SocketException taken) {
                    // try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP on 127.0.0.1");
    }

    /** Sends OPTIONS until the server answers 200; fails when {@code alive} turns false or after {@code millis}. */
    static void awaitOptions(int port, long millis, BooleanSupplier alive, String who) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (int attempt = 1; System.nanoTime() < deadline; attempt++) {
            if (!alive.getAsBoolean()) throw new IllegalStateException(who + " exited while starting");
            String answer = exchange(port, 0, request("OPTIONS", "sip:" + LOOPBACK + ":" + port, "ready", attempt, ""), 200);
            if (answer != null && answer.startsWith("SIP/2.0 200 ")) return;
        }
        throw new IllegalStateException(who + " did not answer OPTIONS on 127.0.0.1:" + port + " within " + millis + " ms");
    }

    /**
     * Registers sip:user@domain with Contact {@code contactUri} at the registrar (or edge) on {@code port}, sending
     * from {@code localPort}: sipwake, like a NAT-aware registrar, reaches a UDP contact at the REGISTER's source.
     */
    static void register(int port, int localPort, String user, String domain, String contactUri) {
        String aor = "sip:" + user + "@" + domain;
        String extra = "Contact: <" + contactUri + ">\r\nExpires: 3600\r\n";
        String register = request("REGISTER", "sip:" + LOOPBACK + ":" + port, user, 1, extra)
                .replace("To: <sip:" + LOOPBACK + ":" + port + ">", "To: <" + aor + ">")
                .replace("From: <sip:bench@" + LOOPBACK + ">", "From: <" + aor + ">");
        for (int attempt = 0; attempt < 10; attempt++) {
            String answer = exchange(port, localPort, register, 1_000);
            if (answer != null && answer.startsWith("SIP/2.0 200 ")) return;
            if (answer != null && !answer.startsWith("SIP/2.0 1")) {
                throw new IllegalStateException("REGISTER " + aor + " answered " + answer.lines().findFirst().orElse(""));
            }
        }
        throw new IllegalStateException("REGISTER " + aor + " on port " + port + " got no 200");
    }

    private static String request(String method, String uri, String tag, int cseq, String extra) {
        return method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + LOOPBACK + ":LOCALPORT;branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:bench@" + LOOPBACK + ">;tag=" + tag + "\r\n"
                + "To: <" + uri + ">\r\n"
                + "Call-ID: " + UUID.randomUUID() + "@bench\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + extra
                + "Content-Length: 0\r\n\r\n";
    }

    /** Sends one request and returns the first final response (or the last provisional one), or null on timeout. */
    private static String exchange(int port, int localPort, String request, int timeoutMillis) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort))) {
            socket.setSoTimeout(timeoutMillis);
            byte[] out = request.replace("LOCALPORT", Integer.toString(socket.getLocalPort())).getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(out, out.length, InetAddress.getLoopbackAddress(), port));
            String last = null;
            byte[] buffer = new byte[65_535];
            while (true) {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException e) {
                    return last;
                }
                last = new String(buffer, 0, in.getLength(), StandardCharsets.UTF_8);
                if (!last.startsWith("SIP/2.0 1")) return last;
            }
        } catch (IOException e) {
            return null;
        }
    }
}
