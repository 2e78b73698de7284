package io.sipwake.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Server transactions: RFC 3261 §17.2.1 (Figure 7), §17.2.2 (Figure 8), §17.2.4, RFC 6026 §8.7. */
class ServerTransactionTest extends TransactionTestSupport {

    private ServerTransaction receive(SipRequest request) {
        layer.onMessage(request, UDP_FROM_CALLER);
        assertThat(user.requests).isNotEmpty();
        return user.requests.get(user.requests.size() - 1);
    }

    // ---- INVITE server transaction ----

    @Test
    void inviteServerTransactionAbsorbsRetransmissionsAndReplaysLastProvisional_17_2_1() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinv1");
        ServerTransaction tx = receive(invite);
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        assertThat(tx.isInvite()).isTrue();

        layer.onMessage(incoming("INVITE", "z9hG4bKinv1"), UDP_FROM_CALLER);
        assertThat(transport.sent).as("nothing to replay before the TU responded").isEmpty();

        tx.sendResponse(answer(invite, 100));
        tx.sendResponse(answer(invite, 180));
        layer.onMessage(incoming("INVITE", "z9hG4bKinv1"), UDP_FROM_CALLER);
        layer.onMessage(incoming("INVITE", "z9hG4bKinv1"), UDP_FROM_CALLER);

