package io.sipwake.server.demo;

import io.sipwake.proxy.auth.DigestClient;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A simulated mobile phone: it registers over TCP with RFC 8599 push parameters in its Contact (§5.6.1), answers
 * the digest challenge, and goes to sleep by closing its connection, as iOS and Android suspend a softphone. When
 * its push arrives from the push-service double it wakes: connects again, re-REGISTERs, and answers the INVITE
 * sipwake then forwards over the new connection (180, 200 with SDP, ACK, then the caller's BYE).
 */
final class DemoPhone implements AutoCloseable {
    private static final Duration STEP = Duration.ofSeconds(10);

    private final String name;
    private final String user;
    private final String password;
    private final String pushParams;
    private final String token;
    private final InetSocketAddress server;
    private final String instance = "urn:uuid:" + UUID.randomUUID();
    private final String registrationCallId = "reg-" + UUID.randomUUID();
    private final String fromTag = Long.toHexString(Double.doubleToLongBits(Math.random()));
    private final ExecutorService thread;
    private int cseq;
    private volatile CallTimeline timeline;
    private volatile CompletableFuture<Void> call = new CompletableFuture<>();

    /**
     * @param name       what the timeline calls it, e.g. {@code iPhone}
     * @param pushParams the Contact URI's push parameters, from {@code ;pn-provider=}
     * @param token      the device token within them, by which the push double's requests are recognised
     */
    DemoPhone(String name, String user, String password, String pushParams, String token, InetSocketAddress server) {
        this.name = name;
        this.user = user;
        this.password = password;
        this.pushParams = pushParams;
        this.token = token;
        this.server = server;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sipwake-demo-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    String name() {
        return name;
    }

    String aor() {
        return "sip:" + user + "@" + server.getHostString();
    }

    String token() {
        return token;
    }

    /** Registers with push parameters and closes the connection; returns the registrar's 200. */
    SipResponse registerAndSleep() throws DemoFailure {
        try (SipConnection c = SipConnection.open(name, server)) {
            return register(c);
        }
    }

    /** Makes the next push start answering a call, whose events go to {@code timeline}; the future completes when it is over. */
    CompletableFuture<Void> expectCall(CallTimeline timeline) {
        this.timeline = timeline;
        this.call = new CompletableFuture<>();
        return call;
    }

    /** Called by the push double's thread when a push for this phone's token arrives; the phone wakes on its own thread. */
    void pushReceived(String what) {
        CallTimeline t = timeline;
        if (t == null) return; // a push outside a call (none is sent in the demo)
        t.add(name, what);
        CompletableFuture<Void> done = call;
        thread.execute(() -> {
            try {
                wakeAndAnswer(t);
                done.complete(null);
            } catch (DemoFailure | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
    }

    private void wakeAndAnswer(CallTimeline t) throws DemoFailure {
        try (SipConnection c = SipConnection.open(name, server)) {
            t.add(name, "woke up, re-REGISTER sent on a new connection");
            register(c);
            t.add(name, "re-REGISTER answered 200 OK");
            SipRequest invite = c.awaitRequest("INVITE", STEP);
            t.add(name, "INVITE received from " + invite.from().uri());
            String toTag = "p" + Long.toHexString(System.nanoTime());
            c.send(answer(invite, 180, toTag, c.localPort()));
            SipResponse ok = answer(invite, 200, toTag, c.localPort());
            String sdp = "v=0\r\no=" + user + " 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
            ok.setBody(sdp.getBytes(StandardCharsets.US_ASCII), "application/sdp");
            c.send(ok);
            t.add(name, "answered: 180 Ringing, 200 OK");
            c.awaitRequest("ACK", STEP);
            t.add(name, "ACK received: the call is up");
            SipRequest bye = c.awaitRequest("BYE", STEP);
            c.send(bye.createResponse(200, null, null));
            t.add(name, "BYE received, answered 200 OK");
        }
    }

    /** A response to the INVITE as a UAS sends it (RFC 3261 §12.1.1): Record-Route copied, our Contact. */
    private SipResponse answer(SipRequest invite, int status, String toTag, int contactPort) {
        SipResponse r = invite.createResponse(status, null, toTag);
        for (String rr : invite.headerValues("Record-Route")) r.addHeader("Record-Route", rr);
        r.addHeader("Contact", "<sip:" + user + "@127.0.0.1:" + contactPort + ";transport=tcp>");
        return r;
    }

    /** REGISTER, the digest challenge, the authenticated REGISTER; returns its 200. */
    private SipResponse register(SipConnection c) throws DemoFailure {
        String uri = "sip:" + server.getHostString() + ":" + server.getPort();
        c.send(registerRequest(c, uri, null));
        SipResponse first = c.awaitResponse("REGISTER", STEP);
        SipResponse answer = first;
        if (first.status() == 401) {
            String challenge = first.header("WWW-Authenticate");
            String authorization = DigestClient.authorization(challenge, "REGISTER", uri, user, password,
                    UUID.randomUUID().toString().replace("-", ""), 1);
            c.send(registerRequest(c, uri, authorization));
            answer = c.awaitResponse("REGISTER", STEP);
        }
        if (answer.status() != 200) {
            throw new DemoFailure(name + "'s REGISTER was answered " + answer.status() + " " + answer.reason());
        }
        return answer;
    }

    private synchronized String registerRequest(SipConnection c, String uri, String authorization) {
        String host = server.getHostString();
        return "REGISTER " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:" + c.localPort() + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + host + ">;tag=" + fromTag + "\r\n"
                + "To: <sip:" + user + "@" + host + ">\r\n"
                + "Call-ID: " + registrationCallId + "\r\n"
                + "CSeq: " + (++cseq) + " REGISTER\r\n"
                + "Contact: <sip:" + user + "@127.0.0.1:" + c.localPort() + ";transport=tcp" + pushParams + ">"
                + ";+sip.instance=\"<" + instance + ">\"\r\n"
                + "Expires: 3600\r\n"
                + "User-Agent: sipwake-demo " + name + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: 0\r\n\r\n";
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
