package io.sipwake.sip.parser;

import static io.sipwake.sip.testing.SipText.latin1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.testing.JainSipOracle;
import io.sipwake.sip.testing.SipText;
import io.sipwake.sip.testing.TortureCorpus;
import io.sipwake.sip.testing.TortureCorpus.Category;
import io.sipwake.sip.testing.TortureCorpus.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** NIST JAIN-SIP, an independent parser, accepts what sipwake writes. */
class JainSipOracleTest {
    private final SipParser parser = new SipParser();

    static Stream<Entry> validAndApplication() {
        return TortureCorpus.entries().stream()
                .filter(e -> e.category() == Category.VALID || e.category() == Category.APPLICATION);
    }

    private SipMessage parseOrNull(byte[] data) {
        try {
            return parser.parse(data);
        } catch (SipParseException e) {
            return null;
        }
    }

    @Test
    void oracleRejectsWhatJainSipRejects() {
        assertThatThrownBy(() -> JainSipOracle.assertAccepts(latin1("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                + "To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Call-ID");
        assertThat(JainSipOracle.accepts(latin1("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                + "To: \"open <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"))).isFalse();
        assertThat(JainSipOracle.accepts(SipText.invite())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validAndApplication")
    void everyValidTortureMessageSerialisedBySipwakeIsAcceptedByJainSip(Entry e) {
        SipMessage m = parseOrNull(e.bytes());
        if (m == null) {
            // insuf, multi01, mcl01: refused by the parser, see TortureTest
            assertThat(e.category()).isEqualTo(Category.APPLICATION);
            return;
        }
        JainSipOracle.assertAccepts(m.toBytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validAndApplication")
    void responsesBuiltForEveryParsedTortureRequestAreAcceptedByJainSip(Entry e) {
        SipMessage m = parseOrNull(e.bytes());
        if (!(m instanceof SipRequest request)) return;
        for (int status : new int[] {100, 180, 200, 400, 404, 416, 420, 483, 503}) {
            SipResponse r = request.createResponse(status, null, "jain" + status);
            JainSipOracle.assertAccepts(r.toBytes());
        }
    }

    @Test
    void answersToRefusedTortureRequestsAreAcceptedByJainSipUnlessTheyEchoAMalformedHeader() {
        // RFC 3261 §8.2.6.2 copies From, To, Call-ID and CSeq as received; where the request's own
        // header is malformed (badinv01 Via, quotbal To, ...), so is the copy, and where it is missing (insuf), so it is in the answer:
        // JAIN-SIP may refuse those answers (it is lenient with the display names of badaspec and baddn).
        Set<String> echoMalformed = Set.of("quotbal", "badaspec", "baddn", "scalar02", "insuf", "badinv01");
        List<String> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Entry e : TortureCorpus.entries()) {
            byte[] data = e.bytes();
            SipParseException x;
            try {
                parser.parse(data);
                continue;
            } catch (SipParseException refusal) {
                x = refusal;
            }
            if (!x.isAnswerable()) continue;
            byte[] answer = x.partialRequest().createResponse(x.status(), x.getMessage(), "t").toBytes();
            (JainSipOracle.accepts(answer) ? accepted : refused).add(e.name());
            if (!echoMalformed.contains(e.name())) JainSipOracle.assertAccepts(answer);
        }
        assertThat(refused).isSubsetOf(echoMalformed).contains("quotbal", "scalar02", "insuf");
        assertThat(accepted).contains("clerr", "ncl", "badvers", "mismatch01", "ipv6-bad", "badbranch", "multi01", "mcl01");
    }

    @Test
    void messagesBuiltAndChangedInCodeAreAcceptedByJainSip() throws Exception {
        SipRequest invite = (SipRequest) parser.parse(SipText.invite());
        SipRequest forwarded = invite.copy();
        forwarded.addHeaderFirst("Via", "SIP/2.0/TCP proxy.example.com:5060;branch=z9hG4bK-proxy-1;rport");
        forwarded.setHeader("Max-Forwards", String.valueOf(invite.maxForwards() - 1));
        forwarded.addHeaderFirst("Record-Route", "<sip:proxy.example.com;transport=tcp;lr>");
        JainSipOracle.assertAccepts(forwarded.toBytes());

        SipRequest register = (SipRequest) parser.parse(SipText.register());
        register.setHeader("Contact", "<sip:bob@192.0.2.10:5060;transport=tcp;pn-provider=apns;pn-prid=00fc13adff78512;"
                + "pn-param=ABCD1234.com.example.voip>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";reg-id=1;expires=600");
        JainSipOracle.assertAccepts(register.toBytes());
        SipResponse ok = register.createResponse(200, null, "reg1");
        ok.addHeader("Contact", register.header("Contact"));
        JainSipOracle.assertAccepts(ok.toBytes());
    }
}
