package io.sipwake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real SIP phone: {@code linphonec} (Debian package linphone-cli, liblinphone 5.1) on loopback,
 * registering one account with a registrar on 127.0.0.1 ({@code linphone/linphonerc}).
 *
 * <pre>{@code
 * Linphonec.Builder bob = Linphonec.phone("bob", "secret").registrar(port).transport(PeerTransport.TCP)
 *         .contactUriParameters("pn-provider=apns;pn-param=...;pn-prid=...").autoAnswer();
 * try (Linphonec phone = bob.start()) {
 *     phone.awaitRegistered(Duration.ofSeconds(15));
 *     phone.sleep();            // killed: its connection closes, it does not unregister
 * }
 * try (Linphonec woken = bob.start()) { ... }   // the same device again (same +sip.instance)
 * }</pre>
 *
 * <p>Headless and bounded: linphonec reads its commands from standard input and quits at its end,
 * so it runs as {@code sleep N | linphonec ...} (nothing is ever typed; {@code -a} answers calls),
 * all under {@code timeout --signal=KILL N}, which ends it at its deadline even if the JVM dies;
 * closing kills it at once. Each start gets a fresh directory as HOME (configuration, database,
 * logs), an ALSA configuration whose only PCM is the null device, and a PulseAudio server address
 * that does not exist: no audio hardware is used. SIP and RTP are bound to 127.0.0.1, with no
 * STUN, ICE, UPnP, IPv6, DNS or network monitoring ({@link #inetSockets()} lets a test check).
 *
 * <p>What making it work taught (linphonec 5.1.65): without its data directory
 * ({@code ~/.local/share/linphone}) liblinphone cannot open its database and the core never
 * starts: no listening point, no registration, and the log only says that the database could not
 * be opened. With the default network monitor it binds nothing until it has found a default
 * route, so the monitor is off. With {@code --pipe} it needs no standard input, but it then takes
 * over {@code /tmp/linphonec-UID} (unlinking any other linphonec's command socket) and hangs on
 * SIGTERM, so that is not used. A phone is always ended with SIGKILL, which is also how a phone
 * put to sleep vanishes: no un-REGISTER.
 */
public final class Linphonec implements AutoCloseable {

    private static final String LOG_FILE = "linphonec.log";
    private static final String CONFIG_FILE = "linphonerc";
    private static final long POLL_MILLIS = 50;
    private static final Pattern REGISTRATION = Pattern.compile(
            "for identity \\[([^\\]]*)\\] moving from state \\[\\w+\\] to \\[(LinphoneRegistration\\w+)\\]");

    private final Builder settings;
    private final BoundedProcess process;
    private final Path config;

    private Linphonec(Builder settings, BoundedProcess process, Path config) {
        this.settings = settings;
        this.process = process;
        this.config = config;
    }

    /** A phone for {@code sip:user@127.0.0.1}, authenticating with {@code password}. */
    public static Builder phone(String user, String password) {
        return new Builder(user, password);
    }

    /** How a phone is configured; {@link #start()} may be called again for the same device. */
    public static final class Builder {
        private final String user;
        private final String password;
        private final String instance = UUID.randomUUID().toString();
        private final int localPort = FreePorts.udpAndTcp();
        private int registrarPort;
        private PeerTransport transport = PeerTransport.UDP;
        private String contactUriParameters = "";
        private int expires = 3600;
        private boolean autoAnswer;
        private Duration timeout = Duration.ofSeconds(90);

        private Builder(String user, String password) {
            this.user = user;
            this.password = password;
        }

        /** The registrar (and outbound proxy): {@code sip:127.0.0.1:port}. */
        public Builder registrar(int port) {
            this.registrarPort = port;
            return this;
        }

        /** UDP (the default) or TCP, for the phone's listening port and its registrar. */
        public Builder transport(PeerTransport transport) {
            if (transport == PeerTransport.TLS) {
                throw new IllegalArgumentException("TLS is not set up for linphonec");
            }
            this.transport = transport;
            return this;
        }

        /**
         * Parameters added to the Contact URI ({@code contact_uri_parameters}), without the
         * leading ';', e.g. the RFC 8599 {@code pn-provider=apns;pn-param=...;pn-prid=...}.
         */
        public Builder contactUriParameters(String parameters) {
            this.contactUriParameters = parameters;
            return this;
        }

        /** The Expires of its registrations, in seconds (3600 unless set). */
        public Builder expires(int seconds) {
            this.expires = seconds;
            return this;
        }

        /** Answers incoming calls at once ({@code linphonec -a}). */
        public Builder autoAnswer() {
            this.autoAnswer = true;
            return this;
        }

        /** linphonec is killed after this long at the latest (90 s unless set). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** The port the phone listens on, on 127.0.0.1 (the same on every start). */
        public int localPort() {
            return localPort;
        }

        /** Its {@code +sip.instance} ({@code [misc] uuid}), the same on every start. */
        public String instance() {
            return instance;
        }

        /** Starts linphonec; it registers at once. Close the returned phone (try-with-resources). */
        public Linphonec start() {
            if (registrarPort <= 0) {
                throw new IllegalStateException("no registrar port");
            }
            Path linphonec = Peers.require("linphonec");
            Path workDir = BoundedProcess.newWorkDir("linphonec");
            try {
                Files.createDirectories(workDir.resolve(".local/share/linphone")); // without it the core never starts
                Files.createDirectories(workDir.resolve(".config"));
                Files.createDirectories(workDir.resolve(".cache"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path config = BoundedProcess.write(workDir.resolve(CONFIG_FILE), linphonerc());
            Path alsa = BoundedProcess.copyResource("linphone/asound.conf", workDir);
            String seconds = String.valueOf(Math.max(1, timeout.toSeconds()));
            // linphonec reads its commands from standard input and quits at its end: "sleep" holds a
            // pipe open for it (BoundedProcess gives /dev/null). timeout signals its whole process group.
            List<String> command = new ArrayList<>(List.of(
                    "timeout", "--signal=KILL", seconds,
                    "sh", "-c", "seconds=$1; shift; sleep \"$seconds\" | \"$@\"", "sh", seconds,
                    linphonec.toString(), "-c", config.toString(), "-d", "6", "-l", workDir.resolve(LOG_FILE).toString()));
            if (autoAnswer) {
                command.add("-a");
            }
            Map<String, String> environment = new HashMap<>();
            environment.put("HOME", workDir.toString());
            environment.put("XDG_CONFIG_HOME", workDir.resolve(".config").toString());
            environment.put("XDG_DATA_HOME", workDir.resolve(".local/share").toString());
            environment.put("XDG_CACHE_HOME", workDir.resolve(".cache").toString());
            environment.put("ALSA_CONFIG_PATH", alsa.toString());
            environment.put("PULSE_SERVER", "unix:" + workDir.resolve("no-pulseaudio"));
            environment.put("DISPLAY", "");
            return new Linphonec(this, BoundedProcess.start(command, workDir, environment), config);
        }

        String linphonerc() {
            Map<String, String> fields = Map.of(
                    "USER", user,
                    "PASSWORD", password,
                    "UDP_PORT", transport == PeerTransport.UDP ? String.valueOf(localPort) : "0",
                    "TCP_PORT", transport == PeerTransport.TCP ? String.valueOf(localPort) : "0",
                    "REGISTRAR_PORT", String.valueOf(registrarPort),
                    "TRANSPORT", transport.lowerCase(),
                    "EXPIRES", String.valueOf(expires),
                    "UUID", instance,
                    "CONTACT_URI_PARAMETERS", contactUriParameters);
            String text = resource("linphone/linphonerc");
            for (Map.Entry<String, String> field : fields.entrySet()) {
                text = text.replace("@" + field.getKey() + "@", field.getValue());
            }
            return text;
        }
    }

    /** The configuration this start of the phone was given. */
    public Builder settings() {
        return settings;
    }

    /**
     * Waits until the account is registered (liblinphone's LinphoneRegistrationOk); fails at once
     * if the registration fails or linphonec ends, and after {@code max} otherwise.
     */
    public void awaitRegistered(Duration max) {
        awaitLog(log -> {
            String state = null;
            Matcher m = REGISTRATION.matcher(log);
            while (m.find()) {
                state = m.group(2);
            }
            if ("LinphoneRegistrationFailed".equals(state)) {
                throw new AssertionError("linphonec's registration failed\n" + describe());
            }
            return "LinphoneRegistrationOk".equals(state);
        }, max, "registered");
    }

    /** Waits until linphonec's console output (not its log) contains {@code text}. */
    public void awaitOutput(String text, Duration max) {
        Instant deadline = Instant.now().plus(max);
        while (!process.output().contains(text)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("linphonec " + (process.isAlive() ? "did not print \"" + text + "\" within " + max
                        : "ended without printing \"" + text + "\"") + "\n" + describe());
            }
            pause();
        }
    }

    private void awaitLog(java.util.function.Predicate<String> done, Duration max, String what) {
        Instant deadline = Instant.now().plus(max);
        while (!done.test(log())) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new AssertionError("linphonec " + (process.isAlive() ? "not " + what + " within " + max
                        : "ended before it was " + what) + "\n" + describe());
            }
            pause();
        }
    }

    /** linphonec's console output so far. */
    public String output() {
        return process.output();
    }

    /** liblinphone's log so far (level 6: every SIP message sent and received is in it). */
    public String log() {
        return BoundedProcess.read(process.workDir().resolve(LOG_FILE));
    }

    /**
     * The SIP messages in the log, as belle-sip logs them at level 6: each message sent, and the
     * bytes of each read (on loopback, one read is one message).
     */
    public List<Message> messages() {
        List<Message> messages = new ArrayList<>();
        Matcher m = MESSAGE.matcher(log());
        while (m.find()) {
            boolean sent = m.group(1) != null;
            for (String text : split(m.group(3))) {
                messages.add(new Message(sent ? Message.Direction.SENT : Message.Direction.RECEIVED, sent ? m.group(1) : m.group(2), text));
            }
        }
        return messages;
    }

    /**
     * The messages in the bytes of one read (a stream transport may deliver several, e.g. the 200
     * to a REGISTER and the INVITE sipwake releases right after it), by their Content-Length; LF
     * line ends.
     */
    static List<String> split(String bytes) {
        List<String> messages = new ArrayList<>();
        String rest = bytes.replace("\r\n", "\n").stripLeading();
        while (!rest.isBlank()) {
            int headerEnd = rest.indexOf("\n\n");
            if (headerEnd < 0) {
                messages.add(rest.strip() + "\n");
                break;
            }
            int length = 0;
            for (String line : rest.substring(0, headerEnd).split("\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:") || lower.startsWith("l:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            // the body's CRLFs became LFs: count its length in the original line ends
            int end = headerEnd + 2;
            for (int counted = 0; end < rest.length() && counted < length; end++) {
                counted += rest.charAt(end) == '\n' ? 2 : 1;
            }
            messages.add(rest.substring(0, end));
            rest = rest.substring(end).stripLeading();
        }
        return messages;
    }

    /** The SIP messages received so far that {@code which} accepts. */
    public List<Message> received(java.util.function.Predicate<Message> which) {
        return messages().stream().filter(msg -> msg.direction() == Message.Direction.RECEIVED).filter(which).toList();
    }

    /** The SIP messages sent so far that {@code which} accepts. */
    public List<Message> sent(java.util.function.Predicate<Message> which) {
        return messages().stream().filter(msg -> msg.direction() == Message.Direction.SENT).filter(which).toList();
    }

    /** One SIP message in linphonec's log. {@code text} has LF line ends. */
    public record Message(Direction direction, String peer, String text) {
        public enum Direction { SENT, RECEIVED }

        public String startLine() {
            int end = text.indexOf('\n');
            return end < 0 ? text : text.substring(0, end);
        }

        /** Every value of a header (long name, case-insensitive), in order. */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : text.split("\n", -1)) {
                if (line.isEmpty()) break;
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) values.add(line.substring(prefix.length()).trim());
            }
            return values;
        }

        public Optional<String> header(String name) {
            return headers(name).stream().findFirst();
        }

        public boolean isResponse(int status, String method) {
            return startLine().startsWith("SIP/2.0 " + status + " ")
                    && header("CSeq").map(c -> c.toUpperCase(Locale.ROOT).endsWith(" " + method)).orElse(false);
        }

        public boolean isRequest(String method) {
            return startLine().startsWith(method + " ");
        }
    }

    // belle-sip at level 6, followed by the message and then the next log line, which starts with a timestamp:
    //   "channel [0x...]: message sent to [TCP://127.0.0.1:5060], size: [662] bytes"
    //   "channel [0x...]: received [632] new bytes from [TCP://127.0.0.1:5060]:"
    private static final Pattern MESSAGE = Pattern.compile(
            "channel \\[[^\\]]*\\]: (?:message sent to \\[([^\\]]*)\\], size: \\[\\d+\\] bytes|received \\[\\d+\\] new bytes from \\[([^\\]]*)\\]:)\\R"
                    + "(.*?)(?=\\R\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}:\\d{3} |\\z)",
            Pattern.DOTALL);

    /**
     * The local addresses of linphonec's IPv4 and IPv6 sockets right now, e.g.
     * {@code "tcp 127.0.0.1:3701"} (Linux: /proc/PID/fd and /proc/net/{tcp,udp}{,6}).
     */
    public List<String> inetSockets() {
        ProcessHandle linphonec = linphonecProcess().orElseThrow(() -> new AssertionError("linphonec is not running\n" + describe()));
        Set<String> inodes;
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(linphonec.pid()), "fd"))) {
            inodes = fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "";
                }
            }).filter(link -> link.startsWith("socket:[")).map(link -> link.substring(8, link.length() - 1)).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> sockets = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            Path file = Path.of("/proc", String.valueOf(linphonec.pid()), "net", table);
            for (String line : BoundedProcess.read(file).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && inodes.contains(f[9])) {
                    sockets.add(table + " " + address(f[1]));
                }
            }
        }
        return sockets;
    }

    /** "0100007F:0E75" → "127.0.0.1:3701"; IPv6 as 8 hex groups in brackets. */
    static String address(String procNet) {
        String[] hostPort = procNet.split(":");
        String hex = hostPort[0];
        int port = Integer.parseInt(hostPort[1], 16);
        StringBuilder host = new StringBuilder();
        if (hex.length() == 8) {
            for (int i = 3; i >= 0; i--) {
                host.append(Integer.parseInt(hex.substring(i * 2, i * 2 + 2), 16)).append(i > 0 ? "." : "");
            }
            return host + ":" + port;
        }
        byte[] bytes = new byte[16];
        for (int word = 0; word < 4; word++) { // four 32-bit words, each in host (little-endian) order
            for (int b = 0; b < 4; b++) {
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - b) * 2, word * 8 + (3 - b) * 2 + 2), 16);
            }
        }
        for (int i = 0; i < 16; i += 2) {
            host.append(String.format("%x", ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(i < 14 ? ":" : "");
        }
        return "[" + host + "]:" + port;
    }

    /**
     * Puts the phone to sleep as a mobile OS does: linphonec is killed (SIGKILL) at once, so it
     * sends nothing more (no un-REGISTER); the kernel closes its TCP connection.
     */
    public void sleep() {
        linphonecProcess().ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        });
    }

    public boolean isAlive() {
        return linphonecProcess().isPresent();
    }

    private Optional<ProcessHandle> linphonecProcess() {
        String configArgument = config.toString();
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/linphonec")).orElse(false))
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(configArgument)).orElse(false))
                .findFirst();
    }

    /** The command, console output and the end of the log, for failure messages. */
    public String describe() {
        String log = log();
        String tail = log.length() > 20_000 ? "...\n" + log.substring(log.length() - 20_000) : log;
        return "command: " + String.join(" ", process.command()) + "\nconsole:\n" + process.output() + "\nlog (" + LOG_FILE + "):\n" + tail;
    }

    /** Kills linphonec (SIGKILL: it does not unregister) and removes its directory. */
    @Override
    public void close() {
        sleep();
        process.close();
    }

    private static String resource(String name) {
        try (InputStream in = Linphonec.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no " + name + " on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
