package io.sipwake.sip.parser;

import static io.sipwake.sip.testing.SipText.latin1;
import static io.sipwake.sip.testing.SipText.lines;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.parser.StreamFramer.Frame;
import io.sipwake.sip.testing.SipText;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Framing SIP messages on a byte stream by the empty line and Content-Length (RFC 3261 §18.3; RFC 5626 §4.4.1 keep-alives). */
class StreamFramerTest {
    private final StreamFramer framer = new StreamFramer(ParseLimits.DEFAULT);
    private final SipParser parser = new SipParser();

    private static byte[] message(String callId, String body) {
        return latin1(lines(
            "MESSAGE sip:bob@biloxi.com SIP/2.0",
            "Via: SIP/2.0/TCP pc33.atlanta.com;branch=z9hG4bK" + callId,
            "Max-Forwards: 70",
            "To: <sip:bob@biloxi.com>",
            "From: <sip:alice@atlanta.com>;tag=49583",
            "Call-ID: " + callId,
            "CSeq: 1 MESSAGE",
            "Content-Type: text/plain",
            "Content-Length: " + body.length(),
            "") + body);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** What a connection handler does: frame, act on the frame, keep the rest; stops at NeedMore or Invalid. */
    private List<Frame> frameAll(byte[] buf) {
        List<Frame> frames = new ArrayList<>();
        int at = 0;
        while (true) {
            Frame f = framer.frame(buf, at, buf.length - at);
            frames.add(f);
            if (f instanceof Frame.Message m) {
                at += m.length();
            } else if (f instanceof Frame.KeepAlive k) {
                at += k.length();
            } else {
                return frames;
            }
        }
    }

    @Nested
    class Messages {
        @Test
        void wholeMessageIsOneFrameOfItsExactLength() {
            byte[] m = message("a1", "hello");
            assertThat(framer.frame(m, 0, m.length)).isEqualTo(new Frame.Message(m.length));
        }

        @Test
        void everyProperPrefixOfAMessageNeedsMoreBytes() {
            byte[] m = message("a1", "hello world");
            for (int n = 0; n < m.length; n++) {
                assertThat(framer.frame(m, 0, n)).as("prefix of %d bytes", n).isInstanceOf(Frame.NeedMore.class);
            }
        }

        @Test
        void messageArrivingInSegmentsIsFramedOnceComplete() throws Exception {
            byte[] m = message("seg", "segmented body");
            int[] cuts = {1, 17, 90, m.length - 15, m.length - 1, m.length};
            byte[] buffer = new byte[0];
            int from = 0;
            Frame last = null;
            for (int cut : cuts) {
                buffer = concat(buffer, Arrays.copyOfRange(m, from, cut));
                from = cut;
                last = framer.frame(buffer, 0, buffer.length);
                if (cut < m.length) assertThat(last).isInstanceOf(Frame.NeedMore.class);
            }
            assertThat(last).isEqualTo(new Frame.Message(m.length));
            SipMessage parsed = parser.parseFramed(buffer, 0, m.length);
            assertThat(parsed.body()).isEqualTo(latin1("segmented body"));
        }

        @Test
        void twoMessagesInOneBufferAreFramedOneAfterTheOther() throws Exception {
            byte[] a = message("first", "one");
            byte[] b = message("second", "two two");
            byte[] buf = concat(a, b);
            assertThat(frameAll(buf)).containsExactly(new Frame.Message(a.length), new Frame.Message(b.length), new Frame.NeedMore());
            assertThat(parser.parseFramed(buf, 0, a.length).callId()).isEqualTo("first");
            SipMessage second = parser.parseFramed(buf, a.length, b.length);
            assertThat(second.callId()).isEqualTo("second");
            assertThat(second.body()).isEqualTo(latin1("two two"));
        }

        @Test
        void secondMessageStartedButIncompleteNeedsMore() {
            byte[] a = message("first", "one");
            byte[] b = message("second", "two");
            byte[] buf = concat(a, Arrays.copyOf(b, b.length - 1));
            assertThat(frameAll(buf)).containsExactly(new Frame.Message(a.length), new Frame.NeedMore());
        }

        @Test
        void bodyMayContainAnEmptyLineAndCrLfs() {
            byte[] m = message("sdp", "v=0\r\n\r\n\r\nINVITE sip:x SIP/2.0\r\n\r\n");
            assertThat(framer.frame(m, 0, m.length)).isEqualTo(new Frame.Message(m.length));
        }

        @Test
        void messageWithoutContentLengthEndsAtTheEmptyLine() {
            byte[] head = latin1(lines("OPTIONS sip:a@b SIP/2.0", "Via: SIP/2.0/TCP h;branch=z9hG4bK1", "Call-ID: x", ""));
            byte[] buf = concat(head, latin1("OPTIONS"));
            assertThat(framer.frame(buf, 0, buf.length)).isEqualTo(new Frame.Message(head.length));
        }

        @ParameterizedTest
        @ValueSource(strings = {"l: 5", "L:5", "content-length   :   5  ", "CONTENT-LENGTH:\t5", "Content-Length: 00005"})
        void contentLengthIsFoundInAnyFormOfItsName(String header) {
            byte[] buf = latin1(lines("MESSAGE sip:a@b SIP/2.0", "Via: SIP/2.0/TCP h;branch=z9hG4bK1", header, "") + "hello" + "NEXT");
            assertThat(framer.frame(buf, 0, buf.length)).isEqualTo(new Frame.Message(buf.length - 4));
        }

        @Test
        void equalRepeatedContentLengthsAreAccepted() {
            byte[] buf = latin1(lines("MESSAGE sip:a@b SIP/2.0", "Content-Length: 5", "l: 5", "") + "hello");
            assertThat(framer.frame(buf, 0, buf.length)).isEqualTo(new Frame.Message(buf.length));
        }

        @Test
        void framesFromAnOffsetInsideTheBuffer() {
            byte[] m = message("off", "x");
            byte[] buf = concat(latin1("garbage!"), m, latin1("tail"));
            assertThat(framer.frame(buf, 8, m.length + 4)).isEqualTo(new Frame.Message(m.length));
        }

        @Test
        void bareLfLineEndsAreFramedToo() throws Exception {
            byte[] m = latin1("OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\nTo: <sip:a@b>\nFrom: <sip:c@d>;tag=1\n"
                    + "Call-ID: lf\nCSeq: 1 OPTIONS\nContent-Length: 2\n\nok");
            assertThat(framer.frame(m, 0, m.length)).isEqualTo(new Frame.Message(m.length));
            assertThat(parser.parseFramed(m, 0, m.length).body()).isEqualTo(latin1("ok"));
        }
    }

    @Nested
    class KeepAlives {
        @Test
        void doubleCrLfIsAPing() {
            byte[] buf = latin1("\r\n\r\n");
            assertThat(framer.frame(buf, 0, buf.length)).isEqualTo(new Frame.KeepAlive(4, true));
        }

        @Test
        void singleCrLfBeforeAMessageIsAPongToSkip() {
            byte[] buf = concat(latin1("\r\n"), message("after-pong", ""));
            List<Frame> frames = frameAll(buf);
            assertThat(frames.get(0)).isEqualTo(new Frame.KeepAlive(2, false));
            assertThat(frames.get(1)).isInstanceOf(Frame.Message.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"\r", "\r\n", "\r\n\r"})
        void incompletePingWaitsForMore(String partial) {
            byte[] buf = latin1(partial);
            assertThat(framer.frame(buf, 0, buf.length)).isInstanceOf(Frame.NeedMore.class);
        }

        @Test
        void pingsBetweenMessagesAreReportedOneByOne() {
            byte[] a = message("a", "1");
            byte[] b = message("b", "2");
            byte[] buf = concat(latin1("\r\n\r\n"), a, latin1("\r\n\r\n\r\n\r\n"), b, latin1("\r\n\r\n"));
            assertThat(frameAll(buf)).containsExactly(
                new Frame.KeepAlive(4, true), new Frame.Message(a.length), new Frame.KeepAlive(4, true),
                new Frame.KeepAlive(4, true), new Frame.Message(b.length), new Frame.KeepAlive(4, true), new Frame.NeedMore());
        }

        @Test
        void bareLfsAreSkippedAsKeepAliveThatIsNotAPing() {
            byte[] buf = concat(latin1("\n\n"), message("lf", ""));
            assertThat(framer.frame(buf, 0, buf.length)).isEqualTo(new Frame.KeepAlive(2, false));
        }

        @Test
        void emptyInputNeedsMore() {
            assertThat(framer.frame(new byte[0], 0, 0)).isInstanceOf(Frame.NeedMore.class);
        }
    }

    @Nested
    class Invalid {
        @ParameterizedTest
        @ValueSource(strings = {"Content-Length: -999", "Content-Length: five", "Content-Length:", "l: 5 5", "Content-Length: 99999999999"})
        void badContentLengthMakesTheStreamUnframeable_rfc4475ncl(String header) {
            byte[] buf = latin1(lines("MESSAGE sip:a@b SIP/2.0", "Via: SIP/2.0/TCP h;branch=z9hG4bK1", header, "") + "hello");
            assertThat(framer.frame(buf, 0, buf.length)).isInstanceOf(Frame.Invalid.class);
        }

        @Test
        void conflictingContentLengthsMakeTheStreamUnframeable_rfc4475mcl01() {
            byte[] buf = latin1(lines("MESSAGE sip:a@b SIP/2.0", "Content-Length: 13", "l: 5", "") + "hello world!!");
            assertThat(framer.frame(buf, 0, buf.length)).isInstanceOfSatisfying(Frame.Invalid.class,
                    f -> assertThat(f.reason()).contains("conflicting"));
        }

        @Test
        void contentLengthAboveTheMessageLimitIsRefusedAtOnce() {
            byte[] buf = latin1(lines("MESSAGE sip:a@b SIP/2.0", "Content-Length: 70000", ""));
            assertThat(framer.frame(buf, 0, buf.length)).isInstanceOf(Frame.Invalid.class);
        }

        @Test
        void endlessHeaderSectionIsRefusedOnceOverTheLimit() {
            StringBuilder sb = new StringBuilder("MESSAGE sip:a@b SIP/2.0\r\n");
            while (sb.length() < ParseLimits.DEFAULT.maxHeaderBytes() + 4) sb.append("X-Junk: ").append("j".repeat(60)).append("\r\n");
            byte[] buf = latin1(sb.toString());
            assertThat(framer.frame(buf, 0, buf.length)).isInstanceOf(Frame.Invalid.class);
        }

        @Test
        void headerSectionAcceptedWholeIsNotRefusedWhileStillArriving() {
            // a header section of 514 octets plus its empty line: within the limit's window of 512 + 4
            ParseLimits limits = new ParseLimits(1024, 512, 64, 256);
            StreamFramer small = new StreamFramer(limits);
            StringBuilder sb = new StringBuilder("MESSAGE sip:a@b SIP/2.0\r\n");
            while (sb.length() < 512) sb.append("X: y\r\n");
            sb.setLength(512);
            sb.append("\r\n\r\n");
            byte[] whole = latin1(sb.toString());
            assertThat(small.frame(whole, 0, whole.length)).isEqualTo(new Frame.Message(whole.length));
            for (int n = 0; n < whole.length; n++) {
                assertThat(small.frame(whole, 0, n)).as("prefix of %d", n).isInstanceOf(Frame.NeedMore.class);
            }
        }

        @Test
        void contentLengthLargerThanWhatArrivedWaitsForMore_rfc4475clerrOverTcp() {
            byte[] buf = latin1(lines("MESSAGE sip:a@b SIP/2.0", "Content-Length: 9999", "") + "short body");
            assertThat(framer.frame(buf, 0, buf.length)).isInstanceOf(Frame.NeedMore.class);
        }
    }

    @Test
    void framedRegisterParsesLikeTheDatagram() throws Exception {
        byte[] m = SipText.register();
        assertThat(framer.frame(m, 0, m.length)).isEqualTo(new Frame.Message(m.length));
        SipRequest framed = (SipRequest) parser.parseFramed(m, 0, m.length);
        assertThat(framed.toString()).isEqualTo(parser.parse(m).toString());
    }
}
