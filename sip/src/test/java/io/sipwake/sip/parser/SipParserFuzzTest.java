package io.sipwake.sip.parser;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sipwake.sip.message.Header;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipSyntaxException;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.message.Uri;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.parser.StreamFramer.Frame;
import java.util.List;

/**
 * Jazzer fuzz tests of the parser. By default (regression mode, part of {@code mvn test}) each
 * runs once per checked-in input under {@code SipParserFuzzTestInputs/<method>/}: the RFC 4475 /
 * RFC 5118 torture messages, handcrafted tricky inputs and every crasher found so far. To fuzz:
 * {@code JAZZER_FUZZ=1 mvn -pl sip test -Dtest=SipParserFuzzTest#datagram -Djazzer.max_duration=300s}
 * (one method at a time). A finding is written to the inputs directory as {@code crash-<sha1>}:
 * rename it {@code found-<what>} and keep it, it is then a regression input. The corpus the fuzzer
 * grows is written to {@code sip/.cifuzz-corpus/}: a work directory, not to be committed.
 *
 * <p>Properties: nothing but {@link SipParseException} escapes; a refusal is a drop (status 0,
 * nothing to answer) or a 400/505/513 whose reason phrase is printable and which, when
 * answerable, gives a response carrying the request's Vias; an
 * accepted message survives toBytes and a second parse unchanged, and its typed views work.
 */
class SipParserFuzzTest {
    private static final SipParser PARSER = new SipParser();
    /** Small limits so that the fuzzer reaches the limit paths. */
    private static final ParseLimits SMALL_LIMITS = new ParseLimits(1024, 512, 16, 128);
    private static final SipParser SMALL = new SipParser(SMALL_LIMITS);
    /**
     * Re-parses what was serialised. Limits apply to what a peer sent, and the serialised form may
     * be a little longer (long header names for compact ones, folded lines joined, Content-Length
     * added), so the round trip is checked without them.
     */
    private static final SipParser UNLIMITED = new SipParser(new ParseLimits(1 << 24, 1 << 24, 1 << 20, 1 << 24));

    @FuzzTest(maxDuration = "10m")
    void datagram(byte[] data) {
        checkDatagram(PARSER, data);
        checkDatagram(SMALL, data);
    }

    @FuzzTest(maxDuration = "10m")
    void stream(byte[] data) {
        checkStream(new StreamFramer(ParseLimits.DEFAULT), PARSER, data);
        checkStream(new StreamFramer(SMALL_LIMITS), SMALL, data);
    }

    private static void checkDatagram(SipParser parser, byte[] data) {
        SipMessage m;
        try {
            m = parser.parseDatagram(data, 0, data.length);
        } catch (SipParseException e) {
            checkRefusal(e);
            return;
        }
        checkAccepted(m);
    }

    private static void checkStream(StreamFramer framer, SipParser parser, byte[] data) {
        int at = 0;
        while (at < data.length) {
            Frame f = framer.frame(data, at, data.length - at);
            if (f instanceof Frame.KeepAlive k) {
                assertThat(k.length()).isBetween(1, data.length - at);
                at += k.length();
            } else if (f instanceof Frame.Message msg) {
                int length = msg.length();
                assertThat(length).isBetween(1, data.length - at);
                // the frame does not depend on what follows it, and one octet less is not yet a frame
                assertThat(framer.frame(data, at, length)).isEqualTo(msg);
                assertThat(framer.frame(data, at, length - 1)).isInstanceOf(Frame.NeedMore.class);
                checkFramed(parser, data, at, length);
                at += length;
            } else {
                return; // NeedMore or Invalid: the connection waits or is closed
            }
        }
    }

    private static void checkFramed(SipParser parser, byte[] data, int offset, int length) {
        SipMessage framed = null;
        SipParseException framedError = null;
        try {
            framed = parser.parseFramed(data, offset, length);
        } catch (SipParseException e) {
            checkRefusal(e);
            framedError = e;
        }
        if (framed != null) checkAccepted(framed);
        // a framed message (it has its empty line) parses the same as the datagram of the same octets
        try {
            SipMessage datagram = parser.parseDatagram(data, offset, length);
            assertThat(framed).as("datagram parses, framed must too").isNotNull();
            assertThat(datagram.toBytes()).isEqualTo(framed.toBytes());
        } catch (SipParseException e) {
            assertThat(framedError).as("datagram refused (%s), framed must be too", e.getMessage()).isNotNull();
            assertThat(e.status()).isEqualTo(framedError.status());
        }
    }

