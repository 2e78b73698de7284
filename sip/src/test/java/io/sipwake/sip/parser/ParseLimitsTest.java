package io.sipwake.sip.parser;

import static io.sipwake.sip.testing.SipText.latin1;
import static io.sipwake.sip.testing.SipText.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sipwake.sip.message.SipMessage;
import org.junit.jupiter.api.Test;

/** {@link ParseLimits}: oversize input is answered 513 or 400 when it can be, and dropped otherwise. */
class ParseLimitsTest {
    /** 1 KiB messages, 512-octet header sections, 16 header lines, 128-octet lines. */
    private static final ParseLimits SMALL = new ParseLimits(1024, 512, 16, 128);
    private final SipParser parser = new SipParser(SMALL);

    private static String head(String... extra) {
        String[] base = {
            "MESSAGE sip:bob@biloxi.com SIP/2.0",
            "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8",
            "To: <sip:bob@biloxi.com>",
            "From: <sip:alice@atlanta.com>;tag=49583",
            "Call-ID: asd88asd77a@1.2.3.4",
            "CSeq: 1 MESSAGE",
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return lines(all);
    }

    private SipParseException failure(String text) {
        byte[] data = latin1(text);
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> parser.parseDatagram(data, 0, data.length));
        assertThat(e).as("parse must fail").isNotNull();
        return e;
    }

    @Test
    void defaultsAreTheUdpMaximumAndGenerousHeaderLimits() {
        assertThat(ParseLimits.DEFAULT.maxMessageBytes()).isEqualTo(65_535);
        assertThat(ParseLimits.DEFAULT.maxHeaderBytes()).isEqualTo(16_384);
        assertThat(ParseLimits.DEFAULT.maxHeaderLines()).isEqualTo(256);
        assertThat(ParseLimits.DEFAULT.maxLineBytes()).isEqualTo(8_192);
    }

    @Test
    void limitsTooSmallForAnyRealMessageAreRefused() {
        assertThatThrownBy(() -> new ParseLimits(511, 512, 16, 128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParseLimits(1024, 255, 16, 128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParseLimits(1024, 512, 7, 128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParseLimits(1024, 512, 16, 127)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messageWithinEveryLimitParses() throws Exception {
        byte[] data = latin1(head("Content-Length: 5", "") + "hello");
        SipMessage m = parser.parseDatagram(data, 0, data.length);
        assertThat(m.body()).hasSize(5);
    }

    @Test
    void requestLargerThanTheMessageLimitIsAnswered513() {
        String body = "x".repeat(900);
        SipParseException e = failure(head("Content-Length: 900", "") + body);
        assertThat(e.status()).isEqualTo(513);
        assertThat(e.isAnswerable()).isTrue();
        assertThat(e.partialRequest().method()).isEqualTo("MESSAGE");
    }

    @Test
    void responseLargerThanTheMessageLimitIsDropped() {
        String text = lines("SIP/2.0 200 OK", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "To: <sip:a@b>;tag=1", "From: <sip:c@d>;tag=2",
            "Call-ID: x", "CSeq: 1 MESSAGE", "Content-Length: 900", "") + "x".repeat(900);
        SipParseException e = failure(text);
        assertThat(e.status()).isZero();
        assertThat(e.isAnswerable()).isFalse();
    }

    @Test
    void headerSectionLargerThanItsLimitIsDropped() {
        String filler = "X-Filler: " + "f".repeat(100);
        SipParseException e = failure(head(filler, filler, filler, "Content-Length: 0", ""));
        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).contains("header section");
    }

    @Test
    void headerLineLongerThanItsLimitIsAnswered400AndLeftOut() {
        SipParseException e = failure(head("Subject: " + "s".repeat(130), "Content-Length: 0", ""));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("header line longer than 128");
        assertThat(e.isAnswerable()).isTrue();
        assertThat(e.partialRequest().hasHeader("Subject")).isFalse();
    }

    @Test
    void overlongContinuationLineLeavesOutTheWholeHeader() {
        SipParseException e = failure(head("Subject: short", " " + "s".repeat(130), "Content-Length: 0", ""));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.partialRequest().hasHeader("Subject")).isFalse();
        assertThat(e.partialRequest().hasHeader("Content-Length")).isTrue();
    }

    @Test
    void startLineLongerThanTheLineLimitIsDropped() {
        String text = lines("MESSAGE sip:" + "b".repeat(130) + "@biloxi.com SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "");
        SipParseException e = failure(text);
        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).contains("start line");
    }

    @Test
    void moreHeaderLinesThanTheLimitIsAnswered400() {
        String[] extra = new String[13]; // 5 header lines in head() + 12 = 17
        for (int i = 0; i < 12; i++) extra[i] = "X-" + i + ": v";
        extra[12] = "";
        SipParseException e = failure(head(extra));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("more than 16 header lines");
        assertThat(e.isAnswerable()).isTrue();
    }

    @Test
    void framerRefusesAHeaderSectionOverTheLimitWithoutWaitingForItsEnd() {
        StreamFramer framer = new StreamFramer(SMALL);
        byte[] data = latin1(head("X-Filler: " + "f".repeat(100), "X-Filler: " + "f".repeat(100), "X-Filler: " + "f".repeat(100)));
        assertThat(framer.frame(data, 0, data.length)).isInstanceOf(StreamFramer.Frame.Invalid.class);
        assertThat(framer.frame(data, 0, 400)).isInstanceOf(StreamFramer.Frame.NeedMore.class);
    }

    @Test
    void framerRefusesAMessageOverTheLimitAsSoonAsItsHeadersAreIn() {
        StreamFramer framer = new StreamFramer(SMALL);
        byte[] data = latin1(head("Content-Length: 100000", ""));
        assertThat(framer.frame(data, 0, data.length)).isInstanceOfSatisfying(StreamFramer.Frame.Invalid.class,
                f -> assertThat(f.reason()).contains("too large"));
    }
}
