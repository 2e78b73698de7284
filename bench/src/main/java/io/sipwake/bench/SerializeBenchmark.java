package io.sipwake.bench;

import io.sipwake.sip.message.SipRequest;
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

/** Writing messages: {@code toBytes} of a parsed INVITE and REGISTER, and the work of a proxy forwarding an INVITE. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SerializeBenchmark {
    private SipRequest[] invites;
    private SipRequest[] registers;
    private int next;

    @Setup
    public void setUp() throws SipParseException {
        SipParser parser = new SipParser();
        invites = new SipRequest[BenchMessages.VARIANTS];
        registers = new SipRequest[BenchMessages.VARIANTS];
        for (int i = 0; i < BenchMessages.VARIANTS; i++) {
            invites[i] = (SipRequest) parser.parse(BenchMessages.invite(i));
            registers[i] = (SipRequest) parser.parse(BenchMessages.register(i));
        }
    }

    private int nextIndex() {
        int i = next;
        next = (i + 1) & (BenchMessages.VARIANTS - 1);
        return i;
    }

    @Benchmark
    public byte[] serializeInviteWithSdp() {
        return invites[nextIndex()].toBytes();
    }

    @Benchmark
    public byte[] serializeRegister() {
        return registers[nextIndex()].toBytes();
    }

    /** Copy, push a Via and a Record-Route, decrement Max-Forwards, write: a proxy's forwarding of one INVITE. */
    @Benchmark
    public byte[] forwardInvite() {
        SipRequest r = invites[nextIndex()].copy();
        r.addHeaderFirst("Via", "SIP/2.0/UDP sipwake.example.com:5060;branch=z9hG4bK.sw1a2b3c4d;rport");
        r.addHeaderFirst("Record-Route", "<sip:sipwake.example.com;lr>");
        r.setHeader("Max-Forwards", Integer.toString(r.maxForwards() - 1));
        return r.toBytes();
    }

    /** Build and write a 200 OK to a REGISTER (RFC 3261 §8.2.6.2 copying plus the Contact). */
    @Benchmark
    public byte[] createAndSerializeRegisterResponse() {
        SipRequest r = registers[nextIndex()];
        return r.createResponse(200, null, "reg-tag-1").addHeader("Contact", r.header("Contact")).toBytes();
    }
}
