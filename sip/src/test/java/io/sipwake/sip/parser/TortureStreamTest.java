package io.sipwake.sip.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.parser.StreamFramer.Frame;
import io.sipwake.sip.testing.TortureCorpus;
import io.sipwake.sip.testing.TortureCorpus.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The torture messages written to a TCP stream: framed by {@link StreamFramer}, then parsed with
 * {@link SipParser#parseFramed}. Apart from the framing cases the RFCs single out, the outcome is
 * the same as for a datagram.
 */
class TortureStreamTest {
    private final SipParser parser = new SipParser();
    private final StreamFramer framer = new StreamFramer(ParseLimits.DEFAULT);

    /** Messages whose framing on a stream differs from a datagram (torture/README.md, RFC 4475 §3.1.2.2, §3.4.1). */
    private static final Set<String> STREAM_SPECIFIC = Set.of("clerr", "baddn", "ncl", "mcl01", "dblreq", "inv2543");

    /** One framed piece of the stream: a parsed message or the refusal, a keep-alive, or the final need-more/invalid. */
    private record Piece(Frame frame, SipMessage message, SipParseException error) {}

    private List<Piece> feed(byte[] data) {
        List<Piece> pieces = new ArrayList<>();
        int at = 0;
        while (true) {
            Frame f = framer.frame(data, at, data.length - at);
            if (f instanceof Frame.Message m) {
                try {
                    pieces.add(new Piece(f, parser.parseFramed(data, at, m.length()), null));
                } catch (SipParseException e) {
                    pieces.add(new Piece(f, null, e));
                }
                at += m.length();
            } else if (f instanceof Frame.KeepAlive k) {
                pieces.add(new Piece(f, null, null));
                at += k.length();
            } else {
                pieces.add(new Piece(f, null, null));
                return pieces;
            }
        }
    }

    static Stream<Entry> ordinary() {
        return TortureCorpus.entries().stream().filter(e -> !STREAM_SPECIFIC.contains(e.name()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ordinary")
    void streamGivesOneMessageWithTheDatagramOutcome(Entry e) throws Exception {
        byte[] data = e.bytes();
        List<Piece> pieces = feed(data);
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0).frame()).isEqualTo(new Frame.Message(data.length));
        assertThat(pieces.get(1).frame()).isInstanceOf(Frame.NeedMore.class);

        SipMessage datagram = null;
        SipParseException datagramError = null;
        try {
            datagram = parser.parseDatagram(data, 0, data.length);
        } catch (SipParseException x) {
            datagramError = x;
        }
        Piece p = pieces.get(0);
        if (datagram != null) {
            assertThat(p.message()).as("parses on a stream too").isNotNull();
            assertThat(p.message().toBytes()).isEqualTo(datagram.toBytes());
        } else {
            assertThat(p.error()).as("refused on a stream too").isNotNull();
            assertThat(p.error().status()).isEqualTo(datagramError.status());
            assertThat(p.error().isAnswerable()).isEqualTo(datagramError.isAnswerable());
        }
    }

    @Test
    void clerrLeavesTheServerWaitingForTheRestOfItsBody() {
        assertThat(feed(TortureCorpus.bytes("clerr"))).extracting(Piece::frame).containsExactly(new Frame.NeedMore());
    }

    @Test
    void baddnAsArchivedHasNoEmptyLineSoTheServerWaits() {
        assertThat(feed(TortureCorpus.bytes("baddn"))).extracting(Piece::frame).containsExactly(new Frame.NeedMore());
    }

    @Test
    void baddnTerminatedIsAnswered400() {
        List<Piece> pieces = feed(TortureCorpus.bytes("variants/baddn-terminated"));
        assertThat(pieces.get(0).error()).isNotNull();
        assertThat(pieces.get(0).error().status()).isEqualTo(400);
        assertThat(pieces.get(0).error().isAnswerable()).isTrue();
    }

    @Test
    void nclNegativeContentLengthMakesTheStreamUnframeable() {
        assertThat(feed(TortureCorpus.bytes("ncl"))).singleElement().satisfies(p -> assertThat(p.frame()).isInstanceOf(Frame.Invalid.class));
    }

    @Test
    void mcl01ConflictingContentLengthsMakeTheStreamUnframeable() {
        assertThat(feed(TortureCorpus.bytes("mcl01"))).singleElement().satisfies(p -> assertThat(p.frame()).isInstanceOf(Frame.Invalid.class));
    }

    @Test
    void dblreqOnAStreamIsTwoRequestsAndTheInvitesExtraOctetsAreJunk() {
        List<Piece> pieces = feed(TortureCorpus.bytes("dblreq"));
        assertThat(pieces).extracting(p -> p.frame().getClass().getSimpleName())
                .containsExactly("Message", "KeepAlive", "Message", "Message", "NeedMore");
        assertThat(pieces.get(0).message().startLine()).startsWith("REGISTER ");
        assertThat(pieces.get(2).message().startLine()).startsWith("INVITE ");
        assertThat(pieces.get(2).message().body()).hasSize(150);
        // the archive's INVITE body is longer than its Content-Length: 150; the rest ("C" CRLF CRLF) cannot be answered
        assertThat(pieces.get(3).error()).isNotNull();
        assertThat(pieces.get(3).error().isAnswerable()).isFalse();
    }

    @Test
    void inv2543WithoutContentLengthHasNoBodyOnAStream() {
        List<Piece> pieces = feed(TortureCorpus.bytes("inv2543"));
        assertThat(pieces.get(0).message()).isNotNull();
        assertThat(pieces.get(0).message().body()).isEmpty();
        assertThat(pieces.get(1).frame()).as("its SDP is left as an unterminated header section").isInstanceOf(Frame.NeedMore.class);
    }
}
