package io.sipwake.bench.compare;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Call-setup latency at a fixed rate, with microsecond resolution (SIPp's response times have 1 ms resolution, too
 * coarse on loopback): a caller on one UDP socket sends INVITE to sip:callee@DOMAIN through the proxy, measures with
 * {@link System#nanoTime()} the time from sending the INVITE to receiving its 200, then ACKs and BYEs along the route
 * set (RFC 3261 §12.1.2) and waits for the 200 to the BYE. The callee is SIPp answering 180 then 200.
 */
final class CallProbe implements AutoCloseable {
    /** Latencies (ns) of the calls set up, and how many calls did not complete (no 200 to INVITE or BYE in 5 s). */
    record Result(List<Long> setupNanos, int failed) {
    }

    private final DatagramSocket socket;
    private final int proxyPort;
    private final String domain;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> setup = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> ended = new ConcurrentHashMap<>();
    private final Thread receiver;

    CallProbe(int proxyPort, String domain) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.socket.setReceiveBufferSize(4 << 20);
        this.proxyPort = proxyPort;
        this.domain = domain;
        this.receiver = new Thread(this::receive, "call-probe");
        this.receiver.setDaemon(true);
        this.receiver.start();
    }

    /** {@code calls} calls at {@code rate} per second (sent on schedule, not waiting for earlier ones). */
    Result run(int calls, int rate) throws Exception {
        List<String> ids = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            long due = t0 + (long) (i * 1e9 / rate);
            while (System.nanoTime() < due) Thread.onSpinWait();
            String callId = "probe-" + UUID.randomUUID();
            ids.add(callId);
            ended.put(callId, new CountDownLatch(1));
            sentAt.put(callId, System.nanoTime());
            send(invite(callId));
        }
        int failed = 0;
        List<Long> nanos = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (String id : ids) {
            boolean done = ended.get(id).await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            Long n = setup.get(id);
            if (done && n != null) nanos.add(n); else failed++;
        }
        Collections.sort(nanos);
        return new Result(nanos, failed);
    }

    private String invite(String callId) {
        String sdp = "v=0\r\no=probe 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n";
        return "INVITE sip:callee@" + domain + " SIP/2.0\r\n" + via() + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@" + domain + ">;tag=p" + callId.hashCode() + "\r\n"
                + "To: <sip:callee@" + domain + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
                + "Contact: <sip:probe@127.0.0.1:" + socket.getLocalPort() + ">\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    private String via() {
        return "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n";
    }

    private void receive() {
        byte[] buf = new byte[65_535];
        while (!socket.isClosed()) {
            try {
                DatagramPacket dp = new DatagramPacket(buf, buf.length);
                socket.receive(dp);
                long now = System.nanoTime();
                String m = new String(dp.getData(), 0, dp.getLength(), StandardCharsets.UTF_8);
                if (!m.startsWith("SIP/2.0 200")) continue;
                String callId = header(m, "call-id");
                String cseq = header(m, "cseq");
                if (callId == null || cseq == null || !sentAt.containsKey(callId)) continue;
                if (cseq.endsWith("INVITE")) {
                    if (setup.putIfAbsent(callId, now - sentAt.get(callId)) == null) ackAndBye(m, callId);
                } else if (cseq.endsWith("BYE")) {
                    ended.get(callId).countDown();
                }
            } catch (IOException e) {
                if (socket.isClosed()) return;
            }
        }
    }

    /** ACK and BYE to the 200's Contact, along its Record-Route reversed (RFC 3261 §12.1.2), via the proxy. */
    private void ackAndBye(String ok, String callId) throws IOException {
        String target = header(ok, "contact");
        target = target.substring(target.indexOf('<') + 1, target.indexOf('>'));
        List<String> routes = new ArrayList<>();
        for (String line : ok.split("\r\n")) {
            if (line.isEmpty()) break;
            if (line.toLowerCase(Locale.ROOT).startsWith("record-route:")) {
                for (String r : line.substring(line.indexOf(':') + 1).split(",")) routes.add(r.trim());
            }
        }
        Collections.reverse(routes);
        String route = routes.isEmpty() ? "" : "Route: " + String.join(", ", routes) + "\r\n";
        String dialog = "From: " + header(ok, "from") + "\r\nTo: " + header(ok, "to") + "\r\nCall-ID: " + callId + "\r\n";
        send("ACK " + target + " SIP/2.0\r\n" + via() + route + "Max-Forwards: 70\r\n" + dialog + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
        send("BYE " + target + " SIP/2.0\r\n" + via() + route + "Max-Forwards: 70\r\n" + dialog + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
    }

    private void send(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), proxyPort));
    }

    static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            if (line.isEmpty()) break;
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
        }
        return null;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        receiver.join(2_000);
    }
}
