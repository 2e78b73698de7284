package io.sipwake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Kamailio as a known-good reference registrar and proxy on loopback
 * ({@code peers/kamailio-reference.cfg}): what the SIPp scenarios and sipsak are proven against
 * before they are pointed at sipwake.
 *
 * <p>Every user exists, with password {@link #PASSWORD}; REGISTER is challenged (401), INVITE
 * too (407) with {@link Builder#challengeInvites()}. Requests to sip:USER@... go to USER's
 * contacts, with Record-Route (double when the transport changes); OPTIONS to the server itself
 * gets 200.
 */
public final class Kamailio implements AutoCloseable {

    /** The password of every user. */
    public static final String PASSWORD = "secret";

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final BoundedProcess process;
    private final int port;
    private final int tlsPort;
    private final Path controlSocket;

    private Kamailio(BoundedProcess process, int port, int tlsPort, Path controlSocket) {
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
        this.controlSocket = controlSocket;
    }

    /**
     * The location table as {@code kamcmd ul.dump} prints it: every AOR with its contacts, Path, received
     * address and so on, to check what the registrar stored.
     */
    public String locationTable() {
        return kamcmd("ul.dump");
    }

    /** Removes every contact of {@code user} from the location table, as if its registration had expired. */
    public void removeContacts(String user) {
        kamcmd("ul.rm", "location", user);
    }

    private String kamcmd(String... command) {
        Path kamcmd = Peers.require("kamcmd");
        List<String> argv = new ArrayList<>(List.of(kamcmd.toString(), "-s", "unix:" + controlSocket));
        argv.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("kamcmd " + String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A reference Kamailio listening on UDP and TCP. */
    public static Builder reference() {
        return new Builder();
    }

    /** The UDP and TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The TLS port on 127.0.0.1. */
    public int tlsPort() {
        if (tlsPort <= 0) {
            throw new IllegalStateException("this Kamailio was started without TLS");
        }
        return tlsPort;
    }

    /** Kamailio's log so far. */
    public String log() {
        return process.output();
    }

    /** Stops Kamailio and all its worker processes. */
    @Override
    public void close() {
        process.close();
    }

    /** Options of a reference Kamailio. */
    public static final class Builder {
        private Path certificate;
        private Path privateKey;
        private int tlsPort;
        private boolean challengeInvites;
        private boolean path;
        private int port;
        private String fallbackUri;
        private int maxExpires;

        private Builder() {
        }

        /** Listen on this UDP and TCP port instead of a free one picked at start. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Grant registrations at most {@code seconds} (registrar max_expires), as a PBX with a short limit does. */
        public Builder maxExpires(int seconds) {
            this.maxExpires = seconds;
            return this;
        }

        /** Send requests for users without a registered contact to {@code sipUri} instead of answering 404. */
        public Builder fallbackTo(String sipUri) {
            this.fallbackUri = sipUri;
            return this;
        }

        /** Store the Path of REGISTERs and route along it (RFC 3327): the upstream of sipwake's edge mode in Path mode. */
        public Builder path() {
            this.path = true;
            return this;
        }

        /** Also listen on TLS (TLS 1.2 and 1.3) with this PEM certificate and key; needs kamailio-tls-modules. */
        public Builder tls(Path certificatePem, Path privateKeyPem) {
            return tls(certificatePem, privateKeyPem, FreePorts.udpAndTcp());
        }

        /** Also listen on TLS on this port (e.g. one the certificate names). */
        public Builder tls(Path certificatePem, Path privateKeyPem, int port) {
            this.certificate = certificatePem.toAbsolutePath();
            this.privateKey = privateKeyPem.toAbsolutePath();
            this.tlsPort = port;
            return this;
        }

        /** Challenge every INVITE with 407 (the caller answers with its -au/-ap credentials). */
        public Builder challengeInvites() {
            this.challengeInvites = true;
            return this;
        }

        /** Starts Kamailio and waits until it answers OPTIONS. */
        public Kamailio start() {
            Path kamailio = Peers.require("kamailio");
            int port = this.port > 0 ? this.port : FreePorts.udpAndTcp();
            Path workDir = BoundedProcess.newWorkDir("kamailio");
            List<String> command = new ArrayList<>(List.of(
                    kamailio.toString(), "-DD", "-E",
                    "-f", BoundedProcess.copyResource("peers/kamailio-reference.cfg", workDir).toString(),
                    "-Y", workDir.toString(),
                    "-l", "udp:" + LOOPBACK + ":" + port,
                    "-l", "tcp:" + LOOPBACK + ":" + port));
            if (certificate != null) {
                Peers.requireFile(tlsModule(), "kamailio-tls-modules");
                command.addAll(List.of(
                        "-A", "WITH_TLS",
                        "-A", "TLS_CERTIFICATE=\"" + certificate + "\"",
                        "-A", "TLS_PRIVATE_KEY=\"" + privateKey + "\"",
                        "-l", "tls:" + LOOPBACK + ":" + tlsPort));
            }
            if (challengeInvites) {
                command.addAll(List.of("-A", "WITH_CALL_AUTH"));
            }
            if (path) {
                command.addAll(List.of("-A", "WITH_PATH"));
            }
            if (maxExpires > 0) {
                command.addAll(List.of("-A", "MAX_EXPIRES=" + maxExpires));
            }
            if (fallbackUri != null) {
                command.addAll(List.of("-A", "FALLBACK_URI=\"" + fallbackUri + "\""));
            }
            Path controlSocket = workDir.resolve("kamailio_ctl").toAbsolutePath();
            command.addAll(List.of("-A", "CTL_SOCKET=\"unix:" + controlSocket + "\""));
            BoundedProcess process = BoundedProcess.start(command, workDir, Map.of());
            Kamailio started = new Kamailio(process, port, tlsPort, controlSocket);
            try {
                awaitOptionsAnswered(process, port);
                return started;
            } catch (RuntimeException | Error e) {
                started.close();
                throw e;
            }
        }
    }

    /** Kamailio's TLS module, wherever Debian put it for this architecture. */
    private static Path tlsModule() {
        Path lib = Path.of("/usr/lib");
        try (Stream<Path> dirs = Files.list(lib)) {
            return Stream.concat(dirs, Stream.of(lib))
                    .map(dir -> dir.resolve("kamailio/modules/tls.so"))
                    .filter(Files::isRegularFile)
                    .findFirst()
                    .orElse(lib.resolve("x86_64-linux-gnu/kamailio/modules/tls.so"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitOptionsAnswered(BoundedProcess process, int port) {
        Instant deadline = Instant.now().plus(STARTUP);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            socket.setSoTimeout(200);
            for (int attempt = 1; Instant.now().isBefore(deadline); attempt++) {
                if (!process.isAlive()) {
                    throw new AssertionError("Kamailio exited while starting:\n" + process.output());
                }
                byte[] ping = options(port, socket.getLocalPort(), attempt).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(ping, ping.length, loopback, port));
                byte[] buffer = new byte[4096];
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(reply);
                    if (new String(buffer, 0, reply.getLength(), StandardCharsets.UTF_8).startsWith("SIP/2.0 200 ")) {
                        return;
                    }
                } catch (SocketTimeoutException notYet) {
                    // Kamailio is still starting: ask again
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("Kamailio did not answer OPTIONS within " + STARTUP + ":\n" + process.output());
    }

    private static String options(int port, int localPort, int attempt) {
        return "OPTIONS sip:" + LOOPBACK + ":" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + LOOPBACK + ":" + localPort + ";branch=z9hG4bK-ready-" + attempt + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:ready@" + LOOPBACK + ">;tag=ready\r\n"
                + "To: <sip:" + LOOPBACK + ":" + port + ">\r\n"
                + "Call-ID: ready-" + attempt + "@" + LOOPBACK + "\r\n"
                + "CSeq: " + attempt + " OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
