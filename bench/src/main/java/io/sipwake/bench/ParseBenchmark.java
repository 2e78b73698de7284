package io.sipwake.bench;

import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.parser.SipParseException;
import io.sipwake.sip.parser.SipParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parsing one datagram: {@code parse} is what the transport does for every message (frame,
 * headers, and the validation of Via, From, To, CSeq, Call-ID, Contact, Route); {@code parseAndExtract}
 * also pulls out every field a registrar reads, as in the comparison in shared/reference/dependencies.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ParseBenchmark {
    private final SipParser parser = new SipParser();
    private byte[][] registers;
    private byte[][] invites;
    private int next;

    @Setup
    public void setUp() {
        registers = new byte[BenchMessages.VARIANTS][];
        invites = new byte[BenchMessages.VARIANTS][];
        for (int i = 0; i < BenchMessages.VARIANTS; i++) {
            registers[i] = BenchMessages.register(i);
            invites[i] = BenchMessages.invite(i);
        }
    }

    private int nextIndex() {
        int i = next;
        next = (i + 1) & (BenchMessages.VARIANTS - 1);
        return i;
    }

    @Benchmark
    public SipMessage parseRegister() throws SipParseException {
        byte[] m = registers[nextIndex()];
        return parser.parseDatagram(m, 0, m.length);
    }

    @Benchmark
    public SipMessage parseInviteWithSdp() throws SipParseException {
        byte[] m = invites[nextIndex()];
        return parser.parseDatagram(m, 0, m.length);
    }

    /** Parse a REGISTER and read what a registrar needs, RFC 8599 pn-* parameters included. */
    @Benchmark
    public void parseRegisterAndExtract(Blackhole bh) throws SipParseException {
        byte[] m = registers[nextIndex()];
        SipRequest r = (SipRequest) parser.parseDatagram(m, 0, m.length);
        bh.consume(r.requestUri());
        Via top = r.topVia();
        bh.consume(top.branch());
        bh.consume(top.host());
        NameAddress from = r.from();
        bh.consume(from.uri());
        bh.consume(from.tag());
        bh.consume(((SipUri) r.to().uri()).toAddressOfRecord());
        bh.consume(r.callId());
        bh.consume(r.cseq().number());
        NameAddress contact = r.contacts().get(0);
        SipUri uri = contact.sipUri();
        bh.consume(uri.param("pn-provider"));
        bh.consume(uri.param("pn-prid"));
        bh.consume(uri.param("pn-param"));
        bh.consume(contact.params().unquoted("+sip.instance"));
        bh.consume(contact.param("expires"));
        bh.consume(r.expires());
    }
}
