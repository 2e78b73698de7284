package io.sipwake.sip.transaction;

import static org.awaitility.Awaitility.await;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.parser.SipParseException;
import io.sipwake.sip.parser.SipParser;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared fixture: a fake transport, a recording TU and a layer with small timers (T1 = 20 ms,
 * so 64*T1 = 1.28 s). The scheduler is a single-threaded {@link ScheduledThreadPoolExecutor},
 * which runs due tasks in deadline order: since the layer chains retransmissions from deadline
 * to deadline, a retransmission due before the timeout always runs before it however late the
 * thread is, so the tests can assert exact message counts without asserting on elapsed time.
 */
abstract class TransactionTestSupport {
    static final long T1_MS = 20;
    static final long T2_MS = 160;
    static final long T4_MS = 100;
    static final TimerSettings TIMERS = new TimerSettings(Duration.ofMillis(T1_MS), Duration.ofMillis(T2_MS),
            Duration.ofMillis(T4_MS), Duration.ofMillis(200), Duration.ZERO);

    static final InetSocketAddress CALLER = new InetSocketAddress("192.0.2.10", 5060);
    static final InetSocketAddress CALLEE = new InetSocketAddress("192.0.2.20", 5062);
    static final Flow UDP_FROM_CALLER = new Flow(Transport.UDP, FakeTransport.LOCAL, CALLER, 0);
    static final Flow TCP_FROM_CALLER = new Flow(Transport.TCP, FakeTransport.LOCAL, new InetSocketAddress("192.0.2.10", 40001), 7);
    static final Flow UDP_FROM_CALLEE = new Flow(Transport.UDP, FakeTransport.LOCAL, CALLEE, 0);

    private static final SipParser PARSER = new SipParser();

    ScheduledThreadPoolExecutor executor;
    FakeTransport transport;
    RecordingUser user;
    TransactionLayer layer;

    @BeforeEach
    void setUpLayer() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "test-transaction-timer");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        transport = new FakeTransport();
        user = new RecordingUser();
        layer = newLayer(TIMERS, false);
    }

    TransactionLayer newLayer(TimerSettings timers, boolean sendTrying) {
        return TransactionLayer.builder(transport, user).timers(timers).scheduler(TransactionScheduler.of(executor))
                .sendTrying(sendTrying).build();
    }

    @AfterEach
    void tearDownLayer() {
        layer.close();
        executor.shutdownNow();
    }

    static ConditionFactory waiting() {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5));
    }

    static void eventually(BooleanSupplier condition) {
        waiting().until(condition::getAsBoolean);
    }

    /**
     * How many times RFC 3261 has a message sent (the first time plus retransmissions) before the
     * 64*T1 timeout when the interval starts at T1 and doubles up to {@code capMs}: INVITE requests
     * (Timer A, no cap, §17.1.1.2), non-INVITE requests (Timer E, cap T2, §17.1.2.2) and non-2xx
     * final responses to INVITE (Timer G, cap T2, §17.2.1).
     */
    static int transmissionsBefore64T1(long capMs) {
        long at = 0;
        long interval = T1_MS;
        int n = 1;
        while (at + interval < 64 * T1_MS) {
            at += interval;
            n++;
            interval = Math.min(2 * interval, capMs);
        }
        return n;
    }

    // ---- messages ----

    static SipMessage parse(String text) {
        try {
            return PARSER.parse(text.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        } catch (SipParseException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + text, e);
        }
    }

    /** A request as a caller at 192.0.2.10 sends it (with the received/rport a transport adds). */
    static SipRequest incoming(String method, String branch) {
        return incoming(method, branch, "UDP", "192.0.2.10:5060", 1, null);
    }

    static SipRequest incoming(String method, String branch, String viaTransport, String sentBy, long cseq, String toTag) {
        return (SipRequest) parse(method + " sip:bob@example.com SIP/2.0\n"
                + "Via: SIP/2.0/" + viaTransport + " " + sentBy + ";branch=" + branch + ";rport=5060;received=192.0.2.10\n"
                + "Max-Forwards: 70\n"
                + "From: Alice <sip:alice@example.com>;tag=from-1\n"
                + "To: Bob <sip:bob@example.com>" + (toTag == null ? "" : ";tag=" + toTag) + "\n"
                + "Call-ID: call-1@192.0.2.10\n"
                + "CSeq: " + cseq + " " + method + "\n"
                + "Content-Length: 0\n\n");
    }

    /** The ACK a UAC sends for a non-2xx final response: same branch as the INVITE (§17.1.1.3). */
    static SipRequest ackFor(SipRequest invite, SipResponse response) {
        return (SipRequest) parse("ACK " + invite.requestUri() + " SIP/2.0\n"
                + "Via: " + invite.headerValues("Via").get(0) + "\n"
                + "Max-Forwards: 70\n"
                + "From: " + invite.header("From") + "\n"
                + "To: " + response.header("To") + "\n"
                + "Call-ID: " + invite.callId() + "\n"
                + "CSeq: " + invite.cseq().number() + " ACK\n"
                + "Content-Length: 0\n\n");
    }

    /** A request as sipwake forwards it: its own Via (with {@code branch}) on top of the caller's, and a Route set. */
    static SipRequest outgoing(String method, String branch, String viaTransport) {
        return (SipRequest) parse(method + " sip:bob@192.0.2.20:5062 SIP/2.0\n"
                + "Via: SIP/2.0/" + viaTransport + " 10.0.0.1:5060;branch=" + branch + ";rport\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKcaller;rport=5060;received=192.0.2.10\n"
                + "Route: <sip:p1.example.net;lr>, <sip:p2.example.net;lr>\n"
                + "Max-Forwards: 69\n"
                + "From: Alice <sip:alice@example.com>;tag=from-1\n"
                + "To: Bob <sip:bob@example.com>\n"
                + "Call-ID: call-2@192.0.2.10\n"
                + "CSeq: 7 " + method + "\n"
                + "Content-Length: 0\n\n");
    }

    /** The response the next hop sends to a request we forwarded: every Via, ours on top. */
    static SipResponse answer(SipRequest request, int status, String toTag) {
        return request.createResponse(status, null, toTag);
    }

    static SipResponse answer(SipRequest request, int status) {
        return answer(request, status, status > 100 ? "callee-1" : null);
    }
}
