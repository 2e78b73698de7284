package io.sipwake.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import io.sipwake.sip.transport.TransportException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Client transactions: RFC 3261 §17.1.1 (Figure 5), §17.1.2 (Figure 6), §17.1.3, §17.1.4, §9.1, §16.8, RFC 6026 §8.4. */
class ClientTransactionTest extends TransactionTestSupport {
    private final RecordingListener listener = new RecordingListener();

    private ClientTransaction send(SipRequest request) {
        return layer.sendRequest(request, Transport.UDP, CALLEE, listener);
    }

    private void reply(SipResponse response) {
        layer.onMessage(response, UDP_FROM_CALLEE);
    }

    // ---- INVITE client transaction ----

    @Test
    void inviteIsRetransmittedWithDoublingIntervalsUntilTimerB_17_1_1_2() {
        ClientTransaction tx = send(outgoing("INVITE", "z9hG4bKcA1", "UDP"));
        assertThat(tx.state()).isEqualTo(TransactionState.CALLING);

        eventually(() -> listener.timeouts.get() == 1);

        // Timer A: T1, 2*T1, 4*T1, ... until Timer B = 64*T1: sent at 0, 1, 3, 7, 15, 31, 63 T1
        assertThat(transport.requests("INVITE")).isEqualTo(transmissionsBefore64T1(Long.MAX_VALUE)).isEqualTo(7);
        assertThat(transport.sent).allMatch(s -> s.destination().equals(CALLEE) && s.transport() == Transport.UDP);
        eventually(() -> listener.terminated.get() == 1);
        assertThat(listener.events).containsExactly("timeout", "terminated");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.activeTransactions()).isZero();
    }

    @Test
    void provisionalResponseStopsInviteRetransmissions_17_1_1_2() {
        SipRequest invite = outgoing("INVITE", "z9hG4bKcA2", "UDP");
        ClientTransaction tx = send(invite);
        eventually(() -> transport.requests("INVITE") >= 2);

        reply(answer(invite, 180));
        int atProvisional = transport.requests("INVITE");
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);
        assertThat(listener.events).containsExactly("response 180");

        reply(answer(invite, 200));
        eventually(() -> listener.terminated.get() == 1); // Timer M, 64*T1 later
        assertThat(transport.requests("INVITE")).isEqualTo(atProvisional);
        assertThat(listener.timeouts.get()).as("no Timer B in Proceeding").isZero();
    }

    @Test
    void clientInviteGeneratesAckForNon2xx_17_1_1_3() {
        SipRequest invite = outgoing("INVITE", "z9hG4bKcA3", "UDP");
        ClientTransaction tx = send(invite);
        SipResponse busy = answer(invite, 486, "callee-tag");

        reply(busy);

        assertThat(tx.state()).isEqualTo(TransactionState.COMPLETED);
        assertThat(listener.responses).containsExactly(busy);
        assertThat(transport.sentRequests("ACK")).hasSize(1);
        FakeTransport.Sent sent = transport.sentRequests("ACK").get(0);
        assertThat(sent.destination()).as("same address, port and transport as the INVITE").isEqualTo(CALLEE);
        assertThat(sent.transport()).isEqualTo(Transport.UDP);
        SipRequest ack = sent.request();
        assertThat(ack.requestUri()).isEqualTo(invite.requestUri());
        assertThat(ack.vias()).as("a single Via equal to the INVITE's top Via").hasSize(1);
        assertThat(ack.headerValues("Via")).containsExactly(invite.headerValues("Via").get(0));
        assertThat(ack.topVia().branch()).isEqualTo("z9hG4bKcA3");
        assertThat(ack.headerValues("Route")).isEqualTo(invite.headerValues("Route"));
        assertThat(ack.header("From")).isEqualTo(invite.header("From"));
        assertThat(ack.to().tag()).as("To of the response, with its tag").isEqualTo("callee-tag");
        assertThat(ack.callId()).isEqualTo(invite.callId());
        assertThat(ack.cseq().number()).isEqualTo(7);
        assertThat(ack.cseq().method()).isEqualTo("ACK");
        assertThat(ack.maxForwards()).isGreaterThan(0);

        reply(answer(invite, 486, "callee-tag")); // the 486 is retransmitted: ACK again, TU not told
        assertThat(transport.requests("ACK")).isEqualTo(2);
        assertThat(listener.responses).hasSize(1);

        eventually(() -> tx.state() == TransactionState.TERMINATED); // Timer D
        reply(answer(invite, 486, "callee-tag"));
        assertThat(user.strays).as("after Timer D a retransmission matches nothing").hasSize(1);
        assertThat(transport.requests("ACK")).isEqualTo(2);
        assertThat(listener.events).containsExactly("response 486", "terminated");
    }

    @Test
    void acceptedStateForwardsRetransmitted2xxToTu_RFC6026() {
        SipRequest invite = outgoing("INVITE", "z9hG4bKcA4", "UDP");
        ClientTransaction tx = send(invite);
        reply(answer(invite, 180));
        reply(answer(invite, 200, "fork-1"));
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);

        reply(answer(invite, 200, "fork-1")); // retransmission
        reply(answer(invite, 200, "fork-2")); // another fork's 2xx
        reply(answer(invite, 486, "fork-3")); // no non-2xx after a 2xx
        reply(answer(invite, 183, "fork-3"));

        assertThat(listener.events).containsExactly("response 180", "response 200", "response 200", "response 200");
        assertThat(listener.responses).extracting(r -> r.to().tag()).containsExactly("callee-1", "fork-1", "fork-1", "fork-2");
        assertThat(transport.requests("ACK")).as("the ACK for a 2xx is the TU's (end to end)").isZero();

        eventually(() -> tx.state() == TransactionState.TERMINATED); // Timer M
        reply(answer(invite, 200, "fork-1"));
        assertThat(user.strays).extracting(SipResponse::status).containsExactly(200);
        assertThat(layer.activeTransactions()).isZero();
    }

    // ---- non-INVITE client transaction ----

    @Test
    void nonInviteClientRetransmitsUntilTimerF() {
        ClientTransaction tx = send(outgoing("MESSAGE", "z9hG4bKcE1", "UDP"));
        assertThat(tx.state()).isEqualTo(TransactionState.TRYING);

        eventually(() -> listener.timeouts.get() == 1);

        // Timer E: T1, 2*T1, 4*T1, then T2, until Timer F = 64*T1
        assertThat(transport.requests("MESSAGE")).isEqualTo(transmissionsBefore64T1(T2_MS)).isEqualTo(11);
        eventually(() -> listener.terminated.get() == 1);
        assertThat(listener.events).containsExactly("timeout", "terminated");
        assertThat(layer.activeTransactions()).isZero();
    }

    @Test
    void nonInviteClientKeepsRetransmittingInProceedingUntilTheFinalResponse_17_1_2_2() {
        SipRequest message = outgoing("MESSAGE", "z9hG4bKcE2", "UDP");
        ClientTransaction tx = send(message);
        reply(answer(message, 100));
        int atProvisional = transport.requests("MESSAGE");
        assertThat(tx.state()).isEqualTo(TransactionState.PROCEEDING);

        eventually(() -> transport.requests("MESSAGE") > atProvisional);
        reply(answer(message, 202));
        int atFinal = transport.requests("MESSAGE");
        assertThat(atFinal).isLessThanOrEqualTo(transmissionsBefore64T1(T2_MS));

        reply(answer(message, 202)); // retransmitted final: absorbed (Completed)
        eventually(() -> tx.state() == TransactionState.TERMINATED); // Timer K
        assertThat(transport.requests("MESSAGE")).isEqualTo(atFinal);
        assertThat(listener.events).containsExactly("response 100", "response 202", "terminated");
    }

    @Test
    void noRetransmissionOverReliableTransport() {
        Flow tcp = new Flow(Transport.TCP, FakeTransport.LOCAL, new InetSocketAddress("192.0.2.20", 40002), 42);
        RecordingListener inviteListener = new RecordingListener();
        RecordingListener messageListener = new RecordingListener();
        layer.sendRequest(outgoing("INVITE", "z9hG4bKcT1", "TCP"), tcp, inviteListener);
        layer.sendRequest(outgoing("MESSAGE", "z9hG4bKcT2", "TCP"), Transport.TCP, CALLEE, messageListener);

        eventually(() -> inviteListener.timeouts.get() == 1 && messageListener.timeouts.get() == 1); // B and F still run
        assertThat(transport.requests("INVITE")).isEqualTo(1);
        assertThat(transport.requests("MESSAGE")).isEqualTo(1);
        assertThat(transport.sentRequests("INVITE").get(0).flow()).isEqualTo(tcp);
    }

    @Test
    void overReliableTransportTimersDAndKAreZero() {
        Flow tcp = new Flow(Transport.TCP, FakeTransport.LOCAL, new InetSocketAddress("192.0.2.20", 40002), 42);
        SipRequest invite = outgoing("INVITE", "z9hG4bKcT3", "TCP");
        SipRequest message = outgoing("MESSAGE", "z9hG4bKcT4", "TCP");
        ClientTransaction inviteTx = layer.sendRequest(invite, tcp, listener);
        ClientTransaction messageTx = layer.sendRequest(message, tcp, new RecordingListener());

        layer.onMessage(answer(invite, 503), tcp);
        layer.onMessage(answer(message, 200), tcp);

        assertThat(inviteTx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(messageTx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(transport.sentRequests("ACK")).singleElement().extracting(FakeTransport.Sent::flow).isEqualTo(tcp);
        assertThat(layer.activeTransactions()).isZero();
    }

    // ---- transport errors ----

    @Test
    void transportErrorIsReportedToTheTransactionUser_17_1_4() {
        transport.failWhen(m -> true);
        ClientTransaction tx = send(outgoing("INVITE", "z9hG4bKcX1", "UDP"));

        eventually(() -> listener.terminated.get() == 1);
        assertThat(listener.transportErrors).singleElement().isInstanceOf(TransportException.class);
        assertThat(listener.events).containsExactly("transport-error", "terminated");
        assertThat(listener.callbackThreads).as("not called back from inside sendRequest").doesNotContain(Thread.currentThread());
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
        assertThat(layer.activeTransactions()).isZero();
        assertThat(listener.timeouts.get()).isZero();
    }

    @Test
    void failedRetransmissionIsATransportErrorToo_17_1_4() {
        transport.failWhen(m -> transport.requests("OPTIONS") >= 3);
        send(outgoing("OPTIONS", "z9hG4bKcX2", "UDP"));

        eventually(() -> listener.terminated.get() == 1);
        assertThat(listener.events).containsExactly("transport-error", "terminated");
        assertThat(transport.requests("OPTIONS")).isEqualTo(3);
    }

    @Test
    void asynchronousSendFailureIsReported_17_1_4() throws Exception {
        transport.deferWhen(m -> true);
        send(outgoing("INVITE", "z9hG4bKcX3", "TCP"));
        CompletableFuture<Flow> pending = transport.deferred.get(0);

        Thread eventLoop = new Thread(() -> pending.completeExceptionally(new TransportException("reset (test)")), "fake-event-loop");
        eventLoop.start();
        eventLoop.join();

        eventually(() -> listener.terminated.get() == 1);
        assertThat(listener.events).containsExactly("transport-error", "terminated");
        assertThat(listener.callbackThreads).as("failures are handled on the scheduler's thread")
                .allMatch(t -> t.getName().equals("test-transaction-timer"));
    }

    @Test
    void closedConnectionEndsPendingClientTransactionsWithATransportError_17_1_4() {
        Flow tcp = new Flow(Transport.TCP, FakeTransport.LOCAL, new InetSocketAddress("192.0.2.20", 40002), 42);
        SipRequest invite = outgoing("INVITE", "z9hG4bKcX4", "TCP");
        layer.sendRequest(invite, tcp, listener);
        layer.onMessage(answer(invite, 180), tcp);
        RecordingListener other = new RecordingListener();
        layer.sendRequest(outgoing("INVITE", "z9hG4bKcX5", "TCP"), Transport.TCP, CALLEE, other);

        layer.onFlowClosed(tcp);

        assertThat(listener.events).containsExactly("response 180", "transport-error", "terminated");
        assertThat(other.events).as("a transaction on another connection is unaffected").isEmpty();
    }

    // ---- matching and stray responses ----

    @Test
    void responsesMatchByBranchAndCSeqMethod_17_1_3() {
        SipRequest invite = outgoing("INVITE", "z9hG4bKcM1", "UDP");
        ClientTransaction inviteTx = send(invite);
        reply(answer(invite, 180));
        RecordingListener cancelListener = new RecordingListener();
        SipRequest cancel = inviteTx.createCancel(null);
        layer.sendRequest(cancel, Transport.UDP, CALLEE, cancelListener);

        reply(answer(cancel, 200));
        reply(answer(invite, 487));

        assertThat(cancelListener.responses).extracting(SipResponse::status).containsExactly(200);
        assertThat(listener.responses).extracting(SipResponse::status).containsExactly(180, 487);

        SipResponse otherBranch = answer(outgoing("INVITE", "z9hG4bKsomeoneElse", "UDP"), 200);
        reply(otherBranch);
        assertThat(user.strays).containsExactly(otherBranch);
    }

    @Test
    void theLayerNeverRemovesOurVia() {
        SipRequest message = outgoing("MESSAGE", "z9hG4bKcM2", "UDP");
        send(message);
        SipResponse ok = answer(message, 200);
        reply(ok);
        assertThat(listener.responses.get(0).vias()).hasSize(2);
        assertThat(listener.responses.get(0).topVia().branch()).isEqualTo("z9hG4bKcM2");
    }

    // ---- CANCEL (§9.1) and Timer C (§16.8) ----

    @Test
    void cancelWaitsForAProvisionalResponse_9_1() {
        SipRequest invite = outgoing("INVITE", "z9hG4bKcC1", "UDP");
        ClientTransaction tx = send(invite);

        assertThat(tx.cancel("SIP;cause=200;text=\"Call completed elsewhere\"")).isTrue();
        assertThat(tx.cancel()).as("idempotent").isFalse();
        assertThat(transport.requests("CANCEL")).as("no CANCEL before a provisional response").isZero();

        reply(answer(invite, 180));

        assertThat(transport.requests("CANCEL")).isEqualTo(1);
        FakeTransport.Sent sent = transport.sentRequests("CANCEL").get(0);
        assertThat(sent.destination()).isEqualTo(CALLEE);
        SipRequest cancel = sent.request();
        assertThat(cancel.requestUri()).isEqualTo(invite.requestUri());
        assertThat(cancel.headerValues("Via")).containsExactly(invite.headerValues("Via").get(0));
        assertThat(cancel.headerValues("Route")).isEqualTo(invite.headerValues("Route"));
        assertThat(cancel.header("From")).isEqualTo(invite.header("From"));
        assertThat(cancel.header("To")).isEqualTo(invite.header("To"));
        assertThat(cancel.callId()).isEqualTo(invite.callId());
        assertThat(cancel.cseq().number()).isEqualTo(invite.cseq().number());
        assertThat(cancel.cseq().method()).isEqualTo("CANCEL");
        assertThat(cancel.header("Reason")).isEqualTo("SIP;cause=200;text=\"Call completed elsewhere\"");

        reply(answer(cancel, 200));
        reply(answer(invite, 487));
        assertThat(listener.events).containsExactly("response 180", "response 487");
        assertThat(transport.requests("ACK")).isEqualTo(1);
    }

    @Test
    void noCancelIsSentWhenTheFinalResponseComesFirst_9_1() {
        SipRequest invite = outgoing("INVITE", "z9hG4bKcC2", "UDP");
        ClientTransaction tx = send(invite);
        tx.cancel();
        reply(answer(invite, 486));
        reply(answer(invite, 180));

        assertThat(transport.requests("CANCEL")).isZero();
        assertThat(tx.cancel()).isFalse();
        assertThat(send(outgoing("MESSAGE", "z9hG4bKcC3", "UDP")).cancel()).as("only INVITEs are cancelled").isFalse();
    }

    @Test
    void cancelledInviteWithoutFinalResponseTimesOut_9_1() {
        Flow tcp = new Flow(Transport.TCP, FakeTransport.LOCAL, new InetSocketAddress("192.0.2.20", 40002), 42);
        SipRequest invite = outgoing("INVITE", "z9hG4bKcC4", "TCP");
        ClientTransaction tx = layer.sendRequest(invite, tcp, listener);
        layer.onMessage(answer(invite, 180), tcp);
        tx.cancel();
        assertThat(transport.sentRequests("CANCEL")).singleElement().extracting(FakeTransport.Sent::flow).isEqualTo(tcp);

        eventually(() -> listener.terminated.get() == 1); // 64*T1 after the CANCEL
        assertThat(listener.events).containsExactly("response 180", "timeout", "terminated");
    }

    @Test
    void aCancelSentByTheTuThroughTheLayerAlsoStartsThe64T1Guard_9_1() {
        SipRequest invite = outgoing("INVITE", "z9hG4bKcC5", "TCP");
        ClientTransaction tx = layer.sendRequest(invite, Transport.TCP, CALLEE, listener);
        reply(answer(invite, 100));
        layer.sendRequest(tx.createCancel(null), tx.flow(), new RecordingListener());

        assertThat(tx.isCancelRequested()).isTrue();
        eventually(() -> listener.timeouts.get() == 1);
    }

    @Test
    void timerCCancelsAnInviteThatGetsNoFinalResponse_16_8() {
        layer.close();
        layer = newLayer(TIMERS.withTimerC(Duration.ofMillis(300)), false);
        SipRequest invite = outgoing("INVITE", "z9hG4bKcC6", "TCP");
        ClientTransaction tx = layer.sendRequest(invite, Transport.TCP, CALLEE, listener);
        reply(answer(invite, 180));

        eventually(() -> transport.requests("CANCEL") == 1); // the default onTimerC cancels
        assertThat(listener.timerC.get()).isEqualTo(1);
        reply(answer(invite, 487));
        assertThat(listener.events).containsExactly("response 180", "timer-c", "response 487", "terminated");
        assertThat(tx.state()).isEqualTo(TransactionState.TERMINATED);
    }

    @Test
    void timerCStopsWithTheFinalResponse_16_7() {
        layer.close();
        layer = newLayer(TIMERS.withTimerC(Duration.ofMillis(100)), false);
        SipRequest invite = outgoing("INVITE", "z9hG4bKcC7", "UDP");
        ClientTransaction tx = send(invite);
        reply(answer(invite, 180));
        reply(answer(invite, 200));

        waiting().during(Duration.ofMillis(300)).until(() -> listener.timerC.get() == 0);
        assertThat(transport.requests("CANCEL")).isZero();
        assertThat(tx.state()).isEqualTo(TransactionState.ACCEPTED);
    }

    // ---- API ----

    @Test
    void flowIsKnownOnceTheTransportReportsIt() {
        ClientTransaction tx = layer.sendRequest(outgoing("INVITE", "z9hG4bKcF1", "TCP"), Transport.TCP, CALLEE, listener);
        assertThat(tx.flow().transport()).isEqualTo(Transport.TCP);
        assertThat(tx.flow().remote()).isEqualTo(CALLEE);
        assertThat(tx.flow().connectionId()).as("the connection the fake transport opened").isGreaterThan(100);
        assertThat(tx.branch()).isEqualTo("z9hG4bKcF1");
        assertThat(tx.isInvite()).isTrue();
        assertThat(tx.destination()).isEqualTo(CALLEE);
    }

    @Test
    void sendRequestRejectsWhatIsNotAClientTransaction() {
        assertThatThrownBy(() -> send(outgoing("ACK", "z9hG4bKcR1", "UDP"))).isInstanceOf(IllegalArgumentException.class);
        SipRequest noCookie = outgoing("INVITE", "z9hG4bKcR2", "UDP");
        noCookie.setHeader("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=rfc2543style");
        assertThatThrownBy(() -> send(noCookie)).isInstanceOf(IllegalArgumentException.class);

        send(outgoing("INVITE", "z9hG4bKcR3", "UDP"));
        assertThatThrownBy(() -> send(outgoing("INVITE", "z9hG4bKcR3", "UDP")))
                .as("branch in use").isInstanceOf(IllegalStateException.class);
        layer.close();
        assertThatThrownBy(() -> send(outgoing("INVITE", "z9hG4bKcR4", "UDP"))).isInstanceOf(IllegalStateException.class);
        assertThat(transport.requests("ACK")).isZero();
    }
}
