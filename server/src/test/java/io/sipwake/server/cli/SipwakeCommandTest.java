package io.sipwake.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sipwake.testing.FreePorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The {@code sipwake} command line as a user meets it: exit codes, what goes to stdout and what to stderr. */
class SipwakeCommandTest {
    @TempDir
    Path dir;

    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    private record Result(int exitCode, String out, String err) {}

    private static CommandLine command(StringWriter out, StringWriter err) {
        CommandLine cmd = new CommandLine(new SipwakeCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        return cmd;
    }

    private static Result sipwake(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = command(out, err).execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    @ParameterizedTest(name = "sipwake {0} lists {1}")
    @CsvSource(delimiter = '|', value = {
            "--help              | run, check-config, version, --help, --version, Exit codes:, 3   invalid configuration",
            "-h                  | run, check-config, version",
            "run --help          | -c, --config=FILE, --help, SIGTERM",
            "check-config --help | -c, --config=FILE, --help, exit 0 when valid, 3 when not",
            "version --help      | --help, --version"})
    void helpOfEveryCommandExitsZeroAndListsItsSubcommandsAndOptions(String args, String expected) {
        Result r = sipwake(args.split(" "));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: sipwake").contains(expected.split(", "));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void versionPrintsVersionAndBuild() {
        Result r = sipwake("version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).matches("sipwake \\S+ \\(build \\S+\\)\\R");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void theVersionOptionPrintsWhatTheVersionCommandPrints() {
        assertThat(sipwake("--version")).isEqualTo(sipwake("version"));
    }

    @Test
    void checkConfigOfAValidFileExitsZeroAndSaysSo() throws IOException {
        Path good = write("good.yaml", "registrar:\n  users:\n    - {username: alice, password: secret}\n");
        Result r = sipwake("check-config", "-c", good.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(good + ": configuration is valid" + System.lineSeparator());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void checkConfigWithoutAFileChecksTheBuiltInDefaults() {
        Result r = sipwake("check-config");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("built-in defaults: configuration is valid");
    }

    @Test
    void checkConfigOfTheExampleFileExitsZero() {
        Result r = sipwake("check-config", "--config", Path.of("..", "config", "sipwake.example.yaml").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void checkConfigOfAnInvalidFileExitsThreeAndNamesTheKeyOnStderr() throws IOException {
        Path bad = write("bad.yaml", "sip:\n  listen:\n    - {transport: udp, port: 5060}\n    - {transport: tcp, port: 70000}\n");
        Result r = sipwake("check-config", "-c", bad.toString());
        assertThat(r.exitCode()).isEqualTo(SipwakeCommand.EXIT_BAD_CONFIG).isEqualTo(3);
        assertThat(r.err()).isEqualTo("sipwake: invalid configuration: " + bad + ": sip.listen[1].port: must be 0..65535 (got 70000)"
                + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void checkConfigOfAMissingFileExitsThree() {
        Path missing = dir.resolve("missing.yaml");
        Result r = sipwake("check-config", "-c", missing.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains(missing + " does not exist");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithExitTwo() {
        Result r = sipwake("check-config", "--bogus");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--bogus'").contains("Usage: sipwake check-config");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anUnknownCommandIsAUsageErrorWithExitTwo() {
        Result r = sipwake("frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'frobnicate'");
    }

    @Test
    void aConfigOptionWithoutFileIsAUsageErrorWithExitTwo() {
        Result r = sipwake("run", "-c");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter for option '--config'");
    }

    @Test
    @Timeout(30)
    void runWithAnInvalidConfigExitsThreeWithoutStarting() throws IOException {
        int port = FreePorts.udpAndTcp();
        Path data = dir.resolve("data");
        Path bad = write("bad.yaml", "sip:\n  address: 127.0.0.1\n  listen: [{transport: udp, port: " + port + "}]\n"
                + "registrar:\n  min-expires: \"abc\"\nstore:\n  data-dir: " + data + "\n");
        Result r = sipwake("run", "-c", bad.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("registrar.min-expires: expected a whole number, got 'abc'");
        assertThat(data).doesNotExist(); // the store was never opened
        assertThat(udpPortIsFree(port)).isTrue();
    }

    @Test
    @Timeout(60)
    void runAnswersOptionsOverUdpWith200UntilStopped() throws Exception {
        int port = FreePorts.udpAndTcp();
        Path config = write("sipwake.yaml", "sip:\n  address: 127.0.0.1\n  resolve-names: false\n"
                + "  listen: [{transport: udp, port: " + port + "}]\nstore: {type: memory}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = command(out, err);
        SipwakeCommand.Run run = cmd.getSubcommands().get("run").getCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cmd.execute("run", "-c", config.toString()), background);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> exit.isDone() || options(port) == 200);
            assertThat(exit).as("run ended early: %s", err).isNotDone();
        } finally {
            run.stop();
        }
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(udpPortIsFree(port)).as("the UDP socket is closed after stopping").isTrue();
    }

    @Test
    @Timeout(30)
    void runOnAPortInUseExitsOneAndSaysItCouldNotStart() throws Exception {
        int port = FreePorts.udpAndTcp();
        Path config = write("sipwake.yaml", "sip:\n  address: 127.0.0.1\n  listen: [{transport: udp, port: " + port + "}]\n"
                + "store: {type: memory}\n");
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            assertThat(taken.isBound()).isTrue();
            Result r = sipwake("run", "-c", config.toString());
            assertThat(r.exitCode()).isEqualTo(SipwakeCommand.EXIT_FAILURE).isEqualTo(1);
            assertThat(r.err()).startsWith("sipwake: could not start: ");
        }
    }

    /** Sends one OPTIONS to sipwake over UDP and returns the response's status code, or -1 without an answer. */
    private static int options(int port) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            socket.setSoTimeout(500);
            String request = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + UUID.randomUUID() + ";rport\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:cli-test@127.0.0.1>;tag=" + UUID.randomUUID() + "\r\n"
                    + "To: <sip:127.0.0.1:" + port + ">\r\n"
                    + "Call-ID: " + UUID.randomUUID() + "\r\n"
                    + "CSeq: 1 OPTIONS\r\n"
                    + "Content-Length: 0\r\n\r\n";
            byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(bytes, bytes.length, loopback, port));
            byte[] buffer = new byte[65_535];
            DatagramPacket response = new DatagramPacket(buffer, buffer.length);
            socket.receive(response);
            String statusLine = new String(buffer, 0, response.getLength(), StandardCharsets.US_ASCII).lines().findFirst().orElse("");
            return statusLine.startsWith("SIP/2.0 ") ? Integer.parseInt(statusLine.substring(8, 11)) : -1;
        } catch (SocketTimeoutException noAnswer) {
            return -1;
        }
    }

    private static boolean udpPortIsFree(int port) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return socket.isBound();
        } catch (IOException inUse) {
            return false;
        }
    }
}
