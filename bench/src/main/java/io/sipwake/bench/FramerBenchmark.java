package io.sipwake.bench;

import io.sipwake.sip.parser.ParseLimits;
import io.sipwake.sip.parser.SipParseException;
import io.sipwake.sip.parser.SipParser;
import io.sipwake.sip.parser.StreamFramer;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Framing a TCP byte stream: a buffer of {@value #MESSAGES} messages (REGISTERs and INVITEs with
 * SDP, a CRLFCRLF keep-alive between each) is cut into messages; scores are per message.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class FramerBenchmark {
    static final int MESSAGES = 64;

    private final StreamFramer framer = new StreamFramer(ParseLimits.DEFAULT);
    private final SipParser parser = new SipParser();
    private byte[] stream;

    @Setup
    public void setUp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < MESSAGES; i++) {
            out.writeBytes(i % 2 == 0 ? BenchMessages.register(i) : BenchMessages.invite(i));
            out.writeBytes(new byte[] {'\r', '\n', '\r', '\n'});
        }
        stream = out.toByteArray();
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void frame(Blackhole bh) {
        int at = 0;
        while (at < stream.length) {
            StreamFramer.Frame f = framer.frame(stream, at, stream.length - at);
            if (f instanceof StreamFramer.Frame.Message m) {
                bh.consume(m);
                at += m.length();
            } else if (f instanceof StreamFramer.Frame.KeepAlive k) {
                at += k.length();
            } else {
                throw new IllegalStateException(String.valueOf(f));
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void frameAndParse(Blackhole bh) throws SipParseException {
        int at = 0;
        while (at < stream.length) {
            StreamFramer.Frame f = framer.frame(stream, at, stream.length - at);
            if (f instanceof StreamFramer.Frame.Message m) {
                bh.consume(parser.parseFramed(stream, at, m.length()));
                at += m.length();
            } else if (f instanceof StreamFramer.Frame.KeepAlive k) {
                at += k.length();
            } else {
                throw new IllegalStateException(String.valueOf(f));
            }
        }
    }
}
