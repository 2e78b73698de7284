package io.sipwake.server.demo;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * The demo's caller: a SIP user agent on one TCP connection to sipwake that places a call (INVITE with an SDP
 * offer), follows the provisional responses, ACKs the 200 along the route set the 200's Record-Route gives
 * (RFC 3261 §12.1.2, §13.2.2.4) and hangs up with a BYE.
 */
final class DemoCaller implements AutoCloseable {
    private static final String WHO = "caller";

    private final SipConnection connection;
    private final InetSocketAddress server;
    private final Duration answerWithin;

    /** @param answerWithin how long to wait for the final response to an INVITE (a phone that never wakes gets 480 sooner) */
    DemoCaller(InetSocketAddress server, Duration answerWithin) throws DemoFailure {
        this.server = server;
        this.answerWithin = answerWithin;
        this.connection = SipConnection.open(WHO, server);
    }

    /** Calls {@code phone} and hangs up once it answered; every step goes to {@code t}. */
    void call(DemoPhone phone, String callId, CallTimeline t) throws DemoFailure {
        String requestUri = phone.aor().replace("@" + server.getHostString(), "@" + server.getHostString() + ":" + server.getPort());
        String fromTag = "c" + Long.toHexString(System.nanoTime());
        String from = "\"Demo Caller\" <sip:caller@127.0.0.1>;tag=" + fromTag;
        String sdp = "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        connection.send("INVITE " + requestUri + " SIP/2.0\r\n" + via() + "Max-Forwards: 70\r\n"
                + "From: " + from + "\r\nTo: <" + phone.aor() + ">\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
                + "Contact: <sip:caller@127.0.0.1:" + connection.localPort() + ";transport=tcp>\r\n"
                + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
        t.add(WHO, "INVITE sent to " + phone.aor());
        SipResponse answer = null;
        long deadline = System.nanoTime() + answerWithin.toNanos();
        while (answer == null) {
            Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
            SipResponse r = (SipResponse) connection.await(m -> isResponseTo(m, callId, "INVITE"), left, "an answer to the INVITE");
            t.add(WHO, r.status() + " " + r.reason());
            if (r.status() >= 300) {
                throw new DemoFailure("the call to " + phone.name() + " (" + phone.aor() + ") failed: " + r.status() + " " + r.reason());
            }
            if (r.status() >= 200) answer = r;
        }
        List<String> routeSet = new ArrayList<>(answer.headerValues("Record-Route"));
        Collections.reverse(routeSet); // the UAC's route set is the Record-Route in reverse (§12.1.2)
        String target = answer.contacts().get(0).uri().toString();
        String to = answer.header("To");
        connection.send(inDialog("ACK", target, routeSet, from, to, callId, 1));
        t.add(WHO, "ACK sent: the call is up");
        connection.send(inDialog("BYE", target, routeSet, from, to, callId, 2));
        t.add(WHO, "BYE sent");
        SipResponse byeAnswer = (SipResponse) connection.await(m -> isResponseTo(m, callId, "BYE") && !((SipResponse) m).isProvisional(),
                Duration.ofSeconds(10), "an answer to the BYE");
        t.add(WHO, "BYE answered " + byeAnswer.status() + " " + byeAnswer.reason());
        if (byeAnswer.status() != 200) throw new DemoFailure("the BYE to " + phone.name() + " was answered " + byeAnswer.status());
    }

    private static boolean isResponseTo(SipMessage m, String callId, String method) {
        return m instanceof SipResponse r && callId.equals(r.callId()) && method.equals(r.cseq().method());
    }

    private String via() {
        return "Via: SIP/2.0/TCP 127.0.0.1:" + connection.localPort() + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n";
    }

    private String inDialog(String method, String target, List<String> routeSet, String from, String to, String callId, int cseq) {
        StringBuilder s = new StringBuilder(method).append(' ').append(target).append(" SIP/2.0\r\n").append(via());
        for (String route : routeSet) s.append("Route: ").append(route).append("\r\n");
        return s.append("Max-Forwards: 70\r\nFrom: ").append(from).append("\r\nTo: ").append(to)
                .append("\r\nCall-ID: ").append(callId).append("\r\nCSeq: ").append(cseq).append(' ').append(method)
                .append("\r\nContent-Length: 0\r\n\r\n").toString();
    }

    @Override
    public void close() {
        connection.close();
    }
}
