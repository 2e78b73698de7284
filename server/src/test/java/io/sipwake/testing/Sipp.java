package io.sipwake.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs SIPp ({@code sipp}, Debian package sip-tester) on loopback: one scenario, a bounded time.
 *
 * <pre>{@code
 * try (SippProcess callee = Sipp.scenario("sipp/callee.xml").remote("127.0.0.1", port)
 *         .transport(PeerTransport.TCP).service("bob").auth("bob", "secret").callId(callId).start()) {
 *     callee.awaitReceived(SippMessage.response(200, "REGISTER"), Duration.ofSeconds(10));
 *     SippResult call = Sipp.scenario("sipp/caller.xml").remote("127.0.0.1", port)
 *             .service("bob").callId(callId).run();
 *     assertThat(call).matches(SippResult::succeeded, "the call succeeded");
 *     assertThat(callee.awaitResult()).matches(SippResult::succeeded, "the callee answered");
 * }
 * }</pre>
 *
 * <p>Always added: {@code -i 127.0.0.1 -bind_local -ci 127.0.0.1} (loopback only, media and
 * control sockets included), {@code -p} (a {@link FreePorts} port unless given), {@code -m 1}
 * unless given, {@code -timeout N -timeout_error} (30 s unless given), {@code -nostdin}, and the
 * message, error and screen logs the result is read from. SIPp runs in a temporary directory of its own.
 */
public final class Sipp {

    static final String MESSAGE_FILE = "messages.log";
    static final String ERROR_FILE = "errors.log";
    static final String SCREEN_FILE = "screens.log";
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String scenarioResource;
    private final String builtinScenario;
    private String remoteHost;
    private int remotePort;
    private int localPort;
    private PeerTransport transport = PeerTransport.UDP;
    private int calls = 1;
    private Double rate;
    private Integer limit;
    private String service;
    private String authUser;
    private String authPassword;
    private String callId;
    private boolean noRetransmissions;
    private Duration timeout = DEFAULT_TIMEOUT;
    private final List<String> injectionRows = new ArrayList<>();
    private final Map<String, String> keys = new LinkedHashMap<>();
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final List<String> extraArguments = new ArrayList<>();

    private Sipp(String scenarioResource, String builtinScenario) {
        this.scenarioResource = scenarioResource;
        this.builtinScenario = builtinScenario;
    }

    /** A scenario from the test classpath, e.g. {@code "sipp/caller.xml"} ({@code -sf}). */
    public static Sipp scenario(String classpathResource) {
        return new Sipp(Objects.requireNonNull(classpathResource), null);
    }

    /** A scenario built into SIPp, e.g. {@code "uac"} or {@code "uas"} ({@code -sn}). */
    public static Sipp builtin(String name) {
        return new Sipp(null, Objects.requireNonNull(name));
    }

    /** Where SIPp sends its requests: the proxy or registrar under test. */
    public Sipp remote(String host, int port) {
        this.remoteHost = host;
        this.remotePort = port;
        return this;
    }

    /** The port SIPp listens and sends on ({@code -p}); a free port if not set. */
    public Sipp localPort(int port) {
        this.localPort = port;
        return this;
    }

    /** UDP ({@code -t u1}) or TCP ({@code -t t1}: one connection, which incoming requests reuse too). */
    public Sipp transport(PeerTransport transport) {
        if (transport == PeerTransport.TLS) {
            throw new IllegalArgumentException("Debian's SIPp 3.6.1 has no TLS; use Sipsak for TLS");
        }
        this.transport = transport;
        return this;
    }

    /** The user part of the scenarios' Request-URI and AOR, {@code [service]} ({@code -s}). */
    public Sipp service(String service) {
        this.service = service;
        return this;
    }

    /** Credentials for {@code [authentication]} after a 401/407 ({@code -au}, {@code -ap}). */
    public Sipp auth(String user, String password) {
        this.authUser = user;
        this.authPassword = password;
        return this;
    }

    /** Calls to make before SIPp exits ({@code -m}); 1 unless set. */
    public Sipp calls(int calls) {
        this.calls = calls;
        return this;
    }

    /** New calls per second ({@code -r}). */
    public Sipp rate(double callsPerSecond) {
        this.rate = callsPerSecond;
        return this;
    }

    /** Simultaneous calls at most ({@code -l}). */
    public Sipp limit(int simultaneousCalls) {
        this.limit = simultaneousCalls;
        return this;
    }