        assertThat(user.requests).as("retransmissions never reach the TU").hasSize(1);
        assertThat(transport.sent).extracting(s -> s.response().status()).containsExactly(100, 180, 180, 180);
        assertThat(transport.sent).allMatch(s -> UDP_FROM_CALLER.equals(s.flow()), "responses go back over the request's flow");
        assertThat(tx.lastResponse().status()).isEqualTo(180);
    }

    @Test
    void retransmittedInviteInCompletedReplaysTheFinalResponse_17_2_1() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinv2");
        ServerTransaction tx = receive(invite);
        tx.sendResponse(answer(invite, 180));
        tx.sendResponse(answer(invite, 486));
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);

        layer.onMessage(incoming("INVITE", "z9hG4bKinv2"), UDP_FROM_CALLER);

        assertThat(transport.responses(486)).isGreaterThanOrEqualTo(2);
        assertThat(transport.responses(180)).as("the provisional is not replayed once final").isEqualTo(1);
        assertThat(user.requests).hasSize(1);
    }

    @Test
    void non2xxFinalIsRetransmittedOverUdpUntilAck_TimerG() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinv3");
        ServerTransaction tx = receive(invite);
        SipResponse busy = answer(invite, 486);
        tx.sendResponse(busy);

        eventually(() -> transport.responses(486) >= 3);
        layer.onMessage(ackFor(invite, busy), UDP_FROM_CALLER);
        int afterAck = transport.responses(486);
        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);

        eventually(() -> tx.state() == TransactionState.TERMINATED); // Timer I
        assertThat(transport.responses(486)).as("no retransmission once the ACK arrived").isEqualTo(afterAck);
        assertThat(user.timeouts).isEmpty();
        eventually(() -> user.terminated.contains(tx));
        assertThat(layer.activeTransactions()).isZero();
    }

    @Test
    void non2xxFinalIsRetransmittedWithTimerGUntilTimerHAndTheTuIsTold_17_2_1() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinv4");
        ServerTransaction tx = receive(invite);
        tx.sendResponse(answer(invite, 603));

        eventually(() -> user.timeouts.contains(tx));

        // Timer G: T1, 2*T1, 4*T1, then T2 each time, until Timer H = 64*T1
        assertThat(transport.responses(603)).isEqualTo(transmissionsBefore64T1(T2_MS)).isEqualTo(11);
        eventually(() -> user.events.contains("terminated"));
        assertThat(user.events).containsSubsequence("request INVITE", "timeout", "terminated");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.activeTransactions()).isZero();
    }

    @Test
    void ackForNon2xxIsAbsorbed() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinv5");
        ServerTransaction tx = receive(invite);
        SipResponse notFound = answer(invite, 404);
        tx.sendResponse(notFound);

        layer.onMessage(ackFor(invite, notFound), UDP_FROM_CALLER);
        layer.onMessage(ackFor(invite, notFound), UDP_FROM_CALLER); // retransmitted ACK, absorbed in Confirmed

        assertThat(tx.state()).isEqualTo(TransactionState.CONFIRMED);
        assertThat(user.acks).as("the ACK of a non-2xx belongs to the transaction").isEmpty();
        assertThat(user.requests).hasSize(1);
        eventually(() -> tx.state() == TransactionState.TERMINATED);
        assertThat(user.acks).isEmpty();
    }

    @Test
    void acceptedStateSends2xxFromTheTuAndAbsorbsInviteRetransmissions_RFC6026() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinv6");
        ServerTransaction tx = receive(invite);
        assertThat(tx.sendResponse(answer(invite, 200))).isTrue();
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);

        layer.onMessage(incoming("INVITE", "z9hG4bKinv6"), UDP_FROM_CALLER);
        assertThat(transport.responses(200)).as("the transaction never retransmits a 2xx itself").isEqualTo(1);

        assertThat(tx.sendResponse(answer(invite, 200))).as("the TU's 2xx retransmission").isTrue();
        assertThat(tx.sendResponse(answer(invite, 200, "other-fork"))).as("another fork's 2xx").isTrue();
        assertThat(tx.sendResponse(answer(invite, 486))).as("no non-2xx after a 2xx").isFalse();
        assertThat(tx.sendResponse(answer(invite, 180))).isFalse();

        assertThat(transport.responses(200)).isEqualTo(3);
        assertThat(transport.responses(486) + transport.responses(180)).isZero();
        assertThat(user.requests).hasSize(1);
    }

    @Test
    void ackFor2xxIsPassedToTheTu_13_2_2_4_RFC6026() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinv7");
        ServerTransaction tx = receive(invite);
        SipResponse ok = answer(invite, 200);
        tx.sendResponse(ok);

        SipRequest endToEndAck = ackFor(invite, ok);
        endToEndAck.setHeader("Via", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnewAckBranch");
        layer.onMessage(endToEndAck, UDP_FROM_CALLER);
        // an ACK that reuses the INVITE's branch matches the transaction, which passes it up while Accepted
        layer.onMessage(ackFor(invite, ok), UDP_FROM_CALLER);

        assertThat(user.acks).hasSize(2);
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
    }

    @Test
    void ackMatchingNoTransactionIsPassedToTheTu_17_2_3() {
        SipRequest ack = incoming("ACK", "z9hG4bKnoSuchInvite");
        layer.onMessage(ack, UDP_FROM_CALLER);
        assertThat(user.acks).containsExactly(ack);
        assertThat(user.requests).isEmpty();
        assertThat(layer.activeTransactions()).isZero();
    }

    @Test
    void acceptedServerTransactionEndsWithTimerL_RFC6026() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinv8");
        ServerTransaction tx = receive(invite);
        tx.sendResponse(answer(invite, 200));

        eventually(() -> tx.state() == TransactionState.TERMINATED);
        assertThat(layer.activeTransactions()).isZero();
        assertThat(user.timeouts).as("Timer L is not a failure").isEmpty();
        assertThat(transport.responses(200)).isEqualTo(1);
        eventually(() -> user.terminated.contains(tx));
    }

    @Test
    void finalResponseOverReliableTransportIsSentOnceAndTimerHStillWaitsForTheAck_17_2_1() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinvTcp", "TCP", "192.0.2.10:40001", 1, null);
        layer.onMessage(invite, TCP_FROM_CALLER);
        ServerTransaction tx = user.requests.get(0);
        tx.sendResponse(answer(invite, 486));

        eventually(() -> user.timeouts.contains(tx)); // Timer H runs over every transport
        assertThat(transport.responses(486)).as("no Timer G over TCP").isEqualTo(1);
    }

    @Test
    void ackOverReliableTransportTerminatesAtOnce_TimerIIsZero() {
        SipRequest invite = incoming("INVITE", "z9hG4bKinvTcp2", "TCP", "192.0.2.10:40001", 1, null);
        layer.onMessage(invite, TCP_FROM_CALLER);
        ServerTransaction tx = user.requests.get(0);
        SipResponse busy = answer(invite, 486);
        tx.sendResponse(busy);
        layer.onMessage(ackFor(invite, busy), TCP_FROM_CALLER);

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.activeTransactions()).isZero();
        assertThat(user.events).containsExactly("request INVITE", "terminated");
    }

    @Test
    void automatic100TryingIsSentAfter200msWhenEnabled_17_2_1() {
        layer.close();
        layer = newLayer(TIMERS, true);
        SipRequest invite = (SipRequest) parse("INVITE sip:bob@example.com SIP/2.0\n"
                + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKtry1\n"
                + "From: <sip:alice@example.com>;tag=1\nTo: <sip:bob@example.com>\nCall-ID: try1\n"
                + "CSeq: 1 INVITE\nTimestamp: 54.1\nMax-Forwards: 70\nContent-Length: 0\n\n");
        ServerTransaction tx = receive(invite);

        eventually(() -> transport.responses(100) == 1);
        SipResponse trying = transport.sent.get(0).response();
        assertThat(trying.header("Timestamp")).as("§8.2.6.1").isEqualTo("54.1");
        assertThat(trying.to().tag()).isNull();
        layer.onMessage(invite.copy(), UDP_FROM_CALLER);
        assertThat(transport.responses(100)).as("the 100 is the provisional to replay").isEqualTo(2);
        assertThat(tx.lastResponse().status()).isEqualTo(100);
    }

    @Test
    void no100TryingWhenTheTuAnswersFirstOrTheOptionIsOff_17_2_1() {
        layer.close();
        layer = newLayer(TIMERS, true);
        SipRequest first = incoming("INVITE", "z9hG4bKtry2");
        ServerTransaction tx = receive(first);
        tx.sendResponse(answer(first, 180));

        TransactionLayer off = newLayer(TIMERS, false);
        off.onMessage(incoming("INVITE", "z9hG4bKtry3"), UDP_FROM_CALLER);

        waiting().during(Duration.ofMillis(400)).until(() -> transport.responses(100) == 0);
        off.close();
    }

    // ---- non-INVITE server transaction ----

    @Test
    void nonInviteServerAbsorbsRetransmissionsAndReplaysTheLastResponse_17_2_2() {
        SipRequest options = incoming("OPTIONS", "z9hG4bKopt1");
        ServerTransaction tx = receive(options);
        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);

        layer.onMessage(incoming("OPTIONS", "z9hG4bKopt1"), UDP_FROM_CALLER);
        assertThat(transport.sent).as("Trying: absorbed").isEmpty();

        tx.sendResponse(answer(options, 100));
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        layer.onMessage(incoming("OPTIONS", "z9hG4bKopt1"), UDP_FROM_CALLER);

        tx.sendResponse(answer(options, 200));
        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        layer.onMessage(incoming("OPTIONS", "z9hG4bKopt1"), UDP_FROM_CALLER);
        assertThat(tx.sendResponse(answer(options, 500))).as("Completed: the TU's later responses are refused").isFalse();

        assertThat(transport.sent).extracting(s -> s.response().status()).containsExactly(100, 100, 200, 200);
        assertThat(user.requests).hasSize(1);

        eventually(() -> tx.state() == TransactionState.TERMINATED); // Timer J
        assertThat(transport.responses(200)).as("no retransmission by timer for non-INVITE").isEqualTo(2);
        assertThat(layer.activeTransactions()).isZero();
    }

    @Test
    void nonInviteOverReliableTransportTerminatesOnTheFinalResponse_TimerJIsZero() {
        SipRequest register = incoming("REGISTER", "z9hG4bKreg1", "TCP", "192.0.2.10:40001", 1, null);
        layer.onMessage(register, TCP_FROM_CALLER);
        ServerTransaction tx = user.requests.get(0);

        tx.sendResponse(answer(register, 200));

        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.activeTransactions()).isZero();
        eventually(() -> user.terminated.contains(tx));
        assertThat(user.callbackThreads).as("a TU call never calls the TU back on its own thread")
                .filteredOn(t -> t == Thread.currentThread()).hasSize(1); // only onRequest, delivered on the "receiving" thread
    }

    @Test
    void theTuMayRespondFromInsideOnRequest() {
        user.onRequest = (tx, r) -> tx.sendResponse(answer(r, 200));
        layer.onMessage(incoming("MESSAGE", "z9hG4bKmsg1", "TCP", "192.0.2.10:40001", 1, null), TCP_FROM_CALLER);

        assertThat(transport.responses(200)).isEqualTo(1);
        assertThat(user.events).containsExactly("request MESSAGE", "terminated");
    }

    @Test
    void serverTransportErrorIsReportedToTheTu_17_2_4() {
        transport.failWhen(m -> m instanceof SipResponse r && r.status() == 180);
        SipRequest invite = incoming("INVITE", "z9hG4bKerr1");
        ServerTransaction tx = receive(invite);

        tx.sendResponse(answer(invite, 180));

        eventually(() -> user.terminated.contains(tx));
        assertThat(user.transportErrors).hasSize(1);
        assertThat(user.events).containsExactly("request INVITE", "transport-error", "terminated");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(tx.sendResponse(answer(invite, 200))).isFalse();
        assertThat(layer.activeTransactions()).isZero();
    }

    @Test
    void aServerTransactionTheTuNeverAnswersIsForgottenByTheWatchdog() {
        layer.close();
        layer = TransactionLayer.builder(transport, user).timers(TIMERS).scheduler(TransactionScheduler.of(executor))
                .serverWatchdog(Duration.ofMillis(100), Duration.ofMillis(100)).build();
        layer.onMessage(incoming("OPTIONS", "z9hG4bKlost1"), UDP_FROM_CALLER);
        layer.onMessage(incoming("INVITE", "z9hG4bKlost2"), UDP_FROM_CALLER);
        assertThat(layer.activeServerTransactions()).isEqualTo(2);

        eventually(() -> user.terminated.size() == 2);
        assertThat(layer.activeTransactions()).isZero();
        assertThat(transport.sent).as("the watchdog sends nothing").isEmpty();
    }

    @Test
    void anExceptionInTheTuDoesNotBreakTheTransaction() {
        user.onRequest = (tx, r) -> {
            throw new IllegalStateException("TU bug (expected by the test)");
        };
        SipRequest invite = incoming("INVITE", "z9hG4bKthrow");
        ServerTransaction tx = receive(invite);
        tx.sendResponse(answer(invite, 180));
        layer.onMessage(incoming("INVITE", "z9hG4bKthrow"), UDP_FROM_CALLER);
        assertThat(transport.responses(180)).isEqualTo(2);
    }
}
