package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SipRequest#createResponse} follows RFC 3261 §8.2.6.2; {@link SipResponse} basics. */
class CreateResponseTest {

    private static SipRequest invite(String to) {
        List<Header> h = new ArrayList<>();
        h.add(new Header("Via", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1, SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;received=192.0.2.1"));
        h.add(new Header("Via", "SIP/2.0/TCP third.example.com;branch=z9hG4bK3"));
        h.add(new Header("Max-Forwards", "70"));
        h.add(new Header("To", to));
        h.add(new Header("From", "Alice <sip:alice@atlanta.com>;tag=1928301774"));
        h.add(new Header("Call-ID", "a84b4c76e66710@pc33.atlanta.com"));
        h.add(new Header("CSeq", "314159 INVITE"));
        h.add(new Header("Contact", "<sip:alice@pc33.atlanta.com>"));
        h.add(new Header("Record-Route", "<sip:proxy.example.com;lr>"));
        h.add(new Header("Content-Type", "application/sdp"));
        SipRequest r = new SipRequest("INVITE", SipUri.parse("sip:bob@biloxi.com"), h);
        r.setBody(new byte[] {'v', '=', '0'});
        return r;
    }

    @Test
    void copiesViaFromCallIdCSeqAndToInOrderAndNothingElse() {
        SipResponse r = invite("Bob <sip:bob@biloxi.com>").createResponse(180, null, "a6c85cf");
        assertThat(r.headers()).extracting(Header::name).containsExactly("Via", "Via", "To", "From", "Call-ID", "CSeq");
        assertThat(r.headerValues("Via")).hasSize(3);
        assertThat(r.vias().get(1).received()).isEqualTo("192.0.2.1");
        assertThat(r.header("From")).isEqualTo("Alice <sip:alice@atlanta.com>;tag=1928301774");
        assertThat(r.callId()).isEqualTo("a84b4c76e66710@pc33.atlanta.com");
        assertThat(r.cseq()).isEqualTo(new CSeq(314159, "INVITE"));
        assertThat(r.body()).isEmpty();
        assertThat(r.status()).isEqualTo(180);
        assertThat(r.reason()).isEqualTo("Ringing");
    }

    @Test
    void addsTheToTagWhenTheRequestHasNone() {
        SipResponse r = invite("Bob <sip:bob@biloxi.com>").createResponse(200, "OK", "a6c85cf");
        assertThat(r.to().tag()).isEqualTo("a6c85cf");
        assertThat(r.to().sipUri().user()).isEqualTo("bob");
    }

    @Test
    void keepsAnExistingToTag() {
        SipResponse r = invite("Bob <sip:bob@biloxi.com>;tag=existing").createResponse(200, "OK", "other");
        assertThat(r.to().tag()).isEqualTo("existing");
    }

    @Test
    void addsNoTagTo100TryingOrWhenNoTagIsGiven() {
        assertThat(invite("<sip:bob@biloxi.com>").createResponse(100, null, "t").to().tag()).isNull();
        assertThat(invite("<sip:bob@biloxi.com>").createResponse(486, null, null).to().tag()).isNull();
    }

    @Test
    void addsTheTagAsAHeaderParameterOfAnAddrSpec() {
        SipResponse r = invite("sip:bob@biloxi.com;unknownparam").createResponse(404, null, "x1");
        assertThat(r.to().tag()).isEqualTo("x1");
        assertThat(r.to().sipUri().params().isEmpty()).isTrue();
    }

    @Test
    void copiesAMalformedToAsWrittenSoAnErrorCanStillBeAnswered() {
        SipResponse r = invite("\"unterminated <sip:bob@biloxi.com>").createResponse(400, "Bad To", "t");
        assertThat(r.header("To")).startsWith("\"unterminated <sip:bob@biloxi.com>");
    }

    @Test
    void copiesOnlyTheFirstOfRepeatedSingletonHeaders_rfc4475multi01() {
        List<Header> h = new ArrayList<>();
        h.add(new Header("Via", "SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw"));
        h.add(new Header("CSeq", "5 INVITE"));
        h.add(new Header("Call-ID", "multi01.98asdh@192.0.2.1"));
        h.add(new Header("CSeq", "59 INVITE"));
        h.add(new Header("Call-ID", "multi01.98asdh@192.0.2.2"));
        h.add(new Header("From", "sip:caller@example.com;tag=3413415"));
        h.add(new Header("To", "sip:user@example.com"));
        h.add(new Header("To", "sip:other@example.net"));
        h.add(new Header("From", "sip:caller@example.net;tag=2923420123"));
        SipResponse r = new SipRequest("INVITE", SipUri.parse("sip:user@company.com"), h).createResponse(400, "Bad Request", "t");
        assertThat(r.headers()).extracting(Header::name).containsExactly("Via", "CSeq", "Call-ID", "From", "To");
        assertThat(r.callId()).isEqualTo("multi01.98asdh@192.0.2.1");
        assertThat(r.to().sipUri().user()).isEqualTo("user");
        assertThat(r.to().tag()).isEqualTo("t");
    }

    @Test
    void serialisedResponseHasStatusLineAndZeroContentLength() {
        SipResponse r = invite("<sip:bob@biloxi.com>").createResponse(403, null, "t");
        String text = r.toString();
        assertThat(text).startsWith("SIP/2.0 403 Forbidden\r\n").endsWith("Content-Length: 0\r\n\r\n");
        assertThat(r.startLine()).isEqualTo("SIP/2.0 403 Forbidden");
        assertThat(r.isRequest()).isFalse();
    }

    @Test
    void responseClassesFollowTheStatusCode() {
        SipResponse r = invite("<sip:a@b>").createResponse(183, null, "t");
        assertThat(r.isProvisional()).isTrue();
        assertThat(r.isFinal()).isFalse();
        SipResponse ok = r.withStatus(200, "OK");
        assertThat(ok.isSuccess()).isTrue();
        assertThat(ok.isFinal()).isTrue();
        assertThat(ok.headers()).isEqualTo(r.headers());
        assertThat(r.status()).isEqualTo(183);
        assertThat(ok.copy().toString()).isEqualTo(ok.toString());
    }

    @Test
    void defaultReasonPhrasesIncludeThoseAProxyAndRegistrarSend() {
        assertThat(SipResponse.defaultReason(416)).isEqualTo("Unsupported URI Scheme");
        assertThat(SipResponse.defaultReason(420)).isEqualTo("Bad Extension");
        assertThat(SipResponse.defaultReason(483)).isEqualTo("Too Many Hops");
        assertThat(SipResponse.defaultReason(505)).isEqualTo("Version Not Supported");
        assertThat(SipResponse.defaultReason(513)).isEqualTo("Message Too Large");
        assertThat(SipResponse.defaultReason(555)).isEqualTo("Push Notification Service Not Supported");
        assertThat(SipResponse.defaultReason(499)).isEqualTo("Client Error");
        assertThat(SipResponse.defaultReason(699)).isEqualTo("Global Failure");
    }
}
