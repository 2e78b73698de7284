package io.sipwake.bench.wake;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The benchmarks' caller: INVITEs on one UDP socket to a proxy on loopback, the ACK of each non-2xx final response
 * (same branch, RFC 3261 §17.1.1.3), bounded resending of INVITEs that got no answer at all (UDP loss), and
 * optionally a callback on each call's first 100 Trying (how the Kamailio tsilo benchmark learns a call is stored).
 */
public final class InviteCaller implements AutoCloseable {
    private final DatagramSocket socket;
    private final int serverPort;
    private final String domain;
    private final Consumer<String> onTrying;
    private final Map<String, String> inviteByCallId = new ConcurrentHashMap<>();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> finals = new ConcurrentHashMap<>();
    private final Thread receiver;

    /**
     * @param domain   the host of the callees' and the caller's URIs ({@code sip:<user>@<domain>})
     * @param onTrying told the Call-ID of each call's first 100 Trying, or null
     */
    public InviteCaller(int serverPort, String domain, Consumer<String> onTrying) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.socket.setReceiveBufferSize(4 << 20);
        this.serverPort = serverPort;
        this.domain = domain;
        this.onTrying = onTrying;
        this.receiver = WakePathBenchmark.daemon("invite-caller").newThread(this::receive);
        receiver.start();
    }

    /** Whether the call has had any response. */
    public boolean isAnswered(String callId) {
        return answered.contains(callId);
    }

    /** How many calls have had a response. */
    public int answeredCount() {
        return answered.size();
    }

    /** Sends the INVITE (with an SDP offer) of call {@code callId} to {@code sip:<user>@<domain>}. */
    public void invite(String user, String callId) throws IOException {
        String uri = "sip:" + user + "@" + domain;
        String sdp = "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        String invite = "INVITE " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                + "Max-Forwards: 70\r\nFrom: \"Bench Caller\" <sip:caller@" + domain + ">;tag=c" + user + "\r\n"
                + "To: <" + uri + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
                + "Contact: <sip:caller@127.0.0.1:" + socket.getLocalPort() + ">\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
        inviteByCallId.put(callId, invite);
        send(invite);
    }

    /** Waits until every call has its final response, which must be 486; resends INVITEs that got no answer at all. */
    public void awaitAll(Collection<String> callIds, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long nextResend = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (finals.size() < callIds.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + finals.size() + " of " + callIds.size() + " calls ended within " + seconds + " s");
            }
            if (System.nanoTime() > nextResend) {
                for (String callId : callIds) if (!answered.contains(callId)) send(inviteByCallId.get(callId));
                nextResend = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000);
            }
            Thread.sleep(5);
        }
        for (Map.Entry<String, Integer> e : finals.entrySet()) {
            if (e.getValue() != 486) throw new IllegalStateException("call " + e.getKey() + " ended with " + e.getValue() + ", not 486");
        }
    }

    private void receive() {
        byte[] buf = new byte[65_535];
        while (!socket.isClosed()) {
            try {
                DatagramPacket dp = new DatagramPacket(buf, buf.length);
                socket.receive(dp);
                String m = new String(dp.getData(), 0, dp.getLength(), StandardCharsets.UTF_8);
                if (!m.startsWith("SIP/2.0 ")) continue;
                int status = Integer.parseInt(m.substring(8, 11));
                String callId = WakePathBenchmark.header(m, "call-id", "i");
                String cseq = WakePathBenchmark.header(m, "cseq", "");
                if (callId == null || cseq == null || !cseq.endsWith("INVITE")) continue;
                if (answered.add(callId) && status == 100 && onTrying != null) onTrying.accept(callId);
                if (status >= 200 && finals.putIfAbsent(callId, status) == null && status >= 300) {
                    ack(callId, WakePathBenchmark.header(m, "to", "t"));
                }
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) return;
            }
        }
    }

    private void ack(String callId, String to) throws IOException {
        String invite = inviteByCallId.get(callId);
        String uri = invite.substring("INVITE ".length(), invite.indexOf(" SIP/2.0"));
        String via = invite.lines().filter(l -> l.startsWith("Via:")).findFirst().orElseThrow();
        String from = invite.lines().filter(l -> l.startsWith("From:")).findFirst().orElseThrow();
        send("ACK " + uri + " SIP/2.0\r\n" + via + "\r\nMax-Forwards: 70\r\n" + from + "\r\nTo: " + to + "\r\nCall-ID: " + callId
                + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
    }

    private void send(String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), serverPort));
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        receiver.join(2_000);
    }
}
