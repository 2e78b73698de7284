package io.sipwake.sip.parser;

import static io.sipwake.sip.testing.SipText.latin1;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.Header;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.testing.SipText;
import io.sipwake.sip.testing.TortureCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Serialising a parsed message and parsing it again gives the same message, with a correct Content-Length. */
class RoundTripTest {
    private final SipParser parser = new SipParser();

    static Stream<Named<byte[]>> messages() {
        List<Named<byte[]>> list = new ArrayList<>();
        list.add(Named.of("RFC 3261 INVITE", SipText.invite()));
        list.add(Named.of("REGISTER", SipText.register(
            "Supported: path, outbound",
            "Expires: 3600")));
        list.add(Named.of("compact and folded", SipText.bytes(
            "MESSAGE sip:bob@biloxi.com SIP/2.0",
            "v: SIP/2.0/TCP a.example.com;branch=z9hG4bK1,SIP/2.0/UDP b.example.com:5062;branch=z9hG4bK2;received=192.0.2.9",
            "f: \"A \\\"quoted\\\" name\" <sip:alice@atlanta.com>;tag=1",
            "t:",
            "  sip:bob@biloxi.com",
            "i: folded-1",
            "CSeq: 7 MESSAGE",
            "c: text/plain",
            "l: 3",
            "",
            "hey")));
        for (TortureCorpus.Entry e : TortureCorpus.entries()) {
            try {
                new SipParser().parse(e.bytes());
                list.add(Named.of("torture " + e.name(), e.bytes()));
            } catch (SipParseException refused) {
                // only messages that parse have a round trip
            }
        }
        return list.stream();
    }

    private static List<Header> withoutContentLength(List<Header> headers) {
        return headers.stream().filter(h -> !h.is(HeaderNames.CONTENT_LENGTH)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void parseSerialiseParseGivesTheSameStartLineHeadersAndBody(byte[] input) throws Exception {
        SipMessage first = parser.parse(input);
        byte[] out = first.toBytes();
        SipMessage second = parser.parse(out);

        assertThat(second.startLine()).isEqualTo(first.startLine());
        assertThat(withoutContentLength(second.headers())).isEqualTo(withoutContentLength(first.headers()));
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headerValues("Content-Length")).containsExactly(String.valueOf(first.body().length));
        assertThat(second.toBytes()).as("serialisation is a fixed point").isEqualTo(out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void serialisedMessageFramesAsExactlyOneStreamMessage(byte[] input) throws Exception {
        byte[] out = parser.parse(input).toBytes();
        assertThat(new StreamFramer(ParseLimits.DEFAULT).frame(out, 0, out.length)).isEqualTo(new StreamFramer.Frame.Message(out.length));
        assertThat(parser.parseFramed(out, 0, out.length).toBytes()).isEqualTo(out);
    }

    @Test
    void datagramBodyWithoutContentLengthGetsOneOnSerialisation_rfc4475inv2543() throws Exception {
        SipMessage m = parser.parse(TortureCorpus.bytes("inv2543"));
        String text = SipText.latin1(m.toBytes());
        assertThat(text).contains("\r\nContent-Length: " + m.body().length + "\r\n\r\nv=0\r\n");
    }

    @Test
    void trailingDatagramOctetsBeyondContentLengthAreNotSerialised_rfc4475dblreq() throws Exception {
        SipMessage m = parser.parse(TortureCorpus.bytes("dblreq"));
        assertThat(SipText.latin1(m.toBytes())).endsWith("Content-Length: 0\r\n\r\n").doesNotContain("INVITE");
    }

    @Test
    void compactNamesAreWrittenInFullAndFoldedValuesOnOneLine() throws Exception {
        SipMessage m = parser.parse(SipText.bytes(
            "OPTIONS sip:a@b SIP/2.0",
            "v: SIP/2.0/UDP h;branch=z9hG4bK1",
            "t: <sip:a@b>",
            "f: <sip:c@d>;tag=1",
            "i: x",
            "CSeq: 1",
            "  OPTIONS",
            "l: 0",
            ""));
        assertThat(SipText.latin1(m.toBytes())).isEqualTo(SipText.lines(
            "OPTIONS sip:a@b SIP/2.0",
            "Via: SIP/2.0/UDP h;branch=z9hG4bK1",
            "To: <sip:a@b>",
            "From: <sip:c@d>;tag=1",
            "Call-ID: x",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
            ""));
    }

    @Test
    void changedBodyIsFramedByItsNewLength() throws Exception {
        SipRequest m = (SipRequest) parser.parse(SipText.invite());
        m.setBody(latin1("v=0\r\n"), "application/sdp");
        SipMessage again = parser.parse(m.toBytes());
        assertThat(again.body()).isEqualTo(latin1("v=0\r\n"));
        assertThat(again.header("Content-Length")).isEqualTo("5");
    }

    @Test
    void responsesBuiltByCreateResponseParseBack() throws Exception {
        SipRequest invite = (SipRequest) parser.parse(SipText.invite());
        for (int status : new int[] {100, 180, 200, 302, 404, 487, 503, 603}) {
            byte[] bytes = invite.createResponse(status, null, "8321234356").toBytes();
            SipMessage r = parser.parse(bytes);
            assertThat(r.startLine()).startsWith("SIP/2.0 " + status + " ");
            assertThat(r.callId()).isEqualTo(invite.callId());
            assertThat(r.to().tag()).isEqualTo(status == 100 ? null : "8321234356");
        }
    }
}
