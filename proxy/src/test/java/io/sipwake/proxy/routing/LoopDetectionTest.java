package io.sipwake.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.parser.SipParser;
import io.sipwake.sip.transport.ListeningPoint;
import io.sipwake.sip.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 3261 §16.3 step 4 and §16.6 step 8: loops are told from spirals by a hash in our branch. */
class LoopDetectionTest {
    private static final LocalAddresses US = new LocalAddresses(List.of(new ListeningPoint(Transport.UDP, "127.0.0.1", 5060)), Set.of());

    private static SipRequest request(String ruri, String extraVia) throws Exception {
        String text = "MESSAGE " + ruri + " SIP/2.0\r\n"
                + extraVia
                + "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKorigin\r\n"
                + "Max-Forwards: 60\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\n"
                + "Call-ID: loop@x\r\nCSeq: 7 MESSAGE\r\nContent-Length: 0\r\n\r\n";
        return (SipRequest) new SipParser().parse(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void theSameRequestComingBackThroughOurViaIsALoop() throws Exception {
        SipRequest first = request("sip:bob@example.com", "");
        String branch = LoopDetection.branch(first);
        SipRequest back = request("sip:bob@example.com", "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=" + branch + "\r\n");
        assertThat(LoopDetection.isLoop(back, US)).isTrue();
    }

    @Test
    void aRequestComingBackWithAnotherRequestUriIsASpiral() throws Exception {
        SipRequest first = request("sip:bob@example.com", "");
        String branch = LoopDetection.branch(first);
        SipRequest spiral = request("sip:bob@192.0.2.44", "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=" + branch + "\r\n");
        assertThat(LoopDetection.isLoop(spiral, US)).isFalse();
    }

    @Test
    void branchesAreUniquePerForwardEvenForTheSameRequest() throws Exception {
        SipRequest r = request("sip:bob@example.com", "");
        assertThat(LoopDetection.branch(r)).isNotEqualTo(LoopDetection.branch(r)).startsWith("z9hG4bK");
    }

    @Test
    void anotherServersViaIsNeverALoop() throws Exception {
        SipRequest first = request("sip:bob@example.com", "");
        SipRequest other = request("sip:bob@example.com", "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=" + LoopDetection.branch(first) + "\r\n");
        assertThat(LoopDetection.isLoop(other, US)).isFalse();
        assertThat(US.isLocal(SipUri.parse("sip:127.0.0.1"))).isTrue();
    }
}
