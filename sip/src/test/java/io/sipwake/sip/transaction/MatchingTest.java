package io.sipwake.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.Via;
import org.junit.jupiter.api.Test;

/** Request matching: RFC 3261 §17.2.3 (RFC 3261 and RFC 2543 rules) and §9.2 (CANCEL to INVITE). */
class MatchingTest extends TransactionTestSupport {

    /** RFC 4475 §3.4.1 "inv2543", byte for byte as in ../shared/torture/inv2543.dat: no branch, no From tag. */
    private static final String INV2543 = "INVITE sip:UserB@example.com SIP/2.0\n"
            + "Via: SIP/2.0/UDP iftgw.example.com\n"
            + "From: <sip:+13035551111@ift.client.example.net;user=phone>\n"
            + "Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>\n"
            + "To: sip:+16505552222@ss1.example.net;user=phone\n"
            + "Call-ID: inv2543.1717@ift.client.example.com\n"
            + "CSeq: 56 INVITE\n"
            + "Content-Type: application/sdp\n"
            + "\n"
            + "v=0\n"
            + "o=mhandley 29739 7272939 IN IP4 192.0.2.5\n"
            + "s=-\n"
            + "c=IN IP4 192.0.2.5\n"
            + "t=0 0\n"
            + "m=audio 49217 RTP/AVP 0\n";

    /** Parses and adds the {@code received} the transport would (§18.2.1): iftgw.example.com is not the source address. */
    private static SipRequest received(String text) {
        SipRequest r = (SipRequest) parse(text);
        Via top = r.topVia();
        r.setHeader("Via", top.withParam("received", "192.0.2.10").toString());
        return r;
    }

    private static SipRequest legacy(String method, long cseq, String toTag) {
        return received(method + " sip:UserB@example.com SIP/2.0\n"
                + "Via: SIP/2.0/UDP iftgw.example.com\n"
                + "From: <sip:+13035551111@ift.client.example.net;user=phone>\n"
                + "To: sip:+16505552222@ss1.example.net;user=phone" + (toTag == null ? "" : ";tag=" + toTag) + "\n"
                + "Call-ID: inv2543.1717@ift.client.example.com\n"
                + "CSeq: " + cseq + " " + method + "\n\n");
    }

    private void receive(SipMessage m) {
        layer.onMessage(m, UDP_FROM_CALLER);
    }

    @Test
    void rfc2543RequestsMatchWithoutMagicCookie() {
        receive(received(INV2543));
        assertThat(user.requests).hasSize(1);
        ServerTransaction invite = user.requests.get(0);
        assertThat(invite.isRfc2543()).isTrue();
        assertThat(invite.request().body()).hasSizeGreaterThan(0);

        receive(received(INV2543)); // retransmission: Request-URI, tags, Call-ID, CSeq and top Via all equal
        assertThat(user.requests).hasSize(1);
        SipResponse ringing = invite.request().createResponse(180, null, "b-tag");
        invite.sendResponse(ringing);
        receive(received(INV2543));
        assertThat(transport.responses(180)).as("the provisional is replayed").isEqualTo(2);

        // CANCEL: a transaction of its own that finds the INVITE (§9.2)
        SipRequest cancel = legacy("CANCEL", 56, null);
        receive(cancel);
        assertThat(user.requests).hasSize(2);
        ServerTransaction cancelTx = user.requests.get(1);
        assertThat(cancelTx.method()).isEqualTo("CANCEL");
        assertThat(cancelTx.isRfc2543()).isTrue();
        assertThat(layer.findInviteServerTransaction(cancel)).isSameAs(invite);
        cancelTx.sendResponse(cancel.createResponse(200, null, "b-tag"));
        receive(legacy("CANCEL", 56, null));
        assertThat(transport.responses(200)).as("the CANCEL retransmission gets the 200 again").isEqualTo(2);
        assertThat(user.requests).hasSize(2);

        // the 487 is acknowledged with an ACK matched by the To tag of the 487 (§17.2.3)
        SipResponse terminated = invite.request().createResponse(487, null, "b-tag");
        invite.sendResponse(terminated);
        receive(legacy("ACK", 56, "another-tag"));
        assertThat(user.acks).as("an ACK with another To tag is not ours").hasSize(1);
        assertThat(invite.state()).isEqualTo(TransactionState.COMPLETED);
        receive(legacy("ACK", 56, "b-tag"));
        assertThat(invite.state()).isEqualTo(TransactionState.CONFIRMED);
        assertThat(user.acks).hasSize(1);

        receive(legacy("INVITE", 57, null)); // a new CSeq is a new transaction
        assertThat(user.requests).hasSize(3);
        assertThat(layer.activeServerTransactions()).isEqualTo(3);
    }