    /**
     * The Call-ID of (the first) call ({@code -cid_str}, taken literally). SIPp matches messages to
     * calls by Call-ID only, so a phone scenario (callee*.xml) receives its INVITE in the call of
     * its REGISTER: give the caller and the callee the same Call-ID.
     */
    public Sipp callId(String callId) {
        this.callId = callId;
        return this;
    }

    /** Adds a line to the injection file ({@code -inf}, SEQUENTIAL): fields separated by ';', {@code [field0]}... */
    public Sipp injection(String row) {
        injectionRows.add(row);
        return this;
    }

    /** A scenario keyword {@code [name]} ({@code -key name value}). */
    public Sipp key(String name, String value) {
        keys.put(name, value);
        return this;
    }

    /** A global variable {@code [$name]} ({@code -set name value}), e.g. {@code set("unregister", "yes")}. */
    public Sipp set(String name, String value) {
        variables.put(name, value);
        return this;
    }

    /**
     * No UDP retransmissions, and no retransmission detection ({@code -nr}): each duplicate the
     * scenario expects must be received explicitly (caller-retrans.xml, callee-retrans.xml).
     */
    public Sipp noRetransmissions() {
        this.noRetransmissions = true;
        return this;
    }

    /** SIPp quits, failing, after this long ({@code -timeout -timeout_error}); 30 s unless set. */
    public Sipp timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("SIPp must have a positive timeout: " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /** More SIPp arguments, added as given (e.g. {@code "-auth_uri", "bob@127.0.0.1:5060"}). */
    public Sipp arguments(String... arguments) {
        extraArguments.addAll(List.of(arguments));
        return this;
    }

    /** Starts SIPp; close the returned process (try-with-resources). */
    public SippProcess start() {
        Path sipp = Peers.require("sipp");
        int port = localPort > 0 ? localPort : FreePorts.udpAndTcp();
        Path workDir = BoundedProcess.newWorkDir("sipp");
        List<String> command = command(sipp, workDir, port);
        return new SippProcess(BoundedProcess.start(command, workDir, Map.of()), port, timeout);
    }

    /** Runs SIPp to its end (its timeout at the latest) and returns how it ended. */
    public SippResult run() {
        try (SippProcess process = start()) {
            return process.awaitResult();
        }
    }

    private List<String> command(Path sipp, Path workDir, int port) {
        List<String> command = new ArrayList<>(List.of(sipp.toString()));
        if (remoteHost != null) {
            command.add(remoteHost + ":" + remotePort);
        }
        if (scenarioResource != null) {
            command.addAll(List.of("-sf", BoundedProcess.copyResource(scenarioResource, workDir).toString()));
        } else {
            command.addAll(List.of("-sn", builtinScenario));
        }
        command.addAll(List.of(
                "-i", LOOPBACK, "-bind_local", "-ci", LOOPBACK,
                "-p", String.valueOf(port),
                "-t", transport == PeerTransport.TCP ? "t1" : "u1",
                "-m", String.valueOf(calls),
                "-timeout", (timeout.toMillis() + 999) / 1000 + "s", "-timeout_error",
                "-nostdin",
                "-trace_msg", "-message_file", workDir.resolve(MESSAGE_FILE).toString(),
                "-trace_err", "-error_file", workDir.resolve(ERROR_FILE).toString(),
                "-trace_screen", "-screen_file", workDir.resolve(SCREEN_FILE).toString()));
        if (rate != null) {
            command.addAll(List.of("-r", String.valueOf(rate)));
        }
        if (limit != null) {
            command.addAll(List.of("-l", String.valueOf(limit)));
        }
        if (service != null) {
            command.addAll(List.of("-s", service));
        }
        if (authUser != null) {
            command.addAll(List.of("-au", authUser, "-ap", authPassword));
        }
        if (callId != null) {
            command.addAll(List.of("-cid_str", callId.replace("%", "%%")));
        }
        if (!injectionRows.isEmpty()) {
            command.addAll(List.of("-inf", BoundedProcess.write(workDir.resolve("injection.csv"),
                    "SEQUENTIAL\n" + String.join("\n", injectionRows) + "\n").toString()));
        }
        keys.forEach((name, value) -> command.addAll(List.of("-key", name, value)));
        variables.forEach((name, value) -> command.addAll(List.of("-set", name, value)));
        if (noRetransmissions) {
            command.add("-nr");
        }
        command.addAll(extraArguments);
        return command;
    }
}
