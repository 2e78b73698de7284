package io.sipwake.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs sipsak on loopback: an OPTIONS ping, or a registration ("usrloc mode"), over UDP, TCP or TLS.
 *
 * <pre>{@code
 * assertThat(Sipsak.options("127.0.0.1", port).run()).matches(SipsakResult::succeeded, "200 to OPTIONS");
 * assertThat(Sipsak.register("alice", "127.0.0.1", tlsPort).transport(PeerTransport.TLS)
 *         .tlsIgnoreCertFailure().auth("alice", "secret").run())
 *     .matches(SipsakResult::succeeded, "registered over TLS");
 * }</pre>
 *
 * <p>Always added: {@code -H 127.0.0.1 --local-ip 127.0.0.1} (loopback only) and {@code -vvv}
 * (the requests and replies are in the output). sipsak exits with 0 when a 200 was received, 1 for another
 * final response, 2 for a local error, 3 for a remote one (no answer, ICMP error, TLS failure).
 *
 * <p>sipsak 0.9.8.1 cuts a five-digit port in the URIs it writes (use {@link FreePorts}), and
 * at -vvv verifies the server certificate in both modes (see {@link #tlsCaCert}).
 *
 * <p>Over TLS, sipsak is held to TLS 1.2 (a GnuTLS priority file): sipsak 0.9.8.1 takes the
 * NewSessionTicket that a TLS 1.3 server sends after the handshake for a failed read, and gives
 * up ("nothing received, select returned error"). The server must therefore offer TLS 1.2.
 */
public final class Sipsak {

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final String GNUTLS_AT_MOST_TLS12 = "[overrides]\ndisabled-version = tls1.3\n";

    private final List<String> mode;
    private PeerTransport transport = PeerTransport.UDP;
    private final List<String> options = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;

    private Sipsak(List<String> mode) {
        this.mode = List.copyOf(mode);
    }

    /** An OPTIONS request to the server itself: {@code sipsak -s sip:host:port}. */
    public static Sipsak options(String host, int port) {
        return new Sipsak(List.of("-s", "sip:" + host + ":" + port));
    }

    /**
     * Registers sipsak's own address for {@code sip:user@host:port} and checks the 200:
     * {@code sipsak -U -s sip:user@host:port} (binding expires in 15 s unless {@link #expires}).
     */
    public static Sipsak register(String user, String host, int port) {
        return new Sipsak(List.of("-U", "-i", "-s", "sip:" + user + "@" + host + ":" + port));
    }

    /** {@code --transport=udp|tcp|tls}; UDP unless set. */
    public Sipsak transport(PeerTransport transport) {
        this.transport = transport;
        return this;
    }

    /** Digest credentials for a 401/407: {@code -u user -a password}. */
    public Sipsak auth(String user, String password) {
        options.addAll(List.of("-u", user, "-a", password));
        return this;
    }

    /** Expires of the registration, in seconds ({@code -x}). */
    public Sipsak expires(int seconds) {
        options.addAll(List.of("-x", String.valueOf(seconds)));
        return this;
    }

    /** The local port ({@code -l}). */
    public Sipsak localPort(int port) {
        options.addAll(List.of("-l", String.valueOf(port)));
        return this;
    }

    /** Accept any server certificate ({@code --tls-ignore-cert-failure}). */
    public Sipsak tlsIgnoreCertFailure() {
        options.add("--tls-ignore-cert-failure");
        return this;
    }

    /**
     * Verify the server certificate against this CA ({@code --tls-ca-cert}). sipsak checks the
     * certificate's name against "host:port", so the certificate needs a DNS subjectAltName of
     * literally "127.0.0.1:PORT" (or use {@link #tlsIgnoreCertFailure()}).
     */
    public Sipsak tlsCaCert(Path pemFile) {
        options.addAll(List.of("--tls-ca-cert", pemFile.toString()));
        return this;
    }

    /** sipsak is killed after this long; 20 s unless set. */
    public Sipsak timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** More sipsak arguments, added as given. */
    public Sipsak arguments(String... arguments) {
        options.addAll(List.of(arguments));
        return this;
    }

    /** Runs sipsak to its end, or kills it at the timeout, and returns how it ended. */
    public SipsakResult run() {
        Path sipsak = Peers.require("sipsak");
        Path workDir = BoundedProcess.newWorkDir("sipsak");
        List<String> command = new ArrayList<>(List.of(sipsak.toString()));
        command.addAll(mode);
        command.addAll(List.of("--transport=" + transport.lowerCase(), "-H", LOOPBACK, "--local-ip", LOOPBACK, "-vvv"));
        command.addAll(options);
        Map<String, String> environment = transport == PeerTransport.TLS
                ? Map.of("GNUTLS_SYSTEM_PRIORITY_FILE", BoundedProcess.write(workDir.resolve("gnutls-tls12.conf"), GNUTLS_AT_MOST_TLS12).toString())
                : Map.of();
        try (BoundedProcess process = BoundedProcess.start(command, workDir, environment)) {
            int exitCode = process.awaitExit(timeout);
            return new SipsakResult(command, exitCode, process.output());
        }
    }
}