    private static void checkRefusal(SipParseException e) {
        String reason = e.getMessage();
        assertThat(reason).as("a bug, not a grammar error").doesNotStartWith("unparseable message");
        assertThat(reason).isNotEmpty();
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            assertThat(c >= ' ' && c < 127).as("reason phrase %s must be printable ASCII", reason).isTrue();
        }
        assertThat(e.status()).isIn(0, 400, 505, 513);
        assertThat(e.status() == 0).as("a drop has nothing to answer").isEqualTo(e.partialRequest() == null);
        if (!e.isAnswerable()) return;
        SipRequest partial = e.partialRequest();
        SipResponse answer = partial.createResponse(e.status(), reason, "fuzz");
        byte[] bytes = answer.toBytes();
        assertThat(bytes).isNotEmpty();
        assertThat(viaLines(answer)).as("the answer goes back along the request's Vias").isNotEmpty().isEqualTo(viaLines(partial));
        assertThat(answer.status()).isEqualTo(e.status());
    }

    private static void checkAccepted(SipMessage m) {
        // the views the proxy and registrar use work on every accepted message
        List<Via> vias = m.vias();
        assertThat(vias).isNotEmpty();
        assertThat(m.topVia().toString()).isEqualTo(vias.get(0).toString());
        NameAddress from = m.from();
        NameAddress to = m.to();
        assertThat(m.cseq().number()).isBetween(0L, (1L << 31) - 1);
        assertThat(m.callId()).isNotEmpty();
        assertThat(m.maxForwards()).isBetween(-1, 255);
        for (NameAddress a : m.contacts()) checkUri(a.uri());
        checkUri(from.uri());
        checkUri(to.uri());
        for (Via v : vias) {
            v.rport();
            assertThat(Via.parse(v.toString()).toString()).isEqualTo(v.toString());
        }
        if (m instanceof SipRequest r) {
            checkUri(r.requestUri());
            for (NameAddress a : r.routes()) checkUri(a.uri());
            for (NameAddress a : r.recordRoutes()) checkUri(a.uri());
            r.expires();
            assertThat(r.cseq().method()).isEqualTo(r.method());
            JazzerCheck.answerable(r);
        }

        // parse -> toBytes -> parse gives the same message, and toBytes is then a fixed point
        byte[] out = m.toBytes();
        SipMessage again;
        try {
            again = UNLIMITED.parseDatagram(out, 0, out.length);
        } catch (SipParseException e) {
            throw new AssertionError("serialised message no longer parses: " + e.status() + " " + e.getMessage(), e);
        }
        assertThat(again.startLine()).isEqualTo(m.startLine());
        assertThat(withoutContentLength(again.headers())).isEqualTo(withoutContentLength(m.headers()));
        assertThat(again.body()).isEqualTo(m.body());
        assertThat(again.headerValues(HeaderNames.CONTENT_LENGTH)).containsExactly(String.valueOf(m.body().length));
        assertThat(again.toBytes()).isEqualTo(out);
    }

    private static void checkUri(Uri uri) {
        String text = uri.toString();
        Uri again = Uri.parse(text);
        assertThat(again.toString()).isEqualTo(text);
        if (uri instanceof SipUri s) {
            assertThat(s.equivalentTo(s)).isTrue();
            assertThat(s.equivalentTo((SipUri) again)).isTrue();
            s.toAddressOfRecord();
            s.userUnescaped();
            s.portOrDefault();
        }
    }

    private static List<String> viaLines(SipMessage m) {
        return m.headers().stream().filter(h -> h.is(HeaderNames.VIA)).map(Header::value).toList();
    }

    private static List<Header> withoutContentLength(List<Header> headers) {
        return headers.stream().filter(h -> !h.is(HeaderNames.CONTENT_LENGTH)).toList();
    }

    /** Any accepted request can be answered, and the answer parses back. */
    private static final class JazzerCheck {
        static void answerable(SipRequest r) {
            SipResponse resp = r.createResponse(200, null, "fz");
            byte[] bytes = resp.toBytes();
            try {
                SipMessage back = UNLIMITED.parse(bytes);
                assertThat(back.to().tag()).isEqualTo(r.to().tag() != null ? r.to().tag() : "fz");
            } catch (SipParseException | SipSyntaxException e) {
                throw new AssertionError("response to an accepted request does not parse: " + e.getMessage(), e);
            }
        }
    }
}
