package io.sipwake.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.HashedWheelTimer;
import io.sipwake.sip.message.Header;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The layer as a whole: branches, robustness, concurrency, memory, schedulers, timer settings. */
class TransactionLayerTest extends TransactionTestSupport {

    @Test
    void newBranchIsUniqueUrlSafeAndStartsWithTheMagicCookie_8_1_1_7() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String b = TransactionLayer.newBranch();
            assertThat(b).startsWith("z9hG4bK").hasSize(7 + 22).matches("z9hG4bK[A-Za-z0-9_-]{22}");
            seen.add(b);
        }
        assertThat(seen).hasSize(20_000);
        assertThat(Via.parse("SIP/2.0/UDP h;branch=" + TransactionLayer.newBranch()).hasRfc3261Branch()).isTrue();
    }

    @Test
    void malformedMessagesAreDroppedAndNeverThrow() {
        // The parser never delivers these; a transport bug or a hand-built message must still not harm the layer.
        SipRequest badVia = new SipRequest("INVITE", SipUri.of("bob", "example.com", -1),
                List.of(new Header("Via", "garbage"), new Header("CSeq", "1 INVITE")));
        SipRequest noVia = new SipRequest("OPTIONS", SipUri.of("bob", "example.com", -1), List.of());
        SipRequest rfc2543WithoutFrom = new SipRequest("OPTIONS", SipUri.of("bob", "example.com", -1),
                List.of(new Header("Via", "SIP/2.0/UDP h"), new Header("CSeq", "1 OPTIONS"), new Header("Call-ID", "x")));
        SipResponse noCseq = new SipResponse(200, "OK", List.of(new Header("Via", "SIP/2.0/UDP h;branch=z9hG4bKx")));

        layer.onMessage(badVia, UDP_FROM_CALLER);
        layer.onMessage(noVia, UDP_FROM_CALLER);
        layer.onMessage(rfc2543WithoutFrom, UDP_FROM_CALLER);
        layer.onMessage(noCseq, UDP_FROM_CALLEE);

        assertThat(user.events).isEmpty();
        assertThat(layer.activeTransactions()).isZero();
    }

    @Test
    void concurrentFinalResponsesFromManyThreadsSendExactlyOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 50; round++) {
                SipRequest invite = incoming("INVITE", "z9hG4bKrace" + round);
                layer.onMessage(invite, UDP_FROM_CALLER);
                ServerTransaction tx = user.requests.get(round);
                int before = transport.sent.size();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                int[] statuses = {180, 486, 183, 600, 503, 404, 180, 408};
                for (int status : statuses) {
                    results.add(pool.submit(() -> {
                        go.await();
                        return tx.sendResponse(answer(invite, status)) && status >= 200;
                    }));
                }
                go.countDown();
                int finalsAccepted = 0;
                for (Future<Boolean> f : results) finalsAccepted += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
                assertThat(finalsAccepted).isEqualTo(1);
                String branch = "z9hG4bKrace" + round;
                List<Integer> finalsSent = transport.sent.subList(before, transport.sent.size()).stream()
                        .map(FakeTransport.Sent::response)
                        .filter(r -> r.status() >= 200 && r.topVia().branch().equals(branch))
                        .map(SipResponse::status).toList();
                assertThat(finalsSent).isNotEmpty(); // Timer G may already have retransmitted it
                assertThat(finalsSent).as("one final response, whichever won").containsOnly(finalsSent.get(0));
                assertThat(tx.lastResponse().status()).isEqualTo(finalsSent.get(0));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void underLoadEveryTransactionEndsAndIsForgotten() throws Exception {
        user.onRequest = (tx, r) -> tx.sendResponse(answer(r, 200));
        int threads = 4;
        int perThread = 400;
        AtomicInteger clientTerminated = new AtomicInteger();
        AtomicInteger clientResponses = new AtomicInteger();
        ClientTransactionListener counting = new ClientTransactionListener() {
            @Override
            public void onResponse(ClientTransaction tx, SipResponse response) {
                clientResponses.incrementAndGet();
            }

            @Override
            public void onTimeout(ClientTransaction tx) {}

            @Override
            public void onTransportError(ClientTransaction tx, Throwable cause) {}

            @Override
            public void onTerminated(ClientTransaction tx) {
                clientTerminated.incrementAndGet();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads * 2);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(pool.submit(() -> { // a "receiving event loop": requests and their retransmissions
                    for (int i = 0; i < perThread; i++) {
                        String branch = "z9hG4bKload" + thread + "x" + i;
                        layer.onMessage(incoming("MESSAGE", branch), UDP_FROM_CALLER);
                        layer.onMessage(incoming("MESSAGE", branch), UDP_FROM_CALLER);
                    }
                }));
                work.add(pool.submit(() -> { // a TU sending requests, answered at once by the "network"
                    for (int i = 0; i < perThread; i++) {
                        SipRequest request = outgoing("OPTIONS", TransactionLayer.newBranch(), "UDP");
                        layer.sendRequest(request, Transport.UDP, CALLEE, counting);
                        layer.onMessage(answer(request, 200), UDP_FROM_CALLEE);
                    }
                }));
            }
            for (Future<?> f : work) f.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        eventually(() -> layer.activeTransactions() == 0); // Timers J and K
        int total = threads * perThread;
        assertThat(user.requests).hasSize(total);
        eventually(() -> user.terminated.size() == total && clientTerminated.get() == total);
        assertThat(clientResponses.get()).isEqualTo(total);
        assertThat(transport.responses(200)).as("each request answered, each retransmission replayed").isEqualTo(2 * total);
        assertThat(user.strays).isEmpty();
    }

    @Test
    void worksWithNettysHashedWheelTimer() {
        HashedWheelTimer wheel = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
        try {
            layer.close();
            layer = TransactionLayer.builder(transport, user).timers(TIMERS).scheduler(TransactionScheduler.of(wheel)).build();
            RecordingListener listener = new RecordingListener();
            layer.sendRequest(outgoing("OPTIONS", "z9hG4bKwheel", "UDP"), Transport.UDP, CALLEE, listener);
            SipRequest invite = incoming("INVITE", "z9hG4bKwheel2");
            layer.onMessage(invite, UDP_FROM_CALLER);
            user.requests.get(0).sendResponse(answer(invite, 486));

            eventually(() -> listener.terminated.get() == 1 && user.timeouts.size() == 1);
            assertThat(listener.events).containsExactly("timeout", "terminated");
            assertThat(transport.requests("OPTIONS")).isGreaterThan(5);
            assertThat(transport.responses(486)).isGreaterThan(5);
            assertThat(layer.activeTransactions()).isZero();
        } finally {
            wheel.stop();
        }
    }

    @Test
    void defaultSchedulerIsOwnedAndStoppedByTheLayer() {
        TransactionLayer own = TransactionLayer.builder(transport, user).timers(TIMERS).build();
        RecordingListener listener = new RecordingListener();
        own.sendRequest(outgoing("OPTIONS", "z9hG4bKown", "UDP"), Transport.UDP, CALLEE, listener);
        eventually(() -> transport.requests("OPTIONS") >= 3);
        own.close();
        assertThat(own.activeTransactions()).isZero();
    }

    @Test
    void closeForgetsEverythingWithoutCallingBack() {
        RecordingListener listener = new RecordingListener();
        layer.sendRequest(outgoing("INVITE", "z9hG4bKclose", "UDP"), Transport.UDP, CALLEE, listener);
        SipRequest invite = incoming("INVITE", "z9hG4bKclose2");
        layer.onMessage(invite, UDP_FROM_CALLER);
        user.requests.get(0).sendResponse(answer(invite, 486));
        int sent = transport.sent.size();

        layer.close();

        assertThat(layer.activeTransactions()).isZero();
        waiting().during(Duration.ofMillis(200)).until(() -> transport.sent.size() == sent);
        assertThat(listener.events).isEmpty();
        assertThat(user.events).containsExactly("request INVITE");
        layer.onMessage(incoming("OPTIONS", "z9hG4bKafter"), UDP_FROM_CALLER);
        assertThat(user.requests).hasSize(1);
    }

    @Test
    void strayResponsesGoToTheTu_17_1_3() {
        SipResponse stray = answer(outgoing("INVITE", "z9hG4bKnobody", "UDP"), 200);
        layer.onMessage(stray, UDP_FROM_CALLEE);
        assertThat(user.strays).containsExactly(stray);
        assertThat(user.callbackThreads).containsExactly(Thread.currentThread());
    }

    @Test
    void timerSettingsFollowRfc3261Table4AndRfc6026() {
        TimerSettings d = TimerSettings.DEFAULT;
        assertThat(d.t1()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.t2()).isEqualTo(Duration.ofSeconds(4));
        assertThat(d.t4()).isEqualTo(Duration.ofSeconds(5));
        assertThat(List.of(d.timerB(), d.timerF(), d.timerH(), d.timerJ(false), d.timerL(), d.timerM()))
                .containsOnly(Duration.ofSeconds(32));
        assertThat(d.timerA()).isEqualTo(d.t1());
        assertThat(d.timerE()).isEqualTo(d.t1());
        assertThat(d.timerG()).isEqualTo(d.t1());
        assertThat(d.timerD(false)).isEqualTo(Duration.ofSeconds(32));
        assertThat(d.timerI(false)).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.timerK(false)).isEqualTo(Duration.ofSeconds(5));
        assertThat(List.of(d.timerD(true), d.timerI(true), d.timerJ(true), d.timerK(true))).containsOnly(Duration.ZERO);
        assertThat(d.timerC()).isGreaterThan(Duration.ofMinutes(3));
        assertThat(d.timerCEnabled()).isTrue();

        TimerSettings slow = new TimerSettings(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(5));
        assertThat(slow.timerD(false)).as("D is at least 32 s and at least 64*T1").isEqualTo(Duration.ofSeconds(64));
        assertThat(slow.withTimerC(Duration.ZERO).timerCEnabled()).isFalse();

        assertThatThrownBy(() -> new TimerSettings(Duration.ZERO, Duration.ofSeconds(4), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TimerSettings(Duration.ofSeconds(5), Duration.ofSeconds(4), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withTimerD(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