    @Test
    void rfc2543AckFor2xxIsPassedToTheTuWhileAccepted_RFC6026() {
        receive(received(INV2543));
        ServerTransaction invite = user.requests.get(0);
        invite.sendResponse(invite.request().createResponse(200, null, "b-tag"));

        receive(legacy("ACK", 56, "b-tag"));

        assertThat(user.acks).hasSize(1);
        assertThat(invite.state()).isEqualTo(TransactionState.ACCEPTED);
    }

    @Test
    void rfc2543TransactionsAreForgottenWhenTheyEnd() {
        receive(legacy("OPTIONS", 1, null));
        receive(legacy("OPTIONS", 2, null));
        assertThat(layer.activeServerTransactions()).isEqualTo(2);
        for (ServerTransaction tx : user.requests) tx.sendResponse(tx.request().createResponse(200, null, "t"));

        eventually(() -> layer.activeTransactions() == 0); // Timer J
        receive(legacy("OPTIONS", 1, null));
        assertThat(user.requests).as("after Timer J the same request is new").hasSize(3);
    }

    @Test
    void cancelMatchesItsInviteTransaction_9_2() {
        SipRequest inviteRequest = incoming("INVITE", "z9hG4bKm1");
        receive(inviteRequest);
        ServerTransaction invite = user.requests.get(0);

        SipRequest cancel = incoming("CANCEL", "z9hG4bKm1");
        receive(cancel);

        assertThat(user.requests).hasSize(2);
        ServerTransaction cancelTx = user.requests.get(1);
        assertThat(cancelTx).as("CANCEL is a transaction of its own (§17.2.3)").isNotSameAs(invite);
        assertThat(cancelTx.method()).isEqualTo("CANCEL");
        assertThat(layer.findInviteServerTransaction(cancel)).isSameAs(invite);
        assertThat(invite.state()).as("the CANCEL does not touch the INVITE's state machine").isEqualTo(TransactionState.PROCEEDING);

        assertThat(layer.findInviteServerTransaction(incoming("CANCEL", "z9hG4bKm1", "UDP", "192.0.2.99:5060", 1, null)))
                .as("another sent-by").isNull();
        assertThat(layer.findInviteServerTransaction(incoming("CANCEL", "z9hG4bKother"))).isNull();

        cancelTx.sendResponse(answer(cancel, 200));
        receive(incoming("CANCEL", "z9hG4bKm1"));
        assertThat(transport.responses(200)).isEqualTo(2);
        assertThat(user.requests).hasSize(2);

        invite.sendResponse(answer(inviteRequest, 487));
        SipResponse sent487 = transport.sent.get(transport.sent.size() - 1).response();
        receive(ackFor(inviteRequest, sent487));
        assertThat(invite.state()).isEqualTo(TransactionState.CONFIRMED);
        eventually(() -> invite.state() == TransactionState.TERMINATED);
        assertThat(layer.findInviteServerTransaction(cancel)).as("no longer once terminated").isNull();
    }

    @Test
    void sameBranchFromAnotherSentByOrWithAnotherMethodIsAnotherTransaction_17_2_3() {
        receive(incoming("INVITE", "z9hG4bKs1", "UDP", "192.0.2.10:5060", 1, null));
        receive(incoming("INVITE", "z9hG4bKs1", "UDP", "192.0.2.11:5060", 1, null));
        receive(incoming("OPTIONS", "z9hG4bKs1", "UDP", "192.0.2.10:5060", 1, null));
        receive(incoming("INVITE", "z9hG4bKs1", "UDP", "192.0.2.10:5060", 1, null)); // retransmission

        assertThat(user.requests).extracting(ServerTransaction::method).containsExactly("INVITE", "INVITE", "OPTIONS");
        assertThat(layer.activeServerTransactions()).isEqualTo(3);

        receive(incoming("ACK", "z9hG4bKs1", "UDP", "192.0.2.12:5060", 1, "t"));
        assertThat(user.acks).as("an ACK from another sent-by matches nothing").hasSize(1);
    }

    @Test
    void branchComparisonIsCaseSensitiveAndSentByHostIsNot_17_2_3() {
        receive(incoming("OPTIONS", "z9hG4bKCase", "UDP", "Host.Example.COM:5060", 1, null));
        receive(incoming("OPTIONS", "z9hG4bKCase", "UDP", "host.example.com:5060", 1, null));
        receive(incoming("OPTIONS", "z9hG4bKcase", "UDP", "host.example.com:5060", 1, null));

        assertThat(user.requests).hasSize(2);
    }
}
